// A copy of a bundle with the main head and draft of a `heads:train` output folder (main.onnx,
// draft.onnx, heads.json, report.json) in place of its own: for measuring head settings closed
// loop (`eval-cli:eval --bundle <out> --init-states validation`) without rerunning the pipeline.
// usage: npx tsx --conditions=@rsd/source tools/swap-heads.ts --bundle <dir> --heads <dir> --out <dir>
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateHeadsConfig, writeBundle } from '@rsd/heads';
import { readBundle } from '@rsd/rsd-engine';

const { values: v } = parseArgs({ options: { bundle: { type: 'string' }, heads: { type: 'string' }, out: { type: 'string' } } });
if (v.bundle === undefined || v.heads === undefined || v.out === undefined) throw new Error('--bundle <dir>, --heads <dir> and --out <dir> are required');
const headsDir = resolve(v.heads);
const { manifest, models } = await readBundle(resolve(v.bundle));
const cfg = validateHeadsConfig(JSON.parse(await readFile(join(headsDir, 'heads.json'), 'utf8')), join(headsDir, 'heads.json'));
for (const f of ['F', 'C', 'H', 'L', 'K'] as const) {
  if (cfg[f] !== manifest.dims[f]) throw new RangeError(`${headsDir}/heads.json: ${f} = ${cfg[f]}, the bundle's dims.${f} = ${manifest.dims[f]}`);
}
const report = JSON.parse(await readFile(join(headsDir, 'report.json'), 'utf8')) as Record<string, unknown>;
const written = await writeBundle(
  resolve(v.out),
  {
    name: manifest.name,
    dims: { ...manifest.dims, k: cfg.draftLayers },
    actionNormalization: manifest.actionNormalization,
    tokenizer: manifest.tokenizer,
    backbone: manifest.backbone,
    ...(manifest.execution === undefined ? {} : { execution: manifest.execution }),
    ...(manifest.trainedOn === undefined ? {} : { trainedOn: manifest.trainedOn }),
    ...(manifest.continuous === undefined ? {} : { continuous: manifest.continuous }),
    provenance: { ...manifest.provenance, headsSwapped: { from: headsDir, config: cfg, main: report['main'], draftVsMainGreedy: report['draftVsMainGreedy'] } },
    models: { ...models, 'main.onnx': new Uint8Array(await readFile(join(headsDir, 'main.onnx'))), 'draft.onnx': new Uint8Array(await readFile(join(headsDir, 'draft.onnx'))) },
  },
  { overwrite: true },
);
process.stderr.write(`wrote ${resolve(v.out)} (k = ${written.dims.k})\n`);
