import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import { checkpointToOnnx } from '../checkpoint/checkpoint-to-onnx.ts';
import { pickHeadsConfigFields } from '../checkpoint/infer-heads-config.ts';
import { userPath } from './user-path.ts';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.ts';

export const CONVERT_HELP = `heads convert — PyTorch / safetensors checkpoint of a reference head → ONNX, without Python

  npx nx run heads:convert --in <file.pt|file.safetensors> --arch main|draft --out <file.onnx>
                           [--config <cfg.json>] [--key <stateDictKey>] [--prefix <name.>] [--json]

  --in       checkpoint written by python/rsd_heads.py (or any state_dict with its parameter
             names): a torch.save zip (.pt) or .safetensors; the format is read from the content
  --arch     which head the checkpoint holds: main or draft
  --out      ONNX file to write (draft: features → logits [B,C,H,k,K];
             main: features, tokens → logits [B,C,H,L,K])
  --config   heads config JSON (F C H L K draftLayers mainWidth mainDepth draftWidth draftDepth);
             may be partial or omitted when the checkpoint holds a "config" (save_head writes it)
             — F, widths and depths are read from the parameter shapes
  --key      .pt only: the dict key holding the state_dict (default: the file itself, or its
             only state_dict entry)
  --prefix   only parameters starting with this prefix, stripped (e.g. "draft." or "module.")
  --json     print the result as JSON

Pickle code is never executed: any global other than tensor/storage/OrderedDict rebuilders is
refused, naming it. Exit codes: 0 ok, 1 refused or failed (message names the file/parameter),
2 bad usage.
`;

/** Options of {@link runConvert}. */
export interface ConvertOptions {
  readonly in: string;
  readonly arch: HeadArch;
  readonly out: string;
  /** Path of a (possibly partial) heads config JSON. */
  readonly config?: string | undefined;
  readonly key?: string | undefined;
  readonly prefix?: string | undefined;
}

/** What {@link runConvert} did. */
export interface ConvertResult {
  readonly in: string;
  readonly out: string;
  readonly arch: HeadArch;
  readonly format: 'pytorch' | 'safetensors';
  readonly stateDictKey: string | null;
  readonly config: HeadsConfig;
  readonly configSources: readonly string[];
  readonly parameters: number;
  readonly onnxBytes: number;
}

/** Parses `convert` flags. Usage mistakes throw TypeError/RangeError naming the flag. */
export function parseConvertArgs(args: string[]): { options: ConvertOptions; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      in: { type: 'string' },
      arch: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      key: { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const help = values.help ?? false;
  const json = values.json ?? false;
  if (help) return { options: { in: '', arch: 'main', out: '' }, json, help };
  for (const flag of ['in', 'arch', 'out'] as const) {
    if (values[flag] === undefined || values[flag] === '') throw new TypeError(`--${flag} is required (see --help)`);
  }
  if (values.arch !== 'main' && values.arch !== 'draft')
    throw new RangeError(`--arch must be "main" or "draft", got "${values.arch}"`);
  return {
    options: {
      in: userPath(values.in!),
      arch: values.arch,
      out: userPath(values.out!),
      config: values.config === undefined ? undefined : userPath(values.config),
      key: values.key,
      prefix: values.prefix,
    },
    json,
    help,
  };
}

/** Reads and checks a config file; every field it has must be a HeadsConfig field value. */
async function readConfigFile(path: string): Promise<Partial<HeadsConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HeadsError('IO_ERROR', `cannot read config ${path}: ${(error as Error).message}`, {
      subject: path,
      cause: error,
    });
  }
  try {
    return pickHeadsConfigFields(JSON.parse(text));
  } catch (error) {
    throw new HeadsError('INVALID_CONFIG', `${path} is not valid JSON`, { subject: path, cause: error });
  }
}

/** Converts one checkpoint to ONNX (see CONVERT_HELP). */
export async function runConvert(
  options: ConvertOptions,
  deps: { log?: (line: string) => void } = {},
): Promise<ConvertResult> {
  const config = options.config === undefined ? undefined : await readConfigFile(options.config);
  const ckpt = await loadCheckpoint(options.in, { stateDictKey: options.key });
  deps.log?.(
    `read ${ckpt.format} checkpoint ${options.in}: ${ckpt.stateDict.size} tensors${ckpt.stateDictKey === undefined ? '' : ` under "${ckpt.stateDictKey}"`}`,
  );
  const converted = checkpointToOnnx(ckpt, { arch: options.arch, config, prefix: options.prefix });
  try {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, converted.onnx);
  } catch (error) {
    throw new HeadsError('IO_ERROR', `cannot write ${options.out}: ${(error as Error).message}`, {
      subject: options.out,
      cause: error,
    });
  }
  return {
    in: options.in,
    out: options.out,
    arch: options.arch,
    format: ckpt.format,
    stateDictKey: ckpt.stateDictKey ?? null,
    config: converted.config,
    configSources: converted.configSources,
    parameters: converted.parameters,
    onnxBytes: converted.onnx.byteLength,
  };
}
