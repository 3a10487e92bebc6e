export { arbAction } from './arbitraries.ts';
export { describeLiberoEnvContract } from './libero-env-contract.ts';
export type { LiberoEnvContractOptions } from './libero-env-contract.ts';
