import type { BridgeError } from '@rsd/libero-bridge';

/**
 * One clear sentence for a setup fault of the environment (`isSetupFault`), naming what the user
 * changes: the token variable, the server's Python, LIBERO's config, the suite.
 */
export function setupFaultMessage(error: BridgeError): string {
  switch (error.code) {
    case 'AUTH_FAILED':
      return `the LIBERO server refused the token: set RSD_LIBERO_TOKEN to the token the server was started with (its --token or $RSD_LIBERO_TOKEN). ${error.message}`;
    case 'PROTOCOL_VERSION_MISMATCH':
      return `the LIBERO server speaks another bridge protocol version: run the rsd_libero_server.py shipped with this @rsd/libero-bridge. ${error.message}`;
    case 'LIBERO_UNAVAILABLE':
      return `the LIBERO server cannot load LIBERO (check its Python, LIBERO's install and LIBERO_CONFIG_PATH). ${error.message}`;
    default:
      return error.message;
  }
}
