/**
 * The one environment interface of RSD. Two backends implement it: the embedded
 * MuJoCo-WebAssembly suite (`embedded_spatial`) and a client of the Python server that wraps
 * real LIBERO. Evaluation and demonstration code only ever sees this interface.
 *
 * Image convention: every image is upright, row 0 is the top of the picture as a person would
 * see it. LIBERO's raw renders are upside down (clients rotate them 180°); the Python server
 * rotates them before sending, so both backends deliver the same orientation.
 */

/** An RGB image: uint8 [height, width, 3], row-major, row 0 = top. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A depth image: float32 [height, width] in metres along the camera's optical axis; row 0 = top. */
export interface DepthImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** One observation. Field names follow LIBERO's observation keys in camelCase. */
export interface Observation {
  /** `agentview_rgb`: the third-person camera. */
  readonly agentviewRgb: RgbImage;
  /** `eye_in_hand_rgb`: the wrist camera, when the backend renders it. */
  readonly eyeInHandRgb?: RgbImage;
  /** Depth of the agent-view camera, when requested. */
  readonly agentviewDepth?: DepthImage;
  /** `ee_pos`: float64 [3], end-effector position in metres, LIBERO's world frame (table top ≈ 0.9 m up). */
  readonly eePos: Float64Array;
  /**
   * `ee_quat`: float64 [4], end-effector orientation as (x, y, z, w), robosuite's order, in
   * robosuite's hand frame: about (1, 0, 0, 0) with the hand at rest, pointing down (180° about x).
   */
  readonly eeQuat: Float64Array;
  /**
   * `gripper_qpos`: float64 [2], finger joint positions in metres, LIBERO's scale and signs:
   * left ≥ 0, right ≤ 0; about (+0.039, −0.039) open and (+0.0012, −0.0012) closed on nothing.
   */
  readonly gripperQpos: Float64Array;
  /**
   * float32 [F]: features computed next to the simulator by the Python server's `--features`
   * module (a VLA's hidden state), present only when the environment was created with
   * `features: true` (protocol 1.1).
   */
  readonly features?: Float32Array;
  /** Milliseconds the server spent computing `features` for this observation. */
  readonly featuresMs?: number;
}

/** A task of a suite. */
export interface TaskInfo {
  /** Index of the task in its suite, 0-based. */
  readonly id: number;
  /** Short name (LIBERO's problem name / bddl stem). */
  readonly name: string;
  /** The language instruction given to the policy. */
  readonly instruction: string;
  /** How many fixed initial states the task ships (LIBERO: 50). */
  readonly numInitStates: number;
}

/** A suite of tasks. */
export interface SuiteInfo {
  readonly name: string;
  readonly tasks: readonly TaskInfo[];
  /** Step limit of an evaluation episode (LIBERO-Spatial: 220). */
  readonly maxSteps: number;
  /** Control frequency in Hz (LIBERO: 20). */
  readonly controlHz: number;
}

export interface ResetOptions {
  readonly suite: string;
  readonly taskId: number;
  /** Index of the fixed initial state, in [0, numInitStates). */
  readonly initState: number;
  /** Seed of every random choice the environment makes in this episode. */
  readonly seed: number;
}

export interface StepResult {
  readonly observation: Observation;
  readonly reward: number;
  /** The episode is over (success, or the environment's own termination). */
  readonly done: boolean;
  /** The environment's own success signal: never inferred by the client. */
  readonly success: boolean;
}

/** The action: float [7] = [dx, dy, dz, droll, dpitch, dyaw, gripper], gripper −1 open, +1 closed. */
export type Action = ArrayLike<number>;

/** Hints for one step. */
export interface StepOptions {
  /**
   * `false`: the caller will not give this step's observation to a policy, so an environment that
   * computes features with each observation (the Python server's `--features` module) may skip
   * them; the observation then carries none. Default true.
   */
  readonly features?: boolean;
}

export interface LiberoEnv {
  /** `embedded` or `python` (the Python server, over stdio or TCP). */
  readonly backend: string;
  /** What the backend reports about itself, e.g. the Python server's `libero` version. */
  readonly serverInfo?: Readonly<Record<string, string>>;
  listSuites(): Promise<readonly SuiteInfo[]>;
  reset(options: ResetOptions): Promise<Observation>;
  step(action: Action, options?: StepOptions): Promise<StepResult>;
  /** Frees every resource (WebAssembly memory, child process, socket). Idempotent. */
  close(): Promise<void>;
}
