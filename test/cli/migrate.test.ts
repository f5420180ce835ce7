/**
 * The `migrate` command's wiring: where output and report go, --write, --check, --sidecar, and
 * the same input guards as lint. What the migration does is src/migrate's business (test/migrate).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectUnusable, FIXTURES, runCli, tempDir } from './run-cli';
import { LEGACY_JOB_YAML } from '../manifests';


let dir: string;

beforeAll(() => {
  dir = tempDir('migrate');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('one input: migrated YAML on stdout, the report on stderr', async () => {
  const run = await runCli(['migrate', 'manifests/app.yaml']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('      initContainers:\n        - name: cloud-sql-proxy\n');
  expect(run.stdout).toContain('          restartPolicy: Always\n');
  // Untouched documents come out byte for byte.
  expect(run.stdout.startsWith(fs.readFileSync(path.join(FIXTURES, 'manifests/app.yaml'), 'utf8').split('---\n---\n')[0])).toBe(true);
  expect(run.stderr).toMatch(/^manifests\/app\.yaml\n {2}Job "export"\n {4}changed: line 68: moved container "cloud-sql-proxy"/);
  expect(run.stderr).toMatch(/\nsummary: .*\n$/);
});

test('--sidecar names a helper the image catalogue does not know; stdin works', async () => {
  const plain = await runCli(['migrate', '-'], { input: LEGACY_JOB_YAML });
  expect(plain.stdout).toBe(LEGACY_JOB_YAML);
  const named = await runCli(['migrate', '--sidecar', 'helper', '-'], { input: LEGACY_JOB_YAML });
  expect(named.status).toBe(0);
  expect(named.stdout).toContain('initContainers:\n        - name: helper\n');
  expect(named.stderr).toContain('<stdin>\n');
});

test('--check changes nothing and exits 1 when something would change', async () => {
  const run = await runCli(['migrate', '--check', 'manifests']);
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/summary: \d+ changes? in 2 of 6 files/);
  expect((await runCli(['migrate', '--check', 'manifests/clean.yaml'])).status).toBe(0);
});

test('--write rewrites changed files in place and prints the report', async () => {
  const file = path.join(dir, 'job.yaml');
  fs.writeFileSync(file, LEGACY_JOB_YAML);
  const untouched = path.join(dir, 'clean.yaml');
  fs.copyFileSync(path.join(FIXTURES, 'manifests/clean.yaml'), untouched);
  const before = fs.statSync(untouched).mtimeMs;
  const run = await runCli(['migrate', '--write', '--sidecar', 'helper', '.'], { cwd: dir });
  expect(run).toMatchObject({ status: 0, stderr: '' });
  expect(run.stdout).toContain('job.yaml\n  Job "export"\n');
  expect(fs.readFileSync(file, 'utf8')).toContain('restartPolicy: Always');
  expect(fs.statSync(untouched).mtimeMs).toBe(before);
});

test('argument and input errors', async () => {
  expectUnusable(await runCli(['migrate', 'manifests']), '6 inputs given; migrate prints one input, or rewrites files with --write');
  expectUnusable(await runCli(['migrate', '--write', '-']), '--write cannot rewrite stdin; drop --write to print the result');
  expectUnusable(await runCli(['migrate', '--write', '--check', 'manifests']), '--write and --check cannot be used together; see cdk8s-sidecars migrate --help');
  expectUnusable(await runCli(['migrate', '--sidecar']), 'option \'--sidecar\' needs a value; see cdk8s-sidecars migrate --help');
  expectUnusable(await runCli(['migrate', '-k', 'one', '-']), /^cdk8s-sidecars: --kubernetes-version "one" is not a Kubernetes version/);
  expectUnusable(await runCli(['migrate', '-'], { input: 'a: [1, 2\n' }), /^cdk8s-sidecars: <stdin>:2:1: /);
  const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++) bomb.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  expectUnusable(await runCli(['migrate', '-'], { input: bomb.join('\n') }), /alias bomb/);
});

test('--help', async () => {
  expect(await runCli(['migrate', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('--sidecar NAME') });
});
