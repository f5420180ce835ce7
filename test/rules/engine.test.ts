import { Testing } from 'cdk8s';
import { ManifestValidator, SidecarJob, SidecarPod } from '../../src';
import { validateManifests } from '../../src/rules/engine';
import { Finding, Rule, RuleContext } from '../../src/rules/rule';
import { Severity } from '../../src/rules/violation';

/** A stand-in rule that reports every sidecar, so engine behaviour is tested apart from real rules. */
const everySidecar: Rule = {
  id: 'SC208',
  severity: Severity.WARNING,
  title: 't',
  why: 'w',
  fix: 'f',
  source: 's',
  check(context: RuleContext): Finding[] {
    return (context.spec.initContainers ?? []).flatMap((c: any, i: number) =>
      c.restartPolicy === 'Always' ? [{ path: `initContainers[${i}]`, message: `sidecar "${c.name}"`, fix: 'do it' }] : []);
  },
};

const pod = (name: string, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec: { initContainers: [{ name: 'proxy', image: 'p', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'a' }] },
});

describe('the engine', () => {
  test('finds the pod spec where each kind keeps it and prints the API server\'s field path', () => {
    const podSpec = pod('x').spec;
    const objects = [
      { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: podSpec } } },
      { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } },
      { kind: 'Pod', metadata: { name: 'p' }, spec: podSpec },
    ];
    expect(validateManifests(objects, {}, { rules: [everySidecar] }).map(v => [v.kind, v.path])).toEqual([
      ['Deployment', 'spec.template.spec.initContainers[0]'],
      ['CronJob', 'spec.jobTemplate.spec.template.spec.initContainers[0]'],
      ['Pod', 'spec.initContainers[0]'],
    ]);
  });

  test('reports kind, name, namespace, severity and fix', () => {
    expect(validateManifests([pod('web')], {}, { rules: [everySidecar] })).toEqual([{
      ruleId: 'SC208',
      severity: 'warning',
      message: 'sidecar "proxy"',
      kind: 'Pod',
      name: 'web',
      namespace: 'shop',
      path: 'spec.initContainers[0]',
      fix: 'do it',
    }]);
  });

  test('expands List objects, passes over kinds without a pod spec', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a'), { kind: 'Service', metadata: { name: 's' } }, pod('b')] };
    expect(validateManifests([list], {}, { rules: [everySidecar] }).map(v => v.name)).toEqual(['a', 'b']);
  });

  test('a kind named like an Object.prototype member (toString, constructor) is just a kind without a pod spec', () => {
    const odd = ['toString', 'constructor', '__proto__', 'hasOwnProperty'].map(kind => ({ apiVersion: 'v1', kind, metadata: { name: kind } }));
    expect(ManifestValidator.validate(odd)).toEqual([]);
  });

  test('the rules of one object share derived facts; the next object gets fresh ones', () => {
    const seen: unknown[] = [];
    const key = Symbol('test fact');
    const sharing: Rule = {
      ...everySidecar,
      check(context: RuleContext): Finding[] {
        seen.push(context.shared(key, () => ({ name: context.name })));
        return [];
      },
    };
    validateManifests([pod('a'), pod('b')], {}, { rules: [sharing, sharing] });
    expect(seen).toEqual([{ name: 'a' }, { name: 'a' }, { name: 'b' }, { name: 'b' }]);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[1]).not.toBe(seen[2]);
  });

  test('input that is not an object, or has no kind, is a violation, not an exception', () => {
    const violations = ManifestValidator.validate([null, 'text', 42, [], { metadata: { name: 'nameless' } }] as any[]);
    expect(violations.map(v => [v.ruleId, v.severity, v.name, v.message])).toEqual([
      ['SC100', 'error', '<unnamed>', 'expected a Kubernetes object, got null'],
      ['SC100', 'error', '<unnamed>', 'expected a Kubernetes object, got a string'],
      ['SC100', 'error', '<unnamed>', 'expected a Kubernetes object, got a number'],
      ['SC100', 'error', '<unnamed>', 'expected a Kubernetes object, got an array'],
      ['SC100', 'error', 'nameless', 'object has no kind'],
    ]);
  });

  test('a rule that throws becomes a violation naming the rule', () => {
    const broken: Rule = { ...everySidecar, id: 'SC209', check: () => { throw new Error('boom'); } };
    expect(validateManifests([pod('x')], {}, { rules: [broken] })).toEqual([expect.objectContaining({
      ruleId: 'SC209', message: 'rule SC209 could not check this object: boom', path: 'spec',
    })]);
  });

  test('a malformed kubernetesVersion is refused with a clear message', () => {
    expect(() => ManifestValidator.validate([], { kubernetesVersion: 'one.thirty' })).toThrow(
      'kubernetesVersion "one.thirty" is not a Kubernetes version; use "major.minor" from 1.21 to 1.37, e.g. "1.35"');
  });
});

