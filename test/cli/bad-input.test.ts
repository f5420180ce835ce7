/**
 * Every kind of unusable input or argument: one line on stderr starting with `cdk8s-sidecars: `,
 * exit code 2, nothing on stdout, no stack trace, and no hang (each run has a timeout).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectUnusable, runCli, tempDir } from './run-cli';

let dir: string;

beforeAll(() => {
  dir = tempDir('bad-input');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n    - name: app\n      image: app:1\n';

describe('malformed text', () => {
  test('a YAML syntax error is reported as file:line:col', async () => {
    write('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n bad: indent\n');
    expectUnusable(await runCli(['lint', 'broken.yaml'], { cwd: dir }), 'broken.yaml:5:2: bad indentation of a mapping entry');
  });

  test('the line counts from the start of the stream, not of the document', async () => {
    write('stream.yaml', `${POD}---\n# second\n${POD}---\nkind: Pod\nmetadata: {name: [}\n`);
    expectUnusable(await runCli(['lint', 'stream.yaml'], { cwd: dir }), /^cdk8s-sidecars: stream\.yaml:21:\d+: /);
  });

  test('stdin errors name <stdin>', async () => {
    expectUnusable(await runCli(['lint', '-'], { input: 'a: [1, 2\n' }), /^cdk8s-sidecars: <stdin>:2:1: /);
    expectUnusable(await runCli(['explain', '-'], { input: 'key: "unterminated\n' }), /^cdk8s-sidecars: <stdin>:\d+:\d+: /);
  });

  test('a JSON syntax error is reported as file:line:col', async () => {
    write('broken.json', '{\n  "kind": "Pod",\n}\n');
    expectUnusable(await runCli(['lint', 'broken.json'], { cwd: dir }), 'broken.json:3:1: expected double-quoted property name');
    write('truncated.json', '{"kind": "Pod"');
    expectUnusable(await runCli(['lint', 'truncated.json'], { cwd: dir }), /^cdk8s-sidecars: truncated\.json:1:\d+: /);
  });
});

describe('hostile documents', () => {
  test('a YAML alias bomb ("billion laughs") is refused quickly with bounded memory', async () => {
    const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    write('bomb.yaml', `${POD}---\n${lines.join('\n')}\n`);
    const started = Date.now();
    const run = await runCli(['lint', 'bomb.yaml'], { cwd: dir });
    expectUnusable(run, /^cdk8s-sidecars: bomb\.yaml:10: YAML aliases expand this document beyond 100000 values \(a possible alias bomb\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expectUnusable(await runCli(['explain', 'bomb.yaml'], { cwd: dir }), /alias bomb/);
  });

  test('ordinary aliases and merge keys are fine', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - &app\n      name: app\n      image: app:1\n    - <<: *app\n      name: second\n';
    expect(await runCli(['lint', '-'], { input: yaml })).toMatchObject({ status: 0, stderr: '' });
  });

  test('YAML nested deeper than 256 levels, in flow and in block style', async () => {
    write('deep-flow.yaml', `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expectUnusable(await runCli(['lint', 'deep-flow.yaml'], { cwd: dir }), /^cdk8s-sidecars: deep-flow\.yaml:1:\d+: the document nests deeper than 256 levels$/m);
    const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' end\n';
    write('deep-block.yaml', block);
    expectUnusable(await runCli(['lint', 'deep-block.yaml'], { cwd: dir }), /^cdk8s-sidecars: deep-block\.yaml:\d+:\d+: the document nests deeper than 256 levels$/m);
  });

  test('JSON nested deeper than 256 levels', async () => {
    write('deep.json', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expectUnusable(await runCli(['lint', 'deep.json'], { cwd: dir }), 'deep.json:1: the document nests deeper than 256 levels');
  });

  test('deep but reasonable nesting is accepted', async () => {
    expect((await runCli(['lint', '-'], { input: `${POD}extra: ${'['.repeat(200)}${']'.repeat(200)}\n` })).status).toBe(0);
    expect((await runCli(['lint', '-'], { input: `${POD}extra: ${'['.repeat(300)}${']'.repeat(300)}\n` })).status).toBe(2);
  });

  test('a file over 128 MiB is refused before it is read', async () => {
    const file = path.join(dir, 'huge.yaml');
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, 128 * 1024 * 1024 + 1);
    fs.closeSync(fd);
    expectUnusable(await runCli(['lint', 'huge.yaml'], { cwd: dir }), 'huge.yaml is larger than 128 MiB, the limit per input');
    fs.rmSync(file);
  });

  test('stdin over 128 MiB is refused once the limit is passed', async () => {
    const input = Buffer.alloc(128 * 1024 * 1024 + 16, 0x20);
    expectUnusable(await runCli(['lint', '-'], { input, timeoutMs: 60_000 }), '<stdin> is larger than 128 MiB, the limit per input');
  });
});

describe('not text', () => {
  test('binary input (NUL bytes) is not UTF-8 text', async () => {
    write('image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    expectUnusable(await runCli(['lint', 'image.yaml'], { cwd: dir }), 'image.yaml is not UTF-8 text (it contains NUL bytes; binary files and UTF-16 are not read)');
    expectUnusable(await runCli(['lint', '-'], { input: Buffer.from('kind: Pod\n\0') }), /^cdk8s-sidecars: <stdin> is not UTF-8 text/);
  });

  test('UTF-16 is refused, Latin-1 is not UTF-8', async () => {
    write('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Pod\n', 'utf16le')]));
    expectUnusable(await runCli(['lint', 'utf16.yaml'], { cwd: dir }), /^cdk8s-sidecars: utf16\.yaml is not UTF-8 text/);
    write('latin1.yaml', Buffer.from('metadata:\n  name: caf\xe9\n', 'latin1'));
    expectUnusable(await runCli(['explain', 'latin1.yaml'], { cwd: dir }), 'latin1.yaml is not UTF-8 text (it contains an invalid UTF-8 byte sequence)');
  });

  test('a UTF-8 byte-order mark is accepted', async () => {
    expect((await runCli(['lint', '-'], { input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(POD)]) })).status).toBe(0);
  });
});

describe('paths', () => {
  test('a missing path', async () => {
    expectUnusable(await runCli(['lint', 'nowhere.yaml'], { cwd: dir }), 'nowhere.yaml: no such file or directory');
  });

  test('a path through a file', async () => {
    write('plain.yaml', POD);
    expectUnusable(await runCli(['lint', 'plain.yaml/inner.yaml'], { cwd: dir }), 'plain.yaml/inner.yaml: a part of the path is not a directory');
  });

  test('a broken symbolic link in a folder is passed over; named directly it is missing', async () => {
    const folder = path.join(dir, 'links');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'pod.yaml'), POD);
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(folder, 'broken.yaml'));
    expect((await runCli(['lint', 'links'], { cwd: dir })).status).toBe(0);
    expectUnusable(await runCli(['lint', 'links/broken.yaml'], { cwd: dir }), 'links/broken.yaml: no such file or directory');
  });

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (isRoot ? test.skip : test)('an unreadable file (not testable as root)', async () => {
    const file = write('secret.yaml', POD);
    fs.chmodSync(file, 0o000);
    expectUnusable(await runCli(['lint', 'secret.yaml'], { cwd: dir }), 'secret.yaml: permission denied');
  });

  test('a folder without YAML or JSON files', async () => {
    fs.mkdirSync(path.join(dir, 'empty', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'empty', 'notes.txt'), 'hello');
    expectUnusable(await runCli(['lint', 'empty'], { cwd: dir }), 'empty contains no .yaml, .yml or .json files');
  });

  test('no input, stdin twice, an empty path', async () => {
    expectUnusable(await runCli(['lint']), 'no input given; name files or folders, or use - to read stdin');
    expectUnusable(await runCli(['explain', '-', '-']), '- (stdin) can be given only once');
    expectUnusable(await runCli(['lint', '']), 'an empty path was given');
  });
});

describe('arguments', () => {
  test('an unknown flag', async () => {
    expectUnusable(await runCli(['lint', '--nope', 'x.yaml']), 'unknown option \'--nope\'; see cdk8s-sidecars lint --help');
    expectUnusable(await runCli(['explain', '-z', 'x.yaml']), 'unknown option \'-z\'; see cdk8s-sidecars explain --help');
  });

  test('a bad --format', async () => {
    expectUnusable(await runCli(['lint', '--format', 'xml', 'manifests']), '--format "xml" is not one of text, json, sarif; see cdk8s-sidecars lint --help');
    expectUnusable(await runCli(['explain', '--format', 'sarif', 'manifests']), '--format "sarif" is not one of text, mermaid, json; see cdk8s-sidecars explain --help');
  });

  test('a flag without its value', async () => {
    expectUnusable(await runCli(['lint', 'manifests', '--format']), 'option \'-f, --format\' needs a value; see cdk8s-sidecars lint --help');
  });

  test('a bad --kubernetes-version', async () => {
    expectUnusable(await runCli(['lint', '--kubernetes-version', 'latest', 'manifests']),
      '--kubernetes-version "latest" is not a Kubernetes version; use "major.minor" from 1.21 to 1.37, e.g. "1.35"; see cdk8s-sidecars lint --help');
  });

  test('a bad --severity', async () => {
    expectUnusable(await runCli(['lint', '--severity', 'fatal', 'manifests']), '--severity "fatal" is not one of error, warning, info; see cdk8s-sidecars lint --help');
  });

  test('no command, an unknown command, an option before the command', async () => {
    expectUnusable(await runCli([]), 'no command given; use lint, explain or migrate (cdk8s-sidecars --help)');
    expectUnusable(await runCli(['check', 'manifests']), 'unknown command "check"; use lint, explain or migrate (cdk8s-sidecars --help)');
    expectUnusable(await runCli(['--format', 'json', 'lint']), 'unknown option \'--format\' before the command; use lint, explain or migrate (cdk8s-sidecars --help)');
  });

  test('arguments are checked before any input is read', async () => {
    // stdin is never read when the flags are wrong, so this does not wait for input.
    expectUnusable(await runCli(['lint', '--severity', 'loud', '-'], { input: 'not: [valid' }), /--severity "loud"/);
  });
});
