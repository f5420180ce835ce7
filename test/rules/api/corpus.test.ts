import { found, run } from './_helpers';
import { API_RULES } from '../../../src/rules/api';
import { APP, cronJob, daemonSet, deployment, job, pod, SIDECAR, statefulSet } from '../../manifests';

/**
 * A table of manifests with the exact set of SC1xx findings (`ruleId path`) each must produce:
 * a missed finding and an extra finding both fail.
 */
interface Row {
  readonly name: string;
  readonly manifest: any;
  readonly version?: string;
  readonly expected: string[];
}

const exec = { exec: { command: ['true'] } };
const istioProxy = {
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.26.0',
  restartPolicy: 'Always',
  args: ['proxy', 'sidecar'],
  ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
  startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 600, timeoutSeconds: 3 },
  readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, failureThreshold: 4 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
  securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true },
  volumeMounts: [{ name: 'istio-envoy', mountPath: '/etc/istio/proxy' }],
  lifecycle: { preStop: { exec: { command: ['pilot-agent', 'request', 'POST', 'drain'] } } },
};

const ROWS: Row[] = [
  {
    name: 'a realistic meshed pod with a native sidecar and a run-once init container',
    manifest: pod({
      volumes: [{ name: 'istio-envoy', emptyDir: {} }],
      initContainers: [{ name: 'istio-validation', image: 'docker.io/istio/proxyv2:1.26.0' }, istioProxy],
      containers: [{ ...APP, ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { ...exec, successThreshold: 0 } }],
    }),
    expected: [],
  },
  {
    name: 'the same sidecar in a Deployment',
    manifest: deployment({ volumes: [{ name: 'istio-envoy', emptyDir: {} }], initContainers: [istioProxy], containers: [APP] }),
    expected: [],
  },
  { name: 'job with a sidecar', manifest: job({ restartPolicy: 'Never', initContainers: [SIDECAR], containers: [APP] }), expected: [] },
  { name: 'cronjob with a sidecar', manifest: cronJob({ restartPolicy: 'OnFailure', initContainers: [SIDECAR], containers: [APP] }), expected: [] },
  {
    name: 'a "sidecar" put in containers with restartPolicy: Always (1.33)',
    manifest: deployment({ containers: [APP, { name: 'envoy', image: 'e', restartPolicy: 'Always' }] }),
    expected: ['SC103 spec.template.spec.containers[1].restartPolicy'],
  },
  {
    name: 'the same on 1.35 is accepted (still not a sidecar)',
    manifest: deployment({ containers: [APP, { name: 'envoy', image: 'e', restartPolicy: 'Always' }] }),
    version: '1.35',
    expected: [],
  },
  {
    name: 'the same on 1.34 (ContainerRestartRules alpha, off) is rejected',
    manifest: pod({ containers: [APP, { name: 'envoy', image: 'e', restartPolicy: 'Never' }] }),
    version: '1.34',
    expected: ['SC103 spec.containers[1].restartPolicy'],
  },
  {
    name: 'OnFailure init container: rejected on 1.33, accepted on 1.35',
    manifest: pod({ containers: [APP], initContainers: [{ name: 'migrate', image: 'm', restartPolicy: 'OnFailure' }] }),
    expected: ['SC101 spec.initContainers[0].restartPolicy'],
  },
  {
    name: 'OnFailure init container on 1.35',
    manifest: pod({ containers: [APP], initContainers: [{ name: 'migrate', image: 'm', restartPolicy: 'OnFailure' }] }),
    version: '1.35',
    expected: [],
  },
  {
    name: 'cdk8s-plus trap: a plain init container with an auto startupProbe and lifecycle',
    manifest: deployment({ containers: [APP], initContainers: [{ name: 'init', image: 'i', ports: [{ containerPort: 80 }], startupProbe: { tcpSocket: { port: 80 } }, lifecycle: { postStart: exec } }] }),
    expected: ['SC102 spec.template.spec.initContainers[0].lifecycle', 'SC102 spec.template.spec.initContainers[0].startupProbe'],
  },
  {
    name: 'plain init probe bodies are not validated further (I6)',
    manifest: pod({ containers: [APP], initContainers: [{ name: 'init', image: 'i', livenessProbe: { successThreshold: 5, exec: { command: [] } } }] }),
    expected: ['SC102 spec.initContainers[0].livenessProbe'],
  },
  {
    name: 'successThreshold 0 is defaulted to 1; 2 is not',
    manifest: pod({ containers: [{ ...APP, livenessProbe: { ...exec, successThreshold: 0 }, startupProbe: { ...exec, successThreshold: 2 } }] }),
    expected: ['SC108 spec.containers[0].startupProbe.successThreshold'],
  },
  {
    name: 'readiness on a sidecar may use successThreshold > 1 but not terminationGracePeriodSeconds',
    manifest: pod({
      containers: [APP],
      initContainers: [{ ...SIDECAR, readinessProbe: { ...exec, successThreshold: 3, terminationGracePeriodSeconds: 5 } }],
    }),
    expected: ['SC108 spec.initContainers[0].readinessProbe.terminationGracePeriodSeconds'],
  },
  {
    name: 'sleep 0 preStop on a sidecar is accepted on 1.33',
    manifest: pod({ containers: [APP], initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: 0 } } } }] }),
    expected: [],
  },
  {
    name: 'sleep 0 preStop is rejected on 1.32',
    manifest: pod({ containers: [APP], initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: 0 } } } }] }),
    version: '1.32',
    expected: ['SC109 spec.initContainers[0].lifecycle.preStop.sleep'],
  },
  {
    name: 'a preStop sleep on 1.29 is silently dropped (PodLifecycleSleepAction off), even an over-long one',
    manifest: pod({ containers: [APP], initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: 500 } } } }] }),
    version: '1.29',
    expected: [],
  },
  {
    name: 'a sidecar preStop sleep longer than a short grace period',
    manifest: cronJob({ restartPolicy: 'Never', terminationGracePeriodSeconds: 5, containers: [APP], initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: 10 } } } }] }),
    expected: ['SC109 spec.jobTemplate.spec.template.spec.initContainers[0].lifecycle.preStop.sleep'],
  },
  {
    name: 'negative grace period: a warning only',
    manifest: pod({ terminationGracePeriodSeconds: -10, containers: [APP] }),
    expected: ['SC123 spec.terminationGracePeriodSeconds'],
  },
  {
    name: 'a sidecar named like the app, declared before it',
    manifest: pod({ initContainers: [{ ...SIDECAR, name: 'app' }], containers: [APP] }),
    expected: ['SC105 spec.initContainers[0].name'],
  },
  {
    name: 'host port clash inside the second init container is reported at initContainers[0]',
    manifest: job({ restartPolicy: 'Never', containers: [APP], initContainers: [SIDECAR, { name: 'i', image: 'i', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }, { containerPort: 54, hostPort: 53, protocol: 'UDP' }] }] }),
    expected: ['SC107 spec.template.spec.initContainers[0].ports[1].hostPort'],
  },
  {
    name: 'host port shared by a sidecar and the app is not rejected (I9), only warned about as a duplicate port definition',
    manifest: pod({
      containers: [{ ...APP, ports: [{ containerPort: 80, hostPort: 80 }] }],
      initContainers: [{ ...SIDECAR, ports: [{ containerPort: 80, hostPort: 80 }] }],
    }),
    expected: ['SC121 spec.containers[0].ports[0]'],
  },
  {
    name: 'hostNetwork: template may leave hostPort 0',
    manifest: daemonSet({ hostNetwork: true, containers: [{ ...APP, ports: [{ containerPort: 9100 }] }] }),
    expected: [],
  },
  {
    name: 'hostNetwork: mismatched hostPort on a Pod',
    manifest: pod({ hostNetwork: true, containers: [{ ...APP, ports: [{ containerPort: 9100, hostPort: 9101 }] }] }),
    expected: ['SC107 spec.containers[0].ports[0].hostPort'],
  },
  {
    name: 'a Job without restartPolicy',
    manifest: job({ initContainers: [SIDECAR], containers: [APP] }),
    expected: ['SC113 spec.template.spec.restartPolicy'],
  },
  {
    name: 'a DaemonSet with restartPolicy Never',
    manifest: daemonSet({ restartPolicy: 'Never', containers: [APP] }),
    expected: ['SC113 spec.template.spec.restartPolicy'],
  },
  {
    name: 'StatefulSet activeDeadlineSeconds',
    manifest: statefulSet({ activeDeadlineSeconds: 30, containers: [APP] }),
    expected: ['SC114 spec.template.spec.activeDeadlineSeconds'],
  },
  {
    name: 'request above limit in a Deployment (quirk: no key)',
    manifest: deployment({ containers: [{ ...APP, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }),
    expected: ['SC110 spec.template.spec.containers[0].resources.requests'],
  },
  {
    name: 'a bare Pod with limits only (requests defaulted from limits) is fine',
    manifest: pod({ containers: [{ ...APP, resources: { limits: { 'cpu': '1', 'memory': '1Gi', 'nvidia.com/gpu': 1 } } }] }),
    expected: [],
  },
  {
    name: 'a pod of only sidecars',
    manifest: pod({ initContainers: [SIDECAR] }),
    expected: ['SC112 spec.containers'],
  },
  {
    name: 'ephemeral containers in a Pod and a template',
    manifest: pod({ containers: [APP], ephemeralContainers: [{ name: 'debug', image: 'busybox', targetContainerName: 'app' }] }),
    expected: ['SC119 spec.ephemeralContainers'],
  },
  {
    name: 'pod-level resources are dropped on 1.33',
    manifest: pod({ resources: { requests: { cpu: '1m' } }, containers: [{ ...APP, resources: { requests: { cpu: '1' } } }] }),
    expected: [],
  },
  {
    name: 'pod-level resources on 1.34 must cover the containers (sidecars counted)',
    manifest: pod({ resources: { requests: { cpu: '500m' } }, initContainers: [{ ...SIDECAR, resources: { requests: { cpu: '200m' } } }], containers: [{ ...APP, resources: { requests: { cpu: '400m' } } }] }),
    version: '1.34',
    expected: ['SC120 spec.resources.requests[cpu]'],
  },
  {
    name: 'resizePolicy RestartContainer on a sidecar of a Never pod',
    manifest: pod({ restartPolicy: 'Never', containers: [APP], initContainers: [{ ...SIDECAR, resizePolicy: [{ resourceName: 'memory', restartPolicy: 'RestartContainer' }] }] }),
    expected: ['SC118 spec.initContainers[0].resizePolicy'],
  },
  {
    name: 'image whitespace: Pod yes, Deployment no',
    manifest: pod({ containers: [{ ...APP, image: ' nginx' }] }),
    expected: ['SC106 spec.containers[0].image'],
  },
  {
    name: 'image whitespace in a Deployment',
    manifest: deployment({ containers: [{ ...APP, image: ' nginx' }] }),
    expected: [],
  },
  {
    name: 'many mistakes at once',
    manifest: deployment({
      restartPolicy: 'OnFailure',
      volumes: [{ name: 'data' }],
      initContainers: [
        { name: 'Setup', image: '', readinessProbe: exec, env: [{ name: 'A=1' }] },
        { name: 'proxy', image: 'p', restartPolicy: 'Always', livenessProbe: { tcpSocket: { port: 'admin-port-name-too-long' } }, imagePullPolicy: 'always' },
      ],
      containers: [
        { ...APP, restartPolicy: 'Always', volumeMounts: [{ name: 'cache', mountPath: '/cache', subPath: '../x' }], securityContext: { runAsUser: -1 } },
      ],
    }),
    expected: [
      'SC102 spec.template.spec.initContainers[0].readinessProbe',
      'SC103 spec.template.spec.containers[0].restartPolicy',
      'SC104 spec.template.spec.initContainers[0].name',
      'SC106 spec.template.spec.initContainers[0].image',
      'SC108 spec.template.spec.initContainers[1].livenessProbe.tcpSocket.port',
      'SC111 spec.template.spec.containers[0].volumeMounts.subPath',
      'SC111 spec.template.spec.containers[0].volumeMounts[0].name',
      'SC113 spec.template.spec.restartPolicy',
      'SC115 spec.template.spec.initContainers[0].env[0].name',
      'SC116 spec.template.spec.initContainers[1].imagePullPolicy',
      'SC117 spec.template.spec.containers[0].securityContext.runAsUser',
    ],
  },
];

describe('SC1xx corpus: exact finding sets', () => {
  test.each(ROWS.map(row => [row.name, row] as const))('%s', (_name, row) => {
    expect(found(row.manifest, row.version ?? '1.33')).toEqual([...row.expected].sort());
  });

  test('the negative grace period (SC123) and the API server\'s warnings (SC121) are warnings, everything else in the corpus an error', () => {
    const [v] = run(pod({ terminationGracePeriodSeconds: -10, containers: [APP] }));
    expect(v.severity).toBe('warning');
    for (const row of ROWS) {
      for (const violation of run(row.manifest, row.version ?? '1.33')) {
        if (violation.ruleId === 'SC121' || violation.ruleId === 'SC123') {
          expect(violation.severity).toBe('warning');
          continue;
        }
        expect(violation.severity).toBe('error');
      }
    }
  });

  test('messages follow the house style: lowercase start, no final period, no rule id', () => {
    for (const row of ROWS) {
      for (const violation of run(row.manifest, row.version ?? '1.33')) {
        expect(violation.message).toMatch(/^[a-z]/);
        expect(violation.message).not.toMatch(/\.$/);
        expect(violation.message).not.toMatch(/SC\d{3}/);
        expect(violation.fix).toBeDefined();
      }
    }
  });
});

describe('API_RULES', () => {
  test('ids SC101..SC124 in order, each documented, each finding of the rule\'s declared severity', () => {
    const ids = API_RULES.map(rule => rule.id);
    expect(ids).toEqual([...ids].sort());
    for (let i = 101; i <= 124; i++) expect(ids).toContain(`SC${i}`);
    for (const row of ROWS) {
      for (const violation of run(row.manifest, row.version ?? '1.33')) {
        expect(violation.severity).toBe(API_RULES.find(rule => rule.id === violation.ruleId)!.severity);
      }
    }
    for (const rule of API_RULES) {
      expect(rule.title).toMatch(/^[a-z]/);
      expect(rule.why.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.source).toMatch(/validation\.go|defaults\.go|validation\)|warnings\.go|types\.go/);
    }
  });
});
