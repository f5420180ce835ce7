// Random pod specs for property tests of the engine's shortcuts: fields that most pods leave out
// are usually absent, sometimes null, and otherwise valid or broken in the ways the rules check.
import * as fc from 'fast-check';

/** A field that is usually left out (see `present`), sometimes null, and otherwise one of `values`. */
export function sometimes(values: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: values });
}

/** The object without its undefined fields, as a manifest parsed from YAML has them. */
export function present<T extends object>(object: T): T {
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
export const container = fc.record({
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
  ports: sometimes(fc.array(fc.record({ containerPort: fc.constantFrom<unknown>(8080, 15001, 15021, 0, 'x') }), { maxLength: 2 })),
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

export const podSpec = fc.record({
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
