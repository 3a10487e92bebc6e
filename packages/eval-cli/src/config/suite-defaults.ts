/** What the eval command knows of a suite before any environment starts. */
export interface SuiteDefaults {
  /** Step limit of an evaluation episode, excluding the no-op wait steps. */
  readonly maxSteps: number;
  /** Number of tasks (ids 0..tasks-1). */
  readonly tasks: number;
  /** Fixed initial states per task (LIBERO ships 50). */
  readonly initStates: number;
}

/**
 * LIBERO's step limits as used by OpenVLA(-OFT) evaluations, and the embedded spatial suite's.
 * Suites outside this table are refused before any work starts.
 */
export const SUITE_DEFAULTS: Readonly<Record<string, SuiteDefaults>> = {
  embedded_spatial: { maxSteps: 220, tasks: 10, initStates: 50 },
  libero_spatial: { maxSteps: 220, tasks: 10, initStates: 50 },
  libero_object: { maxSteps: 280, tasks: 10, initStates: 50 },
  libero_goal: { maxSteps: 300, tasks: 10, initStates: 50 },
  libero_10: { maxSteps: 520, tasks: 10, initStates: 50 },
  libero_90: { maxSteps: 400, tasks: 90, initStates: 50 },
};

/** Suites the eval command knows. */
export const KNOWN_SUITES: readonly string[] = Object.keys(SUITE_DEFAULTS);
