import { EvalError } from '../errors/eval-error.ts';

/**
 * Where episodes run: the embedded MuJoCo-WASM suite, a Python LIBERO server spawned per
 * worker over stdio, or existing TCP servers (workers are spread over them round-robin).
 */
export type EnvSpec =
  | { readonly kind: 'embedded'; readonly initStates?: 'fixed' | 'validation' }
  | { readonly kind: 'python'; readonly features?: FeaturesSpec }
  | { readonly kind: 'tcp'; readonly endpoints: readonly string[]; readonly features?: boolean };

/**
 * Features computed by the LIBERO server for a bundle with an external backbone: the module each
 * spawned server loads (`rsd_libero_server.py --features <module> [--features-config <config>]`).
 */
export interface FeaturesSpec {
  /** Absolute path of the feature module (`features(agentview, wrist, proprio, instruction)`). */
  readonly module: string;
  /** `--features-config`: a JSON file path or inline JSON. */
  readonly config?: string;
}

const TCP = /^tcp:\/\/([^\s:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

/** Parses `--env`: `embedded`, `python` or `tcp://host:port[,tcp://host2:port2…]`. */
export function parseEnvSpec(text: string): EnvSpec {
  if (text === 'embedded' || text === 'python') return { kind: text };
  const endpoints = text.split(',').map((s) => s.trim());
  for (const e of endpoints) {
    const m = TCP.exec(e);
    if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new EvalError(
        'INVALID_FLAG',
        `--env "${text}": expected embedded, python or tcp://host:port[,tcp://host2:port2...] (bad endpoint "${e}")`,
        { subject: 'env' },
      );
    }
  }
  if (new Set(endpoints).size !== endpoints.length) {
    throw new EvalError('INVALID_FLAG', `--env "${text}": an endpoint is listed twice`, { subject: 'env' });
  }
  return { kind: 'tcp', endpoints };
}

/** The endpoint a worker uses under a TCP spec (round-robin), or undefined for other specs. */
export function endpointForWorker(spec: EnvSpec, worker: number): string | undefined {
  if (spec.kind !== 'tcp') return undefined;
  return spec.endpoints[worker % spec.endpoints.length];
}
