import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { APP_RESOURCES, container, envOf, initOrder, lint, render } from './_helpers';
import { Mesh, MeshedDeployment, MeshKind, MeshLogLevel, MeshMode } from '../../src';
import { rewriteAppProbes } from '../../src/mesh/istio';

function meshed(options: Parameters<typeof Mesh.istio>[0] = {}, props: any = {}) {
  const chart = Testing.chart();
  const deployment = new MeshedDeployment(chart, 'web', { mesh: Mesh.istio(options), ...props });
  return { chart, deployment };
}

function withApp(options: Parameters<typeof Mesh.istio>[0] = {}, props: any = {}) {
  const { chart, deployment } = meshed(options, props);
  const app = deployment.addContainer({
    name: 'app',
    image: 'ghcr.io/example/app:1.0',
    ports: [{ number: 8080, name: 'http' }],
    resources: APP_RESOURCES,
    securityContext: { user: 10001, group: 10001 },
  });
  return { chart, deployment, app };
}

describe('MeshedDeployment with Istio, rendered', () => {
  test('istio-init first, then istio-proxy as the first sidecar, then the app\'s own init containers and sidecars', () => {
    // GIVEN an init container in the props (added before the mesh) and more added after
    const { chart, deployment } = meshed({}, { initContainers: [{ name: 'seed', image: 'seed:1' }] });
    deployment.addSidecar({ name: 'agent', image: 'agent:1' });
    deployment.addRunOnceInit({ name: 'migrate', image: 'migrate:1' });
    deployment.addContainer({ name: 'app', image: 'app:1', resources: APP_RESOURCES });

    // THEN the mesh is pinned first, and only sidecars carry restartPolicy
    const { spec } = render(chart);
    expect(initOrder(spec)).toEqual(['istio-init', 'istio-proxy (sidecar)', 'seed', 'agent (sidecar)', 'migrate']);
    expect(spec.containers.map((c: any) => c.restartPolicy)).toEqual([undefined]);
    expect(deployment.describeLifecycle().startupOrder).toEqual(['istio-init', 'istio-proxy', 'seed', 'agent', 'migrate', 'app']);
    expect(deployment.describeLifecycle().shutdownOrder).toEqual(['app', 'agent', 'istio-proxy']);
    expect(deployment.meshProxy?.name).toBe('istio-proxy');
    expect(deployment.meshInit?.name).toBe('istio-init');
    expect(deployment.sidecars.map(s => s.name)).toEqual(['istio-proxy', 'agent']);
  });

  test('istio-init: the iptables arguments, NET_ADMIN/NET_RAW as root, no probes, the proxy\'s resources', () => {
    const { chart } = withApp();
    const init = container(render(chart).spec, 'istio-init');
    expect(init.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(init.args).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*',
      '-d', '15090,15021,15020', '--log_output_level=default:info']);
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
    });
    expect(Object.keys(init).filter(k => /Probe$|^lifecycle$|^restartPolicy$/.test(k))).toEqual([]);
    expect(init.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  });

  test('istio-proxy: args, one declared port, a startupProbe on 15021 and no readiness, liveness or preStop', () => {
    const { chart } = withApp();
    const proxy = container(render(chart).spec, 'istio-proxy');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.args).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info']);
    expect(proxy.ports).toEqual([{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }]);
    expect(proxy.startupProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 3,
      failureThreshold: 600,
    });
    expect(proxy.readinessProbe).toBeUndefined();
    expect(proxy.livenessProbe).toBeUndefined();
    expect(proxy.lifecycle).toBeUndefined();
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsUser: 1337,
      runAsGroup: 1337,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('istio-proxy env, in the injector\'s order, completed from the final pod spec', () => {
    const { chart } = withApp();
    const { manifest, spec } = render(chart);
    const proxy = container(spec, 'istio-proxy');
    expect(proxy.env.map((e: any) => e.name)).toEqual([
      'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT',
      'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME',
      'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME', 'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
    ]);
    const env = envOf(proxy);
    expect(env.CA_ADDR).toBe('istiod.istio-system.svc:15012');
    expect(env.ISTIO_CPU_LIMIT).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    expect(env.GOMEMLIMIT).toEqual({ resourceFieldRef: { resource: 'limits.memory' } });
    expect(JSON.parse(env.PROXY_CONFIG)).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012', terminationDrainDuration: '5s' });
    expect(JSON.parse(env.ISTIO_META_POD_PORTS)).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('app');
    expect(env.ISTIO_META_WORKLOAD_NAME).toBe(manifest.metadata.name);
    expect(env.ISTIO_META_OWNER).toBe(`kubernetes://apis/apps/v1/namespaces/$(POD_NAMESPACE)/deployments/${manifest.metadata.name}`);
    expect(env.ISTIO_META_MESH_ID).toBe('cluster.local');
  });

  test('the nine injector volumes and istio-proxy\'s mounts', () => {
    const { chart } = withApp();
    const { spec } = render(chart);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data',
      'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl']);
    expect(spec.volumes.find((v: any) => v.name === 'istio-token')).toEqual({
      name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
    });
    expect(spec.volumes.find((v: any) => v.name === 'istio-envoy')).toEqual({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    expect(container(spec, 'istio-proxy').volumeMounts.map((m: any) => `${m.name}:${m.mountPath}`)).toEqual([
      'workload-socket:/var/run/secrets/workload-spiffe-uds', 'credential-socket:/var/run/secrets/credential-uds',
      'workload-certs:/var/run/secrets/workload-spiffe-credentials', 'istiod-ca-cert:/var/run/secrets/istio',
      'istio-ca-crl:/var/run/secrets/istio/crl', 'istio-data:/var/lib/istio/data', 'istio-envoy:/etc/istio/proxy',
      'istio-token:/var/run/secrets/tokens', 'istio-podinfo:/etc/istio/pod',
    ]);
    expect(container(spec, 'app').volumeMounts).toBeUndefined();
  });

  test('pod template: the webhook opt-out label (not annotation), mesh labels and annotations', () => {
    const { chart } = withApp({}, { podMetadata: { labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '2.1.0' } } });
    const { podMetadata } = render(chart);
    expect(podMetadata.labels).toMatchObject({
      'sidecar.istio.io/inject': 'false',
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'web',
      'service.istio.io/canonical-revision': '2.1.0',
    });
    expect(podMetadata.annotations['sidecar.istio.io/inject']).toBeUndefined();
    expect(podMetadata.annotations).toMatchObject({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': 'app',
      'kubectl.kubernetes.io/default-logs-container': 'app',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '15020',
      'prometheus.io/path': '/stats/prometheus',
    });
    expect(JSON.parse(podMetadata.annotations['sidecar.istio.io/status'])).toEqual({
      initContainers: ['istio-init', 'istio-proxy'],
      containers: null,
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl'],
      imagePullSecrets: null,
      revision: 'default',
    });
  });

  test('metrics merge keeps the app\'s own prometheus annotations for the agent; off when mergeMetrics is false', () => {
    const props = { podMetadata: { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/metrics' } } };
    const merged = render(withApp({}, props).chart);
    expect(JSON.parse(envOf(container(merged.spec, 'istio-proxy')).ISTIO_PROMETHEUS_ANNOTATIONS)).toEqual({ scrape: 'true', path: '/metrics', port: '9102' });
    expect(merged.podMetadata.annotations['prometheus.io/port']).toBe('15020');
    const unmerged = render(withApp({ mergeMetrics: false }, props).chart);
    expect(envOf(container(unmerged.spec, 'istio-proxy')).ISTIO_PROMETHEUS_ANNOTATIONS).toBeUndefined();
    expect(unmerged.podMetadata.annotations['prometheus.io/port']).toBe('9102');
  });

  test('typed settings: version, hub, revision, log level, resources, exclusions, drain', () => {
    const { chart, deployment } = withApp({
      hub: 'gcr.io/istio-release',
      version: '1.29.2',
      revision: 'canary',
      logLevel: MeshLogLevel.DEBUG,
      excludeInboundPorts: [9000],
      excludeOutboundPorts: [5432, 6379],
      excludeOutboundIpRanges: ['169.254.169.254/32', '10.1.0.0/16'],
      includeOutboundIpRanges: ['10.0.0.0/8'],
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
      drainTime: Duration.seconds(12),
      proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
      network: 'net-1',
    });
    const { spec, podMetadata } = render(chart);
    const [init, proxy] = spec.initContainers;
    expect(init.image).toBe('gcr.io/istio-release/proxyv2:1.29.2');
    expect(init.args).toEqual(['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '10.0.0.0/8',
      '-x', '169.254.169.254/32,10.1.0.0/16', '-b', '*', '-d', '15090,15021,15020,9000', '-o', '5432,6379', '--log_output_level=default:info']);
    expect(proxy.args).toContain('--proxyLogLevel=debug');
    expect(proxy.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    const env = envOf(proxy);
    expect(env.CA_ADDR).toBe('istiod-canary.istio-system.svc:15012');
    expect(JSON.parse(env.PROXY_CONFIG)).toEqual({ discoveryAddress: 'istiod-canary.istio-system.svc:15012', terminationDrainDuration: '12s' });
    expect(env.ISTIO_META_DNS_CAPTURE).toBe('true');
    expect(env.ISTIO_META_NETWORK).toBe('net-1');
    expect(podMetadata.annotations['istio.io/rev']).toBe('canary');
    expect(podMetadata.labels['topology.istio.io/network']).toBe('net-1');
    // drain 12s + app 30s
    expect(spec.terminationGracePeriodSeconds).toBe(42);
    expect(deployment.mesh.kind).toBe(MeshKind.ISTIO);
    expect(deployment.mesh.mode).toBe(MeshMode.RENDER);
  });

  test('CNI mode: istio-validation without capabilities as 1337, the annotations the CNI plugin reads, no opt-out label', () => {
    const { chart } = withApp({ cni: true, excludeInboundPorts: [9000], excludeOutboundPorts: [5432] });
    const { spec, podMetadata } = render(chart);
    expect(initOrder(spec)).toEqual(['istio-validation', 'istio-proxy (sidecar)']);
    const validation = spec.initContainers[0];
    expect(validation.args.slice(-3)).toEqual(['--run-validation', '--skip-rule-apply', '--log_output_level=default:info']);
    expect(validation.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsUser: 1337,
      runAsGroup: 1337,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(podMetadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020,9000',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '5432',
    });
    expect(JSON.parse(podMetadata.annotations['sidecar.istio.io/status']).initContainers).toEqual(['istio-validation', 'istio-proxy']);
    // istio-cni skips pods labelled or annotated sidecar.istio.io/inject=false: no opt-out here
    expect(podMetadata.labels['sidecar.istio.io/inject']).toBeUndefined();
    expect(podMetadata.annotations['sidecar.istio.io/inject']).toBeUndefined();
  });

  test('lints clean with every rule, mesh rules included; construct validation passes', () => {
    for (const options of [{}, { cni: true }]) {
      const { chart, deployment } = withApp(options);
      expect(lint(render(chart).manifests)).toEqual([]);
      expect(deployment.violations()).toEqual([]);
    }
  });
});

describe('Istio probe rewriting', () => {
  function probed(options: Parameters<typeof Mesh.istio>[0] = {}) {
    const { chart, deployment } = meshed(options);
    deployment.addSidecar({
      name: 'agent',
      image: 'agent:1',
      ports: [{ number: 9901, name: 'admin' }],
      startupProbe: kplus.Probe.fromHttpGet('/ready', { port: 9901, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
    });
    deployment.addContainer({
      name: 'app',
      image: 'app:1',
      ports: [{ number: 8080, name: 'http' }],
      resources: APP_RESOURCES,
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(2) }),
      liveness: kplus.Probe.fromTcpSocket({ port: 8080, initialDelaySeconds: Duration.seconds(10) }),
      startup: kplus.Probe.fromCommand(['test', '-e', '/tmp/started']),
    });
    return render(chart).spec;
  }

  test('HTTP and TCP probes of the app and of other sidecars go through the agent on 15020; exec probes stay', () => {
    const spec = probed();
    const app = container(spec, 'app');
    expect(app.readinessProbe).toEqual({
      httpGet: { path: '/app-health/app/readyz', port: 15020, scheme: 'HTTP' },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(app.livenessProbe).toEqual({
      httpGet: { path: '/app-health/app/livez', port: 15020, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      failureThreshold: 3,
    });
    expect(app.startupProbe).toEqual({ exec: { command: ['test', '-e', '/tmp/started'] }, failureThreshold: 3 });
    expect(container(spec, 'agent').startupProbe.httpGet).toEqual({ path: '/app-health/agent/startupz', port: 15020, scheme: 'HTTP' });
    // the proxy's own probe is not rewritten
    expect(container(spec, 'istio-proxy').startupProbe.httpGet.port).toBe(15021);
  });

  test('the originals are recorded in ISTIO_KUBE_APP_PROBERS on istio-proxy, after the injector\'s env', () => {
    const proxy = container(probed(), 'istio-proxy');
    expect(proxy.env[proxy.env.length - 1].name).toBe('ISTIO_KUBE_APP_PROBERS');
    expect(JSON.parse(envOf(proxy).ISTIO_KUBE_APP_PROBERS)).toEqual({
      '/app-health/agent/startupz': { httpGet: { path: '/ready', port: 9901, scheme: 'HTTP' }, timeoutSeconds: 1 },
      '/app-health/app/livez': { tcpSocket: { port: 8080 }, timeoutSeconds: 1 },
      '/app-health/app/readyz': { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 2 },
    });
  });

  test('named ports are resolved from the container\'s ports in the recorded prober', () => {
    const { chart, deployment } = meshed();
    deployment.addContainer({
      name: 'app',
      image: 'app:1',
      ports: [{ number: 8080, name: 'http' }],
      resources: APP_RESOURCES,
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    });
    // cdk8s-plus only takes numbers; a named port arrives from an escape hatch
    const { spec } = render(chart);
    expect(JSON.parse(envOf(container(spec, 'istio-proxy')).ISTIO_KUBE_APP_PROBERS)['/app-health/app/readyz'].httpGet.port).toBe(8080);
    const result = rewriteAppProbes({ containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/r', port: 'http' } } }] });
    expect(result.probers).toEqual({ '/app-health/app/readyz': { httpGet: { path: '/r', port: 8080 }, timeoutSeconds: 1 } });
  });

  test('rewriteAppProbes: false leaves every probe alone and records nothing', () => {
    const spec = probed({ rewriteAppProbes: false });
    expect(container(spec, 'app').readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
    expect(container(spec, 'agent').startupProbe.httpGet.port).toBe(9901);
    expect(envOf(container(spec, 'istio-proxy')).ISTIO_KUBE_APP_PROBERS).toBeUndefined();
  });
});

describe('the optional proxy readinessProbe', () => {
  test('renders the injector\'s readinessProbe, which SC208 leaves alone on a mesh proxy', () => {
    const { chart, deployment } = withApp({ proxyReadinessProbe: true });
    const { manifests, spec } = render(chart);
    expect(container(spec, 'istio-proxy').readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 15,
      timeoutSeconds: 3,
      failureThreshold: 4,
    });
    expect(deployment.violations()).toEqual([]);
    // linted as plain YAML, the proxy the status annotation names is the mesh's: SC208 leaves its readiness alone
    expect(manifests[0].spec.template.metadata.annotations['sidecar.istio.io/status']).toContain('"istio-proxy"');
    expect(lint(manifests)).toEqual([]);
  });
});

describe('Mesh.istio() options are checked eagerly', () => {
  test.each([
    [{ excludeInboundPorts: [0] }, 'Mesh.istio(): excludeInboundPorts contains 0, which is not a port number; use integers from 1 to 65535'],
    [{ excludeOutboundPorts: [70000] }, 'Mesh.istio(): excludeOutboundPorts contains 70000, which is not a port number; use integers from 1 to 65535'],
    [{ excludeOutboundIpRanges: ['10.0.0.0'] }, 'Mesh.istio(): excludeOutboundIpRanges contains "10.0.0.0", which is not a CIDR; write address/prefix, e.g. "169.254.169.254/32"'],
    [{ includeOutboundIpRanges: ['300.0.0.0/8'] }, 'Mesh.istio(): includeOutboundIpRanges contains "300.0.0.0/8", which is not a CIDR; write address/prefix, e.g. "169.254.169.254/32", or "*" for everything'],
    [{ version: '1.30 beta' }, 'Mesh.istio(): version "1.30 beta" is not an image tag; use a tag such as "1.30.3"'],
    [{ mode: MeshMode.INJECT, drainTime: Duration.seconds(5), cni: true },
      'Mesh.istio(): drainTime, cni apply only to MeshMode.RENDER; in INJECT mode the injector decides them from the mesh\'s own configuration; remove them or use MeshMode.RENDER'],
  ])('%j', (options, message) => {
    expect(() => Mesh.istio(options as any)).toThrow(message);
  });

  test('the facts a mesh exposes', () => {
    const mesh = Mesh.istio();
    expect([mesh.kind, mesh.mode, mesh.proxyName, mesh.proxyUid, mesh.proxyImage]).toEqual([MeshKind.ISTIO, MeshMode.RENDER, 'istio-proxy', 1337, 'docker.io/istio/proxyv2:1.30.3']);
    expect(mesh.reservedPorts).toEqual([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);
  });
});
