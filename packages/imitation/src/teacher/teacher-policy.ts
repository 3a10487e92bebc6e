import { hashInstruction } from '@rsd/heads';
import { OrtBackend, type ModelSession } from '@rsd/rsd-engine';
import { continuousChunk, EvalError, type Policy, type PolicyChunk, type PolicyRequest } from '@rsd/eval-cli';

/**
 * The teacher as an eval-cli policy (ONNX Runtime, CPU, one thread): agent view + instruction +
 * proprioception (ee_pos ‖ gripper_qpos) → `backbone.onnx` → `continuous.onnx` → chunk [C, A].
 * Used to choose the teacher's checkpoint closed loop before any bundle exists; it decodes no
 * tokens (`tokens` is empty, the call statistics are zeros).
 */
export class TeacherPolicy implements Policy {
  readonly #ids = new Map<string, BigInt64Array>();
  #closed = false;

  private constructor(
    private readonly backbone: ModelSession,
    private readonly head: ModelSession,
    private readonly spec: { imageSize: number; vocabSize: number; maxTokens: number; chunk: number; actionDim: number },
  ) {}

  static async load(
    files: { backbone: Uint8Array; continuous: Uint8Array },
    spec: { imageSize: number; vocabSize: number; maxTokens: number; chunk: number; actionDim: number },
  ): Promise<TeacherPolicy> {
    const ort = new OrtBackend();
    const options = { executionProviders: ['cpu' as const], intraOpNumThreads: 1 };
    const backbone = await ort.createSession('teacher backbone.onnx', files.backbone, options);
    const head = await ort.createSession('teacher continuous.onnx', files.continuous, options);
    return new TeacherPolicy(backbone, head, spec);
  }

  async act(request: PolicyRequest): Promise<PolicyChunk> {
    if (this.#closed) throw new EvalError('POLICY_FAILED', 'the teacher policy is closed');
    const { imageSize: S, chunk: C, actionDim: A } = this.spec;
    const o = request.observation;
    if (o.agentviewRgb.width !== S || o.agentviewRgb.height !== S)
      throw new EvalError('POLICY_FAILED', `the environment renders ${o.agentviewRgb.width}x${o.agentviewRgb.height}, the teacher takes ${S}x${S}`, { subject: 'agentviewRgb' });
    let ids = this.#ids.get(request.instruction);
    if (ids === undefined) {
      ids = hashInstruction(request.instruction, this.spec);
      this.#ids.set(request.instruction, ids);
    }
    const t0 = performance.now();
    const f = await this.backbone.run({
      image: { type: 'uint8', data: o.agentviewRgb.data, dims: [1, S, S, 3] },
      instruction: { type: 'int64', data: ids, dims: [1, this.spec.maxTokens] },
      proprio: { type: 'float32', data: Float32Array.from([...o.eePos, ...o.gripperQpos]), dims: [1, 5] },
    });
    const t1 = performance.now();
    const out = await this.head.run({ features: f['features']! });
    const actions = Float32Array.from(out['actions']!.data as Float32Array);
    const t2 = performance.now();
    if (actions.length !== C * A) throw new EvalError('POLICY_FAILED', `continuous.onnx returned ${actions.length} values, expected C×A = ${C * A}`, { subject: 'actions' });
    return continuousChunk(actions, { C, A, L: 0 }, { backboneMs: t1 - t0, headMs: t2 - t1, totalMs: t2 - t0 });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.backbone.release();
    await this.head.release();
  }
}
