import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EvalError } from '../errors/eval-error.ts';
import type { ExternalBundleOptions } from '../features/assemble-external-bundle.ts';
import type { ReplayFeaturesOptions } from '../features/replay-demo-features.ts';
import { intFlag } from './int-flag.ts';
import { userPath } from './user-path.ts';

export const FEATURES_HELP = `usage: rsd-eval features --demos <files|dir> --features <module.py> --rfsq <dir> --out <dir> [flags]
       (npx nx run eval-cli:features -- [flags])

Replays LIBERO-format HDF5 demos through a feature module in the Python bridge server (the same
module eval --features hands the servers, so training and evaluation see the same features) and
writes features.npy float32 [N, F], tokens.npy int32 [N, C, H, L] (the RFSQ tokens of the action
chunk starting at each step) and features.json (provenance): ready for heads:train --data <out>.

  --demos <list>          comma-separated .hdf5 files or folders (every *.hdf5 in them)
  --features <module.py>  the feature module: features(agentview, wrist, proprio, instruction) -> float32 [F]
  --features-config <c>   its setup config: a JSON file or inline JSON
  --rfsq <dir>            an RFSQ folder (rfsq.json) or a model bundle: the tokenizer of the actions
  --out <dir>             output folder
  --env <where>           python (default: spawn the server, stdio) | tcp://host:port (a server
                          started with --features; no LIBERO needed for replay)
  --bs <n>                observations per features_batch request (default 16)
  --stride <n>            use every n-th step of each demo (default 1)
  --json                  print the summary as JSON
  -h, --help              this text`;

export const BUNDLE_EXTERNAL_HELP = `usage: rsd-eval bundle-external --heads <dir> --rfsq <dir> --provider <name> --out <dir> [flags]
       (npx nx run eval-cli:bundle-external -- [flags])

Assembles a model bundle whose backbone is external (manifest backbone: { kind: "external",
provider, F }, no backbone.onnx) from a heads:train output folder and the RFSQ tokenizer its
tokens came from. Evaluate it with eval --env python --features <module.py> (or TCP servers
started with --features).

  --heads <dir>           heads:train output: heads.json, main.onnx, draft.onnx
  --rfsq <dir>            the RFSQ folder (rfsq.json) or bundle the training tokens came from
  --provider <name>       what computes the features, e.g. openvla:openvla-7b-oft-finetuned-libero-spatial
  --out <dir>             the bundle folder
  --name <name>           manifest name (default external-<provider>)
  --image-size <n>        the size the environment renders for the provider (default 224)
  --suite <name>          trainedOn.suite (default libero_spatial)
  --data <dir>            the features folder (its features.json goes into the provenance)
  --overwrite             replace an existing --out
  -h, --help              this text`;

function parse(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values as Record<string, string | boolean | undefined>;
  } catch (cause) {
    throw new EvalError('INVALID_FLAG', `${(cause as Error).message} (see --help)`, { subject: 'argv', cause });
  }
}

function required(v: Record<string, unknown>, flag: string): string {
  const s = v[flag];
  if (typeof s !== 'string' || s === '') throw new EvalError('INVALID_FLAG', `--${flag} is required (see --help)`, { subject: flag });
  return s;
}

/** `--demos a.hdf5,dir`: files as given, folders expanded to their *.hdf5 files (sorted). */
function demoFiles(text: string): string[] {
  return text.split(',').flatMap((item) => {
    const path = userPath(item.trim());
    let dir = false;
    try {
      dir = statSync(path).isDirectory();
    } catch {
      return [path]; // reported by the command, naming the file
    }
    return dir ? readdirSync(path).filter((f) => f.endsWith('.hdf5')).sort().map((f) => join(path, f)) : [path];
  });
}

const S = { type: 'string' } as const;
const B = { type: 'boolean' } as const;

/** Parses `rsd-eval features` flags. */
export function parseFeaturesFlags(argv: readonly string[]): { help: boolean; json: boolean; options?: ReplayFeaturesOptions } {
  const v = parse(argv, { demos: S, features: S, 'features-config': S, rfsq: S, out: S, env: S, bs: S, stride: S, json: B, help: { type: 'boolean', short: 'h' } });
  if (v.help === true) return { help: true, json: false };
  const fc = v['features-config'] as string | undefined;
  const env = (v.env as string | undefined) ?? 'python';
  if (env !== 'python' && !/^tcp:\/\//.test(env)) throw new EvalError('INVALID_FLAG', `--env must be python or tcp://host:port, got "${env}"`, { subject: 'env' });
  return {
    help: false,
    json: v.json === true,
    options: {
      demos: demoFiles(required(v, 'demos')),
      features: userPath(required(v, 'features')),
      ...(fc === undefined ? {} : { featuresConfig: fc.trimStart().startsWith('{') ? fc : userPath(fc) }),
      rfsq: userPath(required(v, 'rfsq')),
      out: userPath(required(v, 'out')),
      env,
      batch: intFlag('bs', v.bs as string | undefined, 1) ?? 16,
      stride: intFlag('stride', v.stride as string | undefined, 1) ?? 1,
    },
  };
}

/** Parses `rsd-eval bundle-external` flags. */
export function parseBundleExternalFlags(argv: readonly string[]): { help: boolean; options?: ExternalBundleOptions } {
  const v = parse(argv, { heads: S, rfsq: S, provider: S, out: S, name: S, 'image-size': S, suite: S, data: S, overwrite: B, help: { type: 'boolean', short: 'h' } });
  if (v.help === true) return { help: true };
  const data = v.data as string | undefined;
  return {
    help: false,
    options: {
      heads: userPath(required(v, 'heads')),
      rfsq: userPath(required(v, 'rfsq')),
      provider: required(v, 'provider'),
      out: userPath(required(v, 'out')),
      ...(typeof v.name === 'string' ? { name: v.name } : {}),
      ...(v['image-size'] === undefined ? {} : { imageSize: intFlag('image-size', v['image-size'] as string, 8)! }),
      ...(typeof v.suite === 'string' ? { suite: v.suite } : {}),
      ...(data === undefined ? {} : { featuresMeta: join(userPath(data), 'features.json') }),
      overwrite: v.overwrite === true,
    },
  };
}
