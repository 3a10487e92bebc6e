import { BridgeError } from '../errors/bridge-error.ts';
import { float32Of } from '../protocol/decode-reply.ts';
import { RpcConnection } from './rpc-connection.ts';
import { helloRequest } from './python-env.ts';
import { spawnStdioTransport, type StdioTransportOptions } from './stdio-transport.ts';
import { connectTcpTransport } from './tcp-transport.ts';

/** Where the feature module runs: a server spawned over stdio (pass `--features` in serverArgs) or a TCP server. */
export type PythonFeatureClientOptions = (
  | ({ readonly transport: 'stdio' } & StdioTransportOptions)
  | { readonly transport: 'tcp'; readonly url: string; readonly token?: string }
) & {
  /** Connect + hello, and each batch, ms. Default 600 000 (a VLA may load for minutes). */
  readonly timeoutMs?: number;
};

/** N observations for the server's feature module (the same arguments an episode's observations give it). */
export interface FeatureBatch {
  /** One instruction for all, or one per observation. */
  readonly instruction: string | readonly string[];
  /** uint8 [N, H, W, 3], upright. */
  readonly agentview: { readonly n: number; readonly height: number; readonly width: number; readonly data: Uint8Array };
  /** uint8 [N, h, w, 3], upright, when the demos have the wrist camera. */
  readonly wrist?: { readonly n: number; readonly height: number; readonly width: number; readonly data: Uint8Array };
  /** float32 [N, 9]: ee_pos [3], ee_quat [4] (x, y, z, w), gripper_qpos [2]. */
  readonly proprio: Float32Array;
}

/** A connection to the server's feature module only (protocol 1.1, `env: false`: no LIBERO needed). */
export interface PythonFeatureClient {
  /** The server's hello: protocol, module. */
  readonly serverInfo: Readonly<Record<string, string>>;
  /** features float32 [N, F] of the batch, and the server's time in the module, ms. */
  featuresBatch(batch: FeatureBatch): Promise<{ readonly features: Float32Array; readonly F: number; readonly ms: number }>;
  close(): Promise<void>;
}

/**
 * Connects to (or spawns) the Python server for `features_batch` requests: demo replay through
 * the same `--features` module that evaluation uses, so training and evaluation see the same
 * features. A server without the module, or one that speaks no protocol 1.1, is FEATURES_UNAVAILABLE.
 */
export async function createPythonFeatureClient(options: PythonFeatureClientOptions): Promise<PythonFeatureClient> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const transport = options.transport === 'stdio' ? await spawnStdioTransport(options) : await connectTcpTransport(options.url, timeoutMs);
  const connection = new RpcConnection(transport);
  let info: Record<string, string>;
  try {
    const reply = await helloRequest(connection, {
      features: true,
      env: false,
      ...(options.transport === 'tcp' && options.token !== undefined ? { token: options.token } : {}),
      timeoutMs,
    });
    const f = reply.features as { module?: unknown };
    info = { protocol: String(reply.version), endpoint: transport.description, features: typeof f.module === 'string' ? f.module : 'unknown' };
  } catch (error) {
    await connection.close();
    throw error;
  }
  let batches = 0;
  return {
    serverInfo: info,
    async featuresBatch(batch) {
      const { n, height, width, data } = batch.agentview;
      if (!Number.isInteger(n) || n < 1 || data.length !== n * height * width * 3) throw new RangeError(`batch.agentview must be uint8 [n, ${height}, ${width}, 3] with n >= 1`);
      if (batch.proprio.length !== n * 9) throw new RangeError(`batch.proprio must be float32 [${n}, 9], got ${batch.proprio.length} values`);
      const w = batch.wrist;
      if (w !== undefined && (w.n !== n || w.data.length !== n * w.height * w.width * 3)) throw new RangeError(`batch.wrist must be uint8 [${n}, h, w, 3]`);
      const frame = await connection.request(
        { type: 'features_batch', instruction: batch.instruction },
        {
          timeoutMs,
          context: `features_batch ${++batches}`,
          blobs: [
            { name: 'agentview_rgb', dtype: 'uint8', shape: [n, height, width, 3], data },
            { name: 'proprio', dtype: 'float32', shape: [n, 9], data: batch.proprio },
            ...(w === undefined ? [] : [{ name: 'eye_in_hand_rgb', dtype: 'uint8' as const, shape: [n, w.height, w.width, 3], data: w.data }]),
          ],
        },
      );
      const blob = frame.blobs.get('features');
      if (blob === undefined || blob.dtype !== 'float32' || blob.shape.length !== 2 || blob.shape[0] !== n || !blob.shape[1]) {
        throw new BridgeError('PROTOCOL_ERROR', `features_batch ${batches}: the reply has no float32 [${n}, F] blob "features"`, { subject: 'features' });
      }
      const ms = frame.header.features_ms;
      return { features: float32Of(blob.data), F: blob.shape[1], ms: typeof ms === 'number' ? ms : 0 };
    },
    async close() {
      if (!connection.failed) await connection.request({ type: 'close' }, { timeoutMs: 5000, context: 'close' }).catch(() => undefined);
      await connection.close();
    },
  };
}
