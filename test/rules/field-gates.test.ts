// Several rules return at once when no container has the fields they look at (`setsAnyField`).
// That shortcut must never change a result: here the engine runs with and without it on random
// pod specs that set, leave out, null and break those fields, and the violations must be equal.
import * as fc from 'fast-check';
import { cronJob, deployment, pod } from './_builders';
import { setsAnyField, withSharedEntries, ALL_LISTS, INIT_LISTS } from '../../src/rules/containers';
import { validateManifests } from '../../src/rules/engine';

const RUNS = 1500;

/** A field that is usually left out (see `present`), sometimes null, and otherwise one of `values`. */
function sometimes(values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: values });
}

/** The object without its undefined fields, as a manifest parsed from YAML has them. */
function present<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const id = fc.constantFrom<unknown>(0, 1000, 65532, -1, 2147483648, 1.5, '1000');
const handler = fc.oneof(
  fc.record({ exec: fc.constantFrom<unknown>({ command: ['sh', '-c', 'sleep 5'] }, { command: [] }, 'x') }),
  fc.record({ httpGet: fc.constantFrom<unknown>({ port: 8080 }, { port: 0 }, { port: 'Bad_Name' }, { port: 80, scheme: 'ftp' }) }),
  fc.record({ sleep: fc.constantFrom<unknown>({ seconds: 5 }, { seconds: 0 }, { seconds: 99999 }) }),
  fc.record({ tcpSocket: fc.constant({ port: 15021 }), exec: fc.constant({ command: ['true'] }) }),
  fc.constantFrom<unknown>({}, 'not a handler'),
);
const container = fc.record({
  name: fc.constantFrom<unknown>('app', 'proxy', 'log-shipper', 'Bad_Name', undefined),
  image: fc.constantFrom<unknown>('registry.example/app:1.0', 'docker.io/istio/proxyv2:1.26.0', 'cr.l5d.io/linkerd/proxy-init:v2.4.0', ''),
  restartPolicy: sometimes(fc.constantFrom<unknown>('Always', 'OnFailure', 'Never', 'always', '')),
  restartPolicyRules: sometimes(fc.constantFrom<unknown>([{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }], [], 'x')),
  lifecycle: sometimes(fc.oneof(
    fc.record({ preStop: handler }),
    fc.record({ postStart: handler, stopSignal: fc.constantFrom<unknown>('SIGTERM', undefined) }).map(present),
    fc.constantFrom<unknown>({}, 'x'),
  )),
  env: sometimes(fc.array(fc.oneof(
    fc.record({ name: fc.constantFrom<unknown>('LOG_LEVEL', '1BAD', 'has space', '', 'a=b', 7), value: fc.constant('x') }),
    fc.constantFrom<unknown>('x', null),
  ), { maxLength: 3 })),
  envFrom: sometimes(fc.array(fc.record({ prefix: fc.constantFrom<unknown>('APP_', '1X', 'a=', ''), configMapRef: fc.constant({ name: 'c' }) }), { maxLength: 2 })),
  volumeMounts: sometimes(fc.array(fc.record({
    name: fc.constantFrom<unknown>('data', 'missing', ''),
    mountPath: fc.constantFrom<unknown>('/data', '/data', 'relative', ''),
  }), { maxLength: 3 })),
  resizePolicy: sometimes(fc.array(fc.record({
    resourceName: fc.constantFrom<unknown>('cpu', 'memory', 'gpu'),
    restartPolicy: fc.constantFrom<unknown>('NotRequired', 'RestartContainer', 'Sometimes'),
  }), { maxLength: 3 })),
  readinessProbe: sometimes(handler),
  startupProbe: sometimes(handler),
  securityContext: sometimes(fc.record({
    runAsUser: sometimes(id),
    runAsGroup: sometimes(id),
    runAsNonRoot: sometimes(fc.boolean()),
    capabilities: sometimes(fc.oneof(
      fc.record({ add: fc.array(fc.constantFrom<unknown>('NET_ADMIN', 'NET_RAW', 'CAP_SYS_ADMIN', 'SYS_TIME', '', 7), { maxLength: 3 }) }),
      fc.constantFrom<unknown>({ add: 'NET_ADMIN' }, 'x'),
    )),
  }).map(present)),
}).map(present);

const podSpec = fc.record({
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  initContainers: sometimes(fc.array(container, { maxLength: 3 })),
  ephemeralContainers: sometimes(fc.array(container, { maxLength: 1 })),
  volumes: sometimes(fc.array(fc.record({ name: fc.constantFrom<unknown>('data', 'data', 'Bad', ''), emptyDir: fc.constant({}) }), { maxLength: 3 })),
  securityContext: sometimes(fc.record({
    runAsUser: sometimes(id),
    fsGroup: sometimes(id),
    supplementalGroups: sometimes(fc.array(id, { maxLength: 2 })),
    runAsNonRoot: sometimes(fc.boolean()),
  }).map(present)),
  restartPolicy: sometimes(fc.constantFrom<unknown>('Always', 'Never', 'OnFailure')),
  terminationGracePeriodSeconds: sometimes(fc.constantFrom<unknown>(30, 5, 0)),
}).map(present);

const wrapper = fc.constantFrom(pod, deployment, cronJob);
const version = fc.constantFrom('1.29', '1.33', '1.35');

describe('rules that return at once when no container has their fields', () => {
  test('report exactly what they report when they always run their whole check', () => {
    let gatedOut = 0;
    fc.assert(fc.property(wrapper, podSpec, version, (wrap, spec, kubernetesVersion) => {
      const object = wrap(spec);
      const gated = validateManifests([object], { kubernetesVersion });
      const whole = validateManifests([object], { kubernetesVersion }, { everyFieldSet: true });
      expect(gated).toEqual(whole);
      if (!setsAnyField(spec, ALL_LISTS, ['env', 'envFrom'])) gatedOut++;
    }), { numRuns: RUNS });
    // The random specs leave the fields out often enough for the shortcut to be taken.
    expect(gatedOut).toBeGreaterThan(RUNS / 10);
  });

  test('a field counts when it is present on any container of the lists asked, whatever its value', () => {
    const spec = {
      containers: [{ name: 'app', env: null }],
      initContainers: [{ name: 'proxy', securityContext: { capabilities: 'x' } }, 'not a container'],
    };
    expect(setsAnyField(spec, ALL_LISTS, ['env'])).toBe(true);
    expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(false);
    expect(setsAnyField(spec, INIT_LISTS, ['capabilities'], true)).toBe(true);
    expect(setsAnyField(spec, ALL_LISTS, ['capabilities'])).toBe(false);
    expect(setsAnyField({ containers: 'x' }, ALL_LISTS, ['env'])).toBe(false);
    // The same answers from the per-object cache the engine uses, and everything when told so.
    withSharedEntries(() => {
      expect(setsAnyField(spec, ALL_LISTS, ['env'])).toBe(true);
      expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(false);
      expect(setsAnyField(spec, INIT_LISTS, ['capabilities'], true)).toBe(true);
    });
    withSharedEntries(() => expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(true), true);
  });
});
