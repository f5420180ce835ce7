/**
 * Turning command-line paths into text: files, folders (recursively) and stdin, with the limits
 * that keep the command safe on hostile input (size cap, binary and non-UTF-8 detection).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, UsageError } from './errors';
import { CliIo, describeBytes, InputNote, STDIN_NAME } from './io';

/** The largest input read, per file and for stdin: 128 MiB. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

/** File names a folder is searched for. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** One input, before it is read. */
export interface InputRef {
  /** How the input is named in messages and text/JSON reports: relative to the working folder when inside it. */
  readonly displayName: string;
  /** The absolute path; undefined for stdin. */
  readonly absolutePath?: string;
  /** True when the input should be read as one JSON document (a `.json` file). */
  readonly json: boolean;
  /**
   * True for a file found by searching a folder (not named on the command line): when it holds
   * no Kubernetes objects it is skipped, not reported.
   */
  readonly fromFolder?: boolean;
}

/** One input, read and decoded. */
export interface SourceText extends InputRef {
  /** The text; empty when the input is skipped. */
  readonly text: string;
  /** Why a file found in a folder was passed over (it holds no Kubernetes objects); its text is then empty. */
  readonly skipped?: string;
  /** Where input problems that do not stop the run go when the command has no findings (explain, migrate). */
  readonly onInputNote?: (note: InputNote) => void;
}

/**
 * Expand the command-line operands into the inputs to read, in order: each file as given, each
 * folder's `*.yaml`, `*.yml` and `*.json` files in name order (hidden folders and node_modules
 * are not entered), `-` as stdin. Duplicates are read once.
 */
export function resolveInputs(operands: readonly string[], io: CliIo, ignored?: (file: string) => boolean): InputRef[] {
  if (operands.length === 0) {
    throw new UsageError('no input given; name files or folders, or use - to read stdin');
  }
  const inputs: InputRef[] = [];
  const seen = new Set<string>();
  let stdinSeen = false;
  for (const operand of operands) {
    if (operand === '-') {
      if (stdinSeen) throw new UsageError('- (stdin) can be given only once');
      stdinSeen = true;
      inputs.push({ displayName: STDIN_NAME, json: false });
      continue;
    }
    if (operand === '') throw new UsageError('an empty path was given');
    const absolute = path.resolve(io.cwd, operand);
    const stats = statOrThrow(absolute, operand);
    const fromFolder = stats.isDirectory();
    if (!fromFolder && !stats.isFile()) throw notRegular(operand, stats);
    const files = fromFolder ? manifestFilesUnder(absolute, operand) : [absolute];
    for (const file of files) {
      // Paths the repository config ignores are left out, whether found in a folder or named.
      if (seen.has(file) || ignored?.(file) === true) continue;
      seen.add(file);
      inputs.push({ displayName: displayPath(file, io.cwd), absolutePath: file, json: /\.json$/i.test(file), ...(fromFolder ? { fromFolder } : {}) });
    }
  }
  return inputs;
}

/**
 * Read and decode one input. A file found in a folder that cannot hold a Kubernetes object (no
 * `apiVersion` and `kind` keys anywhere: package.json, a tsconfig.json with comments, Helm
 * values, docs) comes back empty with the reason in `skipped`, and `io.onSkipped` is told.
 * Line endings made of a lone carriage return are refused (see `checkLineEndings`).
 */
export async function readInput(input: InputRef, io: CliIo): Promise<SourceText> {
  const bytes = input.absolutePath === undefined
    ? await io.readStdin(MAX_INPUT_BYTES)
    : readFileCapped(input.absolutePath, input.displayName);
  const text = decodeText(bytes, input.displayName);
  const onInputNote = io.onInputNote;
  if (input.fromFolder && !mayHoldKubernetesObjects(text)) {
    const skipped = 'it holds no Kubernetes objects (no apiVersion and kind)';
    io.onSkipped?.(input.displayName, skipped);
    return { ...input, text: '', skipped, ...(onInputNote ? { onInputNote } : {}) };
  }
  checkLineEndings(text, input.displayName);
  return { ...input, text, ...(onInputNote ? { onInputNote } : {}) };
}

