import { planLifecycle, StartGate } from '../../src/lifecycle/plan';
import { formatTotals } from '../../src/lifecycle/resources';
import { parseKubeVersion } from '../../src/version';

const V133 = parseKubeVersion('1.33');

function app(name: string, extra: Record<string, unknown> = {}): any {
  return { name, image: `example/${name}:1`, ...extra };
}

function sidecar(name: string, extra: Record<string, unknown> = {}): any {
  return { ...app(name, extra), restartPolicy: 'Always' };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const meshed = {
  terminationGracePeriodSeconds: 20,
  initContainers: [
    app('istio-init'),
    sidecar('istio-proxy', { startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 } }, lifecycle: { preStop: { exec: { command: ['drain'] } } } }),
    app('migrate'),
    sidecar('log-shipper', { readinessProbe: { httpGet: { path: '/', port: 2020 } } }),
  ],
  containers: [app('api', { lifecycle: { preStop: { sleep: { seconds: 5 } } } }), app('worker')],
};

describe('startup', () => {
  const { startup } = planLifecycle(meshed, V133);

  test('init containers start one at a time in list order, each waiting for all earlier ones', () => {
    expect(startup.slice(0, 4)).toEqual([
      { step: 0, name: 'istio-init', role: 'init', path: 'initContainers[0]', gate: StartGate.COMPLETED, waitsFor: [] },
      { step: 1, name: 'istio-proxy', role: 'sidecar', path: 'initContainers[1]', gate: StartGate.STARTUP_PROBE, waitsFor: ['istio-init'] },
      { step: 2, name: 'migrate', role: 'init', path: 'initContainers[2]', gate: StartGate.COMPLETED, waitsFor: ['istio-init', 'istio-proxy'] },
      {
        step: 3,
        name: 'log-shipper',
        role: 'sidecar',
        path: 'initContainers[3]',
        // A readinessProbe does not gate the next container: only started-ness does.
        gate: StartGate.STARTED,
        waitsFor: ['istio-init', 'istio-proxy', 'migrate'],
      },
    ]);
  });

  test('main containers share one step after every init container', () => {
    const allInits = ['istio-init', 'istio-proxy', 'migrate', 'log-shipper'];
    expect(startup.slice(4)).toEqual([
      { step: 4, name: 'api', role: 'main', path: 'containers[0]', gate: StartGate.NONE, waitsFor: allInits },
      { step: 4, name: 'worker', role: 'main', path: 'containers[1]', gate: StartGate.NONE, waitsFor: allInits },
    ]);
  });

  test('waitsFor lists are independent copies', () => {
    const steps = planLifecycle(meshed, V133).startup;
    (steps[1].waitsFor as string[]).push('intruder');
    expect(steps[0].waitsFor).toEqual([]);
    expect(steps[2].waitsFor).toEqual(['istio-init', 'istio-proxy']);
    expect(steps[4].waitsFor).toEqual(steps[5].waitsFor);
    expect(steps[4].waitsFor).not.toBe(steps[5].waitsFor);
  });

  test('without init containers the main containers start at step 0', () => {
    expect(planLifecycle({ containers: [app('only')] }, V133).startup).toEqual([
      { step: 0, name: 'only', role: 'main', path: 'containers[0]', gate: StartGate.NONE, waitsFor: [] },
    ]);
  });

  test('only an exact restartPolicy Always makes a sidecar; a startupProbe that is not an object does not gate', () => {
    const { startup: steps } = planLifecycle(
      {
        initContainers: [app('a', { restartPolicy: 'always' }), sidecar('b', { startupProbe: null }), sidecar('c', { startupProbe: 'tcp' })],
        containers: [app('main')],
      },
      V133,
    );
    expect(steps.map((s) => [s.name, s.role, s.gate])).toEqual([
      ['a', 'init', StartGate.COMPLETED],
      ['b', 'sidecar', StartGate.STARTED],
      ['c', 'sidecar', StartGate.STARTED],
      ['main', 'main', StartGate.NONE],
    ]);
  });
});

