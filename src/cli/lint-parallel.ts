/**
 * Linting one big source on several threads. The rule engine costs about half as much per document
 * as parsing it, so a large Helm or Kustomize stream is split at document boundaries into slices:
 * this thread lints the first, worker threads the others, and the findings are joined in
 * document order. Output and exit codes are identical to linting in one thread; when a slice
 * holds bad input, the first bad document in stream order is reported, as it would be serially.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { IndexedChunk } from './documents';
import { InputError } from './errors';
import { CliIo } from './io';
import { CheckOptions, lintChunks, SourceFindings } from './lint-core';
import { SourceText } from './sources';

/** Sources smaller than this are linted in one thread: starting a worker costs more than it saves. */
export const PARALLEL_MIN_CHARS = 4 * 1024 * 1024;

/** At most this many threads, whatever the machine has. */
const MAX_WORKERS = 4;

/** Cores a machine needs before big inputs are split across threads without being asked. */
const MIN_CORES_FOR_WORKERS = 4;

/** The environment variable that sets the number of threads (0 or 1: one thread). */
export const WORKERS_VARIABLE = 'CDK8S_SIDECARS_WORKERS';

/** The worker script, compiled next to this file. Absent under ts-node/ts-jest, where linting stays in one thread. */
const WORKER_SCRIPT = path.join(__dirname, 'lint-worker.js');

/** What a worker is given. */
export interface WorkerTask {
  readonly file: string;
  readonly chunks: readonly IndexedChunk[];
  readonly options: CheckOptions;
}

/** What a worker answers. */
export type WorkerAnswer =
  | { readonly ok: true; readonly findings: SourceFindings }
  | { readonly ok: false; readonly inputError: boolean; readonly message: string };

/** How many threads to lint `source` with: 1 unless it is big, the machine has cores, and workers can run. */
export function parallelWorkers(source: SourceText, io: CliIo): number {
  if (source.json || source.text.length < PARALLEL_MIN_CHARS) return 1;
  const configured = io.env[WORKERS_VARIABLE];
  let workers: number;
  if (configured !== undefined && configured !== '') {
    workers = /^\d+$/.test(configured) ? Number(configured) : 1;
  } else {
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    // Each thread loads the rule engine, warms it up again and receives its share of the text;
    // on the 2-core machines we measure on, two busy processes take 1.6–1.7 times as long as one,
    // so the split saved nothing (the 10,000-object bench stream: 2.0 s with two threads, 1.7 s
    // with one, medians of 7; 50 MB more memory). Only bigger machines split the work by default.
    workers = cores >= MIN_CORES_FOR_WORKERS ? Math.min(cores, MAX_WORKERS) : 1;
  }
  if (workers < 2 || !fs.existsSync(WORKER_SCRIPT)) return 1;
  return workers;
}

/** Lint the chunks in `threads` slices; this thread takes the first. */
export async function lintChunksInParallel(
  file: string,
  chunks: readonly IndexedChunk[],
  options: CheckOptions,
  threads: number,
): Promise<SourceFindings> {
  const slices = sliceBySize(chunks, threads);
  const workers: Worker[] = [];
  const answers = slices.slice(1).map(slice => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: { file, chunks: slice, options } satisfies WorkerTask });
    workers.push(worker);
    const answer = answerOf(worker);
    // Answers not awaited because an earlier slice failed must not surface as unhandled rejections.
    answer.catch(() => undefined);
    return answer;
  });
  try {
    // Lint here while the workers start and run; an error here comes first in stream order.
    const results = [lintChunks(file, slices[0], options)];
    for (const answer of answers) results.push(await answer);
    return joinFindings(results);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
}

/** The findings of consecutive slices as one source's. */
export function joinFindings(results: readonly SourceFindings[]): SourceFindings {
  const unchecked = new Map<string, SourceFindings['unchecked'][number]>();
  for (const result of results) {
    for (const kind of result.unchecked) {
      const known = unchecked.get(kind.kindName);
      unchecked.set(kind.kindName, known === undefined ? kind : { ...known, count: known.count + kind.count });
    }
  }
  return {
    resources: results.flatMap(r => r.resources),
    workloads: results.reduce((sum, r) => sum + r.workloads, 0),
    objects: results.reduce((sum, r) => sum + r.objects, 0),
    unchecked: [...unchecked.values()],
  };
}

function answerOf(worker: Worker): Promise<SourceFindings> {
  return new Promise((resolve, reject) => {
    worker.once('message', (answer: WorkerAnswer) => {
      if (answer.ok) resolve(answer.findings);
      else reject(answer.inputError ? new InputError(answer.message) : new Error(answer.message));
    });
    worker.once('error', reject);
    worker.once('exit', code => reject(new Error(`a lint worker stopped with exit code ${code}`)));
  });
}

/** Consecutive slices of about equal text size. */
function sliceBySize(chunks: readonly IndexedChunk[], count: number): IndexedChunk[][] {
  const total = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  const slices: IndexedChunk[][] = [[]];
  let size = 0;
  for (const chunk of chunks) {
    if (size >= (total * slices.length) / count && slices.length < count) slices.push([]);
    slices[slices.length - 1].push(chunk);
    size += chunk.text.length;
  }
  return slices;
}
