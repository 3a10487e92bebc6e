import onnxProto from 'onnx-proto';
import { HeadsError } from '../errors/heads-error.ts';
import { validateHeadsConfig, type HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, mainParameterSpecs, type MainWeights } from '../model/head-parameters.ts';

const { onnx } = onnxProto;

/**
 * The config and weights of a main head written by {@link exportMainOnnx} (`main.onnx` of a
 * bundle), read back from its initializers and its `rsd.config` metadata. Masked positions come
 * back as the zeros the export wrote, so the weights reproduce the same logits. Throws
 * HeadsError naming the file and the missing or mis-sized entry.
 */
export function mainWeightsFromOnnx(bytes: Uint8Array, source = 'main.onnx'): { cfg: HeadsConfig; weights: MainWeights } {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new HeadsError('INVALID_CONFIG', `${source} is not an ONNX model: ${(cause as Error).message}`, { subject: source, cause });
  }
  const meta = (model.metadataProps ?? []).find((p) => p.key === 'rsd.config')?.value;
  if (meta === undefined || meta === null) {
    throw new HeadsError('INVALID_CONFIG', `${source} has no "rsd.config" metadata (not written by @rsd/heads' exportMainOnnx)`, { subject: `${source}:rsd.config` });
  }
  const cfg = validateHeadsConfig(JSON.parse(meta), `${source}:rsd.config`);
  const byName = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const weights: Record<string, Float32Array> = {};
  for (const spec of mainParameterSpecs(cfg)) {
    const t = byName.get(spec.name);
    if (t === undefined) throw new HeadsError('INVALID_CONFIG', `${source} has no initializer "${spec.name}"`, { subject: `${source}:${spec.name}` });
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT) {
      throw new HeadsError('INVALID_CONFIG', `${source}: initializer "${spec.name}" is not float32 (data type ${t.dataType})`, { subject: `${source}:${spec.name}` });
    }
    const raw = t.rawData;
    const values =
      raw !== undefined && raw !== null && raw.length > 0
        ? new Float32Array(Uint8Array.from(raw).buffer) // a copy: protobufjs may hand back a view into a pooled Buffer
        : Float32Array.from(t.floatData ?? []);
    weights[spec.name] = values;
  }
  checkHeadWeights(cfg, 'main', weights, source);
  return { cfg, weights };
}
