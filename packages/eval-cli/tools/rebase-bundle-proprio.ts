// Re-expresses a bundle trained on the embedded suite's old observation conventions
// ("embedded-v0": table top at z = 0, both finger slides +) in LIBERO's ("libero": world frame
// with the table top 0.9 m up, fingers left +, right −), exactly: backbone.onnx gets two nodes
// in front of its `proprio` input mapping the new frame back to the one it was trained in,
//   old = new · scale + bias,   scale = [1, 1, 1, 1, −1],   bias = −(LIBERO_FRAME.sceneOrigin) ‖ [0, 0],
// and every other file is copied byte for byte. The manifest gets the new sha256, a trainedOn
// record (conventions "libero", with a note) and provenance.proprioRebase.
// Then it checks with ONNX Runtime, on real embedded observations, that
// old backbone(old proprio) ≈ new backbone(new proprio), and prints the max abs difference.
// usage: npx tsx --conditions=@rsd/source tools/rebase-bundle-proprio.ts --bundle <dir> --out <dir> [--overwrite] [--check-episodes 5]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { hashInstruction, onnxBackboneOf, prependInputAffine, writeBundle, type BundleManifest } from '@rsd/heads';
import { createEmbeddedEnv, EMBEDDED_SPATIAL, LIBERO_FRAME, ScriptedExpert, type Observation } from '@rsd/libero-bridge';
import { readBundle } from '@rsd/rsd-engine';

const { values: v } = parseArgs({
  options: { bundle: { type: 'string' }, out: { type: 'string' }, overwrite: { type: 'boolean' }, 'check-episodes': { type: 'string' } },
});
if (v.bundle === undefined || v.out === undefined) throw new Error('--bundle and --out are required');
const { manifest: m, models } = await readBundle(resolve(v.bundle));
const onnxBackbone = onnxBackboneOf(m, 'rebase-bundle-proprio');
const proprio = onnxBackbone.proprio;
const oldBackbone = models['backbone.onnx']!;
if (proprio === undefined || proprio.size !== 5 || proprio.fields.join(',') !== 'eePos,gripperQpos') {
  throw new Error(`${v.bundle}: backbone.proprio must be eePos ‖ gripperQpos (5 values), got ${JSON.stringify(proprio)}`);
}
if (m.trainedOn !== undefined && m.trainedOn.conventions !== 'embedded-v0') {
  throw new Error(`${v.bundle}: trainedOn.conventions is ${m.trainedOn.conventions}; only embedded-v0 bundles are rebased`);
}
const o = LIBERO_FRAME.sceneOrigin;
const scale = [1, 1, 1, LIBERO_FRAME.fingerSigns[0], LIBERO_FRAME.fingerSigns[1]];
const bias = [-o[0], -o[1], -o[2], 0, 0];
const backbone = prependInputAffine(oldBackbone, 'proprio', scale, bias);
const note =
  'trained on the embedded suite before it adopted LIBERO conventions (embedded-v0); backbone.onnx rebased exactly ' +
  `(proprio mapped back by old = new * ${JSON.stringify(scale)} + ${JSON.stringify(bias)} in front of the trained graph; ` +
  'tools/rebase-bundle-proprio.ts), so it reads LIBERO-convention observations';
const written: BundleManifest = await writeBundle(
  resolve(v.out),
  {
    name: m.name,
    dims: m.dims,
    actionNormalization: m.actionNormalization,
    tokenizer: m.tokenizer,
    backbone: m.backbone,
    ...(m.execution === undefined ? {} : { execution: m.execution }),
    trainedOn: { env: 'embedded', suite: EMBEDDED_SPATIAL.name, conventions: 'libero', note },
    ...(m.continuous === undefined ? {} : { continuous: m.continuous }),
    provenance: { ...m.provenance, proprioRebase: { from: 'embedded-v0', to: 'libero', scale, bias, originalBackboneSha256: m.files['backbone.onnx']!.sha256 } },
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
        const s = env.sceneState(); // the scene's own frame = the old observation conventions
        const oldP = Float32Array.of(s.ee.pos[0], s.ee.pos[1], s.ee.pos[2], s.fingers[0], s.fingers[1]);
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
const result = { samples, featureMaxAbsDiff: maxAbs, featureMaxRelDiff: maxRel, features: m.dims.F };
console.log(JSON.stringify(result));
if (!(maxAbs < 1e-4)) throw new Error(`the rebased backbone differs by ${maxAbs} (max abs) from the original on the same states`);
