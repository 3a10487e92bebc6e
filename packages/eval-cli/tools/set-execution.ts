// Writes a copy of a bundle with a new `execution` block (how the policy is meant to be run:
// the evaluation's defaults). The ONNX files are copied byte for byte (sha256-checked); the manifest is
// re-validated; the previous block, if any, is kept in provenance.executionHistory.
// usage: npx tsx --conditions=@rsd/source tools/set-execution.ts --bundle <dir> --out <dir>
//          --execute-steps 1 --ensemble temporal:0.1 [--note "..."] [--overwrite]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBundle } from '@rsd/heads';
import { readBundle } from '@rsd/rsd-engine';
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
// readBundle validates the manifest and checks every file's sha256 before anything is copied
const { manifest: m, models } = await readBundle(resolve(v.bundle));
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
    ...(m.trainedOn === undefined ? {} : { trainedOn: m.trainedOn }),
    ...(m.continuous === undefined ? {} : { continuous: m.continuous }),
    provenance: m.execution === undefined ? m.provenance : { ...m.provenance, executionHistory: [...((m.provenance.executionHistory as unknown[]) ?? []), m.execution] },
    models,
  },
  { overwrite: v.overwrite === true },
);
process.stderr.write(`wrote ${resolve(v.out)} with execution ${JSON.stringify(written.execution)}\n`);
