// A copy of a bundle whose draft is the main head's own first k layers, decoded greedily in one
// ONNX graph (`exportMainPrefixDraftOnnx`, @rsd/heads): for choosing k by measured passes and
// speed (`rsd-engine:predict`, `eval-cli:eval --bundle <out>`) without retraining anything.
// usage: npx tsx --conditions=@rsd/source tools/prefix-draft-bundle.ts --bundle <dir> --k <n> --out <dir>
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportMainPrefixDraftOnnx, mainWeightsFromOnnx, writeBundle } from '@rsd/heads';
import { readBundle } from '@rsd/rsd-engine';

const { values: v } = parseArgs({ options: { bundle: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' } } });
if (v.bundle === undefined || v.k === undefined || v.out === undefined) throw new Error('--bundle <dir>, --k <n> and --out <dir> are required');
const k = Number(v.k);
const dir = resolve(v.bundle);
const { manifest, models } = await readBundle(dir);
const { cfg, weights } = mainWeightsFromOnnx(models['main.onnx'], `${dir}/main.onnx`);
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
    provenance: { ...manifest.provenance, draft: { kind: 'main-prefix', layers: k } },
    models: { ...models, 'draft.onnx': draft },
  },
  { overwrite: true },
);
process.stderr.write(`wrote ${resolve(v.out)} (draft = main's first ${written.dims.k} layers, ${draft.length} bytes)\n`);
