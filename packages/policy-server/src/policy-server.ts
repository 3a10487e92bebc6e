import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isExternalBackbone } from '@rsd/heads';
import { loadEngine, RsdError, sha256Hex, type Acceptance, type DecodeOptions, type DecodeResult, type RsdEngine } from '@rsd/rsd-engine';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { DEFAULT_BATCHING, DynamicBatcher, type BatchingOptions, type RowOutcome } from './dynamic-batcher.ts';
import { NdArray, packb, unpackb, type WireValue } from './msgpack-numpy.ts';
import { inputContract, LIBERO_MAPPING, toEngineRow, type EngineRow, type InputContract, type ObservationMapping } from './observation-mapping.ts';
import { RequestError } from './request-error.ts';

/** Options of {@link startPolicyServer}. */
export interface PolicyServerOptions {
  /** The model bundle folder. */
  readonly bundle: string;
  /** An engine already loaded from `bundle` (tests, benchmarks); the server does not close it. Default: loaded here. */
  readonly engine?: RsdEngine;
  /** Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Default 8000 (openpi's); 0 picks a free port. */
  readonly port?: number;
  /** How every request is decoded: mode, acceptance, draft layers (as `rsd-engine predict`). */
  readonly decode: DecodeOptions;
  /** Default {@link LIBERO_MAPPING}. */
  readonly mapping?: ObservationMapping;
  /** Default {@link DEFAULT_BATCHING}. */
  readonly batching?: Partial<BatchingOptions>;
  /** Largest message accepted, bytes (default 16 MiB); a larger one closes its connection with 1009 (message too big). */
  readonly maxPayload?: number;
  /** Largest image side accepted, pixels (default 4096). */
  readonly maxImageSide?: number;
  /** ONNX Runtime intra-op threads when the engine is loaded here (default 1). */
  readonly threads?: number;
  /** Execution providers when the engine is loaded here (default cuda, then cpu). */
  readonly executionProviders?: readonly ('cuda' | 'cpu')[];
  /** One line per event (default stderr). */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface PolicyServer {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port` */
  readonly url: string;
  /** What every client receives on connect. */
  readonly metadata: Record<string, WireValue>;
  readonly engine: RsdEngine;
  /** Counters since start. */
  counters(): ServerCounters;
  /** Stops listening, closes the connections (1001 going away; cut after 1 s), lets a running engine call end, and closes the engine if it was loaded here. */
  close(): Promise<void>;
}

export interface ServerCounters {
  readonly connections: number;
  readonly openConnections: number;
  readonly requests: number;
  readonly replies: number;
  readonly errors: number;
  readonly engineCalls: number;
  readonly rowsDecoded: number;
  /** Replies that were ready when their client had gone (dropped). */
  readonly dropped: number;
}

/** The acceptance rule in `rsd-engine predict`'s spelling. */
export function acceptanceText(a: Acceptance): string {
  if (a.kind === 'exact') return 'exact';
  if (a.kind === 'relaxed') return `relaxed:${typeof a.tolerance === 'number' ? a.tolerance : a.tolerance.join(',')}`;
  return `sample:${a.temperature}:${a.seed}`;
}

interface RowResult {
  readonly actions: Float32Array;
  readonly result: DecodeResult;
  readonly index: number;
}

interface Connection {
  readonly id: number;
  closed: boolean;
  pending: number;
  prevTotalMs: number | undefined;
}

function errorText(error: unknown, log: (line: string) => void): string {
  if (error instanceof RequestError) return error.message;
  if (RsdError.isInstance(error)) return `${error.code}: ${error.message}`;
  log(`policy-server: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 'internal error while decoding this request (the server logged it and keeps serving)';
}

/**
 * Serves a model bundle over openpi's websocket policy protocol: on connect one binary frame with
 * `packb(metadata)`; then per request the client sends `packb(observation)` and gets
 * `packb({actions, server_timing, rsd_stats})`, or a text frame saying what was wrong.
 */
export async function startPolicyServer(options: PolicyServerOptions): Promise<PolicyServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const batching: BatchingOptions = { ...DEFAULT_BATCHING, ...options.batching };
  if (!Number.isInteger(batching.maxRows) || batching.maxRows < 1) throw new TypeError(`--max-rows must be a positive integer, got ${batching.maxRows}`);
  if (!(batching.gatherMs >= 0)) throw new TypeError(`--gather-ms must be >= 0, got ${batching.gatherMs}`);
  if (!Number.isInteger(batching.maxQueue) || batching.maxQueue < 1) throw new TypeError(`--max-queue must be a positive integer, got ${batching.maxQueue}`);
  const maxPayload = options.maxPayload ?? 16 * 1024 * 1024;
  if (!Number.isInteger(maxPayload) || maxPayload < 1024) throw new TypeError(`--max-payload must be an integer of at least 1024 bytes, got ${maxPayload}`);
  const maxImageSide = options.maxImageSide ?? 4096;
  const mapping = options.mapping ?? LIBERO_MAPPING;
  const manifestBytes = await readFile(join(options.bundle, 'manifest.json'));
  const ownEngine = options.engine === undefined;
  const engine =
    options.engine ??
    (await loadEngine(options.bundle, {
      log,
      intraOpNumThreads: options.threads ?? 1,
      ...(options.executionProviders === undefined ? {} : { executionProviders: [...options.executionProviders] }),
    }));
  const closeEngine = async () => {
    if (ownEngine) await engine.close();
  };
  let contract: InputContract;
  try {
    contract = inputContract(engine.manifest, mapping, maxImageSide);
    // a bad mode / acceptance / draft layers is refused now, not on the first request
    await engine.predictFromFeatures(new Float32Array(engine.manifest.dims.F), 1, options.decode);
    engine.resetStatistics();
  } catch (error) {
    await closeEngine();
    throw error;
  }
  const decode = options.decode;
  const m = engine.manifest;
  const metadata = buildMetadata(options, engine, sha256Hex(manifestBytes), contract, batching, maxPayload);

