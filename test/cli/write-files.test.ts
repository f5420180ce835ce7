/**
 * The writer behind `migrate --write` (src/cli/write-files.ts), in-process, with a file system
 * that fails or changes the file on cue. The same guarantees end to end: migrate-write.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './run-cli';
import { InputError } from '../../src/cli/errors';
import { NotWrittenError, readForWrite, replaceFile, WriteFs } from '../../src/cli/write-files';

let dir: string;

beforeEach(() => {
  dir = tempDir('write-files');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, content);
  return full;
}

function read(full: string) {
  return readForWrite({ displayName: path.basename(full), realPath: full, json: false });
}

/** The real file system, with some calls replaced. */
function fsWith(overrides: Partial<WriteFs>): WriteFs {
  return { ...fs, ...overrides } as WriteFs;
}

function leftovers(): string[] {
  return fs.readdirSync(dir).filter(name => name.endsWith('.tmp'));
}

test('the new text replaces the file; the permission bits are kept', () => {
  const full = file('a.yaml', 'old: 1\n');
  fs.chmodSync(full, 0o640);
  replaceFile(read(full), ['new: ', '2\n']);
  expect(fs.readFileSync(full, 'utf8')).toBe('new: 2\n');
  expect(fs.statSync(full).mode % 0o10000).toBe(0o640);
  expect(leftovers()).toEqual([]);
});

test('the owner is kept where the process may set it', () => {
  if (process.getuid?.() !== 0) return;
  const full = file('a.yaml', 'old: 1\n');
  fs.chownSync(full, 4321, 4321);
  replaceFile(read(full), ['new: 2\n']);
  expect(fs.statSync(full)).toMatchObject({ uid: 4321, gid: 4321 });
});

test('a full disk leaves the old file whole and removes the temporary file', () => {
  const full = file('a.yaml', 'old: 1\n'.repeat(1000));
  let written = 0;
  const full80 = fsWith({
    writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
      const room = Math.max(0, 80 - written);
      if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = fs.writeSync(fd, buffer, offset, Math.min(length, room));
      written += n;
      return n;
    }) as WriteFs['writeSync'],
  });
  const before = read(full);
  expect(() => replaceFile(before, ['new: 2\n'.repeat(1000)], full80)).toThrow(new InputError('cannot write a.yaml: no space left on the device (ENOSPC); the file is unchanged'));
  expect(fs.readFileSync(full, 'utf8')).toBe('old: 1\n'.repeat(1000));
  expect(leftovers()).toEqual([]);
});

test('a failing fsync or rename leaves the old file whole', () => {
  const full = file('a.yaml', 'old: 1\n');
  const eio = () => {
    throw Object.assign(new Error('EIO'), { code: 'EIO' });
  };
  expect(() => replaceFile(read(full), ['new: 2\n'], fsWith({ fsyncSync: eio }))).toThrow('cannot write a.yaml: an input/output error (EIO); the file is unchanged');
  expect(() => replaceFile(read(full), ['new: 2\n'], fsWith({ renameSync: eio }))).toThrow('cannot write a.yaml: an input/output error (EIO); the file is unchanged');
  expect(fs.readFileSync(full, 'utf8')).toBe('old: 1\n');
  expect(leftovers()).toEqual([]);
});

test('a folder that cannot take a new file is one clear line', () => {
  const full = file('a.yaml', 'old: 1\n');
  const eacces = () => {
    throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
  };
  expect(() => replaceFile(read(full), ['new: 2\n'], fsWith({ openSync: eacces as unknown as WriteFs['openSync'] })))
    .toThrow(/^cannot write a\.yaml: cannot create a temporary file next to it: permission denied \(the folder must be writable/);
});

test('a file edited after it was read is not overwritten', () => {
  const full = file('a.yaml', 'old: 1\n');
  const before = read(full);
  // The edit lands while the new text is being written.
  const editing = fsWith({
    fsyncSync: (fd: number) => {
      fs.appendFileSync(full, 'edited: true\n');
      fs.fsyncSync(fd);
    },
  });
  expect(() => replaceFile(before, ['new: 2\n'], editing)).toThrow(new NotWrittenError('not written: a.yaml changed since it was read; run migrate again to migrate what it holds now'));
  expect(fs.readFileSync(full, 'utf8')).toBe('old: 1\nedited: true\n');
  expect(leftovers()).toEqual([]);
});

test('an edit that keeps the size is still seen', () => {
  const full = file('a.yaml', 'old: 1\n');
  const before = read(full);
  fs.writeFileSync(full, 'old: 2\n');
  expect(() => replaceFile(before, ['new: 2\n'])).toThrow(NotWrittenError);
  expect(fs.readFileSync(full, 'utf8')).toBe('old: 2\n');
});

test('a file deleted after it was read is not re-created', () => {
  const full = file('a.yaml', 'old: 1\n');
  const before = read(full);
  fs.unlinkSync(full);
  expect(() => replaceFile(before, ['new: 2\n'])).toThrow(new NotWrittenError('not written: a.yaml was deleted while migrate ran; it is not re-created'));
  expect(fs.existsSync(full)).toBe(false);
  expect(leftovers()).toEqual([]);
});

test('a file deleted before it is read is not written', () => {
  expect(() => read(path.join(dir, 'gone.yaml'))).toThrow(new NotWrittenError('not written: gone.yaml was deleted while migrate ran; it is not re-created'));
});

test('a read-only file is not replaced, though its folder would allow it', () => {
  const full = file('a.yaml', 'old: 1\n');
  const readOnly = fsWith({
    accessSync: () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
  });
  expect(() => replaceFile(read(full), ['new: 2\n'], readOnly)).toThrow(new InputError('cannot write a.yaml: the file is read-only for this user; the file is unchanged'));
  expect(fs.readFileSync(full, 'utf8')).toBe('old: 1\n');
  expect(leftovers()).toEqual([]);
});

test('a byte-order mark is kept', () => {
  const full = file('a.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('old: 1\n')]));
  const before = read(full);
  expect(before.source.text).toBe('old: 1\n');
  replaceFile(before, ['new: 2\n']);
  expect(fs.readFileSync(full)).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('new: 2\n')]));
});

test('long text is written in slices without splitting a character', () => {
  const full = file('a.yaml', 'old: 1\n');
  const text = `a: "${'x'.repeat(1024 * 1024 - 5)}\u{1F600}${'é'.repeat(1024 * 1024)}"\n`;
  replaceFile(read(full), [text]);
  expect(fs.readFileSync(full).equals(Buffer.from(text, 'utf8'))).toBe(true);
});

test('only regular files are rewritten', () => {
  expect(() => readForWrite({ displayName: 'dir', realPath: dir, json: false })).toThrow('dir is not a regular file; --write rewrites regular files only');
});
