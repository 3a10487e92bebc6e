import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import { convOutputSizes, usesKeypoints, type BackboneConfig } from './backbone-config.ts';
import { keypointPositions } from './tf-backbone.ts';
import { backboneParameterShapes, type BackboneWeights } from './backbone-weights.ts';
import { HeadsError } from '../errors/heads-error.ts';

/**
 * The backbone as ONNX (opset 17, dynamic batch `B`), computing exactly `backboneForward`:
 * `image` uint8 [B, S, S, 3] (+ `instruction` int64 [B, T], + `proprio` float32 [B, P] when
 * configured) → `features` float32 [B, F]. Convolutions run in NCHW with TF's "same"
 * padding written out explicitly (asymmetric when the total is odd); GroupNorm as
 * ReduceMean over each group's channels and positions; spatial softmax as Softmax over the
 * positions and a MatMul with the (x, y) grid.
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
  const keypoints = usesKeypoints(cfg);
  const lastConv = cfg.convs.length - 1;
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
    let y = g.op('Conv', [x, W, b], { kernel_shape: [k, k], strides: [c.stride, c.stride], pads: [before, before, total - before, total - before] });
    if (cfg.norm !== undefined && i < lastConv) {
      // [B, C, S, S] → [B, G, C/G·S·S]: each row one group (channels c·G/C .. of it, all positions)
      const grouped = g.op('Reshape', [y, g.constInt64([0, cfg.norm.groups, -1])]);
      const centred = g.op('Sub', [grouped, g.op('ReduceMean', [grouped], { axes: [2], keepdims: 1 })]);
      const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: [2], keepdims: 1 });
      const normed = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, g.constFloat([1e-5], [])])])]);
      const back = g.op('Reshape', [normed, g.constInt64([0, c.filters, out, out])]);
      const gamma = g.initializer(`norm.${i}.gamma`, 'float32', [c.filters, 1, 1], w(`norm.${i}.gamma`));
      const beta = g.initializer(`norm.${i}.beta`, 'float32', [c.filters, 1, 1], w(`norm.${i}.beta`));
      y = g.op('Add', [g.op('Mul', [back, gamma]), beta]);
    }
    x = keypoints && i === lastConv ? y : g.op('Relu', [y]);
    cin = c.filters;
    side = out;
  });
  let flat: string;
  if (keypoints) {
    // [B, C, S, S] → softmax over S·S per channel → expected (x, y) → [B, 2C]
    const attention = g.op('Softmax', [g.op('Reshape', [x, g.constInt64([0, cin, side * side])])], { axis: -1 });
    const grid = g.initializer('keypoints.grid', 'float32', [side * side, 2], keypointPositions(side));
    const kp = g.op('Reshape', [g.op('MatMul', [attention, grid]), g.constInt64([0, 2 * cin])]);
    const kk = g.initializer('keypoints.kernel', 'float32', [2 * cin, cfg.keypointWidth!], w('keypoints.kernel'));
    const kb = g.initializer('keypoints.bias', 'float32', [cfg.keypointWidth!], w('keypoints.bias'));
    flat = g.op('Relu', [g.op('Gemm', [kp, kk, kb], { alpha: attrFloat(1), beta: attrFloat(1) })]);
  } else {
    x = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
    flat = g.op('Reshape', [x, g.constInt64([0, -1])]);
  }
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
  if (cfg.featureActivation === 'relu') g.op('Relu', [g.op('Gemm', [fused, ok, ob], { alpha: attrFloat(1), beta: attrFloat(1) })], {}, 'features');
  else g.op('Gemm', [fused, ok, ob], { alpha: attrFloat(1), beta: attrFloat(1) }, 'features');
  g.output('features', 'float32', ['B', cfg.F]);
  return g.build({
    producer: '@rsd/heads export-backbone-onnx',
    docString: 'RSD backbone: image uint8 [B,S,S,3] + instruction int64 [B,T] (+ proprio) -> features [B,F]',
    metadata: { 'rsd.model': 'backbone', 'rsd.backbone': JSON.stringify(cfg) },
  });
}