  const counters = { connections: 0, openConnections: 0, requests: 0, replies: 0, errors: 0, engineCalls: 0, rowsDecoded: 0, dropped: 0 };
  const connections = new Set<Connection>();
  const A = m.dims.A;
  const C = m.dims.C;

  const runOnce = async (rows: readonly EngineRow[]): Promise<DecodeResult> => {
    counters.engineCalls++;
    counters.rowsDecoded += rows.length;
    if (rows[0]!.kind === 'features') {
      const F = m.dims.F;
      const features = new Float32Array(rows.length * F);
      rows.forEach((r, i) => features.set((r as Extract<EngineRow, { kind: 'features' }>).features, i * F));
      return engine.predictFromFeatures(features, rows.length, decode);
    }
    const obs = rows as readonly Extract<EngineRow, { kind: 'observation' }>[];
    return engine.predict(
      {
        images: obs.map((r) => r.image),
        instructions: obs.map((r) => r.instruction),
        ...(contract.proprio === undefined ? {} : { proprio: obs.map((r) => r.proprio!) }),
      },
      decode,
    );
  };
  const split = (result: DecodeResult, n: number): RowOutcome<RowResult>[] =>
    Array.from({ length: n }, (_, i) => ({ ok: true, value: { actions: result.actions.slice(i * C * A, (i + 1) * C * A), result, index: i } }));
  const run = async (rows: readonly EngineRow[]): Promise<RowOutcome<RowResult>[]> => {
    try {
      return split(await runOnce(rows), rows.length);
    } catch (error) {
      if (rows.length === 1) return [{ ok: false, error }];
      // one bad row must not fail its neighbours: decode them one by one (same outputs: rows are independent)
      const out: RowOutcome<RowResult>[] = [];
      for (const row of rows) {
        try {
          out.push(split(await runOnce([row]), 1)[0]!);
        } catch (e) {
          out.push({ ok: false, error: e });
        }
      }
      return out;
    }
  };
  const batcher = new DynamicBatcher<EngineRow, RowResult>(run, batching, () => {
    let idle = 0;
    for (const c of connections) if (!c.closed && c.pending === 0) idle++;
    return idle;
  });

  const answer = async (conn: Connection, data: RawData, isBinary: boolean, received: number): Promise<Uint8Array | string> => {
    try {
      if (!isBinary) throw new RequestError('expected a binary frame holding a MessagePack (msgpack_numpy) observation dict, got a text frame');
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let request: WireValue;
      try {
        request = unpackb(bytes);
      } catch (error) {
        throw new RequestError(`malformed request: not a msgpack_numpy message (${error instanceof Error ? error.message : String(error)})`);
      }
      const row = toEngineRow(request, contract);
      conn.pending++;
      let done;
      try {
        done = await batcher.submit(row, row.kind, () => conn.closed);
      } finally {
        conn.pending--;
      }
      if (!done.outcome.ok) throw done.outcome.error;
      const { actions, result, index } = done.outcome.value;
      const s = result.stats;
      const totalMs = performance.now() - received;
      const reply: Record<string, WireValue> = {
        actions: NdArray.from(actions, [C, A]),
        server_timing: {
          infer_ms: s.timings.totalMs,
          queue_ms: done.queueMs,
          batch_rows: done.batchRows,
          total_ms: totalMs,
          ...(conn.prevTotalMs === undefined ? {} : { prev_total_ms: conn.prevTotalMs }),
        },
        rsd_stats: {
          mode: s.mode,
          acceptance: acceptanceText(decode.acceptance),
          draft_layers: s.draftLayers,
          main_passes: s.itemMainPasses[index] ?? s.mainPasses,
          batch_main_passes: s.mainPasses,
          accepted_layers: s.acceptedLayers[index] ?? 0,
          layers_decided_per_pass: s.layersDecidedPerPass[index] ?? [],
          stage_ms: {
            backbone: s.timings.backboneMs,
            draft: s.timings.draftMs,
            verify: s.timings.verifyMs,
            autoregressive: s.timings.autoregressiveMs,
            decode: s.timings.decodeMs,
          },
          ...(row.kind === 'observation' ? { image_resize: row.resized } : {}),
        },
      };
      conn.prevTotalMs = totalMs;
      return packb(reply);
    } catch (error) {
      counters.errors++;
      return errorText(error, log);
    }
  };

