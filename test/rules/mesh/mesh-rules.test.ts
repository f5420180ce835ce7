import { validateManifests } from '../../../src/rules/engine';
import {
  MESH_RULES, proxyNotFirstRule, proxyUidRule, redundantWorkaroundsRule, reservedPortRule,
} from '../../../src/rules/mesh';
import { Rule } from '../../../src/rules/rule';
import { Violation } from '../../../src/rules/violation';

const APP = { name: 'app', image: 'registry.example.com/app:1.0', ports: [{ containerPort: 8080 }] };
const ISTIO_INIT = { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.30.3', args: ['istio-iptables', '-p', '15001'] };
const ISTIO_PROXY = {
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.30.3',
  restartPolicy: 'Always',
  args: ['proxy', 'sidecar'],
  ports: [{ containerPort: 15090, name: 'http-envoy-prom' }],
  securityContext: { runAsUser: 1337 },
};
const LINKERD_INIT = { name: 'linkerd-init', image: 'cr.l5d.io/linkerd/proxy:edge-26.5.2', command: ['/usr/lib/linkerd/linkerd2-proxy-init'] };
const LINKERD_PROXY = {
  name: 'linkerd-proxy',
  image: 'cr.l5d.io/linkerd/proxy:edge-26.5.2',
  restartPolicy: 'Always',
  ports: [{ containerPort: 4143 }, { containerPort: 4191 }],
  securityContext: { runAsUser: 2102 },
};

function pod(spec: any, metadata: any = {}): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...metadata }, spec };
}

function deployment(spec: any, templateMetadata: any = {}): any {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: templateMetadata, spec } } };
}

function cronJob(spec: any, templateMetadata: any = {}): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata: templateMetadata, spec } } } },
  };
}

function run(rule: Rule, manifest: any, fromConstructs = false): Violation[] {
  return validateManifests([manifest], {}, { rules: [rule], fromConstructs });
}

function found(rule: Rule, manifest: any): string[] {
  return run(rule, manifest).map(v => `${v.ruleId} ${v.severity} ${v.path}`);
}

const MALFORMED_SPECS: any[] = [
  null, 'spec', 42, [],
  { initContainers: 'x', containers: 'x' },
  { initContainers: [null, 'x', { ...ISTIO_PROXY, ports: 'x', securityContext: 'x' }], containers: [{ ports: [null, 'x', { containerPort: '15001' }] }] },
  { initContainers: [{ ...LINKERD_PROXY, securityContext: { runAsUser: 'x' } }], containers: [{ name: 'a', command: 'linkerd-await', args: [null, 5] }], securityContext: [] },
  { containers: [{ image: 7, ports: [{ containerPort: 15001 }] }], os: 'linux' },
];

function malformedManifests(): any[] {
  return [
    ...MALFORMED_SPECS.flatMap(spec => [pod(spec), deployment(spec, 'x'), cronJob(spec, { labels: 'x', annotations: [] })]),
    pod({ containers: [APP] }, { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: null }),
    { kind: 'Deployment', spec: { template: 'x' } },
  ];
}

test('MESH_RULES lists SC401 to SC404 in id order, each documented', () => {
  expect(MESH_RULES.map(r => r.id)).toEqual(['SC401', 'SC402', 'SC403', 'SC404']);
  for (const rule of MESH_RULES) {
    for (const text of [rule.title, rule.why, rule.fix, rule.source]) expect(text.length).toBeGreaterThan(20);
  }
  expect(MESH_RULES.map(r => r.severity)).toEqual(['error', 'error', 'warning', 'info']);
});

test.each(MESH_RULES.map(r => [r.id, r] as const))('%s never throws on malformed input', (_id, rule) => {
  const violations = validateManifests(malformedManifests(), {}, { rules: [rule] });
  expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
});

test('no mesh, no findings: the same ports and UIDs without a proxy or an injection request', () => {
  const spec = { containers: [{ ...APP, ports: [{ containerPort: 15001 }, { containerPort: 4143 }], securityContext: { runAsUser: 1337 } }] };
  for (const rule of MESH_RULES) expect(found(rule, deployment(spec))).toEqual([]);
  // opted out of injection
  expect(found(reservedPortRule, deployment(spec, { labels: { 'sidecar.istio.io/inject': 'false', 'istio.io/rev': 'stable' } }))).toEqual([]);
  expect(found(reservedPortRule, deployment(spec, { annotations: { 'linkerd.io/inject': 'disabled' } }))).toEqual([]);
});

