import type * as TfModule from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/*
 * Kernels that make convolutional training practical on TensorFlow.js's WebAssembly backend
 * in Node (PLATFORM.md): the wasm backend has no Conv2DBackpropFilter, runs
 * Conv2DBackpropInput slowly, and runs BatchMatMul with transposed operands ~10x slower than
 * without. All three are rewritten as an im2col/col2im pass over the wasm heap plus one plain
 * (untransposed) matMul on the backend's own kernel. They rely on wasm backend internals
 * (`dataIdMap`, `makeOutput`, `wasm.HEAPF32`): pin @tensorflow/tfjs-backend-wasm exactly.
 */

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): void;
  wasm: { HEAPF32: Float32Array };
}

type KernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }) => TensorInfo;

interface ConvGeometry {
  N: number; H: number; W: number; Ci: number;
  kh: number; kw: number; Co: number;
  Ho: number; Wo: number; sh: number; sw: number; top: number; left: number;
}

function geometry(tf: typeof TfModule, xShape: number[], filterShape: number[], attrs: NamedAttrMap): ConvGeometry {
  const { strides, pad, dimRoundingMode, dataFormat, dilations } = attrs as {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    dataFormat?: string;
    dilations?: number | number[];
  };
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`wasm training kernels: only NHWC, got ${dataFormat}`);
  const d = dilations;
  if (d !== undefined && (Array.isArray(d) ? d.some((v) => v !== 1) : d !== 1)) {
    throw new Error('wasm training kernels: dilations other than 1 are not supported');
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    N: info.batchSize, H: info.inHeight, W: info.inWidth, Ci: info.inChannels,
    kh: info.filterHeight, kw: info.filterWidth, Co: info.outChannels,
    Ho: info.outHeight, Wo: info.outWidth, sh: info.strideHeight, sw: info.strideWidth,
    top: info.padInfo.top, left: info.padInfo.left,
  };
}

function heapView(backend: WasmBackendInternals, t: TensorInfo, size: number): Float32Array {
  const offset = backend.dataIdMap.get(t.dataId).memoryOffset / 4;
  return backend.wasm.HEAPF32.subarray(offset, offset + size);
}

/**
 * Registers the three kernels on the `wasm` backend of the given tfjs instance. Idempotent.
 * Call after `selectTfBackend()` picked `wasm`.
 */
