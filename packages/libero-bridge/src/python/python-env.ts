import { normalizeAction } from '../action.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import type { Action, LiberoEnv, Observation, ResetOptions, StepOptions, StepResult, SuiteInfo } from '../libero-env.ts';
import { decodeObservation, decodeStepResult, decodeSuites } from '../protocol/decode-reply.ts';
import { PROTOCOL_VERSION, PROTOCOL_VERSION_FEATURES } from '../protocol/protocol-version.ts';
import { RpcConnection, type RequestBody } from './rpc-connection.ts';
import { spawnStdioTransport, type StdioTransportOptions } from './stdio-transport.ts';
import { connectTcpTransport } from './tcp-transport.ts';
import type { BridgeTransport } from './transport.ts';

/** Timeouts of the Python client, ms. A request that times out abandons the connection. */
export interface PythonEnvTimeouts {
  /** Connecting and the hello (includes the server importing LIBERO). Default 60 000. */
  readonly connectMs?: number;
  /** `reset` (may build a new LIBERO environment). Default 120 000. */
  readonly resetMs?: number;
  /** `step`, `listSuites` and `close`. Default 60 000. */
  readonly requestMs?: number;
}

interface CommonOptions {
  /** Camera height and width the server renders at. Default 128 × 128. */
  readonly cameraHeight?: number;
  readonly cameraWidth?: number;
  readonly timeouts?: PythonEnvTimeouts;
  /**
   * Ask the server for features with every observation (protocol 1.1; the server must run with
   * `--features <module.py>`): `Observation.features` float32 [F] and `featuresMs`. A server that
   * cannot is a FEATURES_UNAVAILABLE setup fault at creation.
   */
  readonly features?: boolean;
}

export type PythonEnvOptions =
  | ({ readonly transport: 'stdio' } & StdioTransportOptions & CommonOptions)
  | ({ readonly transport: 'tcp'; readonly url: string; readonly token?: string } & CommonOptions);

interface Episode {
  readonly suite: string;
  readonly taskId: number;
  readonly initState: number;
  readonly seed: number;
  step: number;
  running: boolean;
}

function describeEpisode(e: Episode | undefined): string {
  return e === undefined
    ? 'no episode'
    : `episode (suite ${e.suite}, task ${e.taskId}, init state ${e.initState}, seed ${e.seed})`;
}

function checkSize(value: number | undefined, name: string): number {
  const v = value ?? 128;
  if (!Number.isSafeInteger(v) || v < 1 || v > 4096)
    throw new RangeError(`${name} must be an integer in [1, 4096], got ${v}`);
  return v;
}

/**
 * Starts (stdio) or connects to (tcp) the Python server of real LIBERO and completes the
 * handshake. A server that speaks another protocol version is refused (PROTOCOL_VERSION_MISMATCH),
 * a wrong token is refused by the server (AUTH_FAILED).
 */