describe('SC401 app port collides with a port the proxy binds', () => {
  test('Istio, rendered proxy (Pod): exact violation', () => {
    const ports = [{ containerPort: 8080 }, { containerPort: 15021 }];
    const manifest = pod({ initContainers: [ISTIO_INIT, ISTIO_PROXY], containers: [{ ...APP, ports }] });
    expect(run(reservedPortRule, manifest)).toEqual([{
      ruleId: 'SC401',
      severity: 'error',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.containers[0].ports[1].containerPort',
      message: 'container "app" declares port 15021, which Istio\'s sidecar "istio-proxy" binds (Envoy health (/healthz/ready)); both share the pod\'s network, so one of them cannot listen and the pod does not run',
      fix: 'move "app" off port 15021 (and any Service targetPort pointing at it); Istio reserves 15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090',
    }]);
  });

  test('Istio ports bound only with an optional feature are a warning (Deployment)', () => {
    const ports = [{ containerPort: 15008 }, { containerPort: 15053 }];
    const manifest = deployment({ initContainers: [ISTIO_INIT, ISTIO_PROXY], containers: [{ ...APP, ports }] });
    const violations = run(reservedPortRule, manifest);
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual([
      'warning spec.template.spec.containers[0].ports[0].containerPort',
      'warning spec.template.spec.containers[0].ports[1].containerPort',
    ]);
    expect(violations[0].message).toBe('container "app" declares port 15008, which Istio\'s sidecar "istio-proxy" binds when the mesh enables the HBONE tunnel; with that feature on, one of them cannot listen');
  });

  test('Linkerd, injection requested by annotation (no proxy rendered yet): sidecars and init containers are checked too', () => {
    const manifest = deployment({
      initContainers: [{ name: 'cache', image: 'redis:7', restartPolicy: 'Always', ports: [{ containerPort: 4191 }] }],
      containers: [{ ...APP, ports: [{ containerPort: 4140 }] }],
    }, { annotations: { 'linkerd.io/inject': 'enabled' } });
    const violations = run(reservedPortRule, manifest);
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual([
      'error spec.template.spec.initContainers[0].ports[0].containerPort',
      'error spec.template.spec.containers[0].ports[0].containerPort',
    ]);
    expect(violations[1].message).toBe('container "app" declares port 4140, which the Linkerd proxy the webhook injects binds (outbound proxy (localhost)); both share the pod\'s network, so one of them cannot listen and the pod does not run');
  });

  test('Istio injection requested by the inject label or a revision label; the proxy and the mesh init containers are not checked', () => {
    const spec = { containers: [{ ...APP, ports: [{ containerPort: 15090 }] }] };
    expect(found(reservedPortRule, deployment(spec, { labels: { 'sidecar.istio.io/inject': 'true' } }))).toEqual(['SC401 error spec.template.spec.containers[0].ports[0].containerPort']);
    expect(found(reservedPortRule, cronJob(spec, { labels: { 'istio.io/rev': 'canary' } }))).toEqual(['SC401 error spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort']);
    // the proxy's own 15090, and the validator listening on 4140, are the mesh's
    const validator = { name: 'linkerd-network-validator', image: 'cr.l5d.io/linkerd/proxy:edge-26.5.2', ports: [{ containerPort: 4140 }] };
    expect(found(reservedPortRule, pod({ initContainers: [ISTIO_INIT, ISTIO_PROXY], containers: [APP] }))).toEqual([]);
    expect(found(reservedPortRule, pod({ initContainers: [validator, LINKERD_PROXY], containers: [APP] }))).toEqual([]);
  });

  test('a proxy recognised by image alone (renamed container)', () => {
    const manifest = pod({ initContainers: [{ ...LINKERD_PROXY, name: 'mesh' }], containers: [{ ...APP, ports: [{ containerPort: 4143 }] }] });
    expect(run(reservedPortRule, manifest)[0].message).toBe('container "app" declares port 4143, which Linkerd\'s sidecar "mesh" binds (inbound proxy); both share the pod\'s network, so one of them cannot listen and the pod does not run');
  });
});

