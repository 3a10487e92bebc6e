/** Receivers a transport reports to. */
export interface TransportHandlers {
  /** Bytes from the server, in order. */
  data(chunk: Uint8Array): void;
  /** The server is gone (child exit, socket close, spawn failure); `reason` is its own text. */
  closed(reason: string): void;
}

/**
 * A byte pipe to a running bridge server: a spawned child's stdin/stdout, or a TCP socket.
 * Swappable so the client logic is the same for both and tests can substitute one.
 */
export interface BridgeTransport {
  /** Where the server is, for error messages: `python3 (pid 123)`, `tcp://127.0.0.1:5555`. */
  readonly description: string;
  /** Registers the receivers. Called once, before the first `send`. */
  start(handlers: TransportHandlers): void;
  send(bytes: Uint8Array): void;
  /** Ends the connection and frees its resources (kills a child). Idempotent. */
  close(): Promise<void>;
}