describe('shutdown', () => {
  test('main containers first, then sidecars in reverse declaration order', () => {
    const plan = planLifecycle(meshed, V133, { appStopSeconds: 8, drainSeconds: { 'istio-proxy': 5, 'log-shipper': 10 } });
    expect(plan.gracePeriodSeconds).toBe(20);
    expect(plan.shutdown).toEqual([
      { step: 0, name: 'api', role: 'main', needsSeconds: 8, budgetLeftSeconds: 20, hasPreStop: true },
      { step: 0, name: 'worker', role: 'main', needsSeconds: 8, budgetLeftSeconds: 20, hasPreStop: false },
      { step: 1, name: 'log-shipper', role: 'sidecar', needsSeconds: 10, budgetLeftSeconds: 12, hasPreStop: false },
      { step: 2, name: 'istio-proxy', role: 'sidecar', needsSeconds: 5, budgetLeftSeconds: 2, hasPreStop: true },
    ]);
    expect(plan.shutdownNeedsSeconds).toBe(23);
  });

  test('the budget never goes below zero', () => {
    const spec = { terminationGracePeriodSeconds: 10, initContainers: [sidecar('a'), sidecar('b'), sidecar('c')], containers: [app('main')] };
    const plan = planLifecycle(spec, V133, { appStopSeconds: 6, drainSeconds: { a: 1, b: 2, c: 5 } });
    expect(plan.shutdown.map((s) => [s.name, s.step, s.budgetLeftSeconds])).toEqual([
      ['main', 0, 10],
      ['c', 1, 4],
      ['b', 2, 0],
      ['a', 3, 0],
    ]);
    expect(plan.shutdownNeedsSeconds).toBe(14);
  });

  test('undeclared stop times count as zero', () => {
    const plan = planLifecycle(meshed, V133);
    expect(plan.shutdown.map((s) => [s.name, s.needsSeconds, s.budgetLeftSeconds])).toEqual([
      ['api', 0, 20],
      ['worker', 0, 20],
      ['log-shipper', 0, 20],
      ['istio-proxy', 0, 20],
    ]);
    expect(plan.shutdownNeedsSeconds).toBe(0);
  });

  test('plain init containers have no shutdown step', () => {
    const plan = planLifecycle(meshed, V133);
    expect(plan.shutdown.map((s) => s.name)).not.toContain('migrate');
    expect(plan.shutdown.map((s) => s.name)).not.toContain('istio-init');
  });

  test('drains for names that are not sidecars are not counted', () => {
    const plan = planLifecycle(meshed, V133, { drainSeconds: { 'migrate': 50, 'api': 50, 'log-shipper': 4 } });
    expect(plan.shutdownNeedsSeconds).toBe(4);
  });

  test('unusable declared seconds count as zero and never leak Object.prototype members', () => {
    const spec = { initContainers: [sidecar('constructor'), sidecar('nan'), sidecar('neg')], containers: [app('main')] };
    const plan = planLifecycle(spec, V133, {
      appStopSeconds: Number.NaN,
      drainSeconds: { nan: Number.NaN, neg: -3 } as Record<string, number>,
    });
    expect(plan.shutdown.map((s) => s.needsSeconds)).toEqual([0, 0, 0, 0]);
    expect(plan.shutdownNeedsSeconds).toBe(0);
  });

  test.each([
    [undefined, 30],
    [null, 30],
    [0, 0],
    [45, 45],
    [-5, 1],
    ['60', 30],
    [12.5, 30],
    [Number.NaN, 30],
  ])('terminationGracePeriodSeconds %p reads as %p', (value, expected) => {
    const plan = planLifecycle({ terminationGracePeriodSeconds: value, initContainers: [sidecar('proxy')], containers: [app('main')] }, V133);
    expect(plan.gracePeriodSeconds).toBe(expected);
    expect(plan.shutdown[0].budgetLeftSeconds).toBe(expected);
  });
});

