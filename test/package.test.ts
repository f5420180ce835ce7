/**
 * The package as npm ships it: `npm pack` of the compiled library, installed into a scratch
 * folder beside its peer dependencies. Skipped unless `lib/` is compiled (`npx projen compile`;
 * CI compiles before it tests).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const compiled = fs.existsSync(path.join(ROOT, 'lib', 'index.js')) && fs.existsSync(path.join(ROOT, '.jsii'));
const PEERS = ['cdk8s', 'cdk8s-plus-30', 'constructs'];
/** Modules that act when loaded: the command's entry runs the command. */
const ENTRY_POINTS = ['cli/main.js'];

let scratch: string;
let installed: string;

beforeAll(() => {
  if (!compiled) return;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-pack-'));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = path.join(scratch, JSON.parse(pack.stdout)[0].filename);
  const modules = path.join(scratch, 'node_modules');
  installed = path.join(modules, 'cdk8s-sidecars');
  fs.mkdirSync(installed, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  for (const peer of PEERS) fs.symlinkSync(path.join(ROOT, 'node_modules', peer), path.join(modules, peer));
}, 120_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Run a script with the scratch folder as its working directory, so it resolves the packed package. */
function runInScratch(script: string): { status: number | null; stdout: string; stderr: string } {
  const file = path.join(scratch, 'probe.js');
  fs.writeFileSync(file, script);
  const run = spawnSync(process.execPath, [file], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

(compiled ? describe : describe.skip)('the packed package', () => {
  test('lib/index.js is jsii\'s own output: one require per module, no bundle', () => {
    const index = fs.readFileSync(path.join(installed, 'lib', 'index.js'), 'utf8');
    expect(index).toContain('__exportStar(require("./workloads/deployment"), exports);');
    expect(index).not.toMatch(/bundled|exportLazily/);
  });

  test('every public class has one identity, required through the index or through its own module', () => {
    const run = runInScratch(`
      const fs = require('fs');
      const path = require('path');
      const index = require('cdk8s-sidecars');
      const lib = path.join(path.dirname(require.resolve('cdk8s-sidecars')));
      const skip = ${JSON.stringify(ENTRY_POINTS)};
      const classes = Object.keys(index).filter(name => typeof index[name] === 'function');
      const seen = new Set();
      const problems = [];
      const walk = dir => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
      for (const file of walk(lib).filter(f => f.endsWith('.js'))) {
        const relative = path.relative(lib, file);
        if (skip.includes(relative)) continue;
        const deep = require('cdk8s-sidecars/lib/' + relative.replace(/\\.js$/, ''));
        for (const name of classes) {
          if (!(name in deep)) continue;
          if (deep[name] === index[name]) seen.add(name); else problems.push(name + ' differs in lib/' + relative);
        }
      }
      const { Chart, App } = require('cdk8s');
      const { SidecarDeployment } = require('cdk8s-sidecars/lib/workloads/deployment');
      const chart = new Chart(new App(), 'c');
      const sidecar = new SidecarDeployment(chart, 'w').addSidecar({ name: 'proxy', image: 'proxy:1' });
      if (!(sidecar instanceof index.Sidecar)) problems.push('a Sidecar made through a deep import is not an index Sidecar');
      process.stdout.write(JSON.stringify({ classes: classes.length, seen: seen.size, missing: classes.filter(n => !seen.has(n)), problems }));
    `);
    expect(run.stderr).toEqual('');
    const result = JSON.parse(run.stdout);
    expect(result.problems).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.classes).toBeGreaterThan(20);
  });

  test('the tarball holds the library, the command, README and RULES; no tests, benchmarks, CI files, scripts, examples or docs', () => {
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap(entry => entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.relative(installed, path.join(dir, entry.name))]);
    const files = walk(installed).map(file => file.split(path.sep).join('/'));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'RULES.md', 'lib/index.js', 'lib/cli/main.js', '.jsii']));
    const unwanted = files.filter(file => /^(\.ci|bench|scripts|examples|docs|test|src|coverage|test-reports)\//.test(file) || /\.test\.[jt]s$/.test(file));
    expect(unwanted).toEqual([]);
  });

  test('the shipped command runs', () => {
    const run = runInScratch(`
      const { spawnSync } = require('child_process');
      const main = require.resolve('cdk8s-sidecars/lib/cli/main.js');
      const r = spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' });
      process.stdout.write(JSON.stringify({ status: r.status, out: r.stdout.trim() }));
    `);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/\d+\.\d+\.\d+/);
  });
});
