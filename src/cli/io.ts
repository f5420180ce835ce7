import * as fs from 'node:fs';
import { InputError } from './errors';

/** The name stdin has in messages and reports. */
export const STDIN_NAME = '<stdin>';

/**
 * Everything the command touches outside its arguments, so that it can run in-process in tests
 * and as the real binary with the same code.
 */
export interface CliIo {
  /** Write to standard output. */
  readonly stdout: (text: string) => void;
  /** Write to standard error. */
  readonly stderr: (text: string) => void;
  /** Read standard input completely, failing once it exceeds `maxBytes`. */
  readonly readStdin: (maxBytes: number) => Promise<Buffer>;
  /** Whether standard output is a terminal (colour is used only then). */
  readonly stdoutIsTTY: boolean;
  readonly env: { readonly [name: string]: string | undefined };
  /** Paths in messages and reports are shown relative to this folder. */
  readonly cwd: string;
  /**
   * Told of each file a folder run passes over because it holds no Kubernetes objects
   * (commands that do not count them themselves; lint does).
   */
  readonly onSkipped?: (file: string, reason: string) => void;
  /** Told of each input problem that does not stop the run (a repeated key), for commands without findings. */
  readonly onInputNote?: (note: InputNote) => void;
}

/** An input problem that does not stop the run: lint reports it as a finding, explain and migrate on stderr. */
export interface InputNote {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The rule id it is reported under (SC002). */
  readonly ruleId: string;
  readonly message: string;
  readonly fix: string;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    readStdin: maxBytes => readStdin(maxBytes),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Read the process's stdin, refusing a folder redirected to it (`lint - < dir` reads nothing and would report "no problems"). */
function readStdin(maxBytes: number): Promise<Buffer> {
  let isFolder = false;
  try {
    isFolder = fs.fstatSync(0).isDirectory();
  } catch {
    // No stdin to inspect (closed): reading it fails or ends at once, as before.
  }
  if (isFolder) {
    return Promise.reject(new InputError(`${STDIN_NAME} is a directory; name the folder as a path instead of redirecting it to -`));
  }
  return readStream(process.stdin, maxBytes, STDIN_NAME);
}

/**
 * Read a stream into one buffer, refusing to hold more than `maxBytes`: the stream is destroyed
 * as soon as the limit is passed, so memory stays bounded whatever is piped in.
 */
export function readStream(stream: NodeJS.ReadableStream & { destroy?: () => void }, maxBytes: number, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      if (error) reject(error); else resolve(Buffer.concat(chunks, total));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      if (total > maxBytes) {
        chunks.length = 0;
        stream.destroy?.();
        finish(new InputError(`${name} is larger than ${describeBytes(maxBytes)}, the limit per input`));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(new InputError(`cannot read ${name}: ${error.message}`));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/** `128 MiB`, `1 KiB`, `12 bytes`. */
export function describeBytes(bytes: number): string {
  const units: Array<[number, string]> = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
