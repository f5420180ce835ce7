// Build one package per cdk8s-plus flavour from the same source, the way cdk8s-plus ships one
// package per Kubernetes version (docs/flavours.md).
//
// `cdk8s-sidecars` itself is built on cdk8s-plus-30. For every other flavour this writes
// flavours/plus-<N>/ (git-ignored): src/ copied with its `cdk8s-plus-30` imports switched to
// `cdk8s-plus-<N>`, a package.json named `cdk8s-sidecars-plus-<N>` with a peer dependency on its
// cdk8s-plus and jsii targets in every language, then compiles it with jsii and packs its npm
// tarball (flavours/plus-<N>/dist/js/). Nothing else in the source changes, so a flavour behaves
// as the main package does on its own cdk8s-plus.
//
// FLAVOURS=33 (comma-separated) builds only those; the default is every flavour.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'flavours');
/** The cdk8s-plus line the source is written against. */
const SOURCE_PLUS = 30;

/** A sibling package built from the same source for another cdk8s-plus line. */
export interface Flavour {
  /** The cdk8s-plus line, e.g. 33 for cdk8s-plus-33. */
  readonly plus: number;
  /** The npm package name. */
  readonly name: string;
  /** The folder the package is generated into. */
  readonly dir: string;
}

/**
 * Every flavour besides the main package, oldest first: one per cdk8s-plus line in the main
 * package's devDependencies (added in .projenrc.ts) other than the one the source is written for.
 */
export const FLAVOURS: Flavour[] = Object.keys(readJson(path.join(ROOT, 'package.json')).devDependencies)
  .map(name => /^cdk8s-plus-(\d+)$/.exec(name))
  .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) !== SOURCE_PLUS)
  .map(m => Number(m[1]))
  .sort((a, b) => a - b)
  .map(plus => ({ plus, name: `cdk8s-sidecars-plus-${plus}`, dir: path.join(OUT, `plus-${plus}`) }));

/** `cdk8s-plus-30` or `cdk8s-plus-30/<deep path>` as a quoted module specifier. */
const SPECIFIER = new RegExp(`(['"])cdk8s-plus-${SOURCE_PLUS}(/[^'"]*)?\\1`, 'g');

/** The source of one module with its cdk8s-plus imports switched to `plus`. */
export function switchImports(source: string, plus: number): string {
  return source.replace(SPECIFIER, (_m, quote: string, deep: string | undefined) => `${quote}cdk8s-plus-${plus}${deep ?? ''}${quote}`);
}

function main(): void {
  const wanted = process.env.FLAVOURS?.split(',').map(s => s.trim()).filter(Boolean);
  const unknown = wanted?.filter(w => !FLAVOURS.some(f => String(f.plus) === w));
  if (unknown?.length) {
    throw new Error(`FLAVOURS: unknown flavour ${unknown.join(', ')}; known: ${FLAVOURS.map(f => f.plus).join(', ')}`);
  }
  for (const flavour of FLAVOURS.filter(f => !wanted || wanted.includes(String(f.plus)))) {
    const started = Date.now();
    generate(flavour);
    compile(flavour);
    pack(flavour);
    console.log(`${flavour.name}: generated, compiled and packed in ${((Date.now() - started) / 1000).toFixed(1)} s (${path.relative(ROOT, flavour.dir)})`);
  }
}

/** Write the flavour's package folder from scratch. */
function generate(flavour: Flavour): void {
  fs.rmSync(flavour.dir, { recursive: true, force: true });
  copySource(path.join(ROOT, 'src'), path.join(flavour.dir, 'src'), flavour.plus);
  const rootTsconfig = readJson(path.join(ROOT, 'tsconfig.json'));
  delete rootTsconfig['//'];
  writeJson(path.join(flavour.dir, 'tsconfig.json'), rootTsconfig);
  writeJson(path.join(flavour.dir, 'package.json'), packageJson(flavour));
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(flavour.dir, 'LICENSE'));
  fs.writeFileSync(path.join(flavour.dir, 'README.md'), readme(flavour));
}

/** Copy every .ts module under `from`, switching its imports; fail if any import of plus-30 is left. */
function copySource(from: string, to: string, plus: number): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copySource(source, target, plus);
    } else if (entry.name.endsWith('.ts')) {
      const text = switchImports(fs.readFileSync(source, 'utf8'), plus);
      const left = text.split('\n').findIndex(line => /\b(from|import|require)\b.*cdk8s-plus-30/.test(line));
      if (left >= 0) {
        throw new Error(`${path.relative(ROOT, source)}:${left + 1}: an import of cdk8s-plus-30 is not a quoted module specifier, so the flavour build cannot switch it`);
      }
      fs.writeFileSync(target, text);
    }
  }
}