describe('jobCanComplete', () => {
  test('a helper image in a regular container keeps a Job from completing', () => {
    const spec = { containers: [app('job'), { name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14' }] };
    expect(planLifecycle(spec, V133, { runsToCompletion: true }).jobCanComplete).toBe(false);
  });

  test('the same helper as a sidecar does not', () => {
    const spec = {
      initContainers: [{ name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14', restartPolicy: 'Always' }],
      containers: [app('job')],
    };
    expect(planLifecycle(spec, V133, { runsToCompletion: true }).jobCanComplete).toBe(true);
  });

  test('a helper image as a plain init container does not either (istio-init runs proxyv2 and exits)', () => {
    const spec = { initContainers: [{ name: 'istio-init', image: 'istio/proxyv2:1.27.0' }], containers: [app('job')] };
    expect(planLifecycle(spec, V133, { runsToCompletion: true }).jobCanComplete).toBe(true);
  });

  test('only matters for workloads that run to completion', () => {
    const spec = { containers: [app('web'), { name: 'envoy', image: 'envoyproxy/envoy:v1.31' }] };
    expect(planLifecycle(spec, V133).jobCanComplete).toBe(true);
    expect(planLifecycle(spec, V133, { runsToCompletion: false }).jobCanComplete).toBe(true);
    expect(planLifecycle(spec, V133, { runsToCompletion: true }).jobCanComplete).toBe(false);
  });

  test('ordinary images complete', () => {
    const spec = { containers: [{ name: 'job', image: 'busybox' }, { name: 'web', image: 'nginx' }, { name: 'no-image' }] };
    expect(planLifecycle(spec, V133, { runsToCompletion: true }).jobCanComplete).toBe(true);
  });
});

test('effective resources use the KEP-753 formula', () => {
  const spec = {
    initContainers: [
      sidecar('envoy', { resources: { requests: { cpu: '300m', memory: '128Mi' } } }),
      app('migrate', { resources: { requests: { cpu: '800m', memory: '512Mi' } } }),
    ],
    containers: [app('app', { resources: { requests: { cpu: '500m', memory: '256Mi' } } })],
  };
  expect(formatTotals(planLifecycle(spec, V133).effective)).toEqual({ requests: { cpu: '1100m', memory: '640Mi' }, limits: {} });
});

describe('malformed input', () => {
  test.each([undefined, null, 'spec', 42, [], { containers: 'x', initContainers: { a: 1 } }])('never throws for %p', (spec) => {
    const plan = planLifecycle(spec, V133, { runsToCompletion: true });
    expect(plan).toMatchObject({
      startup: [],
      shutdown: [],
      gracePeriodSeconds: 30,
      shutdownNeedsSeconds: 0,
      jobCanComplete: true,
    });
    expect(plan.effective).toEqual({ requests: {}, limits: {} });
  });

  test('skips entries that are not objects but keeps real indices in paths, and names unnamed containers ""', () => {
    const spec = {
      initContainers: [null, sidecar('proxy', { lifecycle: 'stop' }), 'junk', { image: 'busybox', name: 7 }],
      containers: [42, app('main', { lifecycle: { preStop: null } })],
    };
    const plan = planLifecycle(spec, V133, { drainSeconds: { proxy: 2 } });
    expect(plan.startup.map((s) => [s.step, s.name, s.path])).toEqual([
      [0, 'proxy', 'initContainers[1]'],
      [1, '', 'initContainers[3]'],
      [2, 'main', 'containers[1]'],
    ]);
    expect(plan.shutdown).toEqual([
      { step: 0, name: 'main', role: 'main', needsSeconds: 0, budgetLeftSeconds: 30, hasPreStop: false },
      { step: 1, name: 'proxy', role: 'sidecar', needsSeconds: 2, budgetLeftSeconds: 30, hasPreStop: false },
    ]);
  });

  test('null options read as no options', () => {
    expect(planLifecycle(meshed, V133, null as any).shutdownNeedsSeconds).toBe(0);
  });

  test('a pod without regular containers spends no app stop time', () => {
    const plan = planLifecycle({ initContainers: [sidecar('proxy')] }, V133, { appStopSeconds: 10, drainSeconds: { proxy: 3 } });
    expect(plan.shutdown).toEqual([{ step: 1, name: 'proxy', role: 'sidecar', needsSeconds: 3, budgetLeftSeconds: 30, hasPreStop: false }]);
    expect(plan.shutdownNeedsSeconds).toBe(3);
  });

  test('does not mutate its input', () => {
    const spec = deepFreeze(JSON.parse(JSON.stringify(meshed)));
    const options = deepFreeze({ appStopSeconds: 5, drainSeconds: { 'istio-proxy': 5 }, runsToCompletion: true });
    const before = JSON.stringify([spec, options]);
    expect(() => planLifecycle(spec, V133, options)).not.toThrow();
    expect(JSON.stringify([spec, options])).toBe(before);
  });
});