describe('suppressions', () => {
  test('an annotation with a reason suppresses the rule for that object only', () => {
    const suppressed = pod('quiet', { 'cdk8s-sidecars.io/suppress': 'SC208: the proxy must leave endpoints while it drains' });
    expect(validateManifests([suppressed, pod('loud')], {}, { rules: [everySidecar] }).map(v => v.name)).toEqual(['loud']);
  });

  test('several annotation entries, separated by newlines or semicolons', () => {
    const suppressed = pod('quiet', { 'cdk8s-sidecars.io/suppress': 'SC209: hook only flushes a local buffer\nSC208: proxy readiness gates traffic on purpose' });
    expect(validateManifests([suppressed], {}, { rules: [everySidecar] })).toEqual([]);
  });

  test.each([
    ['SC208', 'the annotation suppresses SC208 without a meaningful reason (none given)'],
    ['SC208: todo', 'the annotation suppresses SC208 without a meaningful reason ("todo")'],
    ['SC208: short', 'the annotation suppresses SC208 without a meaningful reason ("short")'],
    ['SC777: a reason that is long enough', 'the annotation names rule "SC777", which does not exist'],
    ['SC102: we really want this probe', 'the annotation suppresses SC102, which cannot be suppressed: the API server rejects the manifest whatever the reason'],
    ['SC203: startup probes are for other people', 'the annotation suppresses SC203, which cannot be suppressed: the declared dependencies cannot be honoured by Kubernetes'],
  ])('a bad annotation suppression %p is an error and suppresses nothing', (value, message) => {
    const violations = validateManifests([pod('x', { 'cdk8s-sidecars.io/suppress': value })], {}, { rules: [everySidecar] });
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC001', 'error', 'metadata.annotations[cdk8s-sidecars.io/suppress]'],
      ['SC208', 'warning', 'spec.initContainers[0]'],
    ]);
    expect(violations[0].message).toEqual(message.replace('the annotation', 'the cdk8s-sidecars.io/suppress annotation'));
  });

  test('construct suppressions need a reason too, and fail synth when they have none', () => {
    const chart = Testing.chart();
    const p = new SidecarPod(chart, 'pod', { suppressions: [{ ruleId: 'SC205', reason: 'n/a' }] });
    p.addContainer({ name: 'app', image: 'app:1' });
    expect(() => Testing.synth(chart)).toThrow(
      '[test/pod] a suppression on the construct suppresses SC205 without a meaningful reason ("n/a"); write "SC205: <why this rule does not apply here>" with at least 10 characters of reason, naming an existing rule id (see RULES.md) (at metadata) [SC001]');
  });

  test('a construct suppression with a reason silences the rule', () => {
    const chart = Testing.chart();
    const job = new SidecarJob(chart, 'job', {
      suppressions: [{ ruleId: 'SC205', reason: 'this proxy exits on its own when /quitquitquit is called by the exporter' }],
    });
    job.addContainer({ name: 'export', image: 'export:1' });
    job.addContainer({ name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1' });
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(job.violations()).toEqual([]);
  });
});
