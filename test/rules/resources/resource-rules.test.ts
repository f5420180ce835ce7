import * as fc from 'fast-check';
import { effectiveResources } from '../../../src/lifecycle/resources';
import { validateManifests } from '../../../src/rules/engine';
import { podLimitsBelowRequestsRule, requestBudgetRule, RESOURCE_RULES, sidecarRequestsRule } from '../../../src/rules/resources';
import { parseKubeVersion } from '../../../src/version';
import { cronJob, deployment, malformedManifests, pod } from '../../manifests';
import { found, run } from '../_builders';

function container(name: string, requests?: Record<string, string>, limits?: Record<string, string>, sidecar = false): any {
  return {
    name,
    image: `registry.example.com/${name}:1`,
    ...(sidecar ? { restartPolicy: 'Always' } : {}),
    ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
  };
}

const sidecar = (name: string, requests?: Record<string, string>, limits?: Record<string, string>) => container(name, requests, limits, true);

const MALFORMED_SPECS: any[] = [
  null, 'spec', 42, [],
  { initContainers: 'x', containers: { a: 1 } },
  { initContainers: [null, 'x', { restartPolicy: 'Always', resources: 'x' }, { restartPolicy: 'Always', resources: { requests: [1], limits: 'x' } }] },
  { initContainers: [{ restartPolicy: 'Always', resources: { requests: { cpu: {}, memory: true }, limits: { cpu: null } } }], containers: [{ resources: { limits: { cpu: '-1' } } }] },
  { initContainers: [{ resources: { requests: { cpu: '1e999999999999' } } }], containers: [{ resources: { requests: { cpu: 'lots' } } }], overhead: 'x', resources: [] },
  { containers: [{ name: 'a', resources: { requests: { cpu: '1' }, limits: { cpu: '1' } } }], overhead: { cpu: 'x' }, resources: { requests: 'x', limits: { cpu: {} } } },
];

test('RESOURCE_RULES lists SC301 to SC303 in id order', () => {
  expect(RESOURCE_RULES.map(r => r.id)).toEqual(['SC301', 'SC302', 'SC303']);
});

test.each(RESOURCE_RULES.map(r => [r.id, r] as const))('%s never throws on malformed input or budgets', (_id, rule) => {
  const budgets: any[] = [undefined, { cpu: '1', memory: '1Gi' }, { cpu: 'lots' }, 'x', { cpu: null, memory: {} }, [], { cpu: -1 }];
  for (const version of ['1.29', '1.33', '1.34']) {
    for (const requestBudget of budgets) {
      const violations = validateManifests(malformedManifests(MALFORMED_SPECS), { kubernetesVersion: version, requestBudget }, { rules: [rule] });
      expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
    }
  }
});

describe('SC301 sidecar without requests', () => {
  test('no requests at all: both named, at the sidecar\'s resources, on a Pod', () => {
    const violations = run(sidecarRequestsRule, pod({ initContainers: [sidecar('envoy')], containers: [container('app', { cpu: '1', memory: '1Gi' })] }));
    expect(violations).toEqual([{
      ruleId: 'SC301',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.initContainers[0].resources',
      message: 'sidecar "envoy" has no cpu or memory request: resources.requests is not set and no cpu or memory limit supplies a default',
      fix: 'set resources.requests.cpu and resources.requests.memory on "envoy" to what it uses at steady state',
    }]);
  });

  test('only the missing one is named, on a Deployment', () => {
    const violations = run(sidecarRequestsRule, deployment({ initContainers: [container('seed'), sidecar('envoy', { cpu: '100m' })], containers: [container('app')] }));
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual(['warning spec.template.spec.initContainers[1].resources']);
    expect(violations[0].message).toBe('sidecar "envoy" has no memory request: resources.requests is {"cpu":"100m"} and no memory limit supplies a default');
    expect(violations[0].fix).toBe('set resources.requests.memory on "envoy" to what it uses at steady state');
  });

  test('a limit counts, because defaulting copies it into the request', () => {
    expect(found(sidecarRequestsRule, pod({ initContainers: [sidecar('envoy', { cpu: '100m' }, { memory: '128Mi' })], containers: [container('app')] }))).toEqual([]);
    expect(found(sidecarRequestsRule, cronJob({ initContainers: [sidecar('envoy', undefined, { cpu: '1', memory: '1Gi' })], containers: [container('app')] }))).toEqual([]);
  });

  test('compliant: both requested; plain init and regular containers are out of scope', () => {
    const spec = { initContainers: [container('seed'), sidecar('envoy', { cpu: '100m', memory: '64Mi' })], containers: [container('app')] };
    expect(found(sidecarRequestsRule, pod(spec))).toEqual([]);
  });

  test('a null request is not a request', () => {
    expect(found(sidecarRequestsRule, pod({ initContainers: [{ ...sidecar('envoy'), resources: { requests: { cpu: null, memory: '64Mi' } } }], containers: [container('app')] })))
      .toEqual(['SC301 warning spec.initContainers[0].resources']);
  });
});

