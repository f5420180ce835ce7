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
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    readStdin: maxBytes => readStream(process.stdin, maxBytes, STDIN_NAME),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
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
