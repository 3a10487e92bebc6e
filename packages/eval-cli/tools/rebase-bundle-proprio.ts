// Re-expresses a bundle trained on an earlier version of the embedded suite's observation
// conventions in today's, exactly: backbone.onnx gets two nodes in front of its `proprio` input
// (eePos[3] ‖ gripperQpos[2]) mapping the new observations back to the ones it was trained on,
//   old = new · scale + bias   (per column; the presets are in proprio-rebase-presets.ts),
// and every other file (continuous.onnx, draft/main, RFSQ, …) is copied byte for byte. The
// manifest gets the new sha256, a trainedOn note and provenance.proprioRebase (preset, scale,
// bias, the original backbone's sha256, and any earlier rebase as `previous`).
// Presets (--preset):
//   embedded-v0             the first embedded conventions (table top at z = 0, raw finger slides
//                           both +) → today's (default, as before presets existed)
//   libero-gripper-2026-12  LIBERO's frames with the raw finger slides (open ±0.060, closed
//                           ∓0.0021) → LIBERO's finger scale (open ±0.039, closed ±0.0012):
//                           scale [1, 1, 1, 1/a, 1/a], bias [0, 0, 0, −b/a, +b/a] with
//                           a, b = FINGER_MAP.scale, .offset (@rsd/libero-bridge)
// Then it checks with ONNX Runtime, on real embedded observations, that
// old backbone(old proprio) ≈ new backbone(new proprio), and prints the max abs difference.
// usage: npx tsx --conditions=@rsd/source tools/rebase-bundle-proprio.ts --bundle <dir> --out <dir>
//          [--preset embedded-v0 | libero-gripper-2026-12] [--overwrite] [--check-episodes 5]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { hashInstruction, onnxBackboneOf, prependInputAffine, writeBundle, type BundleManifest } from '@rsd/heads';
import { createEmbeddedEnv, EMBEDDED_SPATIAL, ScriptedExpert, type Observation } from '@rsd/libero-bridge';
import { readBundle } from '@rsd/rsd-engine';
import { PROPRIO_REBASE_PRESETS } from './proprio-rebase-presets.ts';

const { values: v } = parseArgs({
  options: { bundle: { type: 'string' }, out: { type: 'string' }, preset: { type: 'string' }, overwrite: { type: 'boolean' }, 'check-episodes': { type: 'string' } },
});
if (v.bundle === undefined || v.out === undefined) throw new Error('--bundle and --out are required');
const preset = PROPRIO_REBASE_PRESETS[v.preset ?? 'embedded-v0'];
if (preset === undefined) throw new Error(`--preset ${v.preset}: unknown; one of ${Object.keys(PROPRIO_REBASE_PRESETS).join(', ')}`);
const { manifest: m, models } = await readBundle(resolve(v.bundle));
const onnxBackbone = onnxBackboneOf(m, 'rebase-bundle-proprio');
const proprio = onnxBackbone.proprio;
const oldBackbone = models['backbone.onnx']!;
if (proprio === undefined || proprio.size !== 5 || proprio.fields.join(',') !== 'eePos,gripperQpos') {
  throw new Error(`${v.bundle}: backbone.proprio must be eePos ‖ gripperQpos (5 values), got ${JSON.stringify(proprio)}`);
}
const refusal = preset.refusal(m);
if (refusal !== undefined) throw new Error(`${v.bundle}: --preset ${preset.name} does not apply: ${refusal}`);
const { scale, bias } = preset;
const backbone = prependInputAffine(oldBackbone, 'proprio', scale, bias);
const note =
  `trained on ${preset.from}; backbone.onnx rebased exactly to ${preset.to} ` +
  `(proprio mapped back by old = new * ${JSON.stringify(scale)} + ${JSON.stringify(bias)} in front of the trained graph; ` +
  `tools/rebase-bundle-proprio.ts --preset ${preset.name})`;
