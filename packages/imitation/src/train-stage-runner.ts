import { type StageMarker, type TrainWorkDir } from './train-work-dir.ts';

/** A finished stage: its value and the marker downstream stages key on. */
export interface StageOutcome<R> {
  readonly value: R;
  readonly marker: StageMarker;
}

/** What a stage's key depends on besides its config slice: the keys and output hashes (`result.outputSha256`) of the stages it reads. */
export const inputsOf = (...upstream: readonly StageMarker[]): string[] =>
  upstream.flatMap((m) => [m.key, String(m.result['outputSha256'] ?? '')]);

/**
 * Runs the stages of a train-default work folder: a stage finished before with the same key
 * is loaded (`stage X: done before, reusing`), an interrupted one is resumed from its
 * checkpoints (`run(true)`), any other runs from scratch. Seconds go to `seconds` (the marker's
 * for a reused stage) and reused stage names to `reused`.
 */
export class TrainStageRunner {
  readonly seconds: Record<string, number> = {};
  readonly reused: string[] = [];

  constructor(
    private readonly work: TrainWorkDir,
    private readonly log: (line: string) => void,
  ) {}

  async stage<R>(
    name: string,
    slice: unknown,
    inputs: readonly string[],
    run: (resume: boolean, dir: string) => Promise<{ value: R; result: Record<string, unknown> }>,
    load: (marker: StageMarker, dir: string) => Promise<R>,
  ): Promise<StageOutcome<R>> {
    const key = this.work.key(name, slice, inputs);
    const dir = this.work.stageDir(name);
    const done = await this.work.finished(name, key);
    if (done !== undefined) {
      this.log(`[train-default] stage ${name}: done before, reusing (${done.seconds} s then)`);
      this.seconds[name] = done.seconds;
      this.reused.push(name);
      return { value: await load(done, dir), marker: done };
    }
    const resume = await this.work.begin(name, key);
    if (resume) this.log(`[train-default] stage ${name}: interrupted before, resuming from its checkpoints`);
    const t0 = performance.now();
    const r = await run(resume, dir);
    const seconds = +((performance.now() - t0) / 1000).toFixed(2);
    const marker = await this.work.finish(name, key, seconds, { ...r.result, ...(resume ? { resumed: true } : {}) });
    this.seconds[name] = seconds;
    this.log(`[train-default] stage ${name}: ${seconds} s`);
    return { value: r.value, marker };
  }

  /** A step that is always recomputed (cheap, derived in memory); timed like a stage. */
  async timed<T>(name: string, f: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    const r = await f();
    this.seconds[name] = +((performance.now() - t0) / 1000).toFixed(2);
    this.log(`[train-default] stage ${name}: ${this.seconds[name]} s`);
    return r;
  }
}
