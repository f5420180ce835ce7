// post-compile: bundle the two entry points people load into one file each.
//
// - lib/index.js, what `require('cdk8s-sidecars')` loads. Loading the library's ~100 compiled
//   modules one by one cost about 30 ms of every synth (resolving, reading and wrapping each
//   file); the single file loads in about half that.
// - lib/cli/main.js, the `cdk8s-sidecars` command: a small lint starts 15-30 ms sooner.
//
// The input is jsii's own output, so the runtime type information jsii adds to every class (what
// the Python, Java, .NET and Go bindings rely on) is kept. The other files in lib/ stay, for the
// validation plugin, the lint worker threads and deep imports. Packages (cdk8s, cdk8s-plus-30,
// constructs, yaml, js-yaml) stay external. Nothing is replaced before it is checked: the library
// bundle must export the same names, with the same class names and jsii types, as the modules it
// came from, and the command bundle must print the same as the unbundled command for a set of
// lint, explain and migrate runs over the test fixtures.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
/** Written into every bundle, so that running this twice after one compile changes nothing. */
const BANNER = '// cdk8s-sidecars: bundled into one file by scripts/bundle-lib.ts';
const JSII_RTTI = Symbol.for('jsii.rtti');

function main(): void {
  bundle(path.join(LIB, 'index.js'), checkLibrary);
  bundle(path.join(LIB, 'cli', 'main.js'), checkCommand);
}

/**
 * Bundle `entry` into a staged file beside it, let `check` compare the two (it may amend the
 * staged file), then put the staged file and its source map in the entry's place.
 */
function bundle(entry: string, check: (entry: string, staged: string) => void): void {
  const shown = path.relative(ROOT, entry);
  if (!fs.existsSync(entry)) throw new Error(`${shown} is missing: run the compile task first`);
  if (fs.readFileSync(entry, 'utf8').slice(0, 200).includes(BANNER)) {
    console.log(`${shown} is already bundled (no compile since)`);
    return;
  }
  const staged = entry.replace(/\.js$/, '.bundle.js');
  const base = path.basename(entry);
  try {
    buildSync({
      entryPoints: [entry],
      outfile: staged,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // jsii compiles to ES2022; the bundle keeps that syntax as it is.
      target: 'es2022',
      packages: 'external',
      // Reads each module's own source map, so the bundle's map still leads to src/*.ts.
      sourcemap: 'linked',
      banner: { js: BANNER },
      logLevel: 'warning',
    });
    check(entry, staged);
    const code = fs.readFileSync(staged, 'utf8');
    const mapComment = new RegExp(`//# sourceMappingURL=${escapeRegExp(path.basename(staged))}\\.map\\s*$`);
    if (!mapComment.test(code)) throw new Error(`the bundle of ${shown} does not end with the expected sourceMappingURL comment`);
    // The map names the file it maps; it moves beside the entry with it.
    const map = JSON.parse(fs.readFileSync(`${staged}.map`, 'utf8'));
    map.file = base;
    fs.writeFileSync(`${entry}.map`, JSON.stringify(map));
    fs.writeFileSync(entry, code.replace(mapComment, `//# sourceMappingURL=${base}.map\n`));
  } finally {
    fs.rmSync(staged, { force: true });
    fs.rmSync(`${staged}.map`, { force: true });
  }
  console.log(`bundled ${shown}: ${Math.round(fs.statSync(entry).size / 1024)} KiB`);
}

function checkLibrary(entry: string, staged: string): void {
  const expected = exportsOf(entry);
  restoreClassNames(staged, expected, exportsOf(staged));
  const problems = compareExports(expected, exportsOf(staged));
  if (problems.length > 0) throw new Error(`the bundle does not match lib/index.js:\n  ${problems.join('\n  ')}`);
}

/** Each export of a module: what kind of value it is and, for a class, its name and jsii type. */
function exportsOf(file: string): Map<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as Record<string, unknown>;
  const described = new Map<string, string>();
  for (const name of Object.keys(exported).sort()) {
    const value = exported[name] as any;
    const rtti = typeof value === 'function' ? value[JSII_RTTI]?.fqn : undefined;
    described.set(name, typeof value === 'function' ? `${typeof value} ${value.name} ${rtti ?? '(no jsii type)'}` : typeof value);
  }
  return described;
}

/**
 * esbuild turns a class that refers to itself (`Sidecar.DEFAULT_RESOURCES` inside `Sidecar`) into
 * `var Sidecar = class _Sidecar`, so its `name` becomes `_Sidecar`. Its `keepNames` option fixes
 * that by wrapping every named function, which costs about 800 bytes per workload (each
 * per-instance closure gets its own property store); instead the exported classes get their
 * names back at the end of the bundle. The comparison that follows checks the result.
 */
function restoreClassNames(staged: string, expected: Map<string, string>, actual: Map<string, string>): void {
  const renamed = [...expected.keys()].filter(name => {
    const what = expected.get(name)!;
    return what.startsWith(`function ${name} `) && actual.get(name) === what.replace(` ${name} `, ` _${name} `);
  });
  if (renamed.length === 0) return;
  const fix = `for (const name of ${JSON.stringify(renamed)}) Object.defineProperty(module.exports[name], "name", { value: name, configurable: true });\n`;
  const code = fs.readFileSync(staged, 'utf8');
  const end = code.lastIndexOf('//# sourceMappingURL=');
  if (end === -1) throw new Error('the bundle has no sourceMappingURL comment');
  fs.writeFileSync(staged, `${code.slice(0, end)}// Names of the exported classes that esbuild renamed (see scripts/bundle-lib.ts).\n${fix}${code.slice(end)}`);
  delete require.cache[require.resolve(staged)];
}

function compareExports(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, what] of expected) {
    const got = actual.get(name);
    if (got !== what) problems.push(`${name}: expected ${what}, got ${got ?? 'nothing'}`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) problems.push(`${name}: not exported by lib/index.js`);
  return problems;
}

/** Runs of the command that reach each of its lazily loaded parts, errors included. */
function commandRuns(): string[][] {
  const manifests = path.join(ROOT, 'test', 'cli', 'fixtures', 'manifests');
  const migrations = path.join(ROOT, 'test', 'migrate', 'fixtures');
  const all = fs.readdirSync(manifests).map(name => path.join(manifests, name));
  return [
    ['--version'],
    ['lint', '--format', 'json', ...all],
    ['lint', '--format', 'sarif', ...all],
    ['lint', path.join(manifests, 'app.yaml')],
    ['explain', '--format', 'json', ...all],
    ['explain', path.join(manifests, 'app.yaml')],
    ['migrate', path.join(migrations, 'istio-deployment.yaml')],
    ['migrate', '--help'],
    ['lint', path.join(manifests, 'no-such-file.yaml')],
    ['lint', '--no-such-option'],
  ];
}

function checkCommand(entry: string, staged: string): void {
  for (const args of commandRuns()) {
    const expected = runCommand(entry, args);
    const actual = runCommand(staged, args);
    for (const part of ['status', 'stdout', 'stderr'] as const) {
      if (expected[part] !== actual[part]) {
        throw new Error(`the bundle of lib/cli/main.js differs from it in ${part} for \`cdk8s-sidecars ${args.join(' ')}\`:\n`
          + `expected: ${String(expected[part]).slice(0, 400)}\ngot:      ${String(actual[part]).slice(0, 400)}`);
      }
    }
  }
}

function runCommand(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

main();
