/**
 * A worker thread of lint-parallel.ts: lint the slice of documents it is given and post back the
 * findings, or the error as a message (errors do not cross threads as objects).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from './errors';
import { lintChunks } from './lint-core';
import { WorkerAnswer, WorkerTask } from './lint-parallel';

const task = workerData as WorkerTask;
let answer: WorkerAnswer;
try {
  answer = { ok: true, findings: lintChunks(task.file, task.chunks, task.options) };
} catch (error) {
  answer = { ok: false, inputError: error instanceof InputError, message: (error as Error)?.message ?? String(error) };
}
parentPort?.postMessage(answer);
