/** Element types the engine exchanges with its models. */
export type TensorType = 'float32' | 'int64' | 'int32' | 'uint8';

/** A dense tensor: row-major `data` of `dims`. */
export interface TensorValue {
  readonly type: TensorType;
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  readonly dims: readonly number[];
}

/** A declared model input or output: name, element type, shape (numbers fixed, strings symbolic). */
export interface ValueSignature {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

/** Execution providers the engine asks for, in order of preference. */
export type ExecutionProvider = 'cuda' | 'cpu';

export interface SessionOptions {
  /** Tried in order; the first that loads is used (default `['cuda', 'cpu']`). */
  readonly executionProviders?: readonly ExecutionProvider[];
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  /** Receives one line per session saying which provider it got, and fallbacks. */
  readonly log?: (line: string) => void;
}

/** One loaded model. `runMs` accumulates the wall time spent inside `run`. */
export interface ModelSession {
  /** The bundle file it was loaded from. */
  readonly file: string;
  /** The provider it runs on. */
  readonly executionProvider: ExecutionProvider;
  readonly inputs: readonly ValueSignature[];
  readonly outputs: readonly ValueSignature[];
  readonly runMs: number;
  run(feeds: Readonly<Record<string, TensorValue>>): Promise<Record<string, TensorValue>>;
  release(): Promise<void>;
}

/** Creates model sessions (ONNX Runtime today; anything that runs ONNX bytes tomorrow). */
export interface InferenceBackend {
  readonly name: string;
  createSession(file: string, model: Uint8Array, options: SessionOptions): Promise<ModelSession>;
}