describe('SC402 app runs as the proxy UID', () => {
  test('Istio, on the container (Pod): exact violation', () => {
    const manifest = pod({ initContainers: [ISTIO_INIT, ISTIO_PROXY], containers: [{ ...APP, securityContext: { runAsUser: 1337 } }] });
    expect(run(proxyUidRule, manifest)).toEqual([{
      ruleId: 'SC402',
      severity: 'error',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.containers[0].securityContext.runAsUser',
      message: 'container "app" runs as UID 1337, the UID of Istio\'s sidecar "istio-proxy", which the mesh\'s iptables rules exempt: its outbound traffic bypasses the proxy (no mTLS, no policy, no telemetry)',
      fix: 'set securityContext.runAsUser on "app" to a UID other than 1337',
    }]);
  });

  test('Linkerd, inherited from the pod, for every non-mesh container (Deployment)', () => {
    const manifest = deployment({
      securityContext: { runAsUser: 2102 },
      initContainers: [LINKERD_INIT, LINKERD_PROXY, { name: 'migrate', image: 'migrate:1' }],
      containers: [APP, { ...APP, name: 'other', securityContext: { runAsUser: 1000 } }],
    });
    const violations = run(proxyUidRule, manifest);
    expect(violations.map(v => v.path)).toEqual(['spec.template.spec.securityContext.runAsUser', 'spec.template.spec.securityContext.runAsUser']);
    expect(violations.map(v => v.message)).toEqual([
      'init container "migrate" runs as UID 2102 (the pod\'s securityContext.runAsUser), the UID of Linkerd\'s sidecar "linkerd-proxy", which the mesh\'s iptables rules exempt: its outbound traffic bypasses the proxy (no mTLS, no policy, no telemetry)',
      'container "app" runs as UID 2102 (the pod\'s securityContext.runAsUser), the UID of Linkerd\'s sidecar "linkerd-proxy", which the mesh\'s iptables rules exempt: its outbound traffic bypasses the proxy (no mTLS, no policy, no telemetry)',
    ]);
    expect(violations[0].fix).toBe('set the pod\'s securityContext.runAsUser to a UID other than 2102, or override it on "migrate"');
  });

  test('the proxy\'s own runAsUser counts when it differs from the default; INJECT uses the default', () => {
    const custom = { ...ISTIO_PROXY, securityContext: { runAsUser: 4242 } };
    expect(found(proxyUidRule, pod({ initContainers: [custom], containers: [{ ...APP, securityContext: { runAsUser: 4242 } }] })))
      .toEqual(['SC402 error spec.containers[0].securityContext.runAsUser']);
    expect(found(proxyUidRule, pod({ initContainers: [custom], containers: [{ ...APP, securityContext: { runAsUser: 1337 } }] }))).toEqual([]);
    expect(found(proxyUidRule, deployment({ containers: [{ ...APP, securityContext: { runAsUser: 1337 } }] }, { labels: { 'sidecar.istio.io/inject': 'true' } })))
      .toEqual(['SC402 error spec.template.spec.containers[0].securityContext.runAsUser']);
  });

  test('compliant: other UIDs, the mesh\'s own containers (istio-validation runs as 1337), Windows pods', () => {
    const validation = { name: 'istio-validation', image: 'docker.io/istio/proxyv2:1.30.3', securityContext: { runAsUser: 1337 } };
    const app = { ...APP, securityContext: { runAsUser: 10001 } };
    expect(found(proxyUidRule, pod({ initContainers: [validation, ISTIO_PROXY], containers: [app] }))).toEqual([]);
    expect(found(proxyUidRule, pod({ os: { name: 'windows' }, initContainers: [ISTIO_PROXY], containers: [{ ...APP, securityContext: { runAsUser: 1337 } }] }))).toEqual([]);
  });
});

describe('SC403 mesh proxy not first', () => {
  test('plain YAML: a warning at the proxy, naming what starts before it (Pod)', () => {
    const manifest = pod({ initContainers: [{ name: 'migrate', image: 'migrate:1' }, ISTIO_INIT, ISTIO_PROXY], containers: [APP] });
    expect(run(proxyNotFirstRule, manifest)).toEqual([{
      ruleId: 'SC403',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.initContainers[2]',
      message: 'Istio\'s sidecar "istio-proxy" is at initContainers[2], after init container "migrate" (initContainers[0]): it starts before the proxy runs, so its connections either fail (captured by the mesh\'s iptables rules with no proxy listening yet) or bypass the mesh',
      fix: 'move "istio-proxy" to the start of initContainers, right after the mesh\'s own init container',
    }]);
  });

  test('rendered by constructs: an error; many earlier containers are summarised (Deployment)', () => {
    const sidecar = (name: string) => ({ name, image: 'agent:1', restartPolicy: 'Always' });
    const manifest = deployment({ initContainers: [LINKERD_INIT, sidecar('a'), sidecar('b'), sidecar('c'), sidecar('d'), LINKERD_PROXY], containers: [APP] });
    const violations = run(proxyNotFirstRule, manifest, true);
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual(['error spec.template.spec.initContainers[5]']);
    expect(violations[0].message).toBe('Linkerd\'s sidecar "linkerd-proxy" is at initContainers[5], after sidecar "a" (initContainers[1]), sidecar "b" (initContainers[2]), sidecar "c" (initContainers[3]) and 1 more: they start before the proxy runs, so their connections either fail (captured by the mesh\'s iptables rules with no proxy listening yet) or bypass the mesh');
  });

  test('compliant: right after the mesh init container, first without one, or a legacy proxy among the containers', () => {
    expect(found(proxyNotFirstRule, pod({ initContainers: [ISTIO_INIT, ISTIO_PROXY, { name: 'migrate', image: 'migrate:1' }], containers: [APP] }))).toEqual([]);
    expect(found(proxyNotFirstRule, pod({ initContainers: [LINKERD_PROXY, { name: 'x', image: 'x:1' }], containers: [APP] }))).toEqual([]);
    const legacy = { ...ISTIO_PROXY, restartPolicy: undefined };
    expect(found(proxyNotFirstRule, pod({ initContainers: [{ name: 'migrate', image: 'migrate:1' }], containers: [APP, legacy] }))).toEqual([]);
  });
});

