import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import { convOutputSizes, type BackboneConfig } from './backbone-config.ts';
import { backboneParameterShapes, type BackboneWeights } from './backbone-weights.ts';
import { HeadsError } from '../errors/heads-error.ts';

/**
 * The backbone as ONNX (opset 17, dynamic batch `B`), computing exactly `backboneForward`:
 * `image` uint8 [B, S, S, 3] (+ `instruction` int64 [B, T], + `proprio` float32 [B, P] when
 * configured) → `features` float32 [B, F]. Convolutions run in NCHW with TF's "same"
 * padding written out explicitly (asymmetric when the total is odd).
 */
export function exportBackboneOnnx(cfg: BackboneConfig, weights: BackboneWeights): Uint8Array {
  for (const [name, shape] of backboneParameterShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (weights[name]?.length !== n) {
      throw new HeadsError('CHECKPOINT_MISMATCH', `backbone parameter "${name}" must have ${n} values [${shape}], got ${weights[name]?.length ?? 'none'}`, { subject: name });
    }
  }
  const w = (name: string) => weights[name]!;
  const g = new OnnxGraphBuilder('rsd_backbone', 17);
  const S = cfg.imageSize;
  const image = g.input('image', 'uint8', ['B', S, S, 3]);
  let x = g.op('Div', [g.op('Cast', [image], { to: 1 }), g.constFloat([255], [])]);
  x = g.op('Transpose', [x], { perm: [0, 3, 1, 2] });
  let cin = 3;
  let side = S;
  const outSizes = convOutputSizes(cfg);
  cfg.convs.forEach((c, i) => {
    const k = c.kernel;
    const out = outSizes[i]!;
    const total = Math.max((out - 1) * c.stride + k - side, 0);
    const before = Math.floor(total / 2);
    const hwio = w(`conv.${i}.kernel`);
    const oihw = new Float32Array(hwio.length);
    for (let r = 0; r < k; r++)
      for (let s = 0; s < k; s++)
        for (let ci = 0; ci < cin; ci++)
          for (let co = 0; co < c.filters; co++) oihw[((co * cin + ci) * k + r) * k + s] = hwio[((r * k + s) * cin + ci) * c.filters + co]!;
    const W = g.initializer(`conv.${i}.weight`, 'float32', [c.filters, cin, k, k], oihw);
    const b = g.initializer(`conv.${i}.bias`, 'float32', [c.filters], w(`conv.${i}.bias`));
    x = g.op('Relu', [g.op('Conv', [x, W, b], { kernel_shape: [k, k], strides: [c.stride, c.stride], pads: [before, before, total - before, total - before] })]);
    cin = c.filters;
    side = out;
  });
  x = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  const flat = g.op('Reshape', [x, g.constInt64([0, -1])]);
  const ids = g.input('instruction', 'int64', ['B', cfg.maxTokens]);
  const onehot = g.op('OneHot', [ids, g.constInt64([cfg.vocabSize], []), g.constFloat([0, 1])], { axis: -1 });
  const bag = g.op('ReduceSum', [onehot, g.constInt64([1])], { keepdims: 0 });
  const emb = Float32Array.from(w('words.embedding'));
  emb.fill(0, 0, cfg.wordDim);
  const words = g.op('MatMul', [bag, g.initializer('words.embedding', 'float32', [cfg.vocabSize, cfg.wordDim], emb)]);
  const parts = [flat, words];
  if (cfg.proprioSize > 0) parts.push(g.input('proprio', 'float32', ['B', cfg.proprioSize]));
  const cat = g.op('Concat', parts, { axis: 1 });
  const fuseIn = backboneParameterShapes(cfg).find(([n]) => n === 'fuse.kernel')![1][0]!;
  const fk = g.initializer('fuse.kernel', 'float32', [fuseIn, cfg.hidden], w('fuse.kernel'));
  const fb = g.initializer('fuse.bias', 'float32', [cfg.hidden], w('fuse.bias'));
  const fused = g.op('Relu', [g.op('Gemm', [cat, fk, fb], { alpha: attrFloat(1), beta: attrFloat(1) })]);
  const ok = g.initializer('out.kernel', 'float32', [cfg.hidden, cfg.F], w('out.kernel'));
  const ob = g.initializer('out.bias', 'float32', [cfg.F], w('out.bias'));
  g.op('Gemm', [fused, ok, ob], { alpha: attrFloat(1), beta: attrFloat(1) }, 'features');
  g.output('features', 'float32', ['B', cfg.F]);
  return g.build({
    producer: '@rsd/heads export-backbone-onnx',
    docString: 'RSD backbone: image uint8 [B,S,S,3] + instruction int64 [B,T] (+ proprio) -> features [B,F]',
    metadata: { 'rsd.model': 'backbone', 'rsd.backbone': JSON.stringify(cfg) },
  });
}
