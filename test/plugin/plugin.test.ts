/**
 * The cdk8s validation plugin: unit tests against a fake ValidationContext, and end to end with
 * cdk8s-cli (`cdk8s synth`) on small plain-JavaScript cdk8s-plus apps, loading the compiled plugin.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import { SidecarValidationPlugin } from '../../src/plugin';
import { buildCli, REPO, tempDir } from '../cli/run-cli';

const DEPLOYMENT_WITH_BAD_INIT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    template: {
      spec: {
        initContainers: [{ name: 'warmup', image: 'busybox', startupProbe: { tcpSocket: { port: 8080 } } }],
        containers: [{ name: 'app', image: 'nginx' }],
      },
    },
  },
};

const POD_WITH_WARNING = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    initContainers: [{ name: 'log', image: 'fluent/fluent-bit:3', restartPolicy: 'Always' }],
    containers: [{ name: 'app', image: 'nginx' }],
  },
};

const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for cdk8s-cli's ValidationContext, recording what the plugin reports. */
function fakeContext(manifests: Record<string, unknown[] | string>) {
  const dir = tempDir('plugin-unit');
  tempDirs.push(dir);
  const paths = Object.entries(manifests).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : content.map(m => jsyaml.dump(m)).join('---\n'));
    return file;
  });
  const violations: any[] = [];
  const submitted: Array<{ status: string; metadata: Record<string, string> }> = [];
  return {
    violations,
    submitted,
    context: {
      manifests: paths,
      parseManifest: (file: string) => jsyaml.loadAll(fs.readFileSync(file, 'utf8')),
      report: {
        addViolation: (violation: any) => violations.push(violation),
        submit: (status: string, metadata: Record<string, string>) => submitted.push({ status, metadata }),
      },
      logger: { log: () => undefined },
    },
  };
}

