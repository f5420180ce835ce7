// An app as `cdk8s init typescript-app` creates it (cdk8s-cli's own template), for each cdk8s-plus
// flavour: its cdk8s-plus Probe, Volume, Service and Deployment mixed with our SidecarDeployment,
// type-checked with tsc and synthesized with node. Each package is installed from its npm tarball,
// as users get it. Needs `npx projen build` (or compile, post-compile and package) for the main
// package and `npx projen flavours` for the others; run by `npx projen test:flavours`.
//
// The apps live in a temporary folder outside the repository: a package linked back into the
// repository would make a cycle that tools walking the repository (jsii-docgen) never leave.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { FLAVOURS } from '../../scripts/flavours';

const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const TEMPLATE = path.join(NODE_MODULES, 'cdk8s-cli', 'templates', 'typescript-app');
const TSC = path.join(NODE_MODULES, 'typescript', 'bin', 'tsc');
let apps: string;

interface Package {
  readonly plus: number;
  readonly name: string;
  /** The folder whose dist/js/ holds the package's tarball. */
  readonly dir: string;
  readonly build: string;
}

const PACKAGES: Package[] = [
  { plus: 30, name: 'cdk8s-sidecars', dir: ROOT, build: 'npx projen build' },
  ...FLAVOURS.map(f => ({ plus: f.plus, name: f.name, dir: f.dir, build: 'npx projen flavours' })),
];

beforeAll(() => {
  apps = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-apps-'));
});

afterAll(() => {
  fs.rmSync(apps, { recursive: true, force: true });
});

/** The package's npm tarball, as jsii-pacmak packed it. */
function tarballOf(pkg: Package): string {
  const dist = path.join(pkg.dir, 'dist', 'js');
  const tarballs = fs.existsSync(dist) ? fs.readdirSync(dist).filter(f => f.startsWith(`${pkg.name}@`) && f.endsWith('.jsii.tgz')) : [];
  if (tarballs.length !== 1) {
    throw new Error(`${pkg.name}: expected one tarball in ${path.relative(ROOT, dist) || '.'}, found ${tarballs.length}: run ${pkg.build} first`);
  }
  return path.join(dist, tarballs[0]);
}

/** What goes in place of the template's "define resources here". */
function chartBody(plus: number): string {
  return `
    // cdk8s-plus-${plus}'s own types, handed to our constructs
    const config = kplus.Volume.fromEmptyDir(this, 'config', 'proxy-config');
    const web = new SidecarDeployment(this, 'web', {
      replicas: 2,
      containers: [{
        name: 'app',
        image: 'registry.example/app:1.0',
        portNumber: 8080,
        resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      }],
    });
    const proxy = web.addSidecar({
      name: 'proxy',
      image: 'registry.example/proxy:1.30',
      portNumber: 15001,
      startupProbe: kplus.Probe.fromHttpGet('/ready', { port: 15021, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      volumeMounts: [{ volume: config, path: '/etc/proxy' }],
    });
    web.addRunOnceInit({ name: 'migrate', image: 'registry.example/migrate:1.0', dependsOn: [{ container: proxy }] });
    // cdk8s-plus's own method, through our override: a plain init container with a port
    web.addInitContainer({ name: 'warm-cache', image: 'registry.example/warm:1.0', portNumber: 9000 });
    new kplus.Service(this, 'web-service', { selector: web, ports: [{ port: 80, targetPort: 8080 }] });
    web.exposeViaService({ name: 'web-exposed', ports: [{ port: 8080 }] });

    // plain cdk8s-plus-${plus} beside it, to show what it renders on its own
    const plain = new kplus.Deployment(this, 'plain', {
      containers: [{ name: 'app', image: 'registry.example/app:1.0', portNumber: 8080 }],
    });
    plain.addInitContainer({ name: 'warm-cache', image: 'registry.example/warm:1.0', portNumber: 9000 });
`;
}

