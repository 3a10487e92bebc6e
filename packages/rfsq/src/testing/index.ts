export { arbTokenShape, arbTokens } from './arbitraries.ts';
export { randomRfsqParams } from './random-rfsq-params.ts';
export { generateReachGraspEpisodes } from './reach-grasp-trajectories.ts';
export type { GeneratedEpisode } from './reach-grasp-trajectories.ts';
