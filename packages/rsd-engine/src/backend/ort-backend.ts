import * as ort from 'onnxruntime-node';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RsdError } from '../errors/rsd-error.ts';
import type { ExecutionProvider, InferenceBackend, ModelSession, SessionOptions, TensorValue, ValueSignature } from './inference-backend.ts';

const DEFAULT_PROVIDERS: readonly ExecutionProvider[] = ['cuda', 'cpu'];

/**
 * Why the CUDA provider cannot load, or undefined when its library is installed. Checked on
 * disk first, so a CPU-only install never makes ONNX Runtime print a failed CUDA load.
 */
function cudaProviderMissing(): string | undefined {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const bin = join(root, 'bin');
    const dirs = existsSync(bin) ? readdirSync(bin).map((napi) => join(bin, napi, process.platform, process.arch)) : [];
    const found = dirs.some((d) => existsSync(d) && readdirSync(d).some((f) => /onnxruntime_providers_cuda/.test(f)));
    return found ? undefined : `CUDA provider library not installed (no onnxruntime_providers_cuda in ${bin}; see docs/install.md)`;
  } catch (error) {
    return `cannot locate onnxruntime-node: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * ONNX Runtime (`onnxruntime-node`). Each session tries the providers in order and logs the one
 * it got; a provider that fails to load (e.g. `cuda` without the CUDA provider library) is
 * logged with its reason and the next is tried. A provider that failed once is not retried by
 * the process. No provider loading is an error (`MODEL_LOAD_FAILED`).
 */
export class OrtBackend implements InferenceBackend {
  readonly name = 'onnxruntime-node';
  /** Providers whose library failed to load: that does not change within a process. */
  private static readonly unavailable = new Map<ExecutionProvider, string>();
  private readonly unavailable = OrtBackend.unavailable;

  async createSession(file: string, model: Uint8Array, options: SessionOptions): Promise<ModelSession> {
    const log = options.log ?? (() => {});
    const providers = options.executionProviders ?? DEFAULT_PROVIDERS;
    if (providers.length === 0) throw new RsdError('INVALID_OPTIONS', 'executionProviders must not be empty', { subject: 'executionProviders' });
    const failures: string[] = [];
    for (const ep of providers) {
      if (ep !== 'cuda' && ep !== 'cpu') {
        throw new RsdError('INVALID_OPTIONS', `executionProviders: unknown provider ${JSON.stringify(ep)} (cuda or cpu)`, { subject: 'executionProviders' });
      }
      if (ep === 'cuda' && !this.unavailable.has('cuda')) {
        const missing = cudaProviderMissing();
        if (missing !== undefined) {
          this.unavailable.set('cuda', missing);
          log(`rsd-engine: ${file}: execution provider cuda unavailable (${missing}); trying the next one`);
        }
      }
      const known = this.unavailable.get(ep);
      if (known !== undefined) {
        failures.push(`${ep}: ${known}`);
        continue;
      }
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, {
          executionProviders: [ep],
          graphOptimizationLevel: 'all',
          // keep ONNX Runtime's own logger quiet while probing a provider; we log the outcome
          logSeverityLevel: ep === 'cpu' ? 2 : 4,
          ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
          ...(options.interOpNumThreads === undefined ? {} : { interOpNumThreads: options.interOpNumThreads }),
        });
      } catch (error) {
        const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        failures.push(`${ep}: ${why}`);
        if (ep === 'cuda' && /provider|shared librar|cuda/i.test(why)) this.unavailable.set(ep, why);
        log(`rsd-engine: ${file}: execution provider ${ep} unavailable (${why}); trying the next one`);
        continue;
      }
      log(`rsd-engine: ${file}: running on ${ep}`);
      return new OrtSession(file, ep, session);
    }
    throw new RsdError('MODEL_LOAD_FAILED', `${file}: no execution provider could load the model (${failures.join('; ')})`, { subject: file });
  }
}

class OrtSession implements ModelSession {
  readonly inputs: readonly ValueSignature[];
  readonly outputs: readonly ValueSignature[];
  private elapsed = 0;

  constructor(
    readonly file: string,
    readonly executionProvider: ExecutionProvider,
    private readonly session: ort.InferenceSession,
  ) {
    this.inputs = session.inputMetadata.map(signature);
    this.outputs = session.outputMetadata.map(signature);
  }

  get runMs(): number {
    return this.elapsed;
  }

  async run(feeds: Readonly<Record<string, TensorValue>>): Promise<Record<string, TensorValue>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const t0 = performance.now();
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run(ortFeeds);
    } catch (error) {
      throw new RsdError('INFERENCE_FAILED', `${this.file}: run failed: ${error instanceof Error ? error.message : String(error)}`, {
        subject: this.file,
        cause: error,
      });
    } finally {
      this.elapsed += performance.now() - t0;
    }
    const result: Record<string, TensorValue> = {};
    for (const [name, t] of Object.entries(out)) {
      result[name] = { type: t.type as TensorValue['type'], data: t.data as TensorValue['data'], dims: t.dims };
    }
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function signature(m: ort.InferenceSession.ValueMetadata): ValueSignature {
  return m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
}
