import { parentPort, workerData } from 'node:worker_threads';
import { runDemos, type DemosOptions } from '../cli/demos-command.ts';
import { answerParent } from '../embedded/spawn-module-worker.ts';

/** Entry of a worker thread: records the demos of `workerData.options.tasks` and answers with the result. */
const { options } = workerData as { options: DemosOptions };
answerParent((msg) => parentPort?.postMessage(msg), runDemos({ ...options, workers: 1 }));
