import type { Action, LiberoEnv, Observation, ResetOptions, StepResult, SuiteInfo } from '@rsd/libero-bridge';
import type { Policy, PolicyCallStats, PolicyChunk, PolicyRequest } from '../policy/policy.ts';

/**
 * A scripted in-memory environment for unit tests of the episode loop (never for end-to-end
 * tests): it records every action and reports success at step `successAt` (counting all steps,
 * wait steps included) or throws at step `failAt`.
 */
export class ScriptedEnv implements LiberoEnv {
  readonly backend = 'scripted';
  readonly actions: number[][] = [];
  readonly resets: ResetOptions[] = [];
  #steps = 0;

  constructor(private readonly options: { successAt?: number; failAt?: number; size?: number } = {}) {}

  async listSuites(): Promise<readonly SuiteInfo[]> {
    return [{ name: 'embedded_spatial', maxSteps: 220, controlHz: 20, tasks: [{ id: 0, name: 't0', instruction: 'pick up the bowl', numInitStates: 50 }] }];
  }

  #observation(): Observation {
    const n = this.options.size ?? 4;
    return { agentviewRgb: { width: n, height: n, data: new Uint8Array(n * n * 3).fill(this.#steps % 256) }, eePos: new Float64Array(3), eeQuat: new Float64Array(4), gripperQpos: new Float64Array(2) };
  }

  async reset(options: ResetOptions): Promise<Observation> {
    this.resets.push(options);
    this.#steps = 0;
    return this.#observation();
  }

  async step(action: Action): Promise<StepResult> {
    this.#steps++;
    if (this.#steps === this.options.failAt) throw Object.assign(new Error('bridge died'), { code: 'SERVER_DIED' });
    this.actions.push(Array.from(action));
    const success = this.#steps === this.options.successAt;
    return { observation: this.#observation(), reward: success ? 1 : 0, done: success, success };
  }

  async close(): Promise<void> {}
}

/** Layer-check counts of a scripted call: draft layers 0..min(n%4, 2) checked (the last rejected unless all 3 kept), main's guesses kept. */
function scriptedChecks(rsd: boolean, n: number): PolicyCallStats['layerChecks'] {
  const zero = () => new Array<number>(8).fill(0);
  const draft = { tokensChecked: zero(), tokensKept: zero(), layersChecked: zero(), layersKept: zero() };
  const main = { tokensChecked: zero(), tokensKept: zero(), layersChecked: zero(), layersKept: zero() };
  if (!rsd) return { draft, main };
  const a = n % 4;
  for (let l = 0; l <= Math.min(a, 2); l++) {
    draft.layersChecked[l] = 1;
    draft.tokensChecked[l] = 56;
    draft.layersKept[l] = l < a ? 1 : 0;
    draft.tokensKept[l] = l < a ? 56 : 50;
  }
  for (let l = a + 1; l < 8; l++) {
    main.layersChecked[l] = 1;
    main.layersKept[l] = 1;
    main.tokensChecked[l] = 56;
    main.tokensKept[l] = 56;
  }
  return { draft, main };
}

/** A policy whose n-th call returns a chunk of C actions all equal to [n, 0, 0, 0, 0, 0, 1] / 100. */
export class CountingPolicy implements Policy {
  calls = 0;
  readonly requests: PolicyRequest[] = [];

  constructor(private readonly C = 8) {}

  async act(request: PolicyRequest): Promise<PolicyChunk> {
    this.requests.push(request);
    const n = this.calls++;
    const actions = new Float32Array(this.C * 7);
    for (let i = 0; i < this.C; i++) {
      actions[i * 7] = n / 100;
      actions[i * 7 + 6] = 1;
    }
    const rsd = request.mode === 'rsd';
    return {
      actions,
      chunk: this.C,
      actionDim: 7,
      tokens: Int32Array.from({ length: this.C }, () => n),
      stats: {
        proposedLayers: rsd ? 3 : 0,
        acceptedLayers: rsd ? n % 4 : 0,
        fullyAccepted: rsd ? n % 4 : 0,
        partiallyAccepted: rsd && n % 4 < 3 ? 1 : 0,
        rejected: 0,
        mainPasses: rsd ? 3 : 8,
        draftPasses: rsd ? 1 : 0,
        layersDecidedPerPass: rsd ? [(n % 4) + 1, 6 - (n % 4), 1] : [1, 1, 1, 1, 1, 1, 1, 1],
        maxPositionRejections: rsd ? 1 : 0,
        layerChecks: scriptedChecks(rsd, n),
        timings: { backboneMs: 1, draftMs: rsd ? 0.5 : 0, verifyMs: rsd ? 0.5 : 0, autoregressiveMs: 2, decodeMs: 0.25, totalMs: 4 },
      },
    };
  }

  async close(): Promise<void> {}
}
