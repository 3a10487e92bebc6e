/**
 * How the actions of successive chunks become the executed action (SPEC §3's execution knob).
 * `none`: each chunk's first `executeSteps` actions run open-loop. `temporal`: ACT's temporal
 * ensemble — every chunk still covering step t votes for its action at t, the i-th oldest with
 * weight `exp(−decay · i)` (decay ≥ 0; larger favours the oldest prediction, 0 is a plain mean).
 */
export type EnsembleSpec = { readonly kind: 'none' } | { readonly kind: 'temporal'; readonly decay: number };

/** Parses `none` or `temporal:<decay>`; anything else is a RangeError naming the text. */
export function parseEnsemble(text: string): EnsembleSpec {
  if (text === 'none') return { kind: 'none' };
  const m = /^temporal:(.+)$/.exec(text);
  const decay = m === null ? NaN : Number(m[1]);
  if (m === null || !Number.isFinite(decay) || decay < 0) {
    throw new RangeError(`ensemble must be "none" or "temporal:<decay >= 0>", got "${text}"`);
  }
  return { kind: 'temporal', decay };
}

/** The canonical text of a spec (what run.json records). */
export function formatEnsemble(spec: EnsembleSpec): string {
  return spec.kind === 'none' ? 'none' : `temporal:${spec.decay}`;
}

/**
 * ACT-style temporal ensemble over action chunks. `add(t, actions)` stores a chunk predicted at
 * step t (float [C, A] row-major); `actionAt(t)` averages every stored chunk that covers t.
 */
export class TemporalEnsemble {
  private readonly chunks: { start: number; actions: Float32Array }[] = [];

  constructor(
    private readonly decay: number,
    /** Chunk length C. */
    private readonly chunk: number,
    /** Action width A. */
    private readonly actionDim: number,
  ) {
    if (!(decay >= 0) || !Number.isFinite(decay)) throw new RangeError(`decay must be a finite number >= 0, got ${decay}`);
  }

  /** Stores the chunk float32 [C, A] predicted at step `t` (steps must not decrease). */
  add(t: number, actions: Float32Array): void {
    if (actions.length !== this.chunk * this.actionDim) {
      throw new RangeError(`chunk must hold C*A = ${this.chunk * this.actionDim} values, got ${actions.length}`);
    }
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined && t < last.start) throw new RangeError(`chunk at step ${t} added after one at step ${last.start}`);
    this.chunks.push({ start: t, actions });
  }

  /** float64 [A]: the weighted mean of the stored chunks' actions for step `t`. */
  actionAt(t: number): Float64Array {
    while (this.chunks.length > 0 && this.chunks[0]!.start + this.chunk <= t) this.chunks.shift();
    const live = this.chunks.filter((c) => c.start <= t);
    if (live.length === 0) throw new RangeError(`no stored chunk covers step ${t}`);
    const out = new Float64Array(this.actionDim);
    let total = 0;
    live.forEach((c, i) => {
      const w = Math.exp(-this.decay * i);
      total += w;
      const row = (t - c.start) * this.actionDim;
      for (let d = 0; d < this.actionDim; d++) out[d]! += w * c.actions[row + d]!;
    });
    for (let d = 0; d < this.actionDim; d++) out[d]! /= total;
    return out;
  }
}
