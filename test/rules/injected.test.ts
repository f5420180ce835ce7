// What a mesh injector decides is not the manifest owner's warning (issue 19, cause 3).
import { validateManifests } from '../../src/rules/engine';
import { Violation } from '../../src/rules/violation';

const APP = { name: 'shop', image: 'registry.example.com/shop:2.1', ports: [{ containerPort: 8080, name: 'http' }] };

/** A native mesh proxy as an injector's template renders it: readiness on its health port, a drain preStop, root for TPROXY. */
function meshProxy(name: string, extra: any = {}): any {
  return {
    name,
    image: 'registry.example.com/mesh/proxy:1.0',
    restartPolicy: 'Always',
    ports: [{ containerPort: 15090, name: 'http-envoy-prom' }],
    startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 600 },
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15 },
    lifecycle: { preStop: { exec: { command: ['pilot-agent', 'request', 'POST', 'drain'] } } },
    securityContext: { runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    ...extra,
  };
}

function captureInit(name: string, args: string[]): any {
  return {
    name,
    image: 'registry.example.com/mesh/init:1.0',
    args,
    securityContext: { runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] } },
  };
}

function deployment(annotations: Record<string, string>, spec: any): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop' },
    spec: { selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' }, annotations }, spec } },
  };
}

function findings(manifest: any): string[] {
  return validateManifests([manifest], { kubernetesVersion: '1.35' }).map((v: Violation) => `${v.ruleId} ${v.severity} ${v.path}`);
}

const ISTIO_STATUS = JSON.stringify({ initContainers: ['istio-init', 'istio-proxy'], containers: null, volumes: [], revision: 'default' });

describe('warnings about what a mesh injector decided', () => {
  const spec = {
    containers: [APP],
    initContainers: [captureInit('istio-init', ['istio-iptables', '-p', '15001', '-u', '1337', '-m', 'TPROXY']), meshProxy('istio-proxy')],
  };

  test('the same pod written by its owner gets the warnings', () => {
    expect(findings(deployment({}, spec))).toEqual(expect.arrayContaining([
      'SC208 info spec.template.spec.initContainers[1].readinessProbe',
      'SC209 warning spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC502 warning spec.template.spec.initContainers[1].securityContext.runAsUser',
      'SC504 warning spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]));
  });

  test('injected by Istio (its status annotation names the containers): info with the reason, and no SC208 on the proxy', () => {
    const violations = validateManifests([deployment({ 'sidecar.istio.io/status': ISTIO_STATUS }, spec)], { kubernetesVersion: '1.35' });
    expect(violations.map(v => `${v.ruleId} ${v.severity} ${v.path}`)).toEqual([
      'SC209 info spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC502 info spec.template.spec.initContainers[1].securityContext.runAsUser',
      'SC504 info spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]);
    expect(violations[0].message).toMatch(/ \(Istio's injector sets this in the proxy it injects; change it through the mesh's configuration, not this manifest\)$/);
  });

  test('a field the owner set through proxy.istio.io/overrides keeps its warning', () => {
    const overrides = JSON.stringify({ initContainers: [{ name: 'istio-proxy', lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } } }] });
    expect(findings(deployment({ 'sidecar.istio.io/status': ISTIO_STATUS, 'proxy.istio.io/overrides': overrides }, spec))).toEqual([
      'SC209 warning spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC502 info spec.template.spec.initContainers[1].securityContext.runAsUser',
      'SC504 info spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]);
  });

  test('another mesh: the proxy is the container running as the UID the iptables init exempts', () => {
    const kumaLike = {
      containers: [APP],
      initContainers: [
        captureInit('mesh-init', ['--redirect-inbound-port', '15006', '--kuma-dp-uid', '5678', '--iptables-logs=false']),
        meshProxy('mesh-sidecar', { securityContext: { runAsUser: 5678, capabilities: { add: ['SYS_PTRACE'] } } }),
      ],
    };
    expect(findings(deployment({ 'kuma.io/sidecar-injected': 'true' }, kumaLike))).toEqual([
      'SC209 info spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC504 info spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]);
    // Without the injector's mark, the same containers are the owner's.
    expect(findings(deployment({}, kumaLike))).toEqual([
      'SC208 info spec.template.spec.initContainers[1].readinessProbe',
      'SC209 warning spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC504 warning spec.template.spec.initContainers[1].securityContext.capabilities.add[0]',
    ]);
  });

  test('Linkerd: its proxy is recognised by its LINKERD2_PROXY_ settings', () => {
    const linkerd = {
      containers: [APP],
      initContainers: [
        captureInit('mesh-init', ['--firewall-bin-path', 'iptables-nft', '--proxy-uid', '2102']),
        meshProxy('mesh-proxy', { env: [{ name: 'LINKERD2_PROXY_LOG', value: 'warn' }], securityContext: { runAsUser: 0 } }),
      ],
    };
    expect(findings(deployment({ 'linkerd.io/proxy-version': 'stable-2.14.0' }, linkerd))).toEqual([
      'SC209 info spec.template.spec.initContainers[1].lifecycle.preStop',
      'SC502 info spec.template.spec.initContainers[1].securityContext.runAsUser',
    ]);
  });

  test('errors are never lowered: the API server rejects the pod whoever wrote the field', () => {
    const broken = { ...spec, initContainers: [spec.initContainers[0], meshProxy('istio-proxy', { readinessProbe: { httpGet: { path: '/ready', port: 0 } } })] };
    expect(findings(deployment({ 'sidecar.istio.io/status': ISTIO_STATUS }, broken))).toContain('SC108 error spec.template.spec.initContainers[1].readinessProbe.httpGet.port');
  });

  test('a status annotation that is not the injector\'s JSON marks nothing', () => {
    expect(findings(deployment({ 'sidecar.istio.io/status': 'injected' }, spec))).toContain('SC209 warning spec.template.spec.initContainers[1].lifecycle.preStop');
    expect(findings(deployment({ 'sidecar.istio.io/status': '{"initContainers": [' }, spec))).toContain('SC209 warning spec.template.spec.initContainers[1].lifecycle.preStop');
  });
});

describe('SC208 on a sidecar\'s readinessProbe', () => {
  const probe = { httpGet: { path: '/ready', port: 9801 } };
  const pod = (sidecar: any) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [APP], initContainers: [sidecar] } });

  const sc208 = (manifest: any) => validateManifests([manifest], { kubernetesVersion: '1.35' }).filter(v => v.ruleId === 'SC208');

  test('a warning on a helper that serves nothing but its probe', () => {
    const helper = { name: 'db-proxy', image: 'registry.example.com/db-proxy:2', restartPolicy: 'Always', readinessProbe: probe, ports: [{ containerPort: 9801 }] };
    expect(sc208(pod(helper)).map(v => `${v.severity} ${v.path}`)).toEqual(['warning spec.initContainers[0].readinessProbe']);
  });

  test('info on a sidecar that declares other ports it may serve clients on', () => {
    const server = { name: 'web', image: 'registry.example.com/web:2', restartPolicy: 'Always', readinessProbe: { httpGet: { path: '/ready', port: 'admin' } }, ports: [{ containerPort: 9801, name: 'admin' }, { containerPort: 80 }] };
    const [violation] = sc208(pod(server));
    expect(violation).toMatchObject({ ruleId: 'SC208', severity: 'info', path: 'spec.initContainers[0].readinessProbe' });
    expect(violation.message).toContain('it also declares port 80, and if it serves the pod\'s clients there');
  });
});
