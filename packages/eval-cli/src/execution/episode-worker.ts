// Entry of an episode worker thread: one environment and one engine, episodes one at a time.
import { parentPort } from 'node:worker_threads';
import { createEnv } from '../env/create-env.ts';
import { loadEnginePolicy } from '../policy/load-engine-policy.ts';
import { EpisodeSlot } from './episode-slot.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

const port = parentPort;
if (port === null) throw new Error('episode-worker.ts must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
let slot: EpisodeSlot | undefined;

port.on('message', (message: ToWorker) => {
  void handle(message).catch((error: unknown) => {
    const e = error as { message?: unknown; code?: unknown; name?: unknown };
    post({ type: 'fatal', message: typeof e?.message === 'string' ? e.message : String(error), code: typeof e?.code === 'string' ? e.code : undefined, name: typeof e?.name === 'string' ? e.name : 'Error' });
  });
});

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    const init = message.init;
    slot = new EpisodeSlot(
      {
        createEnv: (endpoint) => createEnv(init.env, init.worker, init.camera, endpoint),
        createPolicy: () =>
          loadEnginePolicy({
            bundleDir: init.bundleDir,
            acceptance: init.acceptance,
            draftLayers: init.draftLayers,
            intraOpThreads: init.intraOpThreads,
            resizeImages: init.resizeImages === true,
            log: (line) => post({ type: 'log', line: `[worker ${init.worker}] ${line}` }),
          }),
      },
      init.protocol,
      init.videoDir === undefined ? {} : { videoDir: init.videoDir, highlights: init.highlights === true },
    );
  } else if (message.type === 'job') {
    if (slot === undefined) throw new Error('job before init');
    const { record, infrastructure } = await slot.attempt(message.job, message.endpoint);
    post({ type: 'record', record, infrastructure });
  } else {
    await slot?.close();
    post({ type: 'closed' });
  }
}
