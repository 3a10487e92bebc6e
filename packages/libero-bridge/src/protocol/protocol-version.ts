/**
 * Version of the bridge protocol spoken between the TypeScript client and the Python server
 * (`python/rsd_libero_server.py`). Both sides send it in their `hello` and refuse a peer that
 * speaks another one, naming both versions. Bump it on any incompatible change of the framing
 * or of a message.
 */
export const PROTOCOL_VERSION = 'rsd-libero/1' as const;

/**
 * Minor version 1.1: features. A client that needs a VLA's features says this version and
 * `features: true` in its hello; the server (started with `--features <module.py>`) then sends a
 * float32 [F] blob `features` and `features_ms` with every observation and answers
 * `features_batch`. A 1.0 server refuses the hello by name (PROTOCOL_VERSION_MISMATCH); a 1.1
 * server still serves 1.0 clients, so clients that need no features keep saying 1.0.
 */
export const PROTOCOL_VERSION_FEATURES = 'rsd-libero/1.1' as const;