describe('SidecarValidationPlugin', () => {
  test('an error fails the report, with the rule, resource, manifest and field path', async () => {
    const { context, violations, submitted } = fakeContext({ 'a.yaml': [DEPLOYMENT_WITH_BAD_INIT] });
    await new SidecarValidationPlugin().validate(context);
    expect(violations).toEqual([{
      ruleName: 'SC102 [error] a plain init container (no restartPolicy: Always) sets lifecycle, livenessProbe, readinessProbe or startupProbe',
      recommendation: 'Deployment web: init container "warmup" sets startupProbe, which may not be set for init containers without restartPolicy=Always',
      fix: 'remove startupProbe, or make "warmup" a sidecar with restartPolicy: Always',
      violatingResources: [{ resourceName: 'web', manifestPath: context.manifests[0], locations: ['spec.template.spec.initContainers[0].startupProbe'] }],
    }]);
    expect(submitted).toEqual([{
      status: 'failure',
      metadata: expect.objectContaining({ 'kubernetes version': '1.35', 'errors': '1', 'warnings': '0', 'info': '0' }),
    }]);
  });

  test('warnings are reported but pass, unless failOnWarnings', async () => {
    const pass = fakeContext({ 'p.yaml': [POD_WITH_WARNING, null as any] });
    await new SidecarValidationPlugin({}).validate(pass.context);
    expect(pass.violations.map(v => v.ruleName.split(' ')[0])).toEqual(['SC301']);
    expect(pass.submitted[0].status).toBe('success');
    const strict = fakeContext({ 'p.yaml': [POD_WITH_WARNING] });
    await new SidecarValidationPlugin({ failOnWarnings: true }).validate(strict.context);
    expect(strict.submitted[0].status).toBe('failure');
  });

  test('the Kubernetes version comes from properties', async () => {
    const old = fakeContext({ 'p.yaml': [POD_WITH_WARNING] });
    await new SidecarValidationPlugin({ kubernetesVersion: '1.28' }).validate(old.context);
    // 1.28 drops restartPolicy from init containers, so "log" is no sidecar there and SC301 does not apply.
    expect(old.violations.map(v => v.ruleName.split(' ')[0])).toEqual(['SC901']);
    expect(old.submitted[0]).toMatchObject({ status: 'failure', metadata: { 'kubernetes version': '1.28' } });
    expect(() => new SidecarValidationPlugin({ kubernetesVersion: 'latest' })).toThrow(
      'the kubernetesVersion property of the cdk8s-sidecars validation plugin "latest" is not a Kubernetes version; use "major.minor" from 1.21 to 1.37, e.g. "1.35"');
  });

  test('custom workloads: well-known ones are checked; others when named in customWorkloads', async () => {
    // restartPolicy on a regular container is rejected before 1.35 (ContainerRestartRules), the finding this test follows.
    const pod = { containers: [{ name: 'app', image: 'app:1', restartPolicy: 'Always' }] };
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: { spec: pod } } };
    const custom = { apiVersion: 'example.com/v1', kind: 'Pipeline', metadata: { name: 'p' }, spec: { runner: { podSpec: pod } } };
    const plain = fakeContext({ 'c.yaml': [rollout, custom] });
    await new SidecarValidationPlugin({ kubernetesVersion: '1.33' }).validate(plain.context);
    expect(plain.violations.map(v => [v.ruleName.split(' ')[0], v.violatingResources[0].resourceName])).toEqual([['SC103', 'r']]);
    const named = fakeContext({ 'c.yaml': [rollout, custom] });
    await new SidecarValidationPlugin({ kubernetesVersion: '1.33', customWorkloads: [{ kind: 'Pipeline', group: 'example.com', podSpecPath: 'spec.runner.podSpec' }] }).validate(named.context);
    expect(named.violations.map(v => v.violatingResources[0].locations[0])).toEqual([
      'spec.template.spec.containers[0].restartPolicy',
      'spec.runner.podSpec.containers[0].restartPolicy',
    ]);
    expect(() => new SidecarValidationPlugin({ customWorkloads: [{ kind: 'Pipeline', podSpecPath: '' }] })).toThrow(
      'the customWorkloads property of the cdk8s-sidecars validation plugin: entry[0].podSpecPath "" is not a dotted field path; give the path of the pod spec, e.g. "spec.template.spec"');
  });

  test('properties as YAML gives them are checked, naming the property and how to write it', () => {
    const make = (props: unknown) => () => new SidecarValidationPlugin(props as any);
    expect(make(null)).not.toThrow();
    expect(make(undefined)).not.toThrow();
    expect(make({ kubernetesVersion: 1.3 })).toThrow('the kubernetesVersion property of the cdk8s-sidecars validation plugin is the number 1.3; quote it in cdk8s.yaml (kubernetesVersion: "1.30"), since YAML reads 1.30 unquoted as 1.3');
    expect(make({ failOnWarnings: 'true' })).toThrow('the failOnWarnings property of the cdk8s-sidecars validation plugin must be true or false (unquoted), got the string "true"');
    expect(make([1, 2])).toThrow('the properties of the cdk8s-sidecars validation plugin must be a mapping (kubernetesVersion, failOnWarnings, requestBudget, customWorkloads, rules), got a list');
    expect(make({ kubernetesVersoin: '1.35' })).toThrow('the cdk8s-sidecars validation plugin has no property "kubernetesVersoin"; its properties are kubernetesVersion, requestBudget, customWorkloads, rules, failOnWarnings');
    expect(make({ requestBudget: { cpu: 2 } })).toThrow('the requestBudget property of the cdk8s-sidecars validation plugin must map resource names to quoted quantities (cpu: "2", memory: "4Gi"); cpu is number 2');
    expect(make({ requestBudget: 'lots' })).toThrow('got the string "lots"');
    expect(make({ kubernetesVersion: '1.35', failOnWarnings: true, requestBudget: { cpu: '2' } })).not.toThrow();
    expect(make({ rules: [{ ruleId: 'SC209', severity: 'off' }] })).toThrow('the rules property of the cdk8s-sidecars validation plugin[0] changes SC209 without a meaningful reason');
  });

  test('a manifest that cannot be read is a failure, not an exception', async () => {
    const { context, violations, submitted } = fakeContext({ 'bad.yaml': 'a: [1, 2\n' });
    await new SidecarValidationPlugin().validate(context);
    expect(violations[0].ruleName).toMatch(/^SC100 \[error\]/);
    expect(violations[0].recommendation).toMatch(/the synthesized manifest could not be read/);
    expect(submitted[0].status).toBe('failure');
  });

  test('no manifests: success', async () => {
    const { context, submitted } = fakeContext({});
    await new SidecarValidationPlugin().validate(context);
    expect(submitted).toEqual([{ status: 'success', metadata: expect.objectContaining({ errors: '0' }) }]);
  });
});