export async function createPythonEnv(options: PythonEnvOptions): Promise<LiberoEnv> {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  if (options.transport !== 'stdio' && options.transport !== 'tcp') {
    throw new TypeError(
      `options.transport must be 'stdio' or 'tcp', got ${String((options as { transport: unknown }).transport)}`,
    );
  }
  const camera = {
    height: checkSize(options.cameraHeight, 'options.cameraHeight'),
    width: checkSize(options.cameraWidth, 'options.cameraWidth'),
  };
  const t = options.timeouts ?? {};
  const timeouts = {
    connectMs: t.connectMs ?? 60_000,
    resetMs: t.resetMs ?? 120_000,
    requestMs: t.requestMs ?? 60_000,
  };
  for (const [k, v] of Object.entries(timeouts)) {
    if (!(v > 0)) throw new RangeError(`options.timeouts.${k} must be positive, got ${v}`);
  }
  const transport: BridgeTransport =
    options.transport === 'stdio'
      ? await spawnStdioTransport(options)
      : await connectTcpTransport(options.url, timeouts.connectMs);
  const connection = new RpcConnection(transport);
  let info: Readonly<Record<string, string>>;
  try {
    const reply = await helloRequest(connection, {
      features: options.features === true,
      env: true,
      ...(options.transport === 'tcp' && options.token !== undefined ? { token: options.token } : {}),
      timeoutMs: timeouts.connectMs,
    });
    info = {
      protocol: String(reply.version),
      server: typeof reply.server === 'string' ? reply.server : 'unknown',
      libero: typeof reply.libero === 'string' ? reply.libero : 'unknown',
      endpoint: transport.description,
      ...(options.features === true ? { features: featureModuleOf(reply) } : {}),
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
  return new PythonEnv(connection, camera, timeouts, info, options.features === true);
}

function featureModuleOf(reply: Readonly<Record<string, unknown>>): string {
  const f = reply.features as { module?: unknown } | undefined;
  return typeof f?.module === 'string' ? f.module : 'unknown';
}

/**
 * The hello of protocol 1.0, or 1.1 with `features: true` when features are wanted. Returns the
 * reply header. A server that speaks no 1.1 refuses the latter by name: that becomes a
 * FEATURES_UNAVAILABLE setup fault saying what to run instead.
 */
export async function helloRequest(
  connection: RpcConnection,
  o: { readonly features: boolean; readonly env: boolean; readonly token?: string; readonly timeoutMs: number },
): Promise<Readonly<Record<string, unknown>>> {
  const version = o.features ? PROTOCOL_VERSION_FEATURES : PROTOCOL_VERSION;
  let reply;
  try {
    reply = await connection.request(
      {
        type: 'hello',
        version,
        client: '@rsd/libero-bridge',
        ...(o.token !== undefined ? { token: o.token } : {}),
        ...(o.features ? { features: true, ...(o.env ? {} : { env: false }) } : {}),
      },
      { timeoutMs: o.timeoutMs, context: 'hello' },
    );
  } catch (error) {
    if (o.features && BridgeError.isInstance(error) && error.code === 'PROTOCOL_VERSION_MISMATCH') {
      throw new BridgeError(
        'FEATURES_UNAVAILABLE',
        `features were asked for, but the python server ${connection.description} does not speak protocol ${PROTOCOL_VERSION_FEATURES} (features in observations): run the rsd_libero_server.py of this @rsd/libero-bridge with --features <module.py>. ${error.message}`,
        { subject: 'version', cause: error },
      );
    }
    throw error;
  }
  if (reply.header.version !== version) {
    throw new BridgeError(
      'PROTOCOL_VERSION_MISMATCH',
      `the python server ${connection.description} speaks protocol ${JSON.stringify(reply.header.version)}, this client speaks ${version}`,
      { subject: 'version' },
    );
  }
  if (o.features && (typeof reply.header.features !== 'object' || reply.header.features === null)) {
    throw new BridgeError('FEATURES_UNAVAILABLE', `the python server ${connection.description} accepted protocol ${version} but did not confirm features in its hello`, { subject: 'features' });
  }
  return reply.header;
}

class PythonEnv implements LiberoEnv {
  readonly backend = 'python';
  private closing: Promise<void> | undefined;
  private episode: Episode | undefined;
  private suites: readonly SuiteInfo[] | undefined;

  constructor(
    private readonly connection: RpcConnection,
    private readonly camera: { readonly height: number; readonly width: number },
    private readonly timeouts: { readonly resetMs: number; readonly requestMs: number },
    /** From the server's hello: protocol, server, `libero` (its installed version), endpoint, `features` (the module). */
    readonly serverInfo: Readonly<Record<string, string>>,
    private readonly features: boolean = false,
  ) {}

  /** With features on, every observation must carry them (no silent fallback). */
  private checked(observation: Observation, context: string): Observation {
    if (this.features && observation.features === undefined) {
      throw new BridgeError('PROTOCOL_ERROR', `${context}: the python server sent no features blob although the hello asked for them`, { subject: 'features' });
    }
    return observation;
  }

  async listSuites(): Promise<readonly SuiteInfo[]> {
    this.checkOpen('listSuites');
    if (this.suites === undefined) {
      this.suites = decodeSuites(await this.call({ type: 'list_suites' }, this.timeouts.requestMs, 'listSuites'));
    }
    return this.suites;
  }

  async reset(options: ResetOptions): Promise<Observation> {
    this.checkOpen('reset');
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    const { suite, taskId, initState, seed } = options;
    if (typeof suite !== 'string') throw new TypeError('options.suite must be a string');
    for (const [name, v] of [
      ['taskId', taskId],
      ['initState', initState],
    ] as const) {
      if (!Number.isSafeInteger(v)) throw new TypeError(`options.${name} must be an integer, got ${String(v)}`);
    }
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`options.seed must be an integer in [0, 2^32), got ${String(seed)}`);
    }
    this.episode = { suite, taskId, initState, seed, step: 0, running: false };
    const frame = await this.call(
      {
        type: 'reset',
        suite,
        task_id: taskId,
        init_state: initState,
        seed,
        camera_height: this.camera.height,
        camera_width: this.camera.width,
      },
      this.timeouts.resetMs,
      `reset of ${describeEpisode(this.episode)}`,
    );
    this.episode.running = true;
    return this.checked(decodeObservation(frame), 'reset');
  }

  async step(action: Action, options: StepOptions = {}): Promise<StepResult> {
    this.checkOpen('step');
    const clipped = normalizeAction(action);
    const episode = this.episode;
    if (episode === undefined || !episode.running) {
      throw new BridgeError('EPISODE_NOT_STARTED', 'step before a successful reset', { subject: 'step' });
    }
    episode.step += 1;
    const skipFeatures = this.features && options.features === false;
    const frame = await this.call(
      { type: 'step', action: Array.from(clipped), ...(skipFeatures ? { features: false } : {}) },
      this.timeouts.requestMs,
      `step ${episode.step} of ${describeEpisode(episode)}`,
    );
    const result = decodeStepResult(frame);
    if (!skipFeatures) this.checked(result.observation, `step ${episode.step}`);
    return result;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.connection.failed) {
        // A polite goodbye lets the server free its environment; a server that is already gone
        // or does not answer is fine here, since the transport is closed (child killed) next.
        await this.connection.request({ type: 'close' }, { timeoutMs: 5000, context: 'close' }).catch(() => undefined);
      }
      await this.connection.close();
    })();
    return this.closing;
  }

  private call(body: RequestBody, timeoutMs: number, context: string) {
    return this.connection.request(body, { timeoutMs, context });
  }

  private checkOpen(method: string): void {
    if (this.closing !== undefined) {
      throw new BridgeError('ENV_CLOSED', `${method} after close(): the python environment is closed`, {
        subject: method,
      });
    }
  }
}