/** The main package.json with the flavour's name, its cdk8s-plus as peer, and its jsii targets. */
function packageJson(flavour: Flavour): Record<string, unknown> {
  const root = readJson(path.join(ROOT, 'package.json'));
  const plusRange = root.devDependencies[`cdk8s-plus-${flavour.plus}`];
  if (!plusRange) {
    throw new Error(`package.json: no devDependency on cdk8s-plus-${flavour.plus}; add it in .projenrc.ts`);
  }
  const peers: Record<string, string> = { ...root.peerDependencies };
  delete peers[`cdk8s-plus-${SOURCE_PLUS}`];
  peers[`cdk8s-plus-${flavour.plus}`] = plusRange;
  const suffix = `plus-${flavour.plus}`;
  const pascal = `Plus${flavour.plus}`;
  const targets = root.jsii.targets;
  return {
    name: flavour.name,
    description: `${root.description} (for cdk8s-plus-${flavour.plus})`,
    repository: root.repository,
    bin: root.bin,
    author: root.author,
    license: root.license,
    version: root.version,
    keywords: [...root.keywords, `cdk8s-plus-${flavour.plus}`],
    main: root.main,
    types: root.types,
    stability: root.stability,
    publishConfig: root.publishConfig,
    dependencies: root.dependencies,
    bundledDependencies: root.bundledDependencies,
    peerDependencies: peers,
    // jsii wants each peer as a devDependency at the lowest version its range accepts
    devDependencies: Object.fromEntries(Object.entries(peers).map(([name, range]) => [name, range.replace(/^\^/, '')])),
    jsii: {
      ...root.jsii,
      targets: {
        java: {
          package: `${targets.java.package}.plus${flavour.plus}`,
          maven: { groupId: targets.java.maven.groupId, artifactId: `${targets.java.maven.artifactId}-${suffix}` },
        },
        python: { distName: `${targets.python.distName}-${suffix}`, module: `${targets.python.module}_plus_${flavour.plus}` },
        dotnet: { namespace: `${targets.dotnet.namespace}.${pascal}`, packageId: `${targets.dotnet.packageId}.${pascal}` },
        // one Go module holds every flavour, each in its own package (as cdk8s-plus-go does)
        go: { moduleName: targets.go.moduleName, packageName: `cdk8ssidecarsplus${flavour.plus}` },
      },
    },
  };
}

function readme(flavour: Flavour): string {
  return [
    `# ${flavour.name}`,
    '',
    `[cdk8s-sidecars](https://www.npmjs.com/package/cdk8s-sidecars) built for **cdk8s-plus-${flavour.plus}**: the same`,
    'constructs and command, compiled from the same source with the cdk8s-plus import switched, so',
    `cdk8s-plus-${flavour.plus}'s \`Probe\`, \`Volume\`, \`Service\` and \`Deployment\` work with \`SidecarDeployment\` and the rest.`,
    '',
    `Use it in place of \`cdk8s-sidecars\` when your app depends on \`cdk8s-plus-${flavour.plus}\`:`,
    '',
    '```sh',
    `npm install ${flavour.name} cdk8s-plus-${flavour.plus}`,
    '```',
    '',
    '```ts',
    `import { SidecarDeployment } from '${flavour.name}';`,
    '```',
    '',
    'Everything else is documented in the cdk8s-sidecars README; see docs/flavours.md there for which',
    'package to pick.',
    '',
  ].join('\n');
}

/** jsii-compile the generated folder (the same flags as the main compile), then make the bin executable. */
function compile(flavour: Flavour): void {
  const jsii = path.join(ROOT, 'node_modules', '.bin', 'jsii');
  const result = spawnSync(jsii, ['--fail-on-warnings', '--silence-warnings=reserved-word'], { cwd: flavour.dir, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${flavour.name}: jsii failed (exit ${result.status ?? result.signal}); the sources are in ${path.relative(ROOT, flavour.dir)}/src`);
  }
  const pkg = readJson(path.join(flavour.dir, 'package.json'));
  for (const bin of Object.values(pkg.bin as Record<string, string>)) {
    fs.chmodSync(path.join(flavour.dir, bin), 0o755);
  }
}

/**
 * Pack the npm tarball into the flavour's dist/js/ as `package:js` does for the main package,
 * with the bundled dependencies (and theirs) copied in from the repository's node_modules.
 */
function pack(flavour: Flavour): void {
  const pkg = readJson(path.join(flavour.dir, 'package.json'));
  const pending: string[] = [...pkg.bundledDependencies ?? []];
  const copied = new Set<string>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (copied.has(name)) continue;
    copied.add(name);
    const from = path.join(ROOT, 'node_modules', name);
    fs.cpSync(from, path.join(flavour.dir, 'node_modules', name), { recursive: true });
    pending.push(...Object.keys(readJson(path.join(from, 'package.json')).dependencies ?? {}));
  }
  const pacmak = path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak');
  const result = spawnSync(pacmak, ['--target', 'js'], { cwd: flavour.dir, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${flavour.name}: jsii-pacmak failed (exit ${result.status ?? result.signal})`);
  }
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, undefined, 2) + '\n');
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`flavours: ${(e as Error).message}`);
    process.exit(1);
  }
}