describe('cdk8s synth with the plugin in cdk8s.yaml (cdk8s-cli end to end)', () => {
  let pluginModule: string;

  beforeAll(() => {
    pluginModule = path.join(buildCli(), 'plugin');
  });

  /** Write a cdk8s app (plain CommonJS) whose chart body is `body`, and run `cdk8s synth` on it. */
  function synth(body: string, properties: Record<string, unknown> = {}) {
    const dir = tempDir('plugin-e2e');
    fs.writeFileSync(path.join(dir, 'main.js'), [
      'const { App, Chart } = require(\'cdk8s\');',
      'const kplus = require(\'cdk8s-plus-30\');',
      'const app = new App();',
      'const chart = new Chart(app, \'demo\');',
      body,
      'app.synth();',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), jsyaml.dump({
      app: 'node main.js',
      validations: [{ package: pluginModule, version: '0.0.0', class: 'SidecarValidationPlugin', properties }],
    }));
    const run = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'], {
      cwd: dir,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', NODE_PATH: path.join(REPO, 'node_modules'), FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  test('a plain cdk8s-plus Deployment whose init container has a port fails synth (SC102, exit 2)', () => {
    const run = synth([
      'const web = new kplus.Deployment(chart, \'web\', { containers: [{ image: \'nginx:1.27\', portNumber: 80 }] });',
      'web.addInitContainer({ name: \'warmup\', image: \'busybox:1.36\', portNumber: 8080 });',
    ].join('\n'));
    expect(run.status).toBe(2);
    expect(run.output).toContain('SC102 [error]');
    expect(run.output).toContain('Construct Path: demo/web/Resource');
    expect(run.output).toContain('> spec.template.spec.initContainers[0].startupProbe');
    expect(run.output).toContain('Validation failed');
  });

  test('a clean app passes (exit 0)', () => {
    const run = synth('new kplus.Deployment(chart, \'web\', { containers: [{ image: \'nginx:1.27\', portNumber: 80 }] });');
    expect(run.output).toMatch(/Status\s+│ success/);
    expect(run.status).toBe(0);
  });

  const jobWithHelper = (annotation: string) => [
    'const job = new kplus.Job(chart, \'export\', { containers: [',
    '  { name: \'export\', image: \'example.com/export:1\' },',
    '  { name: \'envoy\', image: \'envoyproxy/envoy:v1.31.0\' },',
    '] });',
    annotation ? `job.metadata.addAnnotation('cdk8s-sidecars.io/suppress', ${JSON.stringify(annotation)});` : '',
  ].join('\n');

  test('a long-running helper in a Job fails (SC205); a suppression with a reason is honoured', () => {
    const unsuppressed = synth(jobWithHelper(''));
    expect(unsuppressed.status).toBe(2);
    expect(unsuppressed.output).toContain('SC205 [error]');
    const suppressed = synth(jobWithHelper('SC205: the export script stops envoy through its admin /quitquitquit endpoint'));
    expect(suppressed.output).not.toContain('SC205');
    expect(suppressed.status).toBe(0);
  });

  test('a suppression without a reason is itself an error (SC001)', () => {
    const run = synth(jobWithHelper('SC205: todo'));
    expect(run.status).toBe(2);
    expect(run.output).toContain('SC001 [error]');
  });

  test('the Kubernetes version property reaches the rules (SC901 below 1.29)', () => {
    const body = [
      'const pod = new kplus.Pod(chart, \'pod\', { containers: [{ image: \'nginx:1.27\' }] });',
      'pod.addInitContainer({ name: \'proxy\', image: \'envoyproxy/envoy:v1.31.0\', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS });',
    ].join('\n');
    expect(synth(body, { kubernetesVersion: '1.28' }).output).toContain('SC901 [error]');
  });
});