describe('SC302 effective requests above the request budget', () => {
  // research §10.2 example B: a sidecar before a heavy plain init adds to it (1100m / 640Mi).
  const exampleB = {
    initContainers: [sidecar('envoy', { cpu: '300m', memory: '128Mi' }), container('migrate', { cpu: '800m', memory: '512Mi' })],
    containers: [container('app', { cpu: '500m', memory: '256Mi' })],
  };

  test('the init phase with the sidecars before it is the biggest contributor, on a Pod', () => {
    const violations = run(requestBudgetRule, pod(exampleB), { requestBudget: { cpu: '1', memory: '1Gi' } });
    expect(violations).toEqual([{
      ruleId: 'SC302',
      severity: 'error',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec',
      message: 'effective pod cpu request is 1100m, above the request budget of 1; the biggest contributor is init container "migrate" (800m, plus 300m of the sidecars declared before it, which keep running while it does)',
      fix: 'lower the cpu request of "migrate", declare the sidecars it does not need after it, or raise requestBudget.cpu',
    }]);
  });

  test('per resource, on a Deployment; the running phase names its largest container', () => {
    const spec = {
      initContainers: [sidecar('envoy', { cpu: '1500m', memory: '64Mi' })],
      containers: [container('app', { cpu: '500m', memory: '1Gi' }), container('worker', { cpu: '250m', memory: '2Gi' })],
    };
    const violations = run(requestBudgetRule, deployment(spec), { requestBudget: { memory: '2Gi', cpu: '2' } });
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual(['SC302 error spec.template.spec', 'SC302 error spec.template.spec']);
    expect(violations.map(v => v.message)).toEqual([
      'effective pod cpu request is 2250m, above the request budget of 2; the biggest contributor is sidecar "envoy" (1500m)',
      'effective pod memory request is 3136Mi, above the request budget of 2Gi; the biggest contributor is container "worker" (2Gi)',
    ]);
    expect(violations[0].fix).toBe('lower the cpu request of "envoy" or raise requestBudget.cpu');
  });

  test('a plain init container with no sidecar before it', () => {
    const spec = { initContainers: [container('seed', { cpu: '3' }), sidecar('envoy', { cpu: '100m' })], containers: [container('app', { cpu: '1' })] };
    const [violation] = run(requestBudgetRule, cronJob(spec), { requestBudget: { cpu: '2' } });
    expect(violation.path).toBe('spec.jobTemplate.spec.template.spec');
    expect(violation.message).toBe('effective pod cpu request is 3, above the request budget of 2; the biggest contributor is init container "seed" (3)');
  });

  test('limits default the requests, and pod overhead counts', () => {
    const spec = { overhead: { cpu: '2' }, initContainers: [sidecar('envoy', undefined, { cpu: '250m' })], containers: [container('app', { cpu: '250m' })] };
    const [violation] = run(requestBudgetRule, pod(spec), { requestBudget: { cpu: '2' } });
    expect(violation.message).toBe('effective pod cpu request is 2500m, above the request budget of 2; the biggest contributor is the pod overhead of its RuntimeClass (2)');
  });

  test('pod-level resources on 1.34 replace the container total', () => {
    const spec = { resources: { requests: { cpu: '4' } }, containers: [container('app', { cpu: '1' })] };
    expect(found(requestBudgetRule, pod(spec), { kubernetesVersion: '1.33', requestBudget: { cpu: '2' } })).toEqual([]);
    const [violation] = run(requestBudgetRule, pod(spec), { kubernetesVersion: '1.34', requestBudget: { cpu: '2' } });
    expect(violation.message).toBe('effective pod cpu request is 4, above the request budget of 2; the biggest contributor is the pod-level spec resources, which replace the containers\' cpu total');
  });

  test('compliant: at or under the budget, no budget, a resource nobody requests', () => {
    expect(found(requestBudgetRule, pod(exampleB), { requestBudget: { 'cpu': '1100m', 'memory': '640Mi', 'ephemeral-storage': '1Gi' } })).toEqual([]);
    expect(found(requestBudgetRule, pod(exampleB))).toEqual([]);
    expect(found(requestBudgetRule, pod(exampleB), { requestBudget: {} })).toEqual([]);
  });

  test('a malformed budget is an error that says so', () => {
    const violations = run(requestBudgetRule, pod(exampleB), { requestBudget: { cpu: 'two', memory: '-1Gi' } });
    expect(violations.map(v => [v.severity, v.path, v.message])).toEqual([
      ['error', 'spec', 'requestBudget.cpu is "two", which is not a non-negative quantity, so the cpu budget cannot be checked'],
      ['error', 'spec', 'requestBudget.memory is "-1Gi", which is not a non-negative quantity, so the memory budget cannot be checked'],
    ]);
    const [notAMap] = run(requestBudgetRule, pod(exampleB), { requestBudget: 'cpu=2' as any });
    expect(notAMap.message).toBe('requestBudget is "cpu=2", not a map of resource names to quantities, so no request budget can be checked');
  });
});