/** Write the app the way `cdk8s init typescript-app` does, depending on `pkg` and cdk8s-plus-`plus`. */
function writeApp(dir: string, pkg: Package, plus: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const base = path.basename(dir);
  const version = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const packageJson = JSON.parse(fs.readFileSync(path.join(TEMPLATE, 'package.json'), 'utf8')
    .replace('{{ $base }}', base)
    .replace('{{ cdk8s_core_version }}', version('cdk8s'))
    .replace('{{ cdk8s_plus_version }}', version(`cdk8s-plus-${plus}`))
    .replace('{{ constructs_version }}', version('constructs'))
    .replace('{{ cdk8s_cli_spec }}', `^${version('cdk8s-cli')}`));
  const deps = packageJson.dependencies;
  expect(deps['cdk8s-plus-33']).toBeDefined(); // what the template scaffolds
  const plusSpec = deps['cdk8s-plus-33'].replace(version('cdk8s-plus-33'), version(`cdk8s-plus-${plus}`));
  delete deps['cdk8s-plus-33'];
  packageJson.dependencies = { ...deps, [`cdk8s-plus-${plus}`]: plusSpec, [pkg.name]: '*' };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, undefined, 2));
  fs.copyFileSync(path.join(TEMPLATE, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.copyFileSync(path.join(TEMPLATE, 'cdk8s.yaml'), path.join(dir, 'cdk8s.yaml'));

  const template = fs.readFileSync(path.join(TEMPLATE, 'main.ts'), 'utf8');
  expect(template).toContain('// define resources here');
  const main = [
    'import { Duration, Size } from \'cdk8s\';',
    `import * as kplus from 'cdk8s-plus-${plus}';`,
    `import { SidecarDeployment } from '${pkg.name}';`,
    template.replace('{{ $base }}', base).replace('    // define resources here\n', chartBody(plus)),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'main.ts'), main);
  // The package as npm installs it, beside the app's other dependencies and the package's peers
  // (linked from the repository's node_modules: the same files, so cdk8s-plus's types are one set).
  const installed = path.join(dir, 'node_modules', pkg.name);
  fs.mkdirSync(installed, { recursive: true });
  const untar = run('tar', ['-xzf', tarballOf(pkg), '-C', installed, '--strip-components=1'], dir);
  expect(untar.output).toBe('');
  const peers = Object.keys(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).peerDependencies);
  for (const dependency of new Set(['cdk8s', 'constructs', `cdk8s-plus-${plus}`, '@types/node', ...peers])) {
    fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', dependency)), { recursive: true });
    fs.symlinkSync(path.join(NODE_MODULES, dependency), path.join(dir, 'node_modules', dependency), 'dir');
  }
}

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function manifestsOf(dir: string): any[] {
  const out = path.join(dir, 'dist');
  const files = fs.readdirSync(out).filter(f => f.endsWith('.k8s.yaml'));
  expect(files).toHaveLength(1);
  return jsyaml.loadAll(fs.readFileSync(path.join(out, files[0]), 'utf8')) as any[];
}

function deploymentNamed(manifests: any[], idPart: string): any {
  const found = manifests.find(m => m.kind === 'Deployment' && m.metadata.name.includes(`-${idPart}-`));
  expect(found).toBeDefined();
  return found;
}

function initContainer(deployment: any, name: string): any {
  const found = (deployment.spec.template.spec.initContainers ?? []).find((c: any) => c.name === name);
  expect(found).toBeDefined();
  return found;
}

