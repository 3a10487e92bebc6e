import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RsdError } from '@rsd/rsd-engine';
import { startPolicyServer } from '../policy-server.ts';
import { runBench } from './bench-command.ts';
import { decodeOptionsOf, intFlag, serveOptionsOf, SERVE_FLAGS, UsageError, userPath } from './options.ts';

const HELP: Record<string, string> = {
  '': `policy-server <command> [options]

Commands:
  serve   serve a model bundle over openpi's websocket policy protocol
  bench   requests per second and latency for 1, 4 and 16 clients (JSON)

Run "policy-server <command> --help" for a command's options.`,
  serve: `policy-server serve --bundle <dir> [options]

  --bundle <dir>              model bundle (e.g. models/embedded_spatial)
  --host <addr>               default 127.0.0.1 (loopback only; 0.0.0.0 listens on every interface)
  --port <p>                  default 8000 (openpi's); 0 picks a free port (printed)
  --mode baseline|rsd|jacobi  default rsd
  --acceptance <rule>         exact | relaxed:<t>[,<t1>,...] | sample:<T>:<seed>   (default exact)
  --draft-layers <k>          1..manifest k (default manifest k)
  --dynamic-batching on|off   decode requests of several clients in one engine call (default on)
  --max-rows <n>              most rows per engine call (default 16)
  --gather-ms <ms>            longest a request waits for others (default 2; no wait when
                              every connected client already has a request queued)
  --max-queue <n>             most queued requests; more are refused with a text frame (default 256)
  --max-payload <bytes>       largest message, e.g. 16M (default); a larger one closes its
                              connection with 1009 (message too big)
  --max-image-side <px>       largest image side accepted (default 4096)
  --image-key <key>           default observation/image   (uint8 [H, W, 3], upright)
  --state-key <key>           default observation/state   (float [N])
  --prompt-key <key>          default prompt              (str)
  --features-key <key>        default features            (float32 [F]: external backbones)
  --state-map <map>           proprio fields in the state, default eePos=0:3,gripperQpos=6:8
  --threads <n>               ONNX Runtime intra-op threads (default 1)
  --cpu                       only the cpu execution provider (default: cuda, then cpu)`,
  bench: `policy-server bench --bundle <dir> [options]     (prints JSON)

  --bundle <dir>          model bundle (images: not for external backbones)
  --clients <list>        concurrent clients, comma-separated (default 1,4,16)
  --modes <list>          default baseline,rsd
  --requests <n>          timed requests per client and configuration (default 24)
  --warmup <n>            untimed requests per client first (default 3)
  --image-size <px>       side of the images the clients send (default 224, as openpi's LIBERO example)
  --gather-ms <ms>        the servers' --gather-ms (default 2)
  --threads <n>           ONNX Runtime intra-op threads (default 1)
  --seed <n>              observation seed (default 7)`,
};

async function serve(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, strict: true, options: { ...SERVE_FLAGS, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${HELP.serve}\n`);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const options = serveOptionsOf(values, log);
  const server = await startPolicyServer(options);
  const b = server.metadata.batching as Record<string, unknown>;
  const d = server.metadata.decoding as Record<string, unknown>;
  log(
    `policy-server: listening on ${server.url} (bundle ${server.engine.manifest.name}, mode ${String(d.mode)}, acceptance ${String(d.acceptance)}, ` +
      `dynamic batching ${b.dynamic ? `on: up to ${String(b.max_rows)} rows, gather ${String(b.gather_ms)} ms` : 'off'}); health check: http://${server.host}:${server.port}/healthz`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`policy-server: ${signal}, closing`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  return 0;
}

async function bench(rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      bundle: { type: 'string' },
      clients: { type: 'string' },
      modes: { type: 'string' },
      requests: { type: 'string' },
      warmup: { type: 'string' },
      'image-size': { type: 'string' },
      'gather-ms': { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP.bench}\n`);
    return 0;
  }
  if (values.bundle === undefined) throw new UsageError('--bundle <dir> is required');
  const modes = (values.modes ?? 'baseline,rsd').split(',').map((m) => decodeOptionsOf({ mode: m }).mode);
  const clients = (values.clients ?? '1,4,16').split(',').map((c) => intFlag('clients', c, 1)!);
  const gatherMs = Number(values['gather-ms'] ?? 2);
  if (!(gatherMs >= 0)) throw new UsageError(`--gather-ms must be >= 0, got "${values['gather-ms']}"`);
  const self = fileURLToPath(import.meta.url);
  const report = await runBench(
    {
      bundle: userPath(values.bundle),
      clients,
      modes,
      requests: intFlag('requests', values.requests, 1) ?? 24,
      warmup: intFlag('warmup', values.warmup, 0) ?? 3,
      imageSize: intFlag('image-size', values['image-size'], 1) ?? 224,
      threads: intFlag('threads', values.threads, 1) ?? 1,
      gatherMs,
      seed: intFlag('seed', values.seed, 0) ?? 7,
      // the same interpreter and loader flags (tsx) as this process, running this file's `serve`
      serverCommand: [process.execPath, ...process.execArgv, self, 'serve'],
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP['']}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'bench') return bench(rest);
  process.stderr.write(`unknown command "${command}"\n${HELP['']}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof TypeError || (RsdError.isInstance(error) && error.code === 'INVALID_OPTIONS');
    const what = RsdError.isInstance(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`policy-server: ${what}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