describe('SC404 pre-native workarounds', () => {
  test('Istio holdApplicationUntilProxyStarts on a native proxy: info at the annotation (Deployment)', () => {
    const manifest = deployment({ initContainers: [ISTIO_INIT, ISTIO_PROXY], containers: [APP] },
      { annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true\n' } });
    expect(run(redundantWorkaroundsRule, manifest)).toEqual([{
      ruleId: 'SC404',
      severity: 'info',
      kind: 'Deployment',
      name: 'd',
      path: 'spec.template.metadata.annotations[proxy.istio.io/config]',
      message: 'the proxy.istio.io/config annotation sets holdApplicationUntilProxyStarts, which a native istio-proxy ignores: its startup probe already holds back every container after it',
      fix: 'remove holdApplicationUntilProxyStarts from the proxy.istio.io/config annotation',
    }]);
  });

  test('Istio quitquitquit in a Job container, with injection of a native proxy requested (Pod)', () => {
    const manifest = pod({ containers: [{ ...APP, command: ['sh', '-c', 'run && curl -sf -XPOST http://127.0.0.1:15020/quitquitquit'] }] },
      { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } });
    const violations = run(redundantWorkaroundsRule, manifest);
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual(['info spec.containers[0].command[2]']);
    expect(violations[0].message).toBe('container "app" calls 127.0.0.1:15020/quitquitquit to stop the proxy, which a native istio-proxy does not need: it is stopped after the main containers exit, and a Job completes without it');
  });

  test('Linkerd: proxy-await disabled is a warning, the other workarounds info (Deployment)', () => {
    const manifest = deployment({
      initContainers: [LINKERD_INIT, LINKERD_PROXY],
      containers: [
        { ...APP, command: ['/usr/lib/linkerd/linkerd-await', '--shutdown', '--', '/app'] },
        { ...APP, name: 'b', args: ['curl -X POST http://localhost:4191/shutdown'] },
      ],
    }, {
      annotations: {
        'config.linkerd.io/proxy-await': 'disabled',
        'config.alpha.linkerd.io/proxy-wait-before-exit-seconds': '10',
        'config.linkerd.io/proxy-admin-shutdown': 'enabled',
      },
    });
    const violations = run(redundantWorkaroundsRule, manifest);
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual([
      'warning spec.template.metadata.annotations[config.linkerd.io/proxy-await]',
      'info spec.template.metadata.annotations[config.alpha.linkerd.io/proxy-wait-before-exit-seconds]',
      'info spec.template.metadata.annotations[config.linkerd.io/proxy-admin-shutdown]',
      'info spec.template.spec.containers[0].command[0]',
      'info spec.template.spec.containers[1].args[0]',
    ]);
    expect(violations[0].message).toBe('the config.linkerd.io/proxy-await annotation is disabled: for a native linkerd-proxy this removes its startup probe, so the containers after it may start before the proxy is ready and their first connections fail');
    expect(violations[3].message).toBe('container "app" runs under linkerd-await, which a native linkerd-proxy does not need: its startup probe holds the container back, and it is stopped after the main containers exit');
    expect(violations[4].message).toBe('container "b" calls localhost:4191/shutdown to stop the proxy, which a native linkerd-proxy does not need: it is stopped after the main containers exit, and a Job completes without it');
  });

  test('compliant: legacy (non-native) proxies keep their workarounds; injection without the native switch is unknown', () => {
    const legacy = { ...ISTIO_PROXY, restartPolicy: undefined };
    const hold = { annotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' } };
    expect(found(redundantWorkaroundsRule, deployment({ containers: [legacy, APP] }, hold))).toEqual([]);
    expect(found(redundantWorkaroundsRule, deployment({ containers: [APP] }, { ...hold, labels: { 'sidecar.istio.io/inject': 'true' } }))).toEqual([]);
    expect(found(redundantWorkaroundsRule, deployment({ initContainers: [ISTIO_PROXY], containers: [APP] }, hold)))
      .toEqual(['SC404 info spec.template.metadata.annotations[proxy.istio.io/config]']);
    expect(found(redundantWorkaroundsRule, deployment({ initContainers: [ISTIO_PROXY], containers: [APP] },
      { annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: false' } }))).toEqual([]);
    expect(found(redundantWorkaroundsRule, deployment({ initContainers: [LINKERD_PROXY], containers: [APP] },
      { annotations: { 'config.linkerd.io/proxy-await': 'enabled' } }))).toEqual([]);
  });
});