describe.each(PACKAGES)('$name with cdk8s-plus-$plus', pkg => {
  let dir: string;
  let manifests: any[];

  beforeAll(() => {
    dir = path.join(apps, `plus-${pkg.plus}`);
    writeApp(dir, pkg, pkg.plus);
  });

  test('the command is executable as installed from the tarball', () => {
    const bin = path.join(dir, 'node_modules', pkg.name, 'lib', 'cli', 'main.js');
    expect((fs.statSync(bin).mode % 0o1000).toString(8)).toBe('755');
    const help = run(bin, ['--help'], dir);
    expect(help.status).toBe(0);
    expect(help.output).toMatch(/lint/);
  });

  test('the app type-checks with tsc (and compiles, as `npm run compile` does)', () => {
    const tsc = run(process.execPath, [TSC, '-p', '.'], dir);
    expect(tsc.output).toBe('');
    expect(tsc.status).toBe(0);
  });

  test('the app synthesizes', () => {
    const synth = run(process.execPath, ['main.js'], dir);
    expect(synth.output).toBe('');
    expect(synth.status).toBe(0);
    manifests = manifestsOf(dir);
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Deployment', 'Service', 'Service']);
  });

  test('the plus Probe and Volume are rendered on the sidecar, which starts first', () => {
    const web = deploymentNamed(manifests, 'web');
    const spec = web.spec.template.spec;
    expect(spec.initContainers.map((c: any) => `${c.name}${c.restartPolicy ? ` (${c.restartPolicy})` : ''}`))
      .toEqual(['proxy (Always)', 'migrate', 'warm-cache']);
    const proxy = initContainer(web, 'proxy');
    expect(proxy.startupProbe).toMatchObject({ httpGet: { path: '/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 30 });
    expect(proxy.volumeMounts).toEqual([expect.objectContaining({ mountPath: '/etc/proxy', name: 'proxy-config' })]);
    expect(spec.volumes).toEqual([{ name: 'proxy-config', emptyDir: {} }]);
  });

  test('our guarantees hold on this cdk8s-plus: no startupProbe or lifecycle on plain init containers, small sidecar defaults', () => {
    const web = deploymentNamed(manifests, 'web');
    for (const name of ['migrate', 'warm-cache']) {
      const init = initContainer(web, name);
      expect(init.startupProbe).toBeUndefined();
      expect(init.lifecycle).toBeUndefined();
      expect(init.restartPolicy).toBeUndefined();
    }
    expect(initContainer(web, 'proxy').resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(initContainer(web, 'migrate').resources.requests.cpu).toBe('100m');
  });

  test('while plain cdk8s-plus renders the traps we remove (so the check above means something)', () => {
    const plainInit = initContainer(deploymentNamed(manifests, 'plain'), 'warm-cache');
    expect(plainInit.startupProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 9000 } }));
    expect(plainInit.resources.requests).toEqual({ cpu: '1000m', memory: '512Mi' });
  });

  test('the plus Service selects the SidecarDeployment\'s pods', () => {
    const web = deploymentNamed(manifests, 'web');
    const podLabels = web.spec.template.metadata.labels;
    const services = manifests.filter(m => m.kind === 'Service');
    expect(services).toHaveLength(2);
    for (const service of services) {
      expect(Object.keys(service.spec.selector).length).toBeGreaterThan(0);
      expect(podLabels).toMatchObject(service.spec.selector);
    }
  });
});

// The problem the flavours solve: the main package, built on cdk8s-plus-30, in a cdk8s-plus-33 app.
test('cdk8s-sidecars (cdk8s-plus-30) does not type-check in a cdk8s-plus-33 app', () => {
  const dir = path.join(apps, 'mismatch-plus-33');
  writeApp(dir, PACKAGES[0], 33);
  const tsc = run(process.execPath, [TSC, '-p', '.', '--noEmit'], dir);
  expect(tsc.status).not.toBe(0);
  // the three errors of issue 22: the startupProbe, the volume mount and the Service's selector
  const errors = tsc.output.split('\n').filter(line => /^main\.ts\(\d+,\d+\): error/.test(line));
  expect(errors).toEqual([
    expect.stringMatching(/error TS2322: Type 'import\(".*\/cdk8s-plus-33\/lib\/probe"\)\.Probe' is not assignable to type 'import\(".*\/cdk8s-plus-30\/lib\/probe"\)\.Probe'/),
    expect.stringMatching(/error TS2322: Type 'import\(".*\/cdk8s-plus-33\/lib\/volume"\)\.Volume' is not assignable to type 'import\(".*\/cdk8s-plus-30\/lib\/volume"\)\.Volume'/),
    expect.stringMatching(/error TS2322: Type 'SidecarDeployment' is not assignable to type 'IPodSelector'/),
  ]);
});