export function registerWasmTrainingKernels(tf: typeof TfModule): void {
  const g = globalThis as { __rsdWasmKernels?: WeakSet<object> };
  g.__rsdWasmKernels ??= new WeakSet();
  if (g.__rsdWasmKernels.has(tf)) return;
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as KernelFunc | undefined;
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc as KernelFunc | undefined;
  if (!batchMatMul || !transpose) throw new Error('wasm backend kernels BatchMatMul/Transpose are not registered');

  /** a [1, m, k] · b [1, k, n] on the wasm kernel; both views laid out row-major in the heap. */
  const plainMatMul = (backend: WasmBackendInternals, a: TensorInfo, b: TensorInfo) =>
    batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });

  const filterGrad: KernelConfig = {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = b as unknown as WasmBackendInternals;
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const filterShape = (attrs as { filterShape: number[] }).filterShape;
      const c = geometry(tf, x.shape, filterShape, attrs!);
      const K = c.kh * c.kw * c.Ci;
      const M = c.N * c.Ho * c.Wo;
      // colT [K, M]: colT[(r·kw+s)·Ci+ci, (n·Ho+i)·Wo+j] = x[n, i·sh−top+r, j·sw−left+s, ci]
      const colT = backend.makeOutput([1, K, M], 'float32');
      const col = heapView(backend, colT, K * M);
      const xs = heapView(backend, x, c.N * c.H * c.W * c.Ci);
      col.fill(0);
      for (let r = 0; r < c.kh; r++) {
        for (let s = 0; s < c.kw; s++) {
          for (let n = 0; n < c.N; n++) {
            for (let i = 0; i < c.Ho; i++) {
              const y = i * c.sh - c.top + r;
              if (y < 0 || y >= c.H) continue;
              for (let j = 0; j < c.Wo; j++) {
                const xx = j * c.sw - c.left + s;
                if (xx < 0 || xx >= c.W) continue;
                const src = ((n * c.H + y) * c.W + xx) * c.Ci;
                const m = (n * c.Ho + i) * c.Wo + j;
                const rowBase = (r * c.kw + s) * c.Ci * M + m;
                for (let ci = 0; ci < c.Ci; ci++) col[rowBase + ci * M] = xs[src + ci]!;
              }
            }
          }
        }
      }
      const dy3 = { dataId: dy.dataId, shape: [1, M, c.Co], dtype: 'float32' } as TensorInfo;
      const out = plainMatMul(backend, colT, dy3);
      backend.disposeData(colT.dataId);
      out.shape = filterShape;
      return out;
    },
  };

  const inputGrad: KernelConfig = {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      const backend = b as unknown as WasmBackendInternals;
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const inputShape = (attrs as { inputShape: number[] }).inputShape;
      const c = geometry(tf, inputShape, filter.shape, attrs!);
      const K = c.kh * c.kw * c.Ci;
      const M = c.N * c.Ho * c.Wo;
      // Wᵀ [Co, K] built explicitly (small), then dcol [M, K] = dy [M, Co] · Wᵀ, then col2im.
      const wT = backend.makeOutput([1, c.Co, K], 'float32');
      const wt = heapView(backend, wT, c.Co * K);
      const w = heapView(backend, filter, K * c.Co);
      for (let k = 0; k < K; k++) for (let o = 0; o < c.Co; o++) wt[o * K + k] = w[k * c.Co + o]!;
      const dy3 = { dataId: dy.dataId, shape: [1, M, c.Co], dtype: 'float32' } as TensorInfo;
      const dcolT = plainMatMul(backend, dy3, wT);
      backend.disposeData(wT.dataId);
      const out = backend.makeOutput(inputShape, 'float32');
      const dx = heapView(backend, out, c.N * c.H * c.W * c.Ci);
      const dcol = heapView(backend, dcolT, M * K);
      dx.fill(0);
      for (let n = 0; n < c.N; n++) {
        for (let i = 0; i < c.Ho; i++) {
          for (let j = 0; j < c.Wo; j++) {
            const m = (n * c.Ho + i) * c.Wo + j;
            for (let r = 0; r < c.kh; r++) {
              const y = i * c.sh - c.top + r;
              if (y < 0 || y >= c.H) continue;
              for (let s = 0; s < c.kw; s++) {
                const xx = j * c.sw - c.left + s;
                if (xx < 0 || xx >= c.W) continue;
                const dst = ((n * c.H + y) * c.W + xx) * c.Ci;
                const src = m * K + (r * c.kw + s) * c.Ci;
                for (let ci = 0; ci < c.Ci; ci++) dx[dst + ci]! += dcol[src + ci]!;
              }
            }
          }
        }
      }
      backend.disposeData(dcolT.dataId);
      return out;
    },
  };

  const matMul: KernelConfig = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return batchMatMul({ inputs, backend, attrs });
      const swapLast = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        const n = perm.length;
        [perm[n - 2], perm[n - 1]] = [perm[n - 1]!, perm[n - 2]!];
        return transpose({ inputs: { x: t }, backend, attrs: { perm } });
      };
      const a2 = transposeA ? swapLast(a) : a;
      const b2 = transposeB ? swapLast(b) : b;
      const out = batchMatMul({ inputs: { a: a2, b: b2 }, backend, attrs: { transposeA: false, transposeB: false } });
      const w = backend as WasmBackendInternals;
      if (a2 !== a) w.disposeData(a2.dataId);
      if (b2 !== b) w.disposeData(b2.dataId);
      return out;
    },
  };

  for (const k of [filterGrad, inputGrad, matMul]) {
    if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  g.__rsdWasmKernels.add(tf);
}
