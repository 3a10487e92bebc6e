/**
 * Throughput of the checkpoint readers on an OpenVLA-sized main head (F=4096, D=1024, L=8, C=8,
 * H=7, K=7; ~11.7 M float parameters), written in memory as a torch.save-layout .pt and as
 * .safetensors, in float32 and bfloat16. Prints JSON. Run:
 *   cd packages/heads && nice npx tsx --conditions=@rsd/source tools/checkpoint-read-bench.ts
 */
import { headParameterSpecs } from '../src/model/head-parameters.ts';
import type { CheckpointDType, CheckpointTensor } from '../src/checkpoint/checkpoint-tensor.ts';
import { parseCheckpoint } from '../src/checkpoint/load-checkpoint.ts';
import { writeSafetensors } from '../src/checkpoint/safetensors-writer.ts';
import { writeTorchCheckpoint } from '../src/checkpoint/torch-checkpoint-writer.ts';
import { headWeightsFromStateDict } from '../src/checkpoint/head-weights-from-state-dict.ts';

const cfg = {
  F: 4096,
  C: 8,
  H: 7,
  L: 8,
  K: 7,
  draftLayers: 3,
  mainWidth: 1024,
  mainDepth: 2,
  draftWidth: 256,
  draftDepth: 1,
};
const results: Record<string, unknown>[] = [];
for (const dtype of ['float32', 'bfloat16'] as CheckpointDType[]) {
  const sd = new Map<string, CheckpointTensor>();
  let params = 0;
  for (const s of headParameterSpecs(cfg, 'main')) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    params += n;
    sd.set(s.name, {
      dtype,
      shape: s.shape,
      data: new Float32Array(n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5),
    });
  }
  const files = { pt: writeTorchCheckpoint(sd), safetensors: writeSafetensors(sd) };
  for (const [format, bytes] of Object.entries(files)) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const ckpt = parseCheckpoint(bytes, `bench.${format}`);
      headWeightsFromStateDict(ckpt.stateDict, cfg, { arch: 'main', source: format });
      runs.push(performance.now() - t0);
    }
    const ms = Math.min(...runs);
    results.push({
      format,
      dtype,
      parameters: params,
      megabytes: +(bytes.length / 2 ** 20).toFixed(1),
      readMs: +ms.toFixed(1),
      mparamsPerSecond: +(params / ms / 1e3).toFixed(1),
    });
  }
}
process.stdout.write(`${JSON.stringify({ benchmark: 'checkpoint-read', config: cfg, results }, null, 2)}\n`);
