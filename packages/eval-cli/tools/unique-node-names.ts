import { createRequire } from 'node:module';
import type * as OnnxProto from 'onnx-proto';

// The ONNX protobuf codec that @rsd/heads itself uses (eval-cli does not depend on it directly).
const onnxProto = createRequire(createRequire(import.meta.url).resolve('@rsd/heads/package.json'))('onnx-proto') as typeof OnnxProto;

/**
 * Gives every node of a serialized ONNX model a unique name: a later node whose name an earlier
 * one already has gets `<name>_<k>` (k = 1, 2, … the first free). ONNX Runtime refuses a graph
 * with two nodes of one name, which `prependInputAffine` (@rsd/heads) produces when the model's
 * `proprio` input already went through it once (the trained backbone's own normalisation).
 * Returns the model (unchanged bytes when nothing clashed) and the names given.
 */
export function uniqueNodeNames(model: Uint8Array): { readonly model: Uint8Array; readonly renamed: readonly string[] } {
  const m = onnxProto.onnx.ModelProto.decode(model);
  const nodes = m.graph?.node ?? [];
  const seen = new Set<string>();
  const renamed: string[] = [];
  for (const node of nodes) {
    const name = node.name ?? '';
    if (name === '' || !seen.has(name)) {
      seen.add(name);
      continue;
    }
    let k = 1;
    while (seen.has(`${name}_${k}`) || nodes.some((n) => n.name === `${name}_${k}`)) k++;
    node.name = `${name}_${k}`;
    seen.add(node.name);
    renamed.push(node.name);
  }
  return { model: renamed.length === 0 ? model : onnxProto.onnx.ModelProto.encode(m).finish(), renamed };
}
