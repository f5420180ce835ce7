/**
 * Runs the `cdk8s-sidecars` command in two ways:
 * - `runCli`: in this process, through `runCli(argv, io)` with a CliIo that collects stdout and
 *   stderr and reads stdin from the given input. What almost every test uses.
 * - `runBuiltCli`: the built command, as users run it, for the few tests of what only a process
 *   has (its exit code and stack-trace guard, a real stdin, memory limits, being killed). src/ is
 *   compiled with tsc into a folder under the OS temp dir (once per change of the sources, shared
 *   by all test files and jest workers without a lock: each build goes to its own folder and is
 *   renamed into place), then `node <out>/cli/main.js ...` is spawned.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runCli as runInProcess } from '../../src/cli/cli';
import { CliIo, readStream, STDIN_NAME } from '../../src/cli/io';

export const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(__dirname, 'fixtures');
export const GOLDEN = path.join(__dirname, 'golden');
const NODE_MODULES = path.join(REPO, 'node_modules');

/** The entry points compiled; everything they import comes along. */
const ENTRY_POINTS = ['src/cli/main.ts', 'src/plugin/index.ts'];

let built: string | undefined;

/** The folder holding the compiled sources (`<out>/cli/main.js`, `<out>/plugin/index.js`). */
export function buildCli(): string {
  if (built) return built;
  const key = sourceHash();
  const target = path.join(os.tmpdir(), `cdk8s-sidecars-cli-${key}`);
  const done = path.join(target, 'out', 'cli', 'main.js');
  if (!fs.existsSync(done)) {
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-sidecars-cli-${key}-staging-`));
    const tsconfig = path.join(staging, 'tsconfig.json');
    fs.writeFileSync(tsconfig, JSON.stringify({
      extends: path.join(REPO, 'tsconfig.json'),
      compilerOptions: {
        rootDir: path.join(REPO, 'src'),
        outDir: path.join(staging, 'out'),
        noEmit: false,
        declaration: false,
        inlineSourceMap: false,
        inlineSources: false,
        // Other work in progress elsewhere in src/ must not stop these tests; `tsc --noEmit` checks types.
        noEmitOnError: false,
        typeRoots: [path.join(NODE_MODULES, '@types')],
        types: ['node'],
      },
      files: ENTRY_POINTS.map(file => path.join(REPO, file)),
      include: [],
    }));
    const tsc = spawnSync(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', tsconfig], { encoding: 'utf8', timeout: 120_000 });
    if (!fs.existsSync(path.join(staging, 'out', 'cli', 'main.js'))) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new Error(`compiling the CLI failed:\n${tsc.stdout}${tsc.stderr}`);
    }
    try {
      fs.renameSync(staging, target);
    } catch {
      // Another jest worker finished the same build first; use it.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  built = path.join(target, 'out');
  return built;
}

/** A hash of every source file's path, size and modification time: a new build when anything changes. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const pending = [path.join(REPO, 'src')];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        pending.push(full);
      } else if (entry.name.endsWith('.ts')) {
        const stats = fs.statSync(full);
        hash.update(`${full}\0${stats.size}\0${stats.mtimeMs}\n`);
      }
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The outcome of one run. */
export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

export interface RunOptions {
  /** Standard input. */
  readonly input?: string | Buffer;
  /** Working folder; defaults to the fixtures folder, so reports show `manifests/app.yaml`. */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** For the built command: how long it may run. */
  readonly timeoutMs?: number;
}

/** Run `cdk8s-sidecars <args>` in this process, with NO_COLOR set and stdout not a terminal. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  Object.assign(env, options.env);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const input = options.input ?? '';
  const io: CliIo = {
    stdout: text => stdout.push(text),
    stderr: text => stderr.push(text),
    readStdin: maxBytes => readStream(Readable.from([typeof input === 'string' ? Buffer.from(input) : input]), maxBytes, STDIN_NAME),
    stdoutIsTTY: false,
    env,
    cwd: options.cwd ?? FIXTURES,
  };
  const status = await runInProcess(args, io);
  return { stdout: stdout.join(''), stderr: stderr.join(''), status };
}

/** Run `cdk8s-sidecars <args>` from the build in a process of its own, with NO_COLOR set. */
export function runBuiltCli(args: readonly string[], options: RunOptions = {}): CliRun {
  const main = path.join(buildCli(), 'cli', 'main.js');
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', NODE_PATH: NODE_MODULES };
  delete env.FORCE_COLOR;
  Object.assign(env, options.env);
  const result = spawnSync(process.execPath, [main, ...args], {
    cwd: options.cwd ?? FIXTURES,
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/**
 * Compare with test/cli/golden/<name> byte for byte; with UPDATE_GOLDEN=1, write it instead.
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`golden file ${name} is missing; run the tests with UPDATE_GOLDEN=1 to write it`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

/** The contract for every unusable input: exit 2, nothing on stdout, one line on stderr, no stack trace. */
export function expectUnusable(run: CliRun, message: string | RegExp): void {
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^cdk8s-sidecars: /);
  if (typeof message === 'string') expect(run.stderr).toBe(`cdk8s-sidecars: ${message}\n`);
  else expect(run.stderr).toMatch(message);
  expect(run.stdout).toBe('');
  expect(run.status).toBe(2);
}

/** A fresh temp folder for a test's own files. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-sidecars-${prefix}-`));
}
