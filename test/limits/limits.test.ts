/**
 * The limits suite: cost grows linearly with the input. Each case runs a command on an input of
 * size N and of size 4N, each in its own process (test/limits/measure.js), and checks that 4N
 * costs at most 10 times what N costs, in time and in peak memory above the process's baseline:
 * a linear cost gives about 4, a quadratic one 16. No wall-clock limits; the numbers are printed
 * (and recorded in docs/performance.md, "Limits").
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, REPO, tempDir } from '../cli/run-cli';

/** At most this ratio between the cost at 4N and at N. */
const MAX_RATIO = 10;
/** Memory noise below this (MiB above the baseline) is not compared. */
const MEMORY_FLOOR_MB = 24;
/** Time noise below this is not compared. */
const TIME_FLOOR_MS = 60;

const HELPER_IMAGE = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0';

/** A container: every tenth a legacy helper (`migrate` moves it), every other one a name SC104 reports. */
function container(i: number, indent: string): string {
  const name = i % 2 === 0 ? `c${i}` : `C${i}`;
  const image = i % 10 === 0 ? HELPER_IMAGE : 'registry.example.com/app:1.0';
  return `${indent}- name: ${name}\n${indent}  image: ${image}\n${indent}  ports:\n${indent}    - containerPort: ${8000 + (i % 50)}\n`;
}

function pod(name: string, containers: number, indent = ''): string {
  let text = `${indent}apiVersion: v1\n${indent}kind: Pod\n${indent}metadata:\n${indent}  name: ${name}\n${indent}spec:\n${indent}  containers:\n`;
  for (let i = 0; i < containers; i++) text += container(i, `${indent}    `);
  return text;
}

interface Dimension {
  readonly name: string;
  /** N for each command: `migrate` rewrites what it reads and costs more per byte. */
  readonly n: { readonly lint: number; readonly explain: number; readonly migrate: number };
  /** The input text for size `n`. */
  readonly input: (n: number) => string;
}

const DIMENSIONS: Dimension[] = [
  { name: 'containers per pod', n: { lint: 16_000, explain: 16_000, migrate: 500 }, input: n => pod('p', n) },
  { name: 'documents per stream', n: { lint: 2_000, explain: 2_000, migrate: 150 }, input: n => Array.from({ length: n }, (_, i) => pod(`p${i}`, 4)).join('---\n') },
  {
    name: 'List items',
    n: { lint: 2_000, explain: 2_000, migrate: 150 },
    input: n => `apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: n }, (_, i) => pod(`p${i}`, 4, '    ').replace(/^ {4}/, '  - ')).join('')}`,
  },
  {
    // One line: a flow-style Pod whose annotation grows.
    name: 'line length',
    n: { lint: 8_000_000, explain: 8_000_000, migrate: 1_000_000 },
    input: n => `{apiVersion: v1, kind: Pod, metadata: {name: p, annotations: {note: "${'a'.repeat(n)}"}}, spec: {containers: [{name: App, image: x}, {name: proxy, image: "${HELPER_IMAGE}", command: ["sh", "-c", "sleep 1"]}]}}\n`,
  },
  {
    // One string: a container name, an env value and a shell script that grow.
    name: 'string length',
    n: { lint: 1_000_000, explain: 1_000_000, migrate: 100_000 },
    input: n => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: "${'-'.repeat(n)}A"\n      image: x\n      env:\n        - name: E\n          value: "${'x '.repeat(n / 2)}"\n`
      + `    - name: proxy\n      image: ${HELPER_IMAGE}\n      command: ["sh", "-c", "${'sleep 1; '.repeat(n / 9)}exit 0"]\n`,
  },
];

const COMMANDS = ['lint', 'explain', 'migrate'] as const;

interface Measurement {
  readonly status: number;
  readonly ms: number;
  readonly peakMB: number;
  readonly baselineMB: number;
  readonly stdoutChars: number;
  readonly stderr: string;
}

let outDir: string;
let workDir: string;
let warmUp: string;
const rows: string[] = [];

beforeAll(() => {
  outDir = buildCli();
  workDir = tempDir('limits');
  warmUp = path.join(workDir, 'warm-up.yaml');
  fs.writeFileSync(warmUp, pod('warm-up', 12));
}, 300_000);

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
  // The numbers, for docs/performance.md.
  process.stdout.write(`\n| input | command | N | time N | time 4N | ratio | memory N | memory 4N |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
});

function measure(file: string, command: string): Measurement {
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'measure.js'), outDir, workDir, warmUp, command, file], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = JSON.parse(result.stdout || '{}');
  if (parsed.error || parsed.status === undefined) throw new Error(`${command} ${file}: ${parsed.error ?? result.stderr}`);
  return parsed as Measurement;
}

describe.each(DIMENSIONS)('$name', dimension => {
  test.each(COMMANDS)('%s grows linearly', command => {
    const n = dimension.n[command];
    const file = (size: number) => {
      const name = path.join(workDir, `${dimension.name.replace(/ /g, '-')}-${command}-${size}.yaml`);
      fs.writeFileSync(name, dimension.input(size));
      return name;
    };
    const small = measure(file(n), command);
    const large = measure(file(4 * n), command);
    for (const run of [small, large]) {
      // A result or one clear line (exit 2), never an internal error.
      expect(run.stderr).not.toMatch(/internal error|Maximum call stack|out of memory/);
      expect([0, 1, 2]).toContain(run.status);
    }
    expect(large.status).toBe(small.status);
    const timeRatio = Math.max(large.ms, TIME_FLOOR_MS) / Math.max(small.ms, TIME_FLOOR_MS);
    const memory = (run: Measurement) => Math.max(run.peakMB - run.baselineMB, MEMORY_FLOOR_MB);
    const memoryRatio = memory(large) / memory(small);
    rows.push(`| ${dimension.name} | ${command} | ${n.toLocaleString('en-US')} | ${small.ms.toFixed(0)} ms | ${large.ms.toFixed(0)} ms | ${timeRatio.toFixed(1)} `
      + `| ${small.peakMB.toFixed(0)} MiB | ${large.peakMB.toFixed(0)} MiB |`);
    expect(timeRatio).toBeLessThanOrEqual(MAX_RATIO);
    expect(memoryRatio).toBeLessThanOrEqual(MAX_RATIO);
  }, 240_000);
});
