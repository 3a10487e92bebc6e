/**
 * Version of the bridge protocol spoken between the TypeScript client and the Python server
 * (`python/rsd_libero_server.py`). Both sides send it in their `hello` and refuse a peer that
 * speaks another one, naming both versions. Bump it on any incompatible change of the framing
 * or of a message.
 */
export const PROTOCOL_VERSION = 'rsd-libero/1' as const;
