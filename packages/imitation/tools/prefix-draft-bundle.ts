// A copy of a bundle whose draft is the main head's own first k layers, decoded greedily in one
// ONNX graph (`exportMainPrefixDraftOnnx`, @rsd/heads): for choosing k by measured passes and
// speed (`rsd-engine:predict`, `eval-cli:eval --bundle <out>`) without retraining anything.
// --main <main.onnx> puts another main head (same dims) in the copy first.
// usage: npx tsx --conditions=@rsd/source tools/prefix-draft-bundle.ts --bundle <dir> --k <n> --out <dir> [--main <main.onnx>]
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportMainPrefixDraftOnnx, mainWeightsFromOnnx, writeBundle } from '@rsd/heads';
import { readBundle } from '@rsd/rsd-engine';

const { values: v } = parseArgs({ options: { bundle: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' }, main: { type: 'string' } } });
if (v.bundle === undefined || v.k === undefined || v.out === undefined) throw new Error('--bundle <dir>, --k <n> and --out <dir> are required');
const k = Number(v.k);
const dir = resolve(v.bundle);
const { manifest, models } = await readBundle(dir);
const mainPath = v.main === undefined ? `${dir}/main.onnx` : resolve(v.main);
const mainOnnx = v.main === undefined ? models['main.onnx'] : new Uint8Array(await readFile(mainPath));
const { cfg, weights } = mainWeightsFromOnnx(mainOnnx, mainPath);
for (const f of ['F', 'C', 'H', 'L', 'K'] as const) {
  if (cfg[f] !== manifest.dims[f]) throw new RangeError(`${mainPath}: ${f} = ${cfg[f]}, the bundle's dims.${f} = ${manifest.dims[f]}`);
}
const draft = exportMainPrefixDraftOnnx(cfg, weights, k);
const written = await writeBundle(
  resolve(v.out),
  {
    name: manifest.name,
    dims: { ...manifest.dims, k },
    actionNormalization: manifest.actionNormalization,
    tokenizer: manifest.tokenizer,
    backbone: manifest.backbone,
    ...(manifest.execution === undefined ? {} : { execution: manifest.execution }),
    ...(manifest.trainedOn === undefined ? {} : { trainedOn: manifest.trainedOn }),
    ...(manifest.continuous === undefined ? {} : { continuous: manifest.continuous }),
    provenance: { ...manifest.provenance, draft: { kind: 'main-prefix', layers: k }, ...(v.main === undefined ? {} : { mainFrom: mainPath }) },
    models: { ...models, 'main.onnx': mainOnnx, 'draft.onnx': draft },
  },
  { overwrite: true },
);
process.stderr.write(`wrote ${resolve(v.out)} (draft = main's first ${written.dims.k} layers, ${draft.length} bytes)\n`);
