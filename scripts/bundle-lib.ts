// post-compile: replace lib/index.js, the module `require('cdk8s-sidecars')` loads, with one file
// that holds the library's ~100 compiled modules. Loading them one by one cost about 30 ms of
// every synth (resolving, reading and wrapping each file); the single file loads in about half
// that. The input is jsii's own output, so the runtime type information jsii adds to every class
// (what the Python, Java, .NET and Go bindings rely on) is kept. The other files in lib/ stay for
// the CLI, the validation plugin and deep imports. Packages (cdk8s, cdk8s-plus-30, constructs,
// yaml, js-yaml) stay external. Before the bundle replaces lib/index.js, it is loaded and checked
// to export the same names, with the same class names and jsii types, as the modules it came from.
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const LIB = path.join(__dirname, '..', 'lib');
const ENTRY = path.join(LIB, 'index.js');
const STAGED = path.join(LIB, 'index.bundle.js');
/** The first line of a bundle, so that running this twice after one compile changes nothing. */
const BANNER = '// cdk8s-sidecars: lib/ bundled into one file by scripts/bundle-lib.ts';
const JSII_RTTI = Symbol.for('jsii.rtti');

function main(): void {
  if (!fs.existsSync(ENTRY)) throw new Error(`${path.relative(process.cwd(), ENTRY)} is missing: run the compile task first`);
  if (fs.readFileSync(ENTRY, 'utf8').startsWith(BANNER)) {
    console.log('lib/index.js is already bundled (no compile since)');
    return;
  }
  const expected = exportsOf(ENTRY);
  try {
    buildSync({
      entryPoints: [ENTRY],
      outfile: STAGED,
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
    restoreClassNames(expected, exportsOf(STAGED));
    const problems = compareExports(expected, exportsOf(STAGED));
    if (problems.length > 0) throw new Error(`the bundle does not match lib/index.js:\n  ${problems.join('\n  ')}`);
    const staged = fs.readFileSync(STAGED, 'utf8');
    const mapComment = /\/\/# sourceMappingURL=index\.bundle\.js\.map\s*$/;
    if (!mapComment.test(staged)) throw new Error('the bundle does not end with the expected sourceMappingURL comment');
    // The map names the file it maps; it becomes lib/index.js.map beside lib/index.js.
    const map = JSON.parse(fs.readFileSync(`${STAGED}.map`, 'utf8'));
    map.file = 'index.js';
    fs.writeFileSync(`${ENTRY}.map`, JSON.stringify(map));
    fs.writeFileSync(ENTRY, staged.replace(mapComment, '//# sourceMappingURL=index.js.map\n'));
  } finally {
    fs.rmSync(STAGED, { force: true });
    fs.rmSync(`${STAGED}.map`, { force: true });
  }
  console.log(`bundled lib/index.js: ${expected.size} exports, ${Math.round(fs.statSync(ENTRY).size / 1024)} KiB`);
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
function restoreClassNames(expected: Map<string, string>, actual: Map<string, string>): void {
  const renamed = [...expected.keys()].filter(name => {
    const what = expected.get(name)!;
    return what.startsWith(`function ${name} `) && actual.get(name) === what.replace(` ${name} `, ` _${name} `);
  });
  if (renamed.length === 0) return;
  const fix = `for (const name of ${JSON.stringify(renamed)}) Object.defineProperty(module.exports[name], "name", { value: name, configurable: true });\n`;
  const code = fs.readFileSync(STAGED, 'utf8');
  const end = code.lastIndexOf('//# sourceMappingURL=');
  if (end === -1) throw new Error('the bundle has no sourceMappingURL comment');
  fs.writeFileSync(STAGED, `${code.slice(0, end)}// Names of the exported classes that esbuild renamed (see scripts/bundle-lib.ts).\n${fix}${code.slice(end)}`);
  delete require.cache[require.resolve(STAGED)];
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

main();