/** An `apiVersion` key and a `kind` key, in block, flow or JSON style. */
const API_VERSION_KEY = /(?:^|[\s{,"'])apiVersion["']?[ \t]*:/;
const KIND_KEY = /(?:^|[\s{,"'])kind["']?[ \t]*:/;

/**
 * Whether a text may hold a Kubernetes object: it has both an `apiVersion` and a `kind` key
 * somewhere. A text without them cannot (the API server needs both); one with them is parsed,
 * and a syntax error in it is reported.
 */
export function mayHoldKubernetesObjects(text: string): boolean {
  return API_VERSION_KEY.test(text) && KIND_KEY.test(text);
}

/**
 * Refuse line breaks made of a carriage return alone (old Mac line endings). YAML reads such a
 * CR as a line break, but kubectl splits a stream into documents at line feeds only, so tools
 * would disagree on what the file holds: one clear line instead of a guess. CRLF is fine.
 */
export function checkLineEndings(text: string, name: string): void {
  for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) {
    if (text.charCodeAt(at + 1) === 0x0a) continue;
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new InputError(`${name}:${line}:${at - lineStart + 1}: a carriage return without a line feed ends a line here (old Mac line endings); kubectl splits documents at line feeds only, so tools would read this file differently; convert it to LF or CRLF line endings`);
  }
}

/**
 * Bytes to text, refusing what is not UTF-8 text: a NUL byte (binary files, UTF-16) or an invalid
 * UTF-8 sequence. A leading byte-order mark is dropped.
 */
export function decodeText(bytes: Buffer, name: string): string {
  if (bytes.indexOf(0) !== -1) {
    throw new InputError(`${name} is not UTF-8 text (it contains NUL bytes; binary files and UTF-16 are not read)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${name} is not UTF-8 text (it contains an invalid UTF-8 byte sequence)`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** O_RDONLY | O_NONBLOCK (O_NONBLOCK is undefined on Windows, where FIFOs are not files). */
// eslint-disable-next-line no-bitwise
const OPEN_WITHOUT_BLOCKING = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Read a regular file without ever holding more than the cap. Opened without blocking, so a FIFO
 * put in place of the file since it was listed cannot hang the run; anything but a regular file
 * is refused (stdin, `-`, is the way to read a stream).
 */
function readFileCapped(file: string, name: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_WITHOUT_BLOCKING);
  } catch (error) {
    throw fileError(error, name);
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw notRegular(name, stats);
    if (stats.size > MAX_INPUT_BYTES) throw tooLarge(name);
    return fs.readFileSync(fd);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(error, name);
  } finally {
    fs.closeSync(fd);
  }
}

/** A FIFO, socket or device named as a path: reading it could block forever or never end. */
function notRegular(name: string, stats: fs.Stats): InputError {
  const what = stats.isFIFO() ? 'a named pipe (FIFO)'
    : stats.isSocket() ? 'a socket'
      : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'a special file';
  return new InputError(`${name} is ${what}, not a regular file; to read a stream, redirect it to stdin and give - as the path`);
}

function tooLarge(name: string): InputError {
  return new InputError(`${name} is larger than ${describeBytes(MAX_INPUT_BYTES)}, the limit per input`);
}

/** Every manifest file under a folder, walked iteratively in name order; symlink loops are visited once. */
function manifestFilesUnder(root: string, operand: string): string[] {
  const files: string[] = [];
  const visited = new Set<string>();
  const pending: string[] = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const real = realPathOrThrow(folder, displayFor(folder, root, operand));
    if (visited.has(real)) continue;
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      throw fileError(error, displayFor(folder, root, operand));
    }
    const subfolders: string[] = [];
    for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
      const full = path.join(folder, entry.name);
      let isFolder = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = statOrUndefined(full);
        isFolder = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isFolder) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') subfolders.push(full);
      } else if (isFile && MANIFEST_FILE.test(entry.name)) {
        files.push(full);
      }
    }
    // Depth-first, in name order: push in reverse so the first name is walked first.
    for (let i = subfolders.length - 1; i >= 0; i--) pending.push(subfolders[i]);
  }
  if (files.length === 0) {
    throw new InputError(`${operand} contains no .yaml, .yml or .json files`);
  }
  return files;
}

function displayFor(folder: string, root: string, operand: string): string {
  const relative = path.relative(root, folder);
  return relative ? path.join(operand, relative) : operand;
}

function statOrThrow(absolute: string, operand: string): fs.Stats {
  try {
    return fs.statSync(absolute);
  } catch (error) {
    throw fileError(error, operand);
  }
}

function statOrUndefined(absolute: string): fs.Stats | undefined {
  try {
    return fs.statSync(absolute);
  } catch {
    return undefined;
  }
}

function realPathOrThrow(folder: string, name: string): string {
  try {
    return fs.realpathSync(folder);
  } catch (error) {
    throw fileError(error, name);
  }
}

/** A file-system error as one readable line, without the syscall noise. */
function fileError(error: unknown, name: string): InputError {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return new InputError(`${name}: no such file or directory`);
    case 'EACCES':
    case 'EPERM': return new InputError(`${name}: permission denied`);
    case 'EISDIR': return new InputError(`${name} is a directory`);
    case 'ENOTDIR': return new InputError(`${name}: a part of the path is not a directory`);
    case 'ELOOP': return new InputError(`${name}: too many levels of symbolic links`);
    default: return new InputError(`cannot read ${name}: ${code ?? (error as Error)?.message ?? String(error)}`);
  }
}

/** Relative to the working folder when inside it, otherwise absolute; always with forward slashes. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return shown.split(path.sep).join('/');
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
