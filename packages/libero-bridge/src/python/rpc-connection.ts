import { BridgeError } from '../errors/bridge-error.ts';
import { errorFromReply } from '../protocol/decode-reply.ts';
import { encodeFrame } from '../protocol/encode-frame.ts';
import type { BlobInput, Frame } from '../protocol/frame.ts';
import { FrameDecoder } from '../protocol/frame-decoder.ts';
import { REPLY_TYPE, type BridgeRequest } from '../protocol/messages.ts';
import type { BridgeTransport } from './transport.ts';

/** A request without its id: the connection numbers requests itself. */
export type RequestBody = BridgeRequest extends infer R ? (R extends BridgeRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  readonly type: BridgeRequest['type'];
  readonly context: string;
  readonly resolve: (frame: Frame) => void;
  readonly reject: (error: BridgeError) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Request/reply over a BridgeTransport: numbers requests, matches replies by id, turns error
 * replies into BridgeErrors carrying the server's text, and times requests out. Once the server
 * dies, sends garbage or a request times out, the connection is failed for good: pending and
 * later requests reject (SERVER_DIED, PROTOCOL_ERROR or TIMEOUT), and the transport is closed.
 */
export class RpcConnection {
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: ((context: string) => BridgeError) | undefined;

  constructor(private readonly transport: BridgeTransport) {
    transport.start({
      data: (chunk) => this.onData(chunk),
      closed: (reason) =>
        this.fail(
          (context) =>
            new BridgeError('SERVER_DIED', `${context}: the python server ${transport.description} died: ${reason}`, {
              subject: context,
            }),
        ),
    });
  }

  get description(): string {
    return this.transport.description;
  }

  /** Whether the connection was failed (dead server, corrupt stream, timeout). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sends `body` and resolves with the reply frame of the expected type. `context` names what is
   * being done (request and episode) in every error. `blobs` travel after the header (e.g. the
   * images of a `features_batch`).
   */
  request(body: RequestBody, options: { timeoutMs: number; context: string; blobs?: readonly BlobInput[] }): Promise<Frame> {
    if (this.failure !== undefined) return Promise.reject(this.failure(options.context));
    const id = this.nextId++;
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          (context) =>
            new BridgeError(
              'TIMEOUT',
              `${context}: the python server ${this.transport.description} did not answer ${body.type} within ${options.timeoutMs} ms; the connection was abandoned`,
              { subject: context },
            ),
        );
      }, options.timeoutMs);
      this.pending.set(id, { type: body.type, context: options.context, resolve, reject, timer });
      this.transport.send(encodeFrame({ ...body, id }, options.blobs ?? []));
    });
  }

  /** Closes the transport (kills a child). Pending requests reject. */
  async close(): Promise<void> {
    this.fail(
      (context) => new BridgeError('ENV_CLOSED', `${context}: the environment is closed`, { subject: context }),
    );
    await this.transport.close();
  }

  private onData(chunk: Uint8Array): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const cause = error as BridgeError;
      this.fail(
        (context) =>
          new BridgeError('PROTOCOL_ERROR', `${context}: ${this.transport.description} sent ${cause.message}`, {
            subject: context,
            cause,
          }),
      );
      return;
    }
    for (const frame of frames) {
      try {
        this.onFrame(frame);
      } catch (error) {
        // A reply whose own fields are malformed (e.g. an error reply without its body).
        const cause = error as BridgeError;
        this.fail(
          (context) => new BridgeError('PROTOCOL_ERROR', `${context}: ${cause.message}`, { subject: context, cause }),
        );
      }
    }
  }

  private onFrame(frame: Frame): void {
    const { id, type } = frame.header;
    const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (pending === undefined) {
      const said =
        type === 'error' ? errorFromReply(frame, 'unsolicited reply').message : `a reply with unknown id ${String(id)}`;
      this.fail((context) => new BridgeError('PROTOCOL_ERROR', `${context}: ${said}`, { subject: context }));
      return;
    }
    // Decode an error reply before retiring the request: if its body is malformed this throws,
    // and onData fails the connection, rejecting this request along with the others.
    const error = type === 'error' ? errorFromReply(frame, pending.context) : undefined;
    this.pending.delete(id as number);
    clearTimeout(pending.timer);
    if (error !== undefined) {
      pending.reject(error);
    } else if (type !== REPLY_TYPE[pending.type]) {
      pending.reject(
        new BridgeError(
          'PROTOCOL_ERROR',
          `${pending.context}: expected a ${REPLY_TYPE[pending.type]} reply, got ${String(type)}`,
          {
            subject: pending.context,
          },
        ),
      );
    } else {
      pending.resolve(frame);
    }
  }

  private fail(make: (context: string) => BridgeError): void {
    if (this.failure !== undefined) return;
    this.failure = make;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(make(p.context));
    }
    this.pending.clear();
    void this.transport.close();
  }
}
