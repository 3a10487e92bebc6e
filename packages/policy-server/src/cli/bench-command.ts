import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { isExternalBackbone, type BundleManifest } from '@rsd/heads';
import { loadEngine, percentile, type DecodeOptions, type Observations } from '@rsd/rsd-engine';
import { syntheticObservations } from '@rsd/rsd-engine/testing';
import { NdArray, packb, type WireValue } from '../msgpack-numpy.ts';
import { LIBERO_MAPPING } from '../observation-mapping.ts';
import { PolicyClient } from '../policy-client.ts';
import { resizeRgb } from '@rsd/rsd-engine';

export interface BenchOptions {
  readonly bundle: string;
  readonly clients: readonly number[];
  readonly modes: readonly ('baseline' | 'rsd' | 'jacobi')[];
  /** Requests each client sends per configuration (after `warmup`). */
  readonly requests: number;
  readonly warmup: number;
  /** Side of the square images the clients send (openpi's LIBERO example: 224). */
  readonly imageSize: number;
  readonly threads: number;
  readonly gatherMs: number;
  readonly seed: number;
  /** The command that starts a server: argv[0..] before `serve` flags. */
  readonly serverCommand: readonly string[];
}

export interface LatencySummary {
  readonly n: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface ServerRow {
  readonly mode: string;
  readonly dynamicBatching: boolean;
  readonly clients: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  /** Server-side: mean rows per engine call, mean engine ms (infer_ms), mean queue ms. */
  readonly meanBatchRows: number;
  readonly meanInferMs: number;
  readonly meanQueueMs: number;
  /** Server-side: message in → reply out (decode, resize, queue, engine, encode). */
  readonly meanServerTotalMs: number;
  readonly meanMainPasses: number;
}

export interface BenchReport {
  readonly bundle: string;
  readonly name: string;
  readonly machine: { readonly cpus: number; readonly model: string; readonly node: string };
  readonly imageSize: number;
  readonly requestBytes: number;
  readonly threads: number;
  readonly gatherMs: number;
  readonly requestsPerClient: number;
  /** The engine called directly in one process, one observation per call, images already at the bundle's size. */
  readonly direct: Record<string, LatencySummary & { readonly resizeMs: number }>;
  /**
   * 1 client, dynamic batching off: `overheadMs` = round trip p50 − direct p50, split into the
   * server's own work around the engine call (`serverTotalP50Ms − serverInferP50Ms`: decoding,
   * resizing, queueing, encoding) and what happens outside the server process (client encoding
   * and decoding, websocket transfer, scheduling: `roundTripP50Ms − serverTotalP50Ms`).
   */
  readonly overhead: Record<
    string,
    {
      readonly roundTripP50Ms: number;
      readonly directP50Ms: number;
      readonly overheadMs: number;
      readonly serverInferP50Ms: number;
      readonly serverTotalP50Ms: number;
      readonly inServerOutsideEngineMs: number;
      readonly outsideServerMs: number;
    }
  >;
  readonly rows: readonly ServerRow[];
}

function summary(xs: readonly number[]): LatencySummary {
  return { n: xs.length, meanMs: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), p50Ms: percentile(xs, 0.5), p95Ms: percentile(xs, 0.95) };
}

/** Observations as openpi's LIBERO example sends them: images at `size`², state of 8, prompt (and the wrist image). */
function liberoStyleRequests(manifest: BundleManifest, n: number, size: number, seed: number): { wire: Record<string, WireValue>[]; direct: Observations } {
  const backbone = manifest.backbone;
  if (isExternalBackbone(backbone)) throw new TypeError(`bench sends images; bundle "${manifest.name}" has an external backbone`);
  const obs = syntheticObservations(manifest, n, { seed });
  const wire = obs.images.map((img, i) => {
    const big = resizeRgb(img, size, size);
    const state = new Float64Array(8);
    state.set([-0.21, -0.015, 1.18, 3.1, 0.02, -0.01, 0.039, -0.039]);
    const proprio = obs.proprio?.[i];
    if (proprio !== undefined) {
      let o = 0;
      for (const f of backbone.proprio!.fields) {
        const [s, e] = LIBERO_MAPPING.stateSlices[f]!;
        for (let j = s; j < e; j++) state[j] = proprio[o++]!;
      }
    }
    const wrist = big.data.slice().reverse(); // a second camera's worth of bytes (the bundle does not read it)
    return {
      'observation/image': NdArray.from(big.data, [size, size, 3]),
      'observation/wrist_image': NdArray.from(wrist, [size, size, 3]),
      'observation/state': NdArray.from(state),
      prompt: obs.instructions[i]!,
    };
  });
  // what the server's engine sees: the client's image resized back to the bundle's size
  const direct: Observations = {
    images: wire.map((w) => resizeRgb({ width: size, height: size, data: (w['observation/image'] as NdArray).bytes }, backbone.image.width, backbone.image.height)),
    instructions: obs.instructions,
    ...(obs.proprio === undefined ? {} : { proprio: obs.proprio }),
  };
  return { wire, direct };
}

