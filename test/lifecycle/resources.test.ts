import * as fc from 'fast-check';
import { parseQuantity } from '../../src/lifecycle/quantity';
import { effectiveResources, formatTotals } from '../../src/lifecycle/resources';
import { parseKubeVersion } from '../../src/version';

const V133 = parseKubeVersion('1.33');
const V134 = parseKubeVersion('1.34');

type List = Record<string, unknown>;

function container(name: string, requests?: List, limits?: List): any {
  return { name, image: `example/${name}:1`, resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } };
}

function sidecar(name: string, requests?: List, limits?: List): any {
  return { ...container(name, requests, limits), restartPolicy: 'Always' };
}

function formatted(spec: any, version = V133) {
  return formatTotals(effectiveResources(spec, version));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('worked examples (research note §10.2)', () => {
  test('A: a plain init before the sidecar does not see it', () => {
    const spec = {
      initContainers: [container('fetch-config', { cpu: '500m', memory: '256Mi' }), sidecar('envoy', { cpu: '100m', memory: '64Mi' })],
      containers: [container('app', { cpu: '200m', memory: '128Mi' })],
    };
    expect(formatted(spec).requests).toEqual({ cpu: '500m', memory: '256Mi' });
  });

  test('B: a sidecar before a heavy plain init adds to it', () => {
    const spec = {
      initContainers: [sidecar('envoy', { cpu: '300m', memory: '128Mi' }), container('migrate', { cpu: '800m', memory: '512Mi' })],
      containers: [container('app', { cpu: '500m', memory: '256Mi' })],
    };
    expect(formatted(spec).requests).toEqual({ cpu: '1100m', memory: '640Mi' });
    const totals = effectiveResources(spec, V133);
    expect(totals.requests.cpu).toBe(1_100_000_000n);
    expect(totals.requests.memory).toBe(640n * 1024n * 1024n * 1_000_000_000n);
  });

  test('B reordered: migrate first, then envoy, drops to the simplified rule', () => {
    const spec = {
      initContainers: [container('migrate', { cpu: '800m', memory: '512Mi' }), sidecar('envoy', { cpu: '300m', memory: '128Mi' })],
      containers: [container('app', { cpu: '500m', memory: '256Mi' })],
    };
    expect(formatted(spec).requests).toEqual({ cpu: '800m', memory: '512Mi' });
  });

  const exampleC = {
    initContainers: [
      sidecar('log', { cpu: '250m', memory: '100Mi' }),
      sidecar('mesh', { cpu: '500m', memory: '200Mi' }),
      container('seed', { cpu: '1', memory: '300Mi' }),
    ],
    containers: [container('api', { cpu: '1500m', memory: '1Gi' }), container('worker', { cpu: '500m', memory: '512Mi' })],
  };

  test('C: regular containers dominate', () => {
    expect(formatted(exampleC).requests).toEqual({ cpu: '2750m', memory: '1836Mi' });
  });

  test('C with RuntimeClass overhead', () => {
    const spec = { ...exampleC, overhead: { cpu: '100m', memory: '50Mi' } };
    expect(formatted(spec).requests).toEqual({ cpu: '2850m', memory: '1886Mi' });
  });

  test('D: a resource only a plain init declares', () => {
    const spec = {
      initContainers: [container('unpack', { 'ephemeral-storage': '2Gi' })],
      containers: [container('app')],
    };
    expect(formatted(spec).requests).toEqual({ 'ephemeral-storage': '2Gi' });
  });

  test('D with a sidecar before the init and an app that asks too', () => {
    const spec = {
      initContainers: [sidecar('cache', { 'ephemeral-storage': '1Gi' }), container('unpack', { 'ephemeral-storage': '2Gi' })],
      containers: [container('app', { 'ephemeral-storage': '500Mi' })],
    };
    expect(formatted(spec).requests).toEqual({ 'ephemeral-storage': '3Gi' });
  });
});

describe('limits', () => {
  test('aggregate like requests', () => {
    const spec = {
      initContainers: [sidecar('envoy', undefined, { cpu: '300m' }), container('migrate', undefined, { cpu: '2' })],
      containers: [container('app', undefined, { cpu: '1' })],
    };
    expect(formatted(spec).limits).toEqual({ cpu: '2300m' });
  });

  test('overhead is added to non-zero limits only, never to absent ones', () => {
    const spec = {
      containers: [container('app', { cpu: '0' }, { cpu: '0', memory: '1Gi' })],
      overhead: { 'cpu': '100m', 'memory': '50Mi', 'ephemeral-storage': '1Gi' },
    };
    const totals = formatted(spec);
    expect(totals.limits).toEqual({ cpu: '0', memory: '1074Mi' });
    // Requests take every overhead entry, declared by a container or not.
    expect(totals.requests).toEqual({ 'cpu': '100m', 'ephemeral-storage': '1Gi', 'memory': '1074Mi' });
  });

  test('a container without a limit leaves the pod without that limit in the totals', () => {
    const spec = { containers: [container('app', { memory: '128Mi' })] };
    expect(formatted(spec).limits).toEqual({});
  });
});

describe('defaulting before the pod exists', () => {
  test('a missing request is copied from the limit', () => {
    const spec = {
      initContainers: [sidecar('proxy', undefined, { cpu: '200m', memory: '64Mi' })],
      containers: [container('app', { cpu: '100m' }, { cpu: '1', memory: '256Mi' })],
    };
    expect(formatted(spec).requests).toEqual({ cpu: '300m', memory: '320Mi' });
    expect(formatted(spec).limits).toEqual({ cpu: '1200m', memory: '320Mi' });
  });

  test('a request key that is present, even malformed, is not replaced by the limit', () => {
    const spec = { containers: [container('app', { cpu: 'lots' }, { cpu: '1' })] };
    expect(formatted(spec).requests).toEqual({});
    expect(formatted(spec).limits).toEqual({ cpu: '1' });
  });

  test('every value is rounded up to a whole milli-unit, as SetDefaults_ResourceList does', () => {
    const spec = { containers: [container('a', { cpu: '100u' }), container('b', { cpu: '0.5m', memory: '1.5' })] };
    expect(formatted(spec).requests).toEqual({ cpu: '2m', memory: '1500m' });
  });
});

describe('pod-level resources', () => {
  const spec = {
    initContainers: [sidecar('envoy', { cpu: '300m', memory: '128Mi' })],
    containers: [container('app', { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' })],
    resources: {
      requests: { 'cpu': '2', 'memory': '1Gi', 'ephemeral-storage': '5Gi' },
      limits: { cpu: '4' },
    },
  };

  test('are dropped at 1.33 (PodLevelResources off)', () => {
    expect(formatted(spec, V133)).toEqual({ requests: { 'cpu': '800m', 'ephemeral-storage': '1Gi', 'memory': '384Mi' }, limits: {} });
  });

  test('replace the aggregate for cpu and memory at 1.34, never for other resources', () => {
    expect(formatted(spec, V134)).toEqual({ requests: { 'cpu': '2', 'ephemeral-storage': '1Gi', 'memory': '1Gi' }, limits: { cpu: '4' } });
  });

  test('a missing pod-level request defaults to the container aggregate, else to the pod-level limit', () => {
    const limitsOnly = {
      containers: [container('app', { cpu: '500m' })],
      resources: { limits: { cpu: '2', memory: '1Gi' } },
    };
    expect(formatted(limitsOnly, V134)).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('cover hugepages', () => {
    const hugepages = {
      containers: [container('app', { 'cpu': '1', 'hugepages-2Mi': '100Mi' }, { 'hugepages-2Mi': '100Mi' })],
      resources: { limits: { 'hugepages-2Mi': '1Gi' } },
    };
    expect(formatted(hugepages, V134)).toEqual({ requests: { 'cpu': '1', 'hugepages-2Mi': '1Gi' }, limits: { 'hugepages-2Mi': '1Gi' } });
  });

  test('overhead is added on top of pod-level values', () => {
    const withOverhead = { ...spec, overhead: { cpu: '100m' } };
    expect(formatted(withOverhead, V134)).toEqual({
      requests: { 'cpu': '2100m', 'ephemeral-storage': '1Gi', 'memory': '1Gi' },
      limits: { cpu: '4100m' },
    });
  });

  test('apply from 1.34 on, including later versions', () => {
    expect(formatted(spec, parseKubeVersion('1.36')).requests.cpu).toBe('2');
    expect(formatted(spec, parseKubeVersion('1.29')).requests.cpu).toBe('800m');
  });
});

describe('malformed input', () => {
  test.each([undefined, null, 'spec', 42, [], { containers: 'app' }, { containers: [null, 'x', 42, [], { resources: 'lots' }] }])(
    'never throws and yields empty totals for %p',
    (spec) => {
      expect(effectiveResources(spec, V134)).toEqual({ requests: {}, limits: {} });
    },
  );

  test('malformed and negative quantities contribute nothing; the rest still counts', () => {
    const spec = {
      initContainers: [sidecar('proxy', { cpu: -1, memory: null }), 'junk'],
      containers: [
        container('app', { 'cpu': '250m', 'memory': '1 Gi', 'ephemeral-storage': '-1Gi' }),
        { name: 'weird', resources: { requests: ['cpu', '1'], limits: 'unlimited' } },
        container('numeric', { cpu: 0.5, memory: 1024 }),
      ],
      overhead: 'some',
      resources: 'all of them',
    };
    expect(formatted(spec, V134).requests).toEqual({ cpu: '750m', memory: '1Ki' });
  });

  test('does not mutate its input', () => {
    const spec = deepFreeze({
      initContainers: [sidecar('envoy', undefined, { cpu: '300m' })],
      containers: [container('app', { cpu: '500m' }, { cpu: '1', memory: '1Gi' })],
      overhead: { cpu: '100m' },
      resources: { limits: { memory: '2Gi' } },
    });
    const before = JSON.stringify(spec);
    expect(() => effectiveResources(spec, V134)).not.toThrow();
    expect(JSON.stringify(spec)).toBe(before);
  });
});

test('formatTotals sorts keys', () => {
  const totals = {
    requests: { 'memory': 1n, 'cpu': 1_000_000n, 'example.com/gpu': 2_000_000_000n },
    limits: { memory: 1024n * 1_000_000_000n },
  };
  const result = formatTotals(totals);
  expect(Object.keys(result.requests)).toEqual(['cpu', 'example.com/gpu', 'memory']);
  expect(result).toEqual({ requests: { 'cpu': '1m', 'example.com/gpu': '2', 'memory': '1n' }, limits: { memory: '1Ki' } });
});

describe('properties of the KEP-753 formula', () => {
  const initEntry = fc.record({ sidecar: fc.boolean(), millis: fc.integer({ min: 0, max: 4000 }) });
  const mainMillis = fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 4 });

  function build(inits: { sidecar: boolean; millis: number }[], mains: number[]) {
    return {
      initContainers: inits.map((entry, i) => (entry.sidecar ? sidecar(`s${i}`, { cpu: `${entry.millis}m` }) : container(`i${i}`, { cpu: `${entry.millis}m` }))),
      containers: mains.map((millis, i) => container(`m${i}`, { cpu: `${millis}m` })),
    };
  }

  function cpu(spec: any): bigint {
    return effectiveResources(spec, V133).requests.cpu ?? 0n;
  }

  function simplifiedRule(inits: { sidecar: boolean; millis: number }[], mains: number[]): bigint {
    const steady = [...mains, ...inits.filter((e) => e.sidecar).map((e) => e.millis)].reduce((a, b) => a + b, 0);
    const peakInit = Math.max(0, ...inits.filter((e) => !e.sidecar).map((e) => e.millis));
    return parseQuantity(`${Math.max(steady, peakInit)}m`)!;
  }

  test('is never below the simplified docs rule, and equals it when sidecars come last', () => {
    fc.assert(
      fc.property(fc.array(initEntry, { maxLength: 6 }), mainMillis, (inits, mains) => {
        expect(cpu(build(inits, mains))).toBeGreaterThanOrEqual(simplifiedRule(inits, mains));
        const sidecarsLast = [...inits.filter((e) => !e.sidecar), ...inits.filter((e) => e.sidecar)];
        expect(cpu(build(sidecarsLast, mains))).toBe(simplifiedRule(inits, mains));
      }),
    );
  });
});
