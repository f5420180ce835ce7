// The repository config file (.cdk8s-sidecars.yaml): found by walking up, checked key by key.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectUnusable, runCli } from './run-cli';
import { findConfig, ignoredPaths, loadConfig } from '../../src/cli/config';

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-config-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function write(relative: string, text: string): string {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('.cdk8s-sidecars.yaml', () => {
  test('is found in the working folder or the nearest folder above it', () => {
    const file = write('repo/.cdk8s-sidecars.yaml', 'kubernetesVersion: "1.35"\n');
    fs.mkdirSync(path.join(root, 'repo/deploy/prod'), { recursive: true });
    expect(findConfig(path.join(root, 'repo/deploy/prod'))).toBe(file);
    expect(findConfig(path.join(root, 'repo'))).toBe(file);
    const inner = write('repo/deploy/.cdk8s-sidecars.yaml', '');
    expect(findConfig(path.join(root, 'repo/deploy/prod'))).toBe(inner);
  });

  test('every setting is read', () => {
    const file = write('full.yaml', [
      'kubernetesVersion: "1.34"',
      'rules:',
      '  - ruleId: SC209',
      '    severity: info',
      '    reason: our proxies drain on their preStop hook by design',
      'ignore:',
      '  - "charts/*/templates/**"',
      'workloadKinds:',
      '  - { kind: MyApp, group: example.com, podSpecPath: spec.template.spec }',
      '',
    ].join('\n'));
    expect(loadConfig(file)).toEqual({
      file,
      kubernetesVersion: '1.34',
      rules: [{ ruleId: 'SC209', severity: 'info', reason: 'our proxies drain on their preStop hook by design' }],
      ignore: ['charts/*/templates/**'],
      workloadKinds: [{ kind: 'MyApp', group: 'example.com', podSpecPath: 'spec.template.spec' }],
    });
    expect(loadConfig(write('empty.yaml', '# nothing yet\n'))).toEqual({ file: path.join(root, 'empty.yaml') });
  });

  test('problems name the file, the line and the key', () => {
    const bad = (name: string, text: string) => () => loadConfig(write(name, text));
    expect(bad('unknown.yaml', 'kubernetesVersion: "1.35"\nrule:\n  - x\n')).toThrow(/unknown\.yaml:2: unknown key "rule" in \.cdk8s-sidecars\.yaml; the keys are kubernetesVersion, rules, ignore, workloadKinds$/);
    expect(bad('number.yaml', 'kubernetesVersion: 1.30\n')).toThrow(/number\.yaml:1: kubernetesVersion must be a quoted version such as "1\.35" \(YAML reads 1\.3 unquoted as a number\)$/);
    expect(bad('reason.yaml', 'rules:\n  - { ruleId: SC209, severity: off, reason: todo }\n')).toThrow(/reason\.yaml:2: rules\[0\] changes SC209 without a meaningful reason/);
    expect(bad('api.yaml', 'rules:\n  - { ruleId: SC104, severity: off, reason: "names come from a template" }\n')).toThrow(/rules\[0\] turns SC104 off, but SC104 cannot be suppressed or lowered/);
    expect(bad('ignore.yaml', 'ignore: charts\n')).toThrow(/ignore\.yaml:1: ignore must be a list of path patterns/);
    expect(bad('kinds.yaml', 'workloadKinds:\n  - { kind: MyApp }\n')).toThrow(/kinds\.yaml:2: workloadKinds: entry/);
    expect(bad('list.yaml', '- a\n- b\n')).toThrow(/list\.yaml:1: the config file must be a mapping/);
    expect(bad('syntax.yaml', 'rules: [\n')).toThrow(/syntax\.yaml:\d+: /);
    expect(() => loadConfig(path.join(root, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read the config file \(ENOENT\)/);
  });

  test('ignore patterns are relative to the config file\'s folder', () => {
    const file = write('repo2/.cdk8s-sidecars.yaml', 'ignore:\n  - "charts/*/templates/**"\n  - "**/values.yaml"\n');
    const ignored = ignoredPaths(loadConfig(file), path.join(root, 'repo2'))!;
    expect(ignored('charts/shop/templates/deploy.yaml')).toBe(true);
    expect(ignored('charts/shop/values.yaml')).toBe(true);
    expect(ignored('deploy/values.yaml')).toBe(true);
    expect(ignored('charts/shop/rendered/deploy.yaml')).toBe(false);
    expect(ignored(path.join(root, 'elsewhere/charts/x/templates/a.yaml'))).toBe(false);
    expect(ignoredPaths(loadConfig(write('repo3/.cdk8s-sidecars.yaml', '')), root)).toBeUndefined();
  });
});

describe('lint and explain read it', () => {
  const SIDECAR_WITH_PRESTOP = [
    'apiVersion: v1', 'kind: Pod', 'metadata: {name: web}', 'spec:', '  containers:', '    - {name: app, image: "registry.example.com/app:1"}',
    '  initContainers:', '    - name: proxy', '      image: registry.example.com/proxy:1', '      restartPolicy: Always',
    '      resources: {requests: {cpu: 10m, memory: 16Mi}}', '      lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}', '',
  ].join('\n');

  test('rule settings, ignored paths and the version apply; flags win', async () => {
    const repo = path.join(root, 'cli-repo');
    write('cli-repo/.cdk8s-sidecars.yaml', 'kubernetesVersion: "1.28"\nrules:\n  - { ruleId: SC209, severity: error, reason: "we stop proxies on SIGTERM, never on a hook" }\nignore:\n  - "vendor/**"\n');
    write('cli-repo/deploy/web.yaml', SIDECAR_WITH_PRESTOP);
    write('cli-repo/vendor/chart/web.yaml', SIDECAR_WITH_PRESTOP.replace('name: web', 'name: vendored'));
    const report = JSON.parse((await runCli(['lint', '-f', 'json', '-k', '1.35', '.'], { cwd: repo })).stdout);
    expect(report.results.map((r: any) => `${r.file} ${r.ruleId} ${r.severity}`)).toEqual(['deploy/web.yaml SC209 error']);
    // Without -k the config's 1.28 applies: native sidecars are off there (SC901).
    const old = JSON.parse((await runCli(['lint', '-f', 'json', '.'], { cwd: path.join(repo, 'deploy') })).stdout);
    expect(old.kubernetesVersion).toBe('1.28');
    // A file named on the command line is ignored too (pre-commit passes every changed file).
    expect((await runCli(['lint', 'vendor/chart/web.yaml'], { cwd: repo })).stdout).toMatch(/^no problems found/);
    const explained = await runCli(['explain', 'deploy'], { cwd: repo });
    expect(explained.status).toBe(0);
  });

  test('--config names another file; a bad one is one line and exit 2', async () => {
    write('other/settings.yaml', 'rules:\n  - { ruleId: SC209, severity: off, reason: "proxies here drain on their hook" }\n');
    write('other/web.yaml', SIDECAR_WITH_PRESTOP);
    const run = await runCli(['lint', '-f', 'json', '--config', 'settings.yaml', 'web.yaml'], { cwd: path.join(root, 'other') });
    expect(JSON.parse(run.stdout).results).toEqual([]);
    write('other/bad.yaml', 'kubernetesVersion: "1.35"\nrule: []\n');
    expectUnusable(await runCli(['lint', '-c', 'bad.yaml', 'web.yaml'], { cwd: path.join(root, 'other') }), /bad\.yaml:2: unknown key "rule"/);
    expectUnusable(await runCli(['explain', '-c', 'missing.yaml', 'web.yaml'], { cwd: path.join(root, 'other') }), /missing\.yaml: cannot read the config file \(ENOENT\)/);
  });
});