  const http: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
      return;
    }
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('this is a websocket policy server (openpi protocol); GET /healthz for a health check\n');
  });
  const wss = new WebSocketServer({ server: http, maxPayload, perMessageDeflate: false });
  let nextId = 1;
  wss.on('connection', (ws: WebSocket) => {
    const conn: Connection = { id: nextId++, closed: false, pending: 0, prevTotalMs: undefined };
    connections.add(conn);
    counters.connections++;
    counters.openConnections++;
    let tail: Promise<void> = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      counters.requests++;
      const reply = answer(conn, data, isBinary, performance.now());
      // replies leave in request order, even when a bad request is answered before a queued good one
      tail = tail
        .then(() => reply)
        .then((frame) => {
          if (ws.readyState !== WebSocket.OPEN) {
            counters.dropped++;
            return;
          }
          if (typeof frame !== 'string') counters.replies++;
          ws.send(frame, { binary: typeof frame !== 'string' });
        });
    });
    ws.on('error', (error: Error) => {
      log(`policy-server: connection ${conn.id}: ${error.message} (closed; the server keeps serving)`);
    });
    ws.on('close', () => {
      conn.closed = true;
      connections.delete(conn);
      counters.openConnections--;
    });
    ws.send(packb(metadata), { binary: true });
  });
  wss.on('error', (error: Error) => log(`policy-server: ${error.message}`));

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 8000, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await closeEngine();
    throw error;
  }
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}`,
    metadata,
    engine,
    counters: () => ({ ...counters }),
    close: () =>
      (closing ??= (async () => {
        batcher.close();
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        // a client that does not answer the close handshake within a second is cut off
        const force = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        clearTimeout(force);
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await batcher.idle(); // the call in flight, if any, ends before the engine closes
        await closeEngine();
      })()),
  };
}

function buildMetadata(
  options: PolicyServerOptions,
  engine: RsdEngine,
  manifestSha256: string,
  contract: InputContract,
  batching: BatchingOptions,
  maxPayload: number,
): Record<string, WireValue> {
  const m = engine.manifest;
  const { mapping } = contract;
  const inputs: Record<string, WireValue> = contract.external
    ? { [mapping.featuresKey]: `float32 [${m.dims.F}] features of the external backbone (${isExternalBackbone(m.backbone) ? m.backbone.provider : ''})` }
    : {
        [mapping.imageKey]: `uint8 [H, W, 3], upright RGB (row 0 = top): the agent view, resized to ${contract.image!.height}x${contract.image!.width}`,
        [mapping.promptKey]: 'str: the instruction',
        ...(contract.proprio === undefined
          ? {}
          : { [mapping.stateKey]: `float [N]: ${contract.proprio.fields.map((f) => `${f} = state[${mapping.stateSlices[f]!.join(':')}]`).join(', ')}` }),
        [mapping.featuresKey]: `optional float32 [${m.dims.F}]: features of this bundle's backbone; when present the backbone is skipped`,
      };
  return {
    server: '@rsd/policy-server',
    protocol: 'openpi websocket policy (msgpack_numpy)',
    bundle: {
      name: m.name,
      manifest_sha256: manifestSha256,
      ...(m.trainedOn === undefined ? {} : { trained_on: JSON.parse(JSON.stringify(m.trainedOn)) as WireValue }),
    },
    ...(m.execution === undefined ? {} : { execution: JSON.parse(JSON.stringify(m.execution)) as WireValue }),
    dims: { ...m.dims },
    action_horizon: m.dims.C,
    action_dim: m.dims.A,
    actions: `float32 [${m.dims.C}, ${m.dims.A}] in the environment's units (de-normalised): dx dy dz droll dpitch dyaw gripper`,
    action_normalization: { kind: m.actionNormalization.kind, low: [...m.actionNormalization.low], high: [...m.actionNormalization.high] },
    decoding: {
      mode: options.decode.mode,
      acceptance: acceptanceText(options.decode.acceptance),
      draft_layers: options.decode.mode === 'rsd' ? (options.decode.draftLayers ?? m.dims.k) : 0,
    },
    image: contract.external
      ? null
      : {
          height: contract.image!.height,
          width: contract.image!.width,
          resize: 'images of another size are resized to this: area average when both sides shrink (OpenCV INTER_AREA), bilinear otherwise (half-pixel centres, INTER_LINEAR); rounded to uint8',
          max_side: contract.maxImageSide,
        },
    inputs,
    proprio_fields: contract.proprio === undefined ? [] : [...contract.proprio.fields],
    execution_providers: { ...engine.executionProviders },
    batching: { dynamic: batching.enabled, max_rows: batching.enabled ? batching.maxRows : 1, gather_ms: batching.enabled ? batching.gatherMs : 0, max_queue: batching.maxQueue },
    max_payload_bytes: maxPayload,
  };
}
