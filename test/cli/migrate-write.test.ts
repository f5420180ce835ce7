/**
 * `migrate --write` never loses a byte, end to end on the built command: a write killed at any
 * point leaves the old file or the new one, whole; a full disk or a failed write leaves the old
 * one; an edit or a deletion made while the command runs is not overwritten; symbolic links out
 * of the folder given are skipped; a byte-order mark, CRLF line ends, a missing final newline and
 * the untouched items of a `List` are kept byte for byte; when one file fails, the report of the
 * files already written is still printed.
 *
 * A disk that fills up and an edit made at the worst moment are simulated by a script loaded with
 * `node --require` (FAULTS below), which replaces a few `fs` functions in the child process.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, runBuiltCli, runCli, tempDir } from './run-cli';
import { LEGACY_JOB_YAML } from '../manifests';


/**
 * Loaded into the command with --require. FAKE_FREE_BYTES: the disk holds only that many more
 * bytes (writes past it fail with ENOSPC, as a full disk does, after writing what fits).
 * FAKE_EDIT_FILE: when the command first syncs a file to disk, that file is edited
 * (FAKE_EDIT=append) or deleted (FAKE_EDIT=delete), as another program might at that moment.
 */
const FAULTS = `
const fs = require('fs');
let free = process.env.FAKE_FREE_BYTES === undefined ? Infinity : Number(process.env.FAKE_FREE_BYTES);
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
const writeSync = fs.writeSync;
fs.writeSync = function (fd, data, ...rest) {
  if (fd <= 2) return writeSync.call(fs, fd, data, ...rest);
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  const offset = typeof data === 'string' ? 0 : rest[0] ?? 0;
  const length = typeof data === 'string' ? buffer.length : rest[1] ?? buffer.length - offset;
  if (free <= 0) throw enospc();
  const written = writeSync.call(fs, fd, buffer, offset, Math.min(length, free));
  free -= written;
  return written;
};
const writeFileSync = fs.writeFileSync;
fs.writeFileSync = function (file, data, options) {
  const bytes = Buffer.from(data);
  if (bytes.length <= free) {
    free -= bytes.length;
    return writeFileSync.call(fs, file, data, options);
  }
  writeFileSync.call(fs, file, bytes.subarray(0, Math.max(0, free)));
  free = 0;
  throw enospc();
};
const fsyncSync = fs.fsyncSync;
let edited = false;
fs.fsyncSync = function (fd) {
  if (process.env.FAKE_EDIT_FILE && !edited) {
    edited = true;
    if (process.env.FAKE_EDIT === 'delete') fs.unlinkSync(process.env.FAKE_EDIT_FILE);
    else fs.appendFileSync(process.env.FAKE_EDIT_FILE, '# edited meanwhile\\n');
  }
  return fsyncSync.call(fs, fd);
};
`;

let root: string;
let faults: string;

