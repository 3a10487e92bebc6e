import type { SuiteInfo, TaskInfo } from '../libero-env.ts';

/** Name of the embedded suite. */
export const EMBEDDED_SPATIAL_NAME = 'embedded_spatial';

/** Fixed initial states shipped per task, as LIBERO ships 50. */
export const NUM_INIT_STATES = 50;

/** The LIBERO-Spatial instructions, in LIBERO's task order. */
const INSTRUCTIONS = [
  'pick up the black bowl between the plate and the ramekin and place it on the plate',
  'pick up the black bowl next to the ramekin and place it on the plate',
  'pick up the black bowl from table center and place it on the plate',
  'pick up the black bowl on the cookie box and place it on the plate',
  'pick up the black bowl in the top drawer of the wooden cabinet and place it on the plate',
  'pick up the black bowl on the ramekin and place it on the plate',
  'pick up the black bowl next to the cookie box and place it on the plate',
  'pick up the black bowl on the stove and place it on the plate',
  'pick up the black bowl next to the plate and place it on the plate',
  'pick up the black bowl on the wooden cabinet and place it on the plate',
] as const;

/** The ten tasks of `embedded_spatial`; `name` is LIBERO's problem name (instruction with underscores). */
export const EMBEDDED_SPATIAL_TASKS: readonly TaskInfo[] = INSTRUCTIONS.map((instruction, id) => ({
  id,
  name: instruction.replaceAll(' ', '_'),
  instruction,
  numInitStates: NUM_INIT_STATES,
}));

/** The suite: 220 steps per evaluation episode at 20 Hz, as LIBERO-Spatial. */
export const EMBEDDED_SPATIAL: SuiteInfo = {
  name: EMBEDDED_SPATIAL_NAME,
  tasks: EMBEDDED_SPATIAL_TASKS,
  maxSteps: 220,
  controlHz: 20,
};
