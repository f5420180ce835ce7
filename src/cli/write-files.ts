/**
 * Rewriting files in place without ever losing one: `migrate --write` reads each file with a
 * fingerprint of its bytes, writes the new text to a temporary file in the same folder, syncs it
 * to disk, checks that the file still holds the bytes it was read from, and renames the temporary
 * file over it (then syncs the folder). At any moment the file is either the old one or the new
 * one, whole; on any error the old one is left as it was and the temporary file is removed.
 *
 * The file system is a parameter, so that tests can make a write fail (a full disk) on cue.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { InputError, UsageError } from './errors';
import { CliIo, describeBytes } from './io';
import { decodeText, displayPath, MAX_INPUT_BYTES, resolveInputs, SourceText } from './sources';

/** The file-system calls the writer makes. */
export type WriteFs = Pick<typeof nodeFs, 'openSync' | 'readSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'fstatSync' | 'lstatSync'
| 'accessSync' | 'fchmodSync' | 'fchownSync' | 'renameSync' | 'unlinkSync'>;

/** What a file held when it was read, to tell whether it changed since. */
export interface Fingerprint {
  readonly size: number;
  readonly sha256: string;
}

/** A file read for rewriting. */
export interface ReadForWrite {
  readonly source: SourceText;
  /** The path written: the file itself, never a symbolic link to it. */
  readonly realPath: string;
  readonly fingerprint: Fingerprint;
  /** The file began with a UTF-8 byte-order mark (decoding dropped it; writing puts it back). */
  readonly bom: boolean;
}

/** The file changed or went away after it was read: it is not written, and the run goes on. */
export class NotWrittenError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'NotWrittenError';
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Strings are encoded and written this many characters at a time, so a huge one is never copied whole. */
const WRITE_SLICE = 1024 * 1024;

/**
 * Read a regular file to rewrite it: its text (as readInput decodes it), whether it had a
 * byte-order mark, and the fingerprint of its bytes. A file gone since the operands were
 * resolved is NotWrittenError.
 */
export function readForWrite(source: { displayName: string; realPath: string; json: boolean }, fs: WriteFs = nodeFs): ReadForWrite {
  const bytes = readRegularFile(source.realPath, source.displayName, fs);
  return {
    source: { displayName: source.displayName, absolutePath: source.realPath, json: source.json, text: decodeText(bytes, source.displayName) },
    realPath: source.realPath,
    fingerprint: fingerprintOf(bytes),
    bom: bytes.subarray(0, 3).equals(UTF8_BOM),
  };
}

/**
 * Replace `file.realPath` with `pieces` (joined), as described at the top of this file. Throws
 * NotWrittenError when the file changed or was deleted since it was read (nothing is written),
 * and InputError on any other failure (the file is unchanged, the temporary file removed).
 */
export function replaceFile(file: ReadForWrite, pieces: readonly string[], fs: WriteFs = nodeFs): void {
  const target = file.realPath;
  const name = file.source.displayName;
  const folder = path.dirname(target);
  const temporary = path.join(folder, `.${path.basename(target).slice(0, 100)}.${process.pid}-${randomBytes(4).toString('hex')}.cdk8s-sidecars.tmp`);
  let fd: number | undefined;
  let renamed = false;
  try {
    try {
      // Renaming over a read-only file would succeed; writing to it in place would not.
      fs.accessSync(target, nodeFs.constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw deleted(name);
      if (code === 'EACCES' || code === 'EPERM') throw new InputError(`cannot write ${name}: the file is read-only for this user; the file is unchanged`);
      throw writeError(error, name);
    }
    try {
      fd = fs.openSync(temporary, 'wx', 0o600);
    } catch (error) {
      throw writeError(error, name, 'cannot create a temporary file next to it: ');
    }
    try {
      if (file.bom) writeAll(fs, fd, UTF8_BOM);
      for (const piece of pieces) writeString(fs, fd, piece);
      fs.fsyncSync(fd);
    } catch (error) {
      throw writeError(error, name);
    }
    const current = unchangedSince(file, fs);
    try {
      keepOwnerAndMode(fs, fd, current);
      fs.closeSync(fd);
      fd = undefined;
    } catch (error) {
      throw writeError(error, name);
    }
    try {
      fs.renameSync(temporary, target);
      renamed = true;
    } catch (error) {
      throw writeError(error, name);
    }
    syncFolder(fs, folder);
  } finally {
    if (fd !== undefined) closeQuietly(fs, fd);
    if (!renamed) unlinkQuietly(fs, temporary);
  }
}

/**
 * The file's status, after checking that it still holds the bytes it was read from; throws
 * NotWrittenError when it does not, or when it is gone (it is not re-created).
 */
function unchangedSince(file: ReadForWrite, fs: WriteFs): nodeFs.Stats {
  const name = file.source.displayName;
  let stats: nodeFs.Stats;
  try {
    stats = fs.lstatSync(file.realPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw deleted(name);
    throw writeError(error, name);
  }
  const changed = new NotWrittenError(`not written: ${name} changed since it was read; run migrate again to migrate what it holds now`);
  if (!stats.isFile() || stats.size !== file.fingerprint.size) throw changed;
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file.realPath, name, fs);
  } catch (error) {
    throw error instanceof NotWrittenError ? error : changed;
  }
  if (fingerprintOf(bytes).sha256 !== file.fingerprint.sha256) throw changed;
  return stats;
}

