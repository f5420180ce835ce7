/**
 * Istio's native-sidecar injection, rendered at synth time (research/mesh-and-presets.md §1):
 * `istio-init` or `istio-validation`, then `istio-proxy` with `restartPolicy: Always`, its env,
 * volumes, labels and annotations, and the probe rewrite through the agent's status port.
 */
import { Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  appPorts, defined, EnvEntry, fieldEnv, intOrString, logLevelWord, MeshInjection, MeshRendering, MeshTarget, patchContainer,
  portValue, resourceEnv, resourceQuantities, valueEnv, withVolumes,
} from './_render';
import { ISTIO, ISTIO_INJECT_LABEL, ISTIO_NATIVE_ANNOTATION, ISTIO_REVISION_LABEL } from './facts';
import { IstioOptions, Mesh, MeshLogLevel } from './mesh';
import { secondsText } from '../lifecycle/seconds';

/** The agent's status port: health, merged metrics and the app-probe proxy. */
export const ISTIO_STATUS_PORT = 15020;
const ENVOY_HEALTH_PORT = 15021;
const PROXY_UID = ISTIO.proxyUid;

/** The injector's default proxy resources (also used for the init container). */
export const ISTIO_DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(2000) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(1024) },
};

/** Pod volumes the injector adds, in its order. */
const VOLUMES: Record<string, any>[] = [
  { name: 'workload-socket', emptyDir: {} },
  { name: 'credential-socket', emptyDir: {} },
  { name: 'workload-certs', emptyDir: {} },
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  {
    name: 'istio-podinfo',
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      ],
    },
  },
  { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
  { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
  { name: 'istio-ca-crl', configMap: { name: 'istio-ca-crl', optional: true } },
];

/** istio-proxy's mounts, in the injector's order. */
const MOUNTS: Record<string, any>[] = [
  { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
  { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
  { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
  { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
  { name: 'istio-ca-crl', mountPath: '/var/run/secrets/istio/crl' },
  { name: 'istio-data', mountPath: '/var/lib/istio/data' },
  { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
  { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
  { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
];

const PROBE_SUFFIXES: [string, string][] = [['livenessProbe', 'livez'], ['readinessProbe', 'readyz'], ['startupProbe', 'startupz']];

/** Istio's locked-down context for the proxy's UID: the proxy, and the CNI validation init container. */
function proxyUserSecurityContext(): kplus.ContainerSecurityContextProps {
  return {
    user: PROXY_UID,
    group: PROXY_UID,
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
  };
}

/** Everything RENDER mode adds for Istio. */
export function renderIstio(target: MeshTarget, mesh: Mesh, options: IstioOptions): MeshRendering {
  const cni = options.cni ?? false;
  const revision = options.revision ?? 'default';
  const istioNamespace = options.istioNamespace ?? 'istio-system';
  const trustDomain = options.trustDomain ?? 'cluster.local';
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const resources = options.resources ?? ISTIO_DEFAULT_RESOURCES;
  const drain = options.drainTime ?? Duration.seconds(5);
  const excludedInbound = [ISTIO_STATUS_PORT, ...options.excludeInboundPorts ?? []];
  const initName = cni ? 'istio-validation' : 'istio-init';

  const init = {
    name: initName,
    image: mesh.proxyImage,
    args: iptablesArgs(options, excludedInbound, cni),
    resources,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    // With CNI the init container only validates the redirection, as the proxy's own user.
    securityContext: cni
      ? proxyUserSecurityContext()
      : {
        user: 0,
        group: 0,
        ensureNonRoot: false,
        readOnlyRootFilesystem: false,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { add: [kplus.Capability.NET_ADMIN, kplus.Capability.NET_RAW], drop: [kplus.Capability.ALL] },
      },
  };

  const healthProbe = (periodSeconds: number, failureThreshold: number) => kplus.Probe.fromHttpGet('/healthz/ready', {
    port: ENVOY_HEALTH_PORT,
    initialDelaySeconds: Duration.seconds(0),
    periodSeconds: Duration.seconds(periodSeconds),
    timeoutSeconds: Duration.seconds(3),
    failureThreshold,
  });
  const proxy = {
    name: ISTIO.proxyName,
    image: mesh.proxyImage,
    args: [
      'proxy', 'sidecar', '--domain', `$(POD_NAMESPACE).svc.${clusterDomain}`,
      `--proxyLogLevel=${logLevelWord(options.logLevel ?? MeshLogLevel.WARNING, 'warning')}`,
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ],
    ports: [{ number: 15090, name: 'http-envoy-prom', protocol: kplus.Protocol.TCP }],
    resources,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    // The startupProbe holds back every later container until Envoy has its configuration.
    startupProbe: healthProbe(1, 600),
    readinessProbe: options.proxyReadinessProbe ? healthProbe(15, 4) : undefined,
    securityContext: proxyUserSecurityContext(),
    // No preStop drain: it would start at the beginning of pod termination, while the app still
    // sends traffic. Without it the agent drains on SIGTERM, after the app has exited.
    drainTime: drain,
  };

  const proxyConfig = JSON.stringify({
    discoveryAddress: `istiod${revision === 'default' ? '' : `-${revision}`}.${istioNamespace}.svc:15012`,
    terminationDrainDuration: secondsText(drain),
  });
  const kindPlural = `${target.kind.toLowerCase()}s`;
  const owner = `kubernetes://apis/${target.apiVersion}/namespaces/${target.namespace ?? '$(POD_NAMESPACE)'}/${kindPlural}/${target.name}`;
  const appPrometheus = options.mergeMetrics === false ? {} : prometheusAnnotations(target.podAnnotations());
  const env = (spec: any): EnvEntry[] => [
    valueEnv('PILOT_CERT_PROVIDER', 'istiod'),
    valueEnv('CA_ADDR', `istiod${revision === 'default' ? '' : `-${revision}`}.${istioNamespace}.svc:15012`),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    resourceEnv('ISTIO_CPU_LIMIT', 'limits.cpu', '1'),
    valueEnv('PROXY_CONFIG', proxyConfig),
    valueEnv('ISTIO_META_POD_PORTS', JSON.stringify(appPorts(spec).map(podPort))),
    valueEnv('ISTIO_META_APP_CONTAINERS', (spec.containers ?? []).map((c: any) => c?.name).join(',')),
    resourceEnv('GOMEMLIMIT', 'limits.memory'),
    valueEnv('ISTIO_META_CLUSTER_ID', options.clusterId ?? 'Kubernetes'),
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
    valueEnv('ISTIO_META_INTERCEPTION_MODE', 'REDIRECT'),
    valueEnv('ISTIO_META_WORKLOAD_NAME', target.name),
    valueEnv('ISTIO_META_OWNER', owner),
    valueEnv('ISTIO_META_MESH_ID', options.meshId ?? trustDomain),
    valueEnv('TRUST_DOMAIN', trustDomain),
    ...(options.network !== undefined ? [valueEnv('ISTIO_META_NETWORK', options.network)] : []),
    ...Object.entries(options.proxyMetadata ?? {}).map(([name, value]) => valueEnv(name, value)),
    ...(Object.keys(appPrometheus).length > 0 ? [valueEnv('ISTIO_PROMETHEUS_ANNOTATIONS', JSON.stringify(appPrometheus))] : []),
  ];

  const transform = (input: any): any => {
    const rewritten = options.rewriteAppProbes === false ? { spec: input, probers: {} } : rewriteAppProbes(input);
    let spec = rewritten.spec;
    const probers = Object.keys(rewritten.probers).length > 0
      ? [valueEnv('ISTIO_KUBE_APP_PROBERS', JSON.stringify(rewritten.probers))] : [];
    const ownEnv = env(spec);
    spec = patchContainer(spec, 'initContainers', ISTIO.proxyName, container => ({
      ...container,
      env: [...ownEnv, ...probers, ...extraEnv(container.env, ownEnv)],
      volumeMounts: [...MOUNTS, ...container.volumeMounts ?? []],
    }));
    return withVolumes(spec, VOLUMES);
  };

  const labels: Record<string, string> = {
    // The opt-out that keeps the webhook from injecting again. Not with CNI: the istio-cni plugin
    // skips redirecting traffic for pods labelled (or annotated) sidecar.istio.io/inject=false.
    ...(cni ? {} : { [ISTIO_INJECT_LABEL]: 'false' }),
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': Lazy.any({ produce: () => target.podLabel('app.kubernetes.io/name') ?? target.podLabel('app') ?? target.name }),
    'service.istio.io/canonical-revision': Lazy.any({ produce: () => target.podLabel('app.kubernetes.io/version') ?? target.podLabel('version') ?? 'latest' }),
    ...(options.network !== undefined ? { 'topology.istio.io/network': options.network } : {}),
  };
  const annotations: Record<string, string> = {
    'istio.io/rev': revision,
    'kubectl.kubernetes.io/default-container': Lazy.any({ produce: () => target.firstContainerName() }),
    'kubectl.kubernetes.io/default-logs-container': Lazy.any({ produce: () => target.firstContainerName() }),
    ...(options.mergeMetrics === false ? {} : {
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': String(ISTIO_STATUS_PORT),
      'prometheus.io/scrape': 'true',
    }),
    'sidecar.istio.io/status': JSON.stringify({
      initContainers: [initName, ISTIO.proxyName],
      containers: null,
      volumes: VOLUMES.map(v => v.name),
      imagePullSecrets: null,
      revision,
    }),
    ...(cni ? cniAnnotations(options, excludedInbound) : {}),
  };

  return {
    init,
    proxy,
    labels,
    annotations,
    transform,
  };
}

/** INJECT mode: request a native istio-proxy from the webhook, with the typed settings as annotations. */
export function istioInjection(mesh: Mesh, options: IstioOptions): MeshInjection {
  const quantities = resourceQuantities(options.resources);
  const imageGiven = options.proxyImage !== undefined || options.version !== undefined || options.hub !== undefined;
  return {
    labels: defined({
      [ISTIO_INJECT_LABEL]: 'true',
      [ISTIO_REVISION_LABEL]: options.revision,
    }),
    annotations: defined({
      [ISTIO_NATIVE_ANNOTATION]: 'true',
      'sidecar.istio.io/proxyImage': imageGiven ? mesh.proxyImage : undefined,
      'sidecar.istio.io/proxyCPU': quantities.cpuRequest,
      'sidecar.istio.io/proxyCPULimit': quantities.cpuLimit,
      'sidecar.istio.io/proxyMemory': quantities.memoryRequest,
      'sidecar.istio.io/proxyMemoryLimit': quantities.memoryLimit,
      'sidecar.istio.io/logLevel': options.logLevel !== undefined ? logLevelWord(options.logLevel, 'warning') : undefined,
      'sidecar.istio.io/rewriteAppHTTPProbers': options.rewriteAppProbes === false ? 'false' : undefined,
      'traffic.sidecar.istio.io/includeOutboundIPRanges': options.includeOutboundIpRanges?.join(','),
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': options.excludeOutboundIpRanges?.join(','),
      'traffic.sidecar.istio.io/excludeInboundPorts': options.excludeInboundPorts?.join(','),
      'traffic.sidecar.istio.io/excludeOutboundPorts': options.excludeOutboundPorts?.join(','),
    }),
  };
}

/**
 * Rewrite HTTP, TCP and gRPC probes of every container except the proxy (other native sidecars
 * included) to `httpGet :15020 /app-health/<container>/<livez|readyz|startupz>`, as the injector
 * does, and return the originals keyed by their new path for `ISTIO_KUBE_APP_PROBERS`.
 */
export function rewriteAppProbes(spec: any): { spec: any; probers: Record<string, any> } {
  const probers: Record<string, any> = {};
  const rewriteList = (list: 'initContainers' | 'containers') => {
    const containers: any[] | undefined = spec[list];
    if (!Array.isArray(containers)) return containers;
    return containers.map(container => {
      if (container === null || typeof container !== 'object' || container.name === ISTIO.proxyName) return container;
      let copy = container;
      for (const [field, suffix] of PROBE_SUFFIXES) {
        const probe = container[field];
        const prober = proberOf(probe, container);
        if (prober === undefined) continue;
        const path = `/app-health/${container.name}/${suffix}`;
        probers[path] = prober;
        const { httpGet, tcpSocket, grpc, ...timing } = probe;
        copy = { ...copy, [field]: { ...timing, httpGet: { ...rewrittenHeaders(httpGet), path, port: intOrString(ISTIO_STATUS_PORT), scheme: 'HTTP' } } };
      }
      return copy;
    });
  };
  const initContainers = rewriteList('initContainers');
  const containers = rewriteList('containers');
  return {
    spec: { ...spec, ...(initContainers ? { initContainers } : {}), ...(containers ? { containers } : {}) },
    probers,
  };
}

/** The original probe as the agent runs it, with named ports resolved; undefined for exec probes. */
function proberOf(probe: any, container: any): Record<string, any> | undefined {
  if (probe === null || typeof probe !== 'object') return undefined;
  const timeoutSeconds = typeof probe.timeoutSeconds === 'number' ? probe.timeoutSeconds : 1;
  const resolve = (raw: unknown) => {
    const port = portValue(raw);
    if (typeof port !== 'string') return port;
    const named = (container.ports ?? []).find((p: any) => p?.name === port);
    return typeof named?.containerPort === 'number' ? named.containerPort : port;
  };
  if (probe.httpGet && typeof probe.httpGet === 'object') {
    return { httpGet: { ...probe.httpGet, port: resolve(probe.httpGet.port) }, timeoutSeconds };
  }
  if (probe.tcpSocket && typeof probe.tcpSocket === 'object') {
    return { tcpSocket: { ...probe.tcpSocket, port: resolve(probe.tcpSocket.port) }, timeoutSeconds };
  }
  if (probe.grpc && typeof probe.grpc === 'object') {
    return { grpc: { ...probe.grpc, port: portValue(probe.grpc.port) }, timeoutSeconds };
  }
  return undefined;
}

/** The agent serves plain HTTP on the pod IP: keep the probe's headers, drop host and scheme. */
function rewrittenHeaders(httpGet: any): Record<string, any> {
  return httpGet && Array.isArray(httpGet.httpHeaders) ? { httpHeaders: httpGet.httpHeaders } : {};
}

function iptablesArgs(options: IstioOptions, excludedInbound: number[], cni: boolean): string[] {
  return [
    'istio-iptables',
    '-p', '15001',
    '-z', '15006',
    '-u', String(PROXY_UID),
    '-m', 'REDIRECT',
    '-i', (options.includeOutboundIpRanges ?? ['*']).join(','),
    '-x', (options.excludeOutboundIpRanges ?? []).join(','),
    '-b', '*',
    '-d', ['15090', '15021', ...excludedInbound.map(String)].join(','),
    ...(options.excludeOutboundPorts?.length ? ['-o', options.excludeOutboundPorts.join(',')] : []),
    ...(cni ? ['--run-validation', '--skip-rule-apply'] : []),
    '--log_output_level=default:info',
  ];
}

/** With CNI the node plugin, not the pod, writes the iptables rules, from these annotations. */
function cniAnnotations(options: IstioOptions, excludedInbound: number[]): Record<string, string> {
  return defined({
    'sidecar.istio.io/interceptionMode': 'REDIRECT',
    'traffic.sidecar.istio.io/excludeInboundPorts': excludedInbound.join(','),
    'traffic.sidecar.istio.io/excludeOutboundIPRanges': (options.excludeOutboundIpRanges ?? []).join(','),
    'traffic.sidecar.istio.io/excludeOutboundPorts': options.excludeOutboundPorts?.length ? options.excludeOutboundPorts.join(',') : undefined,
    'traffic.sidecar.istio.io/includeInboundPorts': '*',
    'traffic.sidecar.istio.io/includeOutboundIPRanges': (options.includeOutboundIpRanges ?? ['*']).join(','),
  });
}

/** The app's own `prometheus.io/*` annotations, which metrics merging replaces and the agent keeps. */
function prometheusAnnotations(annotations: Record<string, string>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of ['scrape', 'path', 'port']) {
    const value = annotations[`prometheus.io/${key}`];
    if (typeof value === 'string') found[key] = value;
  }
  return found;
}

/** A container port as the injector writes it into `ISTIO_META_POD_PORTS`. */
function podPort(port: Record<string, any>): Record<string, any> {
  return defined({ name: port.name, containerPort: port.containerPort, protocol: port.protocol ?? 'TCP' } as any);
}

/** Env the user added to the proxy container (through its handle) that the renderer did not set. */
function extraEnv(rendered: unknown, own: EnvEntry[]): EnvEntry[] {
  if (!Array.isArray(rendered)) return [];
  const names = new Set(own.map(e => e.name));
  return rendered.filter(e => !names.has(e?.name));
}
