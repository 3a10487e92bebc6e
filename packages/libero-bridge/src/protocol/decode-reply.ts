import { BridgeError, type BridgeErrorCode } from '../errors/bridge-error.ts';
import type { Observation, RgbImage, StepResult, SuiteInfo, TaskInfo } from '../libero-env.ts';
import type { Frame } from './frame.ts';

function bad(message: string, subject: string): BridgeError {
  return new BridgeError('PROTOCOL_ERROR', `malformed reply: ${message}`, { subject });
}

function field(obj: Readonly<Record<string, unknown>>, key: string, subject: string): unknown {
  if (!Object.hasOwn(obj, key)) throw bad(`missing "${key}"`, `${subject}.${key}`);
  return obj[key];
}

function str(obj: Readonly<Record<string, unknown>>, key: string, subject: string): string {
  const v = field(obj, key, subject);
  if (typeof v !== 'string') throw bad(`"${key}" is not a string`, `${subject}.${key}`);
  return v;
}

function int(obj: Readonly<Record<string, unknown>>, key: string, subject: string, min: number): number {
  const v = field(obj, key, subject);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw bad(`"${key}" is not an integer >= ${min}`, `${subject}.${key}`);
  }
  return v;
}

function obj(v: unknown, subject: string): Readonly<Record<string, unknown>> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('not an object', subject);
  return v as Record<string, unknown>;
}

function vector(o: Readonly<Record<string, unknown>>, key: string, length: number, subject: string): Float64Array {
  const v = field(o, key, subject);
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw bad(`"${key}" is not ${length} finite numbers`, `${subject}.${key}`);
  }
  return Float64Array.from(v as number[]);
}

function image(frame: Frame, name: string): RgbImage | undefined {
  const blob = frame.blobs.get(name);
  if (blob === undefined) return undefined;
  const [height, width, channels] = blob.shape;
  if (blob.dtype !== 'uint8' || blob.shape.length !== 3 || channels !== 3 || !height || !width) {
    throw bad(`blob "${name}" is not a non-empty uint8 [H, W, 3] image`, `blobs.${name}`);
  }
  return { height, width, data: blob.data };
}

/** The `suites` reply → SuiteInfo[]. */
export function decodeSuites(frame: Frame): SuiteInfo[] {
  const list = field(frame.header, 'suites', 'reply');
  if (!Array.isArray(list)) throw bad('"suites" is not a list', 'reply.suites');
  return list.map((raw: unknown, i) => {
    const subject = `reply.suites[${i}]`;
    const s = obj(raw, subject);
    const tasksRaw = field(s, 'tasks', subject);
    if (!Array.isArray(tasksRaw)) throw bad('"tasks" is not a list', `${subject}.tasks`);
    const tasks: TaskInfo[] = tasksRaw.map((t: unknown, j) => {
      const ts = `${subject}.tasks[${j}]`;
      const o = obj(t, ts);
      return {
        id: int(o, 'id', ts, 0),
        name: str(o, 'name', ts),
        instruction: str(o, 'instruction', ts),
        numInitStates: int(o, 'num_init_states', ts, 0),
      };
    });
    const controlHz = field(s, 'control_hz', subject);
    if (typeof controlHz !== 'number' || !(controlHz > 0))
      throw bad('"control_hz" is not positive', `${subject}.control_hz`);
    return { name: str(s, 'name', subject), tasks, maxSteps: int(s, 'max_steps', subject, 1), controlHz };
  });
}

/** The `observation` reply (or the observation part of `step_result`) → Observation. */
export function decodeObservation(frame: Frame): Observation {
  const o = obj(field(frame.header, 'obs', 'reply'), 'reply.obs');
  const agentviewRgb = image(frame, 'agentview_rgb');
  if (agentviewRgb === undefined) throw bad('blob "agentview_rgb" is missing', 'blobs.agentview_rgb');
  const eyeInHandRgb = image(frame, 'eye_in_hand_rgb');
  const features = featuresOf(frame);
  return {
    agentviewRgb,
    ...(eyeInHandRgb === undefined ? {} : { eyeInHandRgb }),
    ...features,
    eePos: vector(o, 'ee_pos', 3, 'reply.obs'),
    eeQuat: vector(o, 'ee_quat', 4, 'reply.obs'),
    gripperQpos: vector(o, 'gripper_qpos', 2, 'reply.obs'),
  };
}

/** Protocol 1.1: the blob `features` float32 [F] and `features_ms`, when the frame has them. */
function featuresOf(frame: Frame): { features?: Float32Array; featuresMs?: number } {
  const blob = frame.blobs.get('features');
  if (blob === undefined) return {};
  if (blob.dtype !== 'float32' || blob.shape.length !== 1 || !blob.shape[0]) throw bad('blob "features" is not a non-empty float32 [F] vector', 'blobs.features');
  const ms = frame.header.features_ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw bad('"features_ms" is not a finite number >= 0', 'reply.features_ms');
  return { features: float32Of(blob.data), featuresMs: ms };
}

/** Little-endian float32 bytes → Float32Array (an aligned own copy). */
export function float32Of(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The `step_result` reply → StepResult. */
export function decodeStepResult(frame: Frame): StepResult {
  const { reward, done, success } = frame.header;
  if (typeof reward !== 'number' || !Number.isFinite(reward))
    throw bad('"reward" is not a finite number', 'reply.reward');
  if (typeof done !== 'boolean') throw bad('"done" is not a boolean', 'reply.done');
  if (typeof success !== 'boolean') throw bad('"success" is not a boolean', 'reply.success');
  return { observation: decodeObservation(frame), reward, done, success };
}

/** Codes the server may put in an error reply; anything else becomes SERVER_ERROR. */
const SERVER_CODES: ReadonlySet<string> = new Set<BridgeErrorCode>([
  'INVALID_ACTION',
  'UNKNOWN_SUITE',
  'UNKNOWN_TASK',
  'UNKNOWN_INIT_STATE',
  'EPISODE_NOT_STARTED',
  'PROTOCOL_ERROR',
  'PROTOCOL_VERSION_MISMATCH',
  'AUTH_FAILED',
  'LIBERO_UNAVAILABLE',
  'FEATURES_UNAVAILABLE',
  'FEATURES_FAILED',
  'SIMULATION_FAILED',
]);

/**
 * An `error` reply → the BridgeError to throw. The server's own exception type and text are kept
 * verbatim in the message; `context` (e.g. the request and episode) is prefixed.
 */
export function errorFromReply(frame: Frame, context: string): BridgeError {
  const body = obj(field(frame.header, 'error', 'reply'), 'reply.error');
  const type = typeof body.type === 'string' ? body.type : 'Error';
  const message = typeof body.message === 'string' ? body.message : JSON.stringify(body.message);
  const code =
    typeof body.code === 'string' && SERVER_CODES.has(body.code) ? (body.code as BridgeErrorCode) : 'SERVER_ERROR';
  return new BridgeError(code, `${context}: python server replied ${type}: ${message}`, { subject: context });
}
