/**
 * The built command in a process of its own, as users run it: what the in-process tests cannot
 * see (the exit code of the process, a piped stdin, the guard that turns any failure into one
 * line, which modules a run loads). Everything else is tested in-process (run-cli.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, expectGolden, expectUnusable, FIXTURES, runBuiltCli, tempDir } from './run-cli';

let dir: string;

beforeAll(() => {
  buildCli();
  dir = tempDir('built-command');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a folder run prints the golden text report and exits 1 on errors', () => {
  // As in lint.test.ts: the fixture set is judged as 1.33 does, where its SC103 error exists.
  const run = runBuiltCli(['lint', '-k', '1.33', 'manifests']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(1);
  expectGolden('lint.txt', run.stdout);
});

test('exit code 0 on a clean file, 2 with one line on stderr for unusable input', () => {
  expect(runBuiltCli(['lint', 'manifests/clean.yaml'])).toEqual({ stdout: 'no problems found (1 workload checked in 1 file)\n', stderr: '', status: 0 });
  expectUnusable(runBuiltCli(['lint', 'no-such-file.yaml']), 'no-such-file.yaml: no such file or directory');
  expectUnusable(runBuiltCli(['lint', '--format', 'xml', 'manifests']), '--format "xml" is not one of text, json, sarif; see cdk8s-sidecars lint --help');
});

test('stdin piped to -', () => {
  const helm = fs.readFileSync(path.join(FIXTURES, 'manifests', 'helm.yaml'), 'utf8');
  const run = runBuiltCli(['lint', '-f', 'json', '-'], { input: helm });
  expect(run.status).toBe(0);
  expect(JSON.parse(run.stdout).results.map((r: any) => `${r.file}:${r.line} ${r.ruleId}`)).toEqual(['<stdin>:45 SC209', '<stdin>:41 SC301']);
});

describe('a command loads only its own modules', () => {
  /** The modules of src/ (compiled) that a run of the built command loaded, relative to the build. */
  function loadedModules(args: readonly string[]): string[] {
    const out = path.join(dir, `loaded-${args.join('-').replace(/[^\w-]/g, '')}.json`);
    const hook = path.join(dir, 'record-loaded.js');
    fs.writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache))));\n");
    runBuiltCli(args, { env: { NODE_OPTIONS: `--require ${hook}`, LOADED_OUT: out } });
    const build = buildCli();
    return (JSON.parse(fs.readFileSync(out, 'utf8')) as string[])
      .filter(file => file.startsWith(build + path.sep))
      .map(file => path.relative(build, file).split(path.sep).join('/'));
  }

  test('--help loads the entry and a few small modules, no rule, lifecycle model or command', () => {
    const loaded = loadedModules(['--help']);
    expect(loaded).toContain('cli/main.js');
    expect(loaded.length).toBeLessThanOrEqual(10);
    expect(loaded.filter(file => /^rules\/(?!violation\.js)|^(lifecycle|migrate|workloads|mesh|presets)\/|^cli\/(lint|explain|migrate|documents|locate)/.test(file))).toEqual([]);
  });

  test('lint does not load explain or the migrate engine', () => {
    const loaded = loadedModules(['lint', 'manifests/clean.yaml']);
    expect(loaded).toEqual(expect.arrayContaining(['cli/lint.js', 'cli/lint-check.js', 'cli/lint-place.js', 'cli/lint-report.js', 'rules/engine.js']));
    expect(loaded.filter(file => /^migrate\/|^cli\/(explain|migrate)/.test(file))).toEqual([]);
  });
});