const previous = (m.provenance as { proprioRebase?: unknown }).proprioRebase;
const trainedOn = m.trainedOn ?? { env: 'embedded', suite: EMBEDDED_SPATIAL.name, conventions: 'libero' as const };
const written: BundleManifest = await writeBundle(
  resolve(v.out),
  {
    name: m.name,
    dims: m.dims,
    actionNormalization: m.actionNormalization,
    tokenizer: m.tokenizer,
    backbone: m.backbone,
    ...(m.execution === undefined ? {} : { execution: m.execution }),
    trainedOn: { env: trainedOn.env, suite: trainedOn.suite, conventions: 'libero', note: trainedOn.note === undefined ? note : `${trainedOn.note}; then ${note}` },
    ...(m.continuous === undefined ? {} : { continuous: m.continuous }),
    provenance: {
      ...m.provenance,
      proprioRebase: {
        preset: preset.name,
        from: preset.from,
        to: preset.to,
        scale,
        bias,
        originalBackboneSha256: m.files['backbone.onnx']!.sha256,
        ...(previous === undefined ? {} : { previous }),
      },
    },
    models: { ...models, 'backbone.onnx': backbone },
  },
  { overwrite: v.overwrite === true },
);
process.stderr.write(`wrote ${resolve(v.out)}: backbone.onnx sha256 ${written.files['backbone.onnx']!.sha256}\n`);

// ---- check: old backbone on old-frame proprio vs rebased backbone on the observations -------
const episodes = Number(v['check-episodes'] ?? '5');
const [oldS, newS] = await Promise.all([ort.InferenceSession.create(oldBackbone), ort.InferenceSession.create(backbone)]);
const size = onnxBackbone.image;
const env = await createEmbeddedEnv({ imageSize: { width: size.width, height: size.height } });
let maxAbs = 0;
let maxRel = 0;
let samples = 0;
const feeds = (obs: Observation, p: Float32Array, instruction: string) => ({
  image: new ort.Tensor('uint8', obs.agentviewRgb.data, [1, size.height, size.width, 3]),
  instruction: new ort.Tensor('int64', hashInstruction(instruction, onnxBackbone.instruction), [1, onnxBackbone.instruction.maxTokens]),
  proprio: new ort.Tensor('float32', p, [1, 5]),
});
try {
  for (let e = 0; e < episodes; e++) {
    const taskId = (e * 3) % EMBEDDED_SPATIAL.tasks.length;
    const task = EMBEDDED_SPATIAL.tasks[taskId]!;
    let obs = await env.reset({ suite: EMBEDDED_SPATIAL.name, taskId, initState: e, seed: e });
    const expert = new ScriptedExpert(e);
    for (let t = 0; t < 60; t++) {
      if (t % 3 === 0) {
        const oldP = preset.oldProprio(env.sceneState(), obs); // what the bundle saw in training
        const newP = Float32Array.of(...obs.eePos, ...obs.gripperQpos);
        const [a, b] = await Promise.all([oldS.run(feeds(obs, oldP, task.instruction)), newS.run(feeds(obs, newP, task.instruction))]);
        const fa = Object.values(a)[0]!.data as Float32Array;
        const fb = Object.values(b)[0]!.data as Float32Array;
        for (let i = 0; i < fa.length; i++) {
          const d = Math.abs(fa[i]! - fb[i]!);
          maxAbs = Math.max(maxAbs, d);
          maxRel = Math.max(maxRel, d / Math.max(1e-3, Math.abs(fa[i]!)));
        }
        samples++;
      }
      const r = await env.step(expert.act(env.sceneState()));
      obs = r.observation;
      if (r.success) break;
    }
  }
} finally {
  await env.close();
  await Promise.all([oldS.release(), newS.release()]);
}
const result = { preset: preset.name, samples, featureMaxAbsDiff: maxAbs, featureMaxRelDiff: maxRel, features: m.dims.F };
console.log(JSON.stringify(result));
if (!(maxAbs < 1e-4)) throw new Error(`the rebased backbone differs by ${maxAbs} (max abs) from the original on the same states`);
