import { describeLiberoEnvContract } from '../testing/libero-env-contract.ts';
import { createEmbeddedEnv } from './embedded-env.ts';

describeLiberoEnvContract('embedded', () => createEmbeddedEnv({ imageSize: 32 }), {
  suite: 'embedded_spatial',
  taskId: 4,
  initState: 3,
  seed: 5,
  steps: 8,
  image: { width: 32, height: 32 },
});
