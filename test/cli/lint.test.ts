import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectGolden, FIXTURES, runCli } from './run-cli';

/** The fixture set: a multi-document stream with an empty document, a List, a JSON Pod, a Helm stream, a clean file and a nested non-workload. */
const MANIFESTS = 'manifests';
/**
 * The fixture set shows a regular container with restartPolicy (SC103), which Kubernetes rejects
 * before 1.35: the format tests judge it as 1.33 does, so that every format carries that error.
 */
const ON_133 = ['-k', '1.33'];

describe('lint formats on the fixture set', () => {
  test('text: grouped by resource with file:line, rule id, path, message and fix', async () => {
    const run = await runCli(['lint', ...ON_133, MANIFESTS]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expectGolden('lint.txt', run.stdout);
    // What the golden must show, asserted so that a careless golden update cannot hide it.
    expect(run.stdout).toContain('manifests/app.yaml:2 Deployment shop/web\n  error   SC102 spec.template.spec.initContainers[0].readinessProbe (line 21): ');
    expect(run.stdout).toContain('manifests/list.yaml:23 Pod worker\n');
    expect(run.stdout).toContain('manifests/pod.json:1 Pod jobs/batch-runner\n');
    expect(run.stdout).not.toContain('clean.yaml');
    expect(run.stdout).not.toContain('release-shop-report');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('4 errors, 6 warnings, 0 info in 6 resources (8 workloads checked in 6 files)');
  });

  test('json: the documented version 1 shape', async () => {
    const run = await runCli(['lint', ...ON_133, '--format', 'json', MANIFESTS]);
    expect(run.status).toBe(1);
    expectGolden('lint.json', run.stdout);
    const report = JSON.parse(run.stdout);
    expect(report.version).toBe(1);
    expect(report.kubernetesVersion).toBe('1.33');
    expect(report.summary).toEqual({
      errors: 4, warnings: 6, info: 0, resources: 6, workloads: 8, files: 6, belowThreshold: 0, skippedFiles: 0, notChecked: 0,
    });
    for (const result of report.results) {
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['file', 'line', 'column', 'resourceLine', 'kind', 'name', 'ruleId', 'severity', 'path', 'message']));
    }
    expect(report.results[0]).toEqual({
      file: 'manifests/app.yaml',
      line: 21,
      column: 11,
      resourceLine: 2,
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      ruleId: 'SC102',
      severity: 'error',
      path: 'spec.template.spec.initContainers[0].readinessProbe',
      message: 'init container "migrate" sets readinessProbe, which may not be set for init containers without restartPolicy=Always',
      fix: 'remove readinessProbe, or make "migrate" a sidecar with restartPolicy: Always',
    });
  });

  test('sarif: 2.1.0 with rule metadata and a file/line location per result', async () => {
    const run = await runCli(['lint', ...ON_133, '-f', 'sarif', MANIFESTS]);
    expect(run.status).toBe(1);
    expectGolden('lint.sarif', run.stdout);
    const sarif = JSON.parse(run.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const { driver } = sarif.runs[0].tool;
    expect(driver.name).toBe('cdk8s-sidecars');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    // The version of the package that ran, read from its package.json.
    expect(driver.version).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    const sc102 = driver.rules.find((rule: any) => rule.id === 'SC102');
    expect(sc102).toMatchObject({
      shortDescription: { text: expect.any(String) },
      fullDescription: { text: expect.any(String) },
      help: { text: expect.any(String) },
      defaultConfiguration: { level: 'error' },
      properties: { source: expect.any(String) },
    });
    expect(driver.rules.find((rule: any) => rule.id === 'SC208').defaultConfiguration.level).toBe('warning');
    // Each rule links to its own row of RULES.md, which carries an anchor of that name.
    const rulesMd = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    for (const rule of driver.rules) {
      const anchor = rule.id.toLowerCase();
      expect(rule.helpUri).toBe(`https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/RULES.md#${anchor}`);
      expect(rulesMd).toMatch(new RegExp(`\\n\\| ${rule.id} \\| [^|]+ \\| [^|]+ \\| <a id="${anchor}"></a>`));
    }
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(10);
    for (const result of results) {
      expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      const location = result.locations[0];
      expect(location.physicalLocation.artifactLocation.uri).toMatch(/^manifests\/[a-z./]+$/);
      expect(location.physicalLocation.region.startLine).toBeGreaterThan(0);
      expect(location.logicalLocations[0].properties.kind).toBeDefined();
    }
    expect(results[0]).toMatchObject({
      ruleId: 'SC102',
      level: 'error',
      locations: [{
        physicalLocation: { artifactLocation: { uri: 'manifests/app.yaml' }, region: { startLine: 21, startColumn: 11 } },
        logicalLocations: [{ name: 'spec.template.spec.initContainers[0].readinessProbe', kind: 'property' }],
      }],
    });
    expect(results[0].message.text).toContain('; remove readinessProbe');
  });

  test('every reported line points at the offending field in the file', async () => {
    const report = JSON.parse((await runCli(['lint', '--format', 'json', MANIFESTS])).stdout);
    const expected: Record<string, string> = {
      SC102: 'readinessProbe:',
      SC206: 'terminationGracePeriodSeconds:',
      SC208: 'readinessProbe:',
      SC205: '- name: cloud-sql-proxy',
      SC209: 'preStop:',
      SC103: 'restartPolicy: Always',
      SC501: '"privileged": true',
    };
    for (const result of report.results) {
      const line = fs.readFileSync(path.join(FIXTURES, result.file), 'utf8').split('\n')[result.line - 1];
      if (expected[result.ruleId]) expect(line.trim()).toContain(expected[result.ruleId]);
      // SC301 points at the sidecar itself: it has no resources field to point at.
      if (result.ruleId === 'SC301') expect(line.trim()).toMatch(/^(- name:|\{)/);
    }
  });
});

describe('inputs', () => {
  test('stdin via -, as in helm template | cdk8s-sidecars lint -', async () => {
    const helm = fs.readFileSync(path.join(FIXTURES, MANIFESTS, 'helm.yaml'), 'utf8');
    const run = await runCli(['lint', '-'], { input: helm });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe([
      '<stdin>:31 Deployment release-shop',
      '  warning SC209 spec.template.spec.initContainers[0].lifecycle.preStop (line 45): sidecar "config-reloader" has a lifecycle.preStop hook (exec "sleep 5"): it runs at the start of pod termination, concurrently with the app\'s, not after the app has stopped',
      '    fix: remove the preStop hook from "config-reloader" and drain on SIGTERM, which it receives only after the app\'s containers have exited',
      '  warning SC301 spec.template.spec.initContainers[0].resources (line 41): sidecar "config-reloader" has no cpu or memory request: resources.requests is not set and no cpu or memory limit supplies a default',
      '    fix: set resources.requests.cpu and resources.requests.memory on "config-reloader" to what it uses at steady state',
      '',
      '0 errors, 2 warnings, 0 info in 1 resource (2 workloads checked in 1 file)',
      '',
    ].join('\n'));
    const sarif = JSON.parse((await runCli(['lint', '-f', 'sarif', '-'], { input: helm })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });

  test('files and folders together, each file once, in the order given', async () => {
    const run = await runCli(['lint', '--format', 'json', 'manifests/pod.json', MANIFESTS]);
    const files = [...new Set(JSON.parse(run.stdout).results.map((r: any) => r.file))];
    expect(files).toEqual(['manifests/pod.json', 'manifests/app.yaml', 'manifests/helm.yaml', 'manifests/list.yaml']);
  });

  test('a path outside the working folder is shown absolute', async () => {
    const run = await runCli(['lint', path.join(FIXTURES, MANIFESTS, 'list.yaml')], { cwd: path.join(FIXTURES, MANIFESTS, 'nested') });
    expect(run.stdout.split('\n')[0]).toBe(`${path.join(FIXTURES, MANIFESTS, 'list.yaml')}:4 Pod debug`);
  });

  test('an empty stream and a stream of non-workloads are clean', async () => {
    expect(await runCli(['lint', '-'], { input: '' })).toEqual({ stdout: 'no problems found (0 workloads checked in 1 file)\n', stderr: '', status: 0 });
    expect((await runCli(['lint', '-'], { input: '---\n# nothing\n---\n...\n' })).status).toBe(0);
    expect((await runCli(['lint', 'manifests/nested'])).stdout).toBe('no problems found (0 workloads checked in 1 file)\n');
  });

  test('a document without kind is reported, not skipped (SC100)', async () => {
    const run = await runCli(['lint', '-'], { input: 'apiVersion: v1\nmetadata:\n  name: x\n' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('<stdin>:1 <unknown> x\n  error   SC100 (line 1): object has no kind');
  });
});

describe('exit codes, severity and Kubernetes version', () => {
  test('0 for a clean file, 1 with errors, 0 with warnings only', async () => {
    expect(await runCli(['lint', 'manifests/clean.yaml'])).toEqual({ stdout: 'no problems found (1 workload checked in 1 file)\n', stderr: '', status: 0 });
    expect((await runCli(['lint', 'manifests/app.yaml'])).status).toBe(1);
    expect((await runCli(['lint', 'manifests/helm.yaml'])).status).toBe(0);
  });

  test('--severity is a threshold on what is reported; errors still decide the exit code', async () => {
    const errorsOnly = await runCli(['lint', ...ON_133, '--severity', 'error', MANIFESTS]);
    expect(errorsOnly.status).toBe(1);
    expect(errorsOnly.stdout).not.toMatch(/ warning /);
    expect(errorsOnly.stdout.trimEnd().split('\n').pop()).toBe('4 errors, 0 warnings, 0 info in 3 resources (8 workloads checked in 6 files; 6 findings below --severity error not shown)');
    const warningsHidden = await runCli(['lint', '-s', 'error', '--format', 'json', 'manifests/helm.yaml']);
    expect(warningsHidden.status).toBe(0);
    expect(JSON.parse(warningsHidden.stdout)).toMatchObject({ results: [], summary: { warnings: 0, belowThreshold: 2 } });
    expect((await runCli(['lint', '--severity', 'warning', MANIFESTS])).stdout).toBe((await runCli(['lint', '--severity', 'info', MANIFESTS])).stdout);
  });

  test('--kubernetes-version: native sidecars are an error before 1.29 (SC901), clean on 1.35', async () => {
    const old = await runCli(['lint', '--kubernetes-version', '1.27', 'version/sidecar.yaml']);
    expect(old.status).toBe(1);
    expect(old.stdout).toContain('  error   SC901 spec.template.spec.initContainers[0].restartPolicy (line 20): sidecar "otel" needs Kubernetes 1.29 or later, but the target is 1.27');
    const json = JSON.parse((await runCli(['lint', '-k', 'v1.27', '-f', 'json', 'version/sidecar.yaml'])).stdout);
    expect(json.kubernetesVersion).toBe('1.27');
    // 1.27 drops restartPolicy, so the startupProbe is on a plain init container, which forbids it.
    expect(json.results.map((r: any) => r.ruleId)).toEqual(['SC102', 'SC901']);
    expect(await runCli(['lint', '--kubernetes-version', '1.35', 'version/sidecar.yaml'])).toEqual({
      stdout: 'no problems found (1 workload checked in 1 file)\n', stderr: '', status: 0,
    });
  });

  test('colour only when asked for or on a terminal, never with NO_COLOR', async () => {
    const plain = await runCli(['lint', 'manifests/app.yaml']);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['lint', 'manifests/app.yaml'], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toContain('\u001b[31merror  \u001b[39m SC102');
    expect(forced.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
  });

  test('--help and --version print and exit 0', async () => {
    const help = await runCli(['lint', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('-f, --format text|json|sarif');
    expect((await runCli(['--help'])).stdout).toContain('commands:');
    expect(await runCli(['--version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\S+\n$/) });
  });
});
