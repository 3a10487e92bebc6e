// Failure census of a bundle's baseline policy on validation initial states: for each episode,
// what went wrong, read from the embedded scene's privileged state (the policy never sees it).
// Classes: success | lifted-other-bowl | lifted-target-dropped | lifted-target-not-placed |
// reached-target-no-lift (hand within 2 cm of the target bowl, never lifted it) |
// reached-other-no-lift | never-reached-a-bowl. Also prints, for every gripper closing (fingers
// below 5 cm), the hand's xy offset from the target bowl and its height above the bowl's bottom.
// usage: npx tsx --conditions=@rsd/source tools/failure-census.ts --bundle <dir> [--trials 4] [--ensemble temporal:0.5]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbeddedEnv, EMBEDDED_SPATIAL_NAME, EMBEDDED_SPATIAL_TASKS, type LiberoEnv } from '@rsd/libero-bridge';
import { loadEngine } from '@rsd/rsd-engine';
import { EnginePolicy } from '../src/policy/engine-policy.ts';
import { runEpisode } from '../src/protocol/run-episode.ts';
import { parseEnsemble } from '../src/protocol/temporal-ensemble.ts';

const { values: v } = parseArgs({ options: { bundle: { type: 'string' }, trials: { type: 'string' }, ensemble: { type: 'string' } } });
if (v.bundle === undefined) throw new Error('--bundle <dir> is required');
const trials = Number(v.trials ?? 4);
const engine = await loadEngine(resolve(v.bundle), { log: () => undefined });
const image = engine.manifest.backbone.kind === 'external' ? undefined : engine.manifest.backbone.image;
if (image === undefined) throw new Error('failure-census needs a bundle with its own backbone');
const inner = await createEmbeddedEnv({ imageSize: { width: image.width, height: image.height }, initStates: 'validation' });

interface Track { minT: number; minO: number; liftT: number; liftO: number; t0z: number; o0z: number; drops: number; held: boolean; closed: boolean }
let tr: Track = { minT: 9, minO: 9, liftT: 0, liftO: 0, t0z: 0, o0z: 0, drops: 0, held: false, closed: false };
const closings: string[] = [];
const env: LiberoEnv = {
  backend: 'embedded',
  listSuites: () => inner.listSuites(),
  reset: async (o) => {
    const obs = await inner.reset(o);
    const s = inner.sceneState();
    tr = { minT: 9, minO: 9, liftT: 0, liftO: 0, t0z: s.targetBowl.pos[2], o0z: s.otherBowl.pos[2], drops: 0, held: false, closed: false };
    return obs;
  },
  step: async (a) => {
    const r = await inner.step(a);
    const s = inner.sceneState();
    const [e, t, o] = [s.ee.pos, s.targetBowl.pos, s.otherBowl.pos];
    tr.minT = Math.min(tr.minT, Math.hypot(e[0] - t[0], e[1] - t[1]));
    tr.minO = Math.min(tr.minO, Math.hypot(e[0] - o[0], e[1] - o[1]));
    const liftT = t[2] - tr.t0z;
    tr.liftT = Math.max(tr.liftT, liftT);
    tr.liftO = Math.max(tr.liftO, o[2] - tr.o0z);
    const f = Math.max(s.fingers[0], s.fingers[1]);
    if (!tr.closed && f < 0.05) closings.push(`${Math.hypot(e[0] - t[0], e[1] - t[1]).toFixed(3)},${(e[2] - t[2]).toFixed(3)}`);
    tr.closed = f < 0.05 ? true : f > 0.055 ? false : tr.closed;
    const held = liftT > 0.03;
    if (tr.held && !held && !r.success) tr.drops++;
    tr.held = held;
    return r;
  },
  close: () => inner.close(),
};
const policy = new EnginePolicy(engine, { acceptance: { kind: 'exact' } });
const ex = engine.manifest.execution ?? { executeSteps: 1, ensemble: 'none' };
const protocol = { suite: EMBEDDED_SPATIAL_NAME, maxSteps: 220, waitSteps: 10, executeSteps: ex.executeSteps, ensemble: parseEnsemble(v.ensemble ?? ex.ensemble) };
const counts: Record<string, number> = {};
try {
  for (let taskId = 0; taskId < EMBEDDED_SPATIAL_TASKS.length; taskId++) {
    const row: string[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const { record } = await runEpisode(env, policy, { mode: 'baseline', taskId, trial, seed: trial, video: false }, EMBEDDED_SPATIAL_TASKS[taskId]!, protocol);
      if (record.status !== 'ok') throw new Error(`task ${taskId} trial ${trial}: ${record.error ?? 'episode error'}`);
      const k = record.success
        ? 'success'
        : tr.liftO > 0.03
          ? 'lifted-other-bowl'
          : tr.liftT > 0.03
            ? tr.drops > 0 ? 'lifted-target-dropped' : 'lifted-target-not-placed'
            : tr.minT < 0.02 ? 'reached-target-no-lift' : tr.minO < 0.02 ? 'reached-other-no-lift' : 'never-reached-a-bowl';
      counts[k] = (counts[k] ?? 0) + 1;
      row.push(k);
    }
    console.log(`task ${taskId}: ${row.join(' ')}`);
  }
  console.log(JSON.stringify({ episodes: trials * EMBEDDED_SPATIAL_TASKS.length, ensemble: protocol.ensemble, counts }));
  console.log(`gripper closings (xy offset from the target bowl m, height above its bottom m): ${closings.join(' ')}`);
} finally {
  await env.close();
  await engine.close();
}