describe('SC303 effective pod limit below the effective pod request', () => {
  test('a sidecar before a heavy plain init requests without a limit, everything else is limited (Pod)', () => {
    const spec = {
      initContainers: [sidecar('envoy', { cpu: '300m' }), container('migrate', { cpu: '800m' }, { cpu: '800m' })],
      containers: [container('app', { cpu: '500m' }, { cpu: '500m' })],
    };
    const violations = run(podLimitsBelowRequestsRule, pod(spec));
    expect(violations).toEqual([{
      ruleId: 'SC303',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec',
      message: 'effective pod cpu limit is 800m, below the effective cpu request of 1100m: sidecar "envoy" (300m) requests cpu with no cpu limit, while every other container declares one',
      fix: 'set resources.limits.cpu on that sidecar at or above its request',
    }]);
  });

  test('several sidecars, per resource, on a Deployment', () => {
    const spec = {
      initContainers: [sidecar('envoy', { memory: '128Mi' }), sidecar('logs', { memory: '64Mi' }, { cpu: '1' })],
      containers: [container('app', { memory: '256Mi' }, { memory: '256Mi', cpu: '1' })],
    };
    const violations = run(podLimitsBelowRequestsRule, deployment(spec));
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual(['SC303 warning spec.template.spec']);
    expect(violations[0].message).toBe('effective pod memory limit is 256Mi, below the effective memory request of 448Mi: sidecar "envoy" (128Mi), sidecar "logs" (64Mi) request memory with no memory limit, while every other container declares one');
  });

  test('a container whose request exceeds its own limit is SC110\'s, not reported again', () => {
    const spec = { initContainers: [sidecar('envoy', { cpu: '2' }, { cpu: '1' })], containers: [container('app', { cpu: '1' }, { cpu: '1' })] };
    expect(found(podLimitsBelowRequestsRule, pod(spec))).toEqual([]);
    const mixed = { initContainers: [sidecar('envoy', { cpu: '300m' }), sidecar('x', { cpu: '2' }, { cpu: '1' })], containers: [container('app', { cpu: '1' }, { cpu: '1' })] };
    expect(found(podLimitsBelowRequestsRule, pod(mixed))).toEqual([]);
  });

  test('compliant: every container limited at or above its request, the gap covered, or the pod plainly unlimited', () => {
    const limited = { initContainers: [sidecar('envoy', { cpu: '300m' }, { cpu: '300m' }), container('migrate', { cpu: '800m' }, { cpu: '800m' })], containers: [container('app', { cpu: '500m' }, { cpu: '500m' })] };
    expect(found(podLimitsBelowRequestsRule, pod(limited))).toEqual([]);
    const covered = { initContainers: [sidecar('envoy', { cpu: '300m' })], containers: [container('app', { cpu: '500m' }, { cpu: '2' })] };
    expect(found(podLimitsBelowRequestsRule, cronJob(covered))).toEqual([]);
    const appUnlimited = { initContainers: [sidecar('envoy', { cpu: '300m' })], containers: [container('app', { cpu: '500m' })] };
    expect(found(podLimitsBelowRequestsRule, pod(appUnlimited))).toEqual([]);
    const initUnlimited = { initContainers: [sidecar('envoy', { cpu: '300m' }), container('migrate', { cpu: '800m' })], containers: [container('app', { cpu: '500m' }, { cpu: '500m' })] };
    expect(found(podLimitsBelowRequestsRule, pod(initUnlimited))).toEqual([]);
  });

  test('pod-level resources on 1.34 are SC120\'s', () => {
    const spec = {
      resources: { limits: { cpu: '500m' } },
      initContainers: [sidecar('envoy', { cpu: '300m' })],
      containers: [container('app', { cpu: '500m' }, { cpu: '500m' })],
    };
    expect(found(podLimitsBelowRequestsRule, pod(spec), { kubernetesVersion: '1.34' })).toEqual([]);
    expect(found(podLimitsBelowRequestsRule, pod(spec), { kubernetesVersion: '1.33' })).toEqual(['SC303 warning spec']);
  });

  test('why the rule looks at sidecars without a limit: with every container limited at or above its request, the pod limit never falls below the pod request', () => {
    const millis = fc.integer({ min: 0, max: 4000 });
    const member = fc.record({ request: millis, extra: millis, kind: fc.constantFrom('init', 'sidecar', 'container') });
    fc.assert(fc.property(fc.array(member, { minLength: 1, maxLength: 6 }), members => {
      const spec: any = { initContainers: [], containers: [] };
      members.forEach((m, i) => {
        const entry = container(`c${i}`, { cpu: `${m.request}m` }, { cpu: `${m.request + m.extra}m` }, m.kind === 'sidecar');
        (m.kind === 'container' ? spec.containers : spec.initContainers).push(entry);
      });
      const totals = effectiveResources(spec, parseKubeVersion('1.33'));
      expect(totals.limits.cpu >= totals.requests.cpu).toBe(true);
      expect(found(podLimitsBelowRequestsRule, pod(spec))).toEqual([]);
    }));
  });
});