/** Give the new file the old one's owner (where the process may) and permission bits. */
function keepOwnerAndMode(fs: WriteFs, fd: number, original: nodeFs.Stats): void {
  const own = fs.fstatSync(fd);
  if (own.uid !== original.uid || own.gid !== original.gid) {
    try {
      fs.fchownSync(fd, original.uid, original.gid);
    } catch {
      // Only root (or the owner, for a group it belongs to) may; otherwise the new file is ours.
    }
  }
  // After chown, which clears set-user-ID and set-group-ID bits.
  fs.fchmodSync(fd, original.mode % 0o10000);
}

/** Make the rename itself durable. Some systems cannot open or sync a folder; the rename is done either way. */
function syncFolder(fs: WriteFs, folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Nothing to undo: the new file is in place.
  } finally {
    if (fd !== undefined) closeQuietly(fs, fd);
  }
}

function writeString(fs: WriteFs, fd: number, text: string): void {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + WRITE_SLICE);
    // Never split a surrogate pair between two slices.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    writeAll(fs, fd, Buffer.from(text.slice(start, end), 'utf8'));
    start = end;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function writeAll(fs: WriteFs, fd: number, buffer: Buffer): void {
  for (let offset = 0; offset < buffer.length;) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
}

/** Read a regular file, refusing anything else and anything over the input cap; a missing file is NotWrittenError. */
function readRegularFile(file: string, name: string, fs: WriteFs): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw readError(error, name);
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new InputError(`${name} is not a regular file; --write rewrites regular files only`);
    if (stats.size > MAX_INPUT_BYTES) throw new InputError(`${name} is larger than ${describeBytes(MAX_INPUT_BYTES)}, the limit per input`);
    // A file that grows meanwhile is read to its size at open; the check before the rename sees the change.
    const bytes = Buffer.allocUnsafe(stats.size);
    let total = 0;
    while (total < bytes.length) {
      const read = fs.readSync(fd, bytes, total, bytes.length - total, null);
      if (read === 0) break;
      total += read;
    }
    return total === bytes.length ? bytes : bytes.subarray(0, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw readError(error, name);
  } finally {
    closeQuietly(fs, fd);
  }
}

function deleted(name: string): NotWrittenError {
  return new NotWrittenError(`not written: ${name} was deleted while migrate ran; it is not re-created`);
}

function fingerprintOf(bytes: Buffer): Fingerprint {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function closeQuietly(fs: WriteFs, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed, or nothing more can be done.
  }
}

function unlinkQuietly(fs: WriteFs, file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Never created, or already gone.
  }
}

const REASONS: { readonly [code: string]: string } = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied (the folder must be writable: the new text is written next to the file and renamed over it)',
  EPERM: 'operation not permitted (the folder must be writable: the new text is written next to the file and renamed over it)',
  EIO: 'an input/output error',
  EFBIG: 'the file would be too large',
};

function writeError(error: unknown, name: string, context = ''): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = code !== undefined && REASONS[code] !== undefined ? `${REASONS[code]} (${code})` : code ?? (error as Error)?.message ?? String(error);
  return new InputError(`cannot write ${name}: ${context}${reason}; the file is unchanged`);
}

function readError(error: unknown, name: string): InputError {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return deleted(name);
    case 'EACCES':
    case 'EPERM': return new InputError(`${name}: permission denied`);
    default: return new InputError(`cannot read ${name}: ${code ?? (error as Error)?.message ?? String(error)}`);
  }
}

/** A file `--write` may rewrite. */
export interface WriteTarget {
  readonly displayName: string;
  /** The file itself: symbolic links resolved. */
  readonly realPath: string;
  readonly json: boolean;
}

/**
 * The files `--write` rewrites, from the command-line operands: like resolveInputs, but a file
 * whose real path (symbolic links resolved) is outside the folder given (or, for a file operand,
 * outside its own folder) is skipped, with one line saying so. A link inside the folder is
 * followed: its target is rewritten, the link stays a link. Each real file is written once.
 */
export function writeTargets(operands: readonly string[], io: CliIo): { targets: WriteTarget[]; skipped: string[] } {
  if (operands.includes('-')) throw new UsageError('--write cannot rewrite stdin; drop --write to print the result');
  if (operands.length === 0) resolveInputs(operands, io);
  const targets: WriteTarget[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const operand of operands) {
    const inputs = resolveInputs([operand], io);
    const absolute = path.resolve(io.cwd, operand);
    const isFolder = nodeFs.statSync(absolute).isDirectory();
    const folder = isFolder ? absolute : path.dirname(absolute);
    const folderName = isFolder ? operand : path.relative(io.cwd, folder) === '' ? '.' : displayPath(folder, io.cwd);
    const realFolder = realPath(folder, folderName);
    for (const input of inputs) {
      const real = realPath(input.absolutePath!, input.displayName);
      if (!isInside(realFolder, real)) {
        skipped.push(`skipped ${input.displayName}: through a symbolic link it is ${displayPath(real, io.cwd)}, outside ${folderName}; --write does not write outside the folder it is given`);
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      targets.push({ displayName: input.displayName, realPath: real, json: input.json });
    }
  }
  return { targets, skipped };
}

function realPath(file: string, name: string): string {
  try {
    return nodeFs.realpathSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${name}: no such file or directory`);
    throw readError(error, name);
  }
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