beforeAll(() => {
  buildCli();
  root = tempDir('migrate-write');
  faults = path.join(root, 'faults.js');
  fs.writeFileSync(faults, FAULTS);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

let counter = 0;

/** A fresh folder under the test's temp folder, holding `files`. */
function folder(files: { [name: string]: string | Buffer }): string {
  const dir = path.join(root, `case-${++counter}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** What `migrate` prints for `text` (the expected new content of a file). */
async function migrated(text: string): Promise<string> {
  const run = await runCli(['migrate', '--sidecar', 'helper', '-'], { input: text });
  expect(run.status).toBe(0);
  expect(run.stdout).not.toBe(text);
  return run.stdout;
}

function withFaults(env: Record<string, string>): Record<string, string> {
  return { NODE_OPTIONS: `--require ${faults}`, ...env };
}

function temporaryFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter(name => name.endsWith('.tmp'));
}

describe('a write killed at any point leaves the old file or the new one, whole', () => {
  // A big file, so that writing it takes long enough to be interrupted.
  const blob = `    ${'x'.repeat(96)}\n`.repeat(60_000);
  const old = Buffer.from(`${LEGACY_JOB_YAML}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: |\n${blob}`);
  let expected: Buffer;
  let fullRunMs: number;

  beforeAll(async () => {
    expected = Buffer.from(await migrated(old.toString()));
    const dir = folder({ 'big.yaml': old });
    const start = Date.now();
    const run = runBuiltCli(['migrate', '--write', '--sidecar', 'helper', 'big.yaml'], { cwd: dir });
    fullRunMs = Date.now() - start;
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'big.yaml')).equals(expected)).toBe(true);
  });

  /** Start the command on a fresh copy, kill it with SIGKILL when `killAt` says so, return the file's bytes. */
  async function killed(killAt: (dir: string, file: string, running: () => boolean) => Promise<void>): Promise<{ content: Buffer; dir: string }> {
    const dir = folder({ 'big.yaml': old });
    const file = path.join(dir, 'big.yaml');
    const main = path.join(buildCli(), 'cli', 'main.js');
    const child = spawn(process.execPath, [main, 'migrate', '--write', '--sidecar', 'helper', 'big.yaml'], {
      cwd: dir, stdio: 'ignore', env: { ...process.env, NODE_PATH: path.resolve(__dirname, '..', '..', 'node_modules') },
    });
    const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
    let done = false;
    void exited.then(() => done = true);
    await Promise.race([killAt(dir, file, () => !done), exited]);
    if (!done) child.kill('SIGKILL');
    await exited;
    return { content: fs.readFileSync(file), dir };
  }

  function expectOldOrNew(content: Buffer): void {
    const whole = content.equals(old) || content.equals(expected);
    if (!whole) throw new Error(`the file is neither the old one nor the new one: ${content.length} bytes (old ${old.length}, new ${expected.length})`);
  }

  test('killed at random moments of the run, and right when the file or its folder starts to change', async () => {
    for (let i = 0; i < 6; i++) {
      const { content } = await killed(() => new Promise(resolve => setTimeout(resolve, Math.random() * fullRunMs * 1.2)));
      expectOldOrNew(content);
    }
    const delays = [0, 0, 0, 1, 2, 4];
    for (const delay of delays) {
      const { content, dir } = await killed(async (folderPath, file, running) => {
        // Poll until something in the folder changes: a new entry, or the file's size or time.
        const before = fs.statSync(file);
        while (running()) {
          const stats = fs.statSync(file);
          if (fs.readdirSync(folderPath).length !== 1 || stats.size !== before.size || stats.mtimeMs !== before.mtimeMs) break;
          await new Promise(resolve => setImmediate(resolve));
        }
        const until = Date.now() + delay;
        while (Date.now() < until) {
          // Wait a little into the write.
        }
      });
      expectOldOrNew(content);
      // A killed run may leave its temporary file, hidden and never taken for a manifest.
      for (const name of temporaryFiles(dir)) expect(name).toMatch(/^\.big\.yaml\..*\.cdk8s-sidecars\.tmp$/);
    }
  });
});

test('a full disk leaves the old file whole: one clear line, exit 2, nothing else written', async () => {
  const dir = folder({ 'a.yaml': LEGACY_JOB_YAML, 'b.yaml': LEGACY_JOB_YAML });
  const run = runBuiltCli(['migrate', '--write', '--sidecar', 'helper', '.'], { cwd: dir, env: withFaults({ FAKE_FREE_BYTES: '100' }) });
  expect(run.stderr).toBe('cdk8s-sidecars: cannot write a.yaml: no space left on the device (ENOSPC); the file is unchanged; stopped before b.yaml\n');
  expect(run.stdout).toBe('');
  expect(run.status).toBe(2);
  expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
  expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
  expect(temporaryFiles(dir)).toEqual([]);
});

test('when a file fails to write, the run stops before the next and still reports the files written', async () => {
  const dir = folder({ 'a.yaml': LEGACY_JOB_YAML, 'b.yaml': LEGACY_JOB_YAML, 'c.yaml': LEGACY_JOB_YAML, 'd.yaml': LEGACY_JOB_YAML });
  const migratedJob = await migrated(LEGACY_JOB_YAML);
  // Room for a.yaml, not for b.yaml.
  const free = Buffer.byteLength(migratedJob) + 10;
  const run = runBuiltCli(['migrate', '--write', '--sidecar', 'helper', '.'], { cwd: dir, env: withFaults({ FAKE_FREE_BYTES: String(free) }) });
  expect(run.status).toBe(2);
  expect(run.stdout).toMatch(/^a\.yaml\n {2}Job "export"\n {4}changed: line 12: moved container "helper"/);
  expect(run.stdout).toMatch(/\nsummary: 1 change in 1 of 1 file, 1 concern to check\n$/);
  expect(run.stderr).toBe('cdk8s-sidecars: cannot write b.yaml: no space left on the device (ENOSPC); the file is unchanged; stopped before c.yaml and 1 more file\n');
  expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(migratedJob);
  for (const name of ['b.yaml', 'c.yaml', 'd.yaml']) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(LEGACY_JOB_YAML);
  expect(temporaryFiles(dir)).toEqual([]);

  // Unusable input in any file, though, stops the run before anything is written.
  const bad = folder({ 'a.yaml': LEGACY_JOB_YAML, 'b.yaml': 'a: [1, 2\n' });
  const refused = await runCli(['migrate', '--write', '--sidecar', 'helper', '.'], { cwd: bad });
  expect(refused).toMatchObject({ status: 2, stdout: '' });
  expect(refused.stderr).toMatch(/^cdk8s-sidecars: b\.yaml:2:1: [^\n]*\n$/);
  expect(fs.readFileSync(path.join(bad, 'a.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
});

test('a file edited while the command runs is not overwritten; the other files are written', async () => {
  const dir = folder({ 'a.yaml': LEGACY_JOB_YAML, 'b.yaml': LEGACY_JOB_YAML });
  const run = runBuiltCli(['migrate', '--write', '--sidecar', 'helper', '.'], { cwd: dir, env: withFaults({ FAKE_EDIT_FILE: path.join(dir, 'a.yaml') }) });
  expect(run.stderr).toBe('cdk8s-sidecars: not written: a.yaml changed since it was read; run migrate again to migrate what it holds now\n');
  expect(run.status).toBe(2);
  expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(`${LEGACY_JOB_YAML}# edited meanwhile\n`);
  expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toBe(await migrated(LEGACY_JOB_YAML));
  expect(run.stdout).toMatch(/^b\.yaml\n[^]*\nsummary: 1 change in 1 of 1 file, 1 concern to check\n$/);
  expect(temporaryFiles(dir)).toEqual([]);
});

test('a file deleted while the command runs is not re-created', async () => {
  const dir = folder({ 'a.yaml': LEGACY_JOB_YAML });
  const run = runBuiltCli(['migrate', '--write', '--sidecar', 'helper', 'a.yaml'], { cwd: dir, env: withFaults({ FAKE_EDIT_FILE: path.join(dir, 'a.yaml'), FAKE_EDIT: 'delete' }) });
  expect(run.stderr).toBe('cdk8s-sidecars: not written: a.yaml was deleted while migrate ran; it is not re-created\n');
  expect(run.status).toBe(2);
  expect(fs.readdirSync(dir)).toEqual([]);
});

describe('symbolic links', () => {
  test('a link that leads out of the folder given is skipped and said so; one inside is followed, and stays a link', async () => {
    const outside = folder({ 'x.yaml': LEGACY_JOB_YAML, 'more/y.yaml': LEGACY_JOB_YAML });
    const dir = folder({ 'k8s/a.yaml': LEGACY_JOB_YAML, 'k8s/real/b.yaml': LEGACY_JOB_YAML });
    fs.symlinkSync(path.join(outside, 'x.yaml'), path.join(dir, 'k8s/out.yaml'));
    fs.symlinkSync(path.join(outside, 'more'), path.join(dir, 'k8s/outdir'));
    fs.symlinkSync('real/b.yaml', path.join(dir, 'k8s/in.yaml'));
    const run = await runCli(['migrate', '--write', '--sidecar', 'helper', 'k8s'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stderr.split('\n')).toEqual([
      `cdk8s-sidecars: skipped k8s/out.yaml: through a symbolic link it is ${path.join(outside, 'x.yaml')}, outside k8s; --write does not write outside the folder it is given`,
      `cdk8s-sidecars: skipped k8s/outdir/y.yaml: through a symbolic link it is ${path.join(outside, 'more/y.yaml')}, outside k8s; --write does not write outside the folder it is given`,
      '',
    ]);
    expect(fs.readFileSync(path.join(outside, 'x.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
    expect(fs.readFileSync(path.join(outside, 'more/y.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
    expect(fs.readFileSync(path.join(dir, 'k8s/a.yaml'), 'utf8')).toBe(await migrated(LEGACY_JOB_YAML));
    // The link inside the folder: its target is rewritten once, the link itself stays.
    expect(fs.lstatSync(path.join(dir, 'k8s/in.yaml')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'k8s/real/b.yaml'), 'utf8')).toBe(await migrated(LEGACY_JOB_YAML));
    expect(run.stdout).toMatch(/\nsummary: 2 changes in 2 of 2 files, 2 concerns to check\n$/);
  });

  test('a file named on the command line is written only if its link stays in its own folder', async () => {
    const outside = folder({ 'x.yaml': LEGACY_JOB_YAML });
    const dir = folder({ 'b.yaml': LEGACY_JOB_YAML });
    fs.symlinkSync(path.join(outside, 'x.yaml'), path.join(dir, 'out.yaml'));
    fs.symlinkSync('b.yaml', path.join(dir, 'in.yaml'));
    const run = await runCli(['migrate', '--write', '--sidecar', 'helper', 'out.yaml', 'in.yaml'], { cwd: dir });
    expect(run.stderr).toBe(`cdk8s-sidecars: skipped out.yaml: through a symbolic link it is ${path.join(outside, 'x.yaml')}, outside .; --write does not write outside the folder it is given\n`);
    expect(fs.readFileSync(path.join(outside, 'x.yaml'), 'utf8')).toBe(LEGACY_JOB_YAML);
    expect(fs.lstatSync(path.join(dir, 'in.yaml')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toBe(await migrated(LEGACY_JOB_YAML));
  });
});

describe('every byte not meant to change is kept', () => {
  test('a UTF-8 byte-order mark, CRLF line ends, a missing final newline, the permission bits', async () => {
    const crlf = LEGACY_JOB_YAML.replace(/\n/g, '\r\n').replace(/\r\n$/, '');
    const dir = folder({ 'a.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]) });
    fs.chmodSync(path.join(dir, 'a.yaml'), 0o604);
    const run = await runCli(['migrate', '--write', '--sidecar', 'helper', 'a.yaml'], { cwd: dir });
    expect(run.status).toBe(0);
    const bytes = fs.readFileSync(path.join(dir, 'a.yaml'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain('restartPolicy: Always\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('\n')).toBe(false);
    expect(fs.statSync(path.join(dir, 'a.yaml')).mode % 0o10000).toBe(0o604);
  });

  test('the untouched items of a List, byte for byte, when another item changes', async () => {
    const untouchedFirst = [
      '  # the first item',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: { name: settings }    # padded, two spaces before the comment',
      '    data:',
      '      mask: 0xFF',
      '',
    ].join('\n');
    const untouchedLast = [
      '',
      '  # between',
      '  - apiVersion: v1',
      '    kind: Service',
      '    metadata: {name: svc}',
      '    spec:',
      '      ports: [ {port: 80}, {port: 0x1F} ]   # odd spacing',
      '',
    ].join('\n');
    const job = LEGACY_JOB_YAML.replace(/^/gm, '    ').replace(/^ {4}apiVersion/, '  - apiVersion').replace(/ {4}$/, '');
    const list = `apiVersion: v1\nkind: List\nitems:\n${untouchedFirst}${job}${untouchedLast}`;
    const dir = folder({ 'list.yaml': list });
    const run = await runCli(['migrate', '--write', '--sidecar', 'helper', 'list.yaml'], { cwd: dir });
    expect(run.status).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'list.yaml'), 'utf8');
    expect(text).toContain('restartPolicy: Always');
    expect(text.startsWith(`apiVersion: v1\nkind: List\nitems:\n${untouchedFirst}`)).toBe(true);
    expect(text.endsWith(untouchedLast)).toBe(true);
  });
});
