// post-compile: bundle the two entry points people load into one file each.
//
// - lib/index.js, what `require('cdk8s-sidecars')` loads. Loading the library's ~100 compiled
//   modules one by one cost about 30 ms of every synth (resolving, reading and wrapping each
//   file); the single file loads in about half that. Its entry defines each export as a getter
//   that runs its module on first use, as aws-cdk-lib does for its submodules: an app that uses
//   only SidecarDeployment never compiles the presets, the meshes or the other workloads.
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
import { build, Plugin } from 'esbuild';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
/** Written into every bundle, so that running this twice after one compile changes nothing. */
const BANNER = '// cdk8s-sidecars: bundled into one file by scripts/bundle-lib.ts';
const JSII_RTTI = Symbol.for('jsii.rtti');

async function main(): Promise<void> {
  await bundle(path.join(LIB, 'index.js'), checkLibrary, { lazyEntry: true });
  await bundle(path.join(LIB, 'cli', 'main.js'), checkCommand, { lazyEntry: false });
}

/**
 * Bundle `entry` into a staged file beside it, let `check` compare the two, then put the staged
 * file and its source map in the entry's place. With `lazyEntry`, the bundle starts from
 * `lazyIndex()` instead of the entry's own code, and every module gets its class names back.
 */
async function bundle(entry: string, check: (entry: string, staged: string) => void, options: { lazyEntry: boolean }): Promise<void> {
  const shown = path.relative(ROOT, entry);
  if (!fs.existsSync(entry)) throw new Error(`${shown} is missing: run the compile task first`);
  if (fs.readFileSync(entry, 'utf8').slice(0, 200).includes(BANNER)) {
    console.log(`${shown} is already bundled (no compile since)`);
    return;
  }
  const staged = entry.replace(/\.js$/, '.bundle.js');
  const base = path.basename(entry);
  try {
    // esbuild runs plugins only in its asynchronous API
    await build({
      ...options.lazyEntry
        // the generated entry's own name in the source map, apart from lib/index.js itself
        ? { stdin: { contents: lazyIndex(entry), resolveDir: path.dirname(entry), sourcefile: 'index.lazy-entry.js', loader: 'js' }, plugins: [restoreClassNames] }
        : { entryPoints: [entry] },
      outfile: staged,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // jsii compiles to ES2022; the bundle keeps that syntax as it is.
      target: 'es2022',
      packages: 'external',
      // Reads each module's own source map, so the bundle's map still leads to src/*.ts.
      sourcemap: 'linked',
      // the library's banner opens with the file's "use strict", as its entry has none of its own
      banner: { js: options.lazyEntry ? `${BANNER}\n"use strict";\n${RESTORE_NAMES_FUNCTION}` : BANNER },
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
  const problems = compareExports(exportsOf(entry), exportsOf(staged));
  if (problems.length > 0) throw new Error(`the bundle does not match lib/index.js:\n  ${problems.join('\n  ')}`);
  // A class that only another module loaded (never read through its export) has its name too.
  const probe = `const lib = require(${JSON.stringify(staged)});
    const chart = new (require('cdk8s').Chart)(new (require('cdk8s').App)(), 'probe');
    const sidecar = new lib.SidecarDeployment(chart, 'w', { containers: [{ image: 'app:1' }] }).addSidecar({ name: 'proxy', image: 'proxy:1' });
    process.stdout.write(sidecar.constructor.name);`;
  const named = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (named.stdout !== 'Sidecar') throw new Error(`a sidecar made by the bundle is a "${named.stdout}", not a "Sidecar": ${named.stderr.split('\n')[0]}`);
}

/**
 * The library bundle's entry: each runtime export of lib/index.js as an enumerable getter that
 * loads its module on first use. The exports come from src/index.ts (only `export * from` and
 * `export { ... } from` lines, in order, the first of two equal names winning, as TypeScript's
 * `export *` does) and the names from each compiled module; `checkLibrary` then compares the
 * bundle with lib/index.js export by export.
 */
function lazyIndex(entry: string): string {
  const source = path.join(ROOT, 'src', 'index.ts');
  const taken = new Set<string>();
  const lines = ['Object.defineProperty(exports, "__esModule", { value: true });', LAZY_EXPORT];
  for (const [at, line] of fs.readFileSync(source, 'utf8').split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('//')) continue;
    const star = /^export \* from '(\.[^']+)';$/.exec(line);
    const named = /^export \{ ([\w, ]+) \} from '(\.[^']+)';$/.exec(line);
    if (!star && !named) throw new Error(`src/index.ts:${at + 1}: the lazy entry understands only \`export * from\` and \`export { ... } from\` lines, not: ${line}`);
    const from = star ? star[1] : named![2];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(path.join(path.dirname(entry), from)) as Record<string, unknown>;
    const names = (star ? Object.keys(compiled).filter(name => name !== 'default') : named![1].split(',').map(name => name.trim()))
      .filter(name => !taken.has(name));
    for (const name of names) {
      if (!(name in compiled)) throw new Error(`src/index.ts:${at + 1}: ${from} does not export ${name}`);
      taken.add(name);
    }
    if (names.length > 0) lines.push(`exportLazily(() => require(${JSON.stringify(from)}), ${JSON.stringify(names)});`);
  }
  return lines.join('\n') + '\n';
}

const LAZY_EXPORT = `function exportLazily(load, names) {
  let loaded;
  for (const name of names) {
    Object.defineProperty(exports, name, { enumerable: true, get: () => (loaded ??= load())[name] });
  }
}`;

/**
 * esbuild turns a class that refers to itself (`Sidecar.DEFAULT_RESOURCES` inside `Sidecar`) into
 * `var Sidecar = class _Sidecar`, so its `name` becomes `_Sidecar`. Its `keepNames` option fixes
 * that by wrapping every named function, which costs about 800 bytes per workload (each
 * per-instance closure gets its own property store); instead every module that declares a class
 * ends by giving its exported classes their names back, whichever module loads it first.
 */
const restoreClassNames: Plugin = {
  name: 'restore-class-names',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.js$/ }, args => {
      const code = fs.readFileSync(args.path, 'utf8');
      if (!/\bclass\s/.test(code)) return { contents: code, loader: 'js' };
      // before the sourceMappingURL comment, which must stay last; no line above it moves
      const end = code.lastIndexOf('//# sourceMappingURL=');
      if (end === -1) throw new Error(`${path.relative(ROOT, args.path)} has no sourceMappingURL comment`);
      return { contents: `${code.slice(0, end)}${RESTORE_NAMES}(module.exports);\n${code.slice(end)}`, loader: 'js' };
    });
  },
};

/** Defined once at the top of the library bundle, called at the end of each module with a class. */
const RESTORE_NAMES = '__cdk8sSidecarsRestoreNames';
const RESTORE_NAMES_FUNCTION = `function ${RESTORE_NAMES}(exported) {
  for (const [name, value] of Object.entries(exported)) {
    if (typeof value === "function" && value.name === \`_\${name}\`) Object.defineProperty(value, "name", { value: name, configurable: true });
  }
}`;

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

main().catch(error => {
  console.error(error);
  process.exit(1);
});
