import { createHash } from 'crypto';
import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { APP_RESOURCES, container, envOf, initOrder, lint, render } from './_helpers';
import { EXAMPLE_TRUST_ANCHORS } from '../../examples/mesh-linkerd';
import { LinkerdInboundPolicy, Mesh, MeshedDeployment, MeshKind, MeshLogLevel, MeshMode } from '../../src';

function withApp(options: Parameters<typeof Mesh.linkerd>[0] = {}, props: any = {}) {
  const chart = Testing.chart();
  const deployment = new MeshedDeployment(chart, 'api', { mesh: Mesh.linkerd({ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS, ...options }), ...props });
  deployment.addContainer({
    name: 'api',
    image: 'ghcr.io/example/api:1.0',
    ports: [{ number: 8080, name: 'http' }],
    resources: APP_RESOURCES,
    readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    securityContext: { user: 10001, group: 10001 },
  });
  return { chart, deployment };
}

describe('MeshedDeployment with Linkerd, rendered', () => {
  test('linkerd-init, then linkerd-proxy as the first sidecar, then the app\'s sidecars', () => {
    const { chart, deployment } = withApp({}, { initContainers: [{ name: 'seed', image: 'seed:1' }] });
    deployment.addSidecar({ name: 'cache', image: 'redis:7', ports: [{ number: 6379 }], startupProbe: kplus.Probe.fromTcpSocket({ port: 6379 }) });
    const { spec } = render(chart);
    expect(initOrder(spec)).toEqual(['linkerd-init', 'linkerd-proxy (sidecar)', 'seed', 'cache (sidecar)']);
    expect(deployment.describeLifecycle().shutdownOrder).toEqual(['api', 'cache', 'linkerd-proxy']);
    // the app's ports, and those of its other sidecars, are the proxy's inbound ports
    expect(envOf(container(spec, 'linkerd-proxy')).LINKERD2_PROXY_INBOUND_PORTS).toBe('8080,6379');
  });

  test('linkerd-init: proxy-init from the proxy image, NET_ADMIN/NET_RAW as 65534, the xtables lock mount', () => {
    const { chart } = withApp();
    const { spec } = render(chart);
    const init = container(spec, 'linkerd-init');
    expect(init.image).toBe('cr.l5d.io/linkerd/proxy:edge-26.5.2');
    expect(init.command).toEqual(['/usr/lib/linkerd/linkerd2-proxy-init']);
    expect(init.args).toEqual(['--firewall-bin-path', 'iptables-nft', '--firewall-save-bin-path', 'iptables-nft-save', '--incoming-proxy-port', '4143',
      '--outgoing-proxy-port', '4140', '--proxy-uid', '2102', '--inbound-ports-to-ignore', '4190,4191,4567,4568', '--outbound-ports-to-ignore', '4567,4568']);
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(init.volumeMounts).toEqual([{ name: 'linkerd-proxy-init-xtables-lock', mountPath: '/run' }]);
    expect(init.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(Object.keys(init).filter(k => /Probe$|^lifecycle$|^restartPolicy$/.test(k))).toEqual([]);
  });

  test('linkerd-proxy: ports, startup on /ready and liveness on /live, no readiness and no lifecycle hooks', () => {
    const { chart } = withApp();
    const proxy = container(render(chart).spec, 'linkerd-proxy');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.imagePullPolicy).toBe('IfNotPresent');
    expect(proxy.ports).toEqual([{ containerPort: 4143, name: 'linkerd-proxy' }, { containerPort: 4191, name: 'linkerd-admin' }]);
    expect(proxy.startupProbe).toEqual({ httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 120 });
    expect(proxy.livenessProbe).toEqual({ httpGet: { path: '/live', port: 4191, scheme: 'HTTP' }, initialDelaySeconds: 10, timeoutSeconds: 1, failureThreshold: 3 });
    expect(proxy.readinessProbe).toBeUndefined();
    expect(proxy.lifecycle).toBeUndefined();
    expect(proxy.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 2102,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '20Mi' }, limits: { memory: '250Mi' } });
  });

  test('linkerd-proxy env: identity, control-plane addresses, listen addresses; the app\'s probes are left alone', () => {
    const { chart } = withApp();
    const { spec } = render(chart);
    const env = envOf(container(spec, 'linkerd-proxy'));
    expect(env).toMatchObject({
      _l5d_ns: 'linkerd',
      _l5d_trustdomain: 'cluster.local',
      LINKERD2_PROXY_LOG: 'warn,linkerd=info,hickory=error,[{headers}]=off,[{request}]=off',
      LINKERD2_PROXY_DESTINATION_SVC_ADDR: 'linkerd-dst-headless.linkerd.svc.cluster.local.:8086',
      LINKERD2_PROXY_POLICY_SVC_ADDR: 'linkerd-policy.linkerd.svc.cluster.local.:8090',
      LINKERD2_PROXY_IDENTITY_SVC_ADDR: 'linkerd-identity-headless.linkerd.svc.cluster.local.:8080',
      LINKERD2_PROXY_CONTROL_LISTEN_ADDR: '[::]:4190',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '[::]:4191',
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS: '127.0.0.1:4140,[::1]:4140',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '[::]:4143',
      LINKERD2_PROXY_INBOUND_IPS: { fieldRef: { fieldPath: 'status.podIPs' } },
      LINKERD2_PROXY_INBOUND_PORTS: '8080',
      LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'all-unauthenticated',
      LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION: '25,587,3306,4444,5432,6379,9300,11211',
      LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: EXAMPLE_TRUST_ANCHORS.trim(),
      LINKERD2_PROXY_IDENTITY_TOKEN_FILE: '/var/run/secrets/tokens/linkerd-identity-token',
      LINKERD2_PROXY_IDENTITY_LOCAL_NAME: '$(_pod_sa).$(_pod_ns).serviceaccount.identity.$(_l5d_ns).$(_l5d_trustdomain)',
      LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED: 'false',
    });
    expect(container(spec, 'api').readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
  });

  test('identity volumes: a Memory emptyDir and a projected token for identity.l5d.io', () => {
    const { spec } = render(withApp().chart);
    expect(spec.volumes).toEqual([
      { name: 'linkerd-proxy-init-xtables-lock', emptyDir: {} },
      { name: 'linkerd-identity-end-entity', emptyDir: { medium: 'Memory' } },
      { name: 'linkerd-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'identity.l5d.io', expirationSeconds: 86400, path: 'linkerd-identity-token' } }] } },
    ]);
    expect(container(spec, 'linkerd-proxy').volumeMounts).toEqual([
      { name: 'linkerd-identity-end-entity', mountPath: '/var/run/linkerd/identity/end-entity' },
      { name: 'linkerd-identity-token', mountPath: '/var/run/secrets/tokens' },
    ]);
  });

  test('pod template: linkerd.io/inject disabled, the control plane\'s labels and annotations', () => {
    const options = { opaquePorts: [6379], defaultInboundPolicy: LinkerdInboundPolicy.CLUSTER_AUTHENTICATED };
    const { manifest, podMetadata } = render(withApp(options).chart);
    expect(podMetadata.annotations).toMatchObject({
      'linkerd.io/inject': 'disabled',
      'linkerd.io/created-by': 'cdk8s-sidecars',
      'linkerd.io/proxy-version': 'edge-26.5.2',
      'linkerd.io/trust-root-sha256': createHash('sha256').update(EXAMPLE_TRUST_ANCHORS.trim()).digest('hex'),
      'config.linkerd.io/opaque-ports': '6379',
      'config.linkerd.io/default-inbound-policy': 'cluster-authenticated',
    });
    expect(podMetadata.labels).toMatchObject({
      'linkerd.io/control-plane-ns': 'linkerd',
      'linkerd.io/proxy-deployment': manifest.metadata.name,
    });
    expect(podMetadata.labels['linkerd.io/workload-ns']).toBeUndefined();
  });

  test('typed settings: version, namespace, log level, exclusions, drain, networks', () => {
    const { chart } = withApp({
      version: 'edge-26.6.1',
      controlPlaneNamespace: 'l5d',
      logLevel: MeshLogLevel.DEBUG,
      excludeInboundPorts: [9000],
      excludeOutboundPorts: [25],
      excludeOutboundIpRanges: ['169.254.169.254/32'],
      clusterNetworks: ['10.0.0.0/8'],
      drainTime: Duration.seconds(15),
      resources: { cpu: { request: kplus.Cpu.millis(200) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
    }, { metadata: { namespace: 'shop' } });
    const { spec, podMetadata } = render(chart);
    const [init, proxy] = spec.initContainers;
    expect(proxy.image).toBe('cr.l5d.io/linkerd/proxy:edge-26.6.1');
    expect(init.args.slice(-6)).toEqual(['--inbound-ports-to-ignore', '4190,4191,4567,4568,9000', '--outbound-ports-to-ignore', '4567,4568,25',
      '--subnets-to-ignore', '169.254.169.254/32']);
    const env = envOf(proxy);
    expect(env.LINKERD2_PROXY_LOG).toBe('debug,linkerd=debug,hickory=error,[{headers}]=off,[{request}]=off');
    expect(env.LINKERD2_PROXY_DESTINATION_SVC_ADDR).toBe('linkerd-dst-headless.l5d.svc.cluster.local.:8086');
    expect(env.LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS).toBe('10.0.0.0/8');
    expect(podMetadata.labels['linkerd.io/workload-ns']).toBe('shop');
    // linkerd-init carries the exclusions; the CNI-only annotations are absent
    expect(podMetadata.annotations['config.linkerd.io/skip-inbound-ports']).toBeUndefined();
    expect(podMetadata.annotations['linkerd.io/proxy-version']).toBe('edge-26.6.1');
    expect(spec.terminationGracePeriodSeconds).toBe(45);
  });

  test('CNI mode: the network validator, no capabilities, no xtables lock; exclusions as the annotations the plugin reads', () => {
    const { spec, podMetadata } = render(withApp({ cni: true, excludeInboundPorts: [9000], excludeOutboundPorts: [25] }).chart);
    expect(podMetadata.annotations).toMatchObject({
      'linkerd.io/inject': 'disabled',
      'config.linkerd.io/skip-inbound-ports': '9000',
      'config.linkerd.io/skip-outbound-ports': '25',
    });
    expect(initOrder(spec)).toEqual(['linkerd-network-validator', 'linkerd-proxy (sidecar)']);
    const validator = spec.initContainers[0];
    expect(validator.command).toEqual(['/usr/lib/linkerd/linkerd2-network-validator']);
    expect(validator.args).toEqual(['--log-format', 'plain', '--log-level', 'debug', '--connect-addr', '1.1.1.1:20001', '--listen-addr', '0.0.0.0:4140', '--timeout', '10s']);
    expect(validator.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(validator.volumeMounts).toBeUndefined();
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['linkerd-identity-end-entity', 'linkerd-identity-token']);
  });

  test('lints clean with every rule, mesh rules included; construct validation passes', () => {
    for (const options of [{}, { cni: true }]) {
      const { chart, deployment } = withApp(options);
      expect(lint(render(chart).manifests)).toEqual([]);
      expect(deployment.violations()).toEqual([]);
    }
  });

  test('proxyReadinessProbe renders /ready on 4191, which SC208 leaves alone on a mesh proxy', () => {
    const { chart, deployment } = withApp({ proxyReadinessProbe: true });
    const { manifests, spec } = render(chart);
    expect(container(spec, 'linkerd-proxy').readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' }, initialDelaySeconds: 2, timeoutSeconds: 1, failureThreshold: 3,
    });
    expect(deployment.violations()).toEqual([]);
    // linted as plain YAML, Linkerd's proxy (its LINKERD2_PROXY_ settings, the injector's annotation) is the mesh's: no SC208
    expect(lint(manifests)).toEqual([]);
  });
});

describe('Mesh.linkerd() options are checked eagerly', () => {
  test.each([
    [{}, 'Mesh.linkerd(): trustAnchorsPem is missing; RENDER mode needs the identity trust anchors (ca-bundle.crt of the linkerd-identity-trust-roots ConfigMap), or use mode: MeshMode.INJECT'],
    [{ trustAnchorsPem: 'abc' }, 'Mesh.linkerd(): trustAnchorsPem is not a PEM certificate bundle; RENDER mode needs the identity trust anchors (ca-bundle.crt of the linkerd-identity-trust-roots ConfigMap), or use mode: MeshMode.INJECT'],
    [{ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS, opaquePorts: [3306.5] }, 'Mesh.linkerd(): opaquePorts contains 3306.5, which is not a port number; use integers from 1 to 65535'],
    [{ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS, clusterNetworks: ['fd00::/200'] }, 'Mesh.linkerd(): clusterNetworks contains "fd00::/200", which is not a CIDR; write address/prefix, e.g. "169.254.169.254/32"'],
    [{ mode: MeshMode.INJECT, trustAnchorsPem: EXAMPLE_TRUST_ANCHORS },
      'Mesh.linkerd(): trustAnchorsPem applies only to MeshMode.RENDER; in INJECT mode the injector decides it from the mesh\'s own configuration; remove it or use MeshMode.RENDER'],
  ])('%j', (options, message) => {
    expect(() => Mesh.linkerd(options as any)).toThrow(message);
  });

  test('the facts a mesh exposes', () => {
    const mesh = Mesh.linkerd({ mode: MeshMode.INJECT });
    expect([mesh.kind, mesh.mode, mesh.proxyName, mesh.proxyUid, mesh.reservedPorts]).toEqual([MeshKind.LINKERD, MeshMode.INJECT, 'linkerd-proxy', 2102, [4140, 4143, 4190, 4191]]);
  });
});