async function startServer(command: readonly string[], flags: readonly string[], log: (l: string) => void): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command[0]!, [...command.slice(1), ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${err}`)));
  });
  log(`bench: server ${flags.join(' ')} at ${url}`);
  return { url, child };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Requests per second and latency for 1/4/16 clients, baseline vs rsd, dynamic batching on and off, against a server in its own process. */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const engine = await loadEngine(options.bundle, { log: () => {}, intraOpNumThreads: options.threads, executionProviders: ['cpu'] });
  const manifest = engine.manifest;
  const nObs = 16;
  const { wire, direct } = liberoStyleRequests(manifest, nObs, options.imageSize, options.seed);
  const requestBytes = packb(wire[0]!).byteLength;
  const directReport: BenchReport['direct'] = {};
  const resizeTimes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const { width, height } = direct.images[0]!;
    resizeRgb({ width: options.imageSize, height: options.imageSize, data: (wire[i % nObs]!['observation/image'] as NdArray).bytes }, width, height);
    resizeTimes.push(performance.now() - t);
  }
  for (const mode of options.modes) {
    const decode: DecodeOptions = { mode, acceptance: { kind: 'exact' } };
    const times: number[] = [];
    const total = options.warmup + options.requests * 2;
    for (let i = 0; i < total; i++) {
      const j = i % nObs;
      const one: Observations = { images: [direct.images[j]!], instructions: [direct.instructions[j]!], ...(direct.proprio ? { proprio: [direct.proprio[j]!] } : {}) };
      const t = performance.now();
      await engine.predict(one, decode);
      if (i >= options.warmup) times.push(performance.now() - t);
    }
    directReport[mode] = { ...summary(times), resizeMs: summary(resizeTimes).p50Ms };
    log(`bench: direct ${mode}: p50 ${directReport[mode].p50Ms.toFixed(2)} ms`);
  }
  await engine.close();

  const rows: ServerRow[] = [];
  const overhead: BenchReport['overhead'] = {};
  for (const mode of options.modes) {
    for (const batching of [false, true]) {
      const flags = ['--bundle', options.bundle, '--port', '0', '--mode', mode, '--threads', String(options.threads), '--cpu', '--dynamic-batching', batching ? 'on' : 'off', '--gather-ms', String(options.gatherMs)];
      const { url, child } = await startServer(options.serverCommand, flags, log);
      try {
        for (const n of options.clients) {
          const clients = await Promise.all(Array.from({ length: n }, () => PolicyClient.connect(url)));
          const latencies: number[] = [];
          const server: { rows: number[]; infer: number[]; queue: number[]; total: number[]; passes: number[] } = { rows: [], infer: [], queue: [], total: [], passes: [] };
          const perClient = async (c: PolicyClient, k: number, count: number, record: boolean) => {
            for (let i = 0; i < count; i++) {
              const t = performance.now();
              const reply = await c.infer(wire[(k * 7 + i) % nObs]!);
              if (!record) continue;
              latencies.push(performance.now() - t);
              const st = reply.server_timing as Record<string, number>;
              const rs = reply.rsd_stats as Record<string, number>;
              server.rows.push(st.batch_rows!);
              server.infer.push(st.infer_ms!);
              server.queue.push(st.queue_ms!);
              server.total.push(st.total_ms!);
              server.passes.push(rs.main_passes!);
            }
          };
          await Promise.all(clients.map((c, k) => perClient(c, k, options.warmup, false)));
          const t0 = performance.now();
          await Promise.all(clients.map((c, k) => perClient(c, k, options.requests, true)));
          const wall = performance.now() - t0;
          await Promise.all(clients.map((c) => c.close()));
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
          const row: ServerRow = {
            mode,
            dynamicBatching: batching,
            clients: n,
            requests: latencies.length,
            requestsPerSecond: (1000 * latencies.length) / wall,
            latency: summary(latencies),
            meanBatchRows: mean(server.rows),
            meanInferMs: mean(server.infer),
            meanQueueMs: mean(server.queue),
            meanServerTotalMs: mean(server.total),
            meanMainPasses: mean(server.passes),
          };
          rows.push(row);
          log(`bench: ${mode} batching ${batching ? 'on' : 'off'} ${n} clients: ${row.requestsPerSecond.toFixed(1)} req/s, p50 ${row.latency.p50Ms.toFixed(2)} ms, p95 ${row.latency.p95Ms.toFixed(2)} ms, rows/call ${row.meanBatchRows.toFixed(2)}`);
          if (n === 1 && !batching) {
            overhead[mode] = {
              roundTripP50Ms: row.latency.p50Ms,
              directP50Ms: directReport[mode]!.p50Ms,
              overheadMs: row.latency.p50Ms - directReport[mode]!.p50Ms,
              serverInferP50Ms: percentile(server.infer, 0.5),
              serverTotalP50Ms: percentile(server.total, 0.5),
              inServerOutsideEngineMs: percentile(server.total, 0.5) - percentile(server.infer, 0.5),
              outsideServerMs: row.latency.p50Ms - percentile(server.total, 0.5),
            };
          }
        }
      } finally {
        await stopServer(child);
      }
    }
  }
  const cpu = cpus();
  return {
    bundle: options.bundle,
    name: manifest.name,
    machine: { cpus: cpu.length, model: cpu[0]?.model ?? 'unknown', node: process.version },
    imageSize: options.imageSize,
    requestBytes,
    threads: options.threads,
    gatherMs: options.gatherMs,
    requestsPerClient: options.requests,
    direct: directReport,
    overhead,
    rows,
  };
}
