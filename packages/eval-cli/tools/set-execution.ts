// Writes a copy of a bundle with a new `execution` block (how the policy is meant to be run:
// the evaluation's defaults). The ONNX files are copied byte for byte; the manifest is
// re-validated; the previous block, if any, is kept in provenance.executionHistory.
// usage: npx tsx --conditions=@rsd/source tools/set-execution.ts --bundle <dir> --out <dir>
//          --execute-steps 1 --ensemble temporal:0.1 [--note "..."] [--overwrite]
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLE_FILES, validateBundleManifest, writeBundle, type BundleFile } from '@rsd/heads';
import { formatEnsemble, parseEnsemble } from '../src/protocol/temporal-ensemble.ts';

const { values: v } = parseArgs({
  options: {
    bundle: { type: 'string' },
    out: { type: 'string' },
    'execute-steps': { type: 'string' },
    ensemble: { type: 'string' },
    note: { type: 'string' },
    overwrite: { type: 'boolean' },
  },
});
if (v.bundle === undefined || v.out === undefined || v['execute-steps'] === undefined || v.ensemble === undefined) {
  throw new Error('--bundle, --out, --execute-steps and --ensemble are required');
}
const dir = resolve(v.bundle);
const m = validateBundleManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')), join(dir, 'manifest.json'));
const models = Object.fromEntries(
  await Promise.all(BUNDLE_FILES.map(async (f): Promise<[BundleFile, Uint8Array]> => [f, new Uint8Array(await readFile(join(dir, f)))])),
) as Record<BundleFile, Uint8Array>;
const execution = {
  executeSteps: Number(v['execute-steps']),
  ensemble: formatEnsemble(parseEnsemble(v.ensemble)),
  ...(v.note === undefined ? {} : { note: v.note }),
};
const written = await writeBundle(
  resolve(v.out),
  {
    name: m.name,
    dims: m.dims,
    actionNormalization: m.actionNormalization,
    tokenizer: m.tokenizer,
    backbone: m.backbone,
    execution,
    provenance: m.execution === undefined ? m.provenance : { ...m.provenance, executionHistory: [...((m.provenance.executionHistory as unknown[]) ?? []), m.execution] },
    models,
  },
  { overwrite: v.overwrite === true },
);
process.stderr.write(`wrote ${resolve(v.out)} with execution ${JSON.stringify(written.execution)}\n`);
