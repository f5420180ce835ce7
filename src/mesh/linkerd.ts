/**
 * Linkerd's native-sidecar injection, rendered at synth time (research/mesh-and-presets.md §2):
 * `linkerd-init` or `linkerd-network-validator`, then `linkerd-proxy` with `restartPolicy: Always`,
 * its env, identity volumes, labels and annotations.
 */
import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  appPorts, defined, EnvEntry, fieldEnv, logLevelWord, MeshInjection, MeshRendering, MeshTarget, patchContainer,
  resourceQuantities, valueEnv, withVolumes,
} from './_render';
import { LINKERD, LINKERD_INJECT_ANNOTATION, LINKERD_NATIVE_ANNOTATIONS } from './facts';
import { LinkerdOptions, Mesh, MeshLogLevel } from './mesh';

const ADMIN_PORT = 4191;
/** Ports Linkerd itself never proxies inbound (control, admin) plus its default skip list. */
const DEFAULT_INBOUND_SKIP = [4190, 4191, 4567, 4568];
const DEFAULT_OUTBOUND_SKIP = [4567, 4568];
const DEFAULT_OPAQUE_PORTS = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211];
const DEFAULT_CLUSTER_NETWORKS = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];
/** UID and GID of linkerd-init and the network validator (`nobody`). */
const INIT_UID = 65534;

/** Linkerd's HA values for the proxy (the chart itself sets no resources). */
export const LINKERD_DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(20), limit: Size.mebibytes(250) },
};

const VOLUMES: Record<string, any>[] = [
  { name: 'linkerd-identity-end-entity', emptyDir: { medium: 'Memory' } },
  {
    name: 'linkerd-identity-token',
    projected: { sources: [{ serviceAccountToken: { audience: 'identity.l5d.io', expirationSeconds: 86400, path: 'linkerd-identity-token' } }] },
  },
];
const XTABLES_LOCK = { name: 'linkerd-proxy-init-xtables-lock', emptyDir: {} };
const PROXY_MOUNTS: Record<string, any>[] = [
  { name: 'linkerd-identity-end-entity', mountPath: '/var/run/linkerd/identity/end-entity' },
  { name: 'linkerd-identity-token', mountPath: '/var/run/secrets/tokens' },
];

/** Everything RENDER mode adds for Linkerd. */
export function renderLinkerd(target: MeshTarget, mesh: Mesh, options: LinkerdOptions): MeshRendering {
  const cni = options.cni ?? false;
  const namespace = options.controlPlaneNamespace ?? 'linkerd';
  const trustDomain = options.trustDomain ?? 'cluster.local';
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const networks = (options.clusterNetworks ?? DEFAULT_CLUSTER_NETWORKS).join(',');
  const resources = options.resources ?? LINKERD_DEFAULT_RESOURCES;
  const trustAnchors = (options.trustAnchorsPem ?? '').trim();
  const version = mesh.proxyImage.includes(':') ? mesh.proxyImage.slice(mesh.proxyImage.lastIndexOf(':') + 1) : Mesh.LINKERD_VERSION;
  const initName = cni ? 'linkerd-network-validator' : 'linkerd-init';
  const initSecurity = {
    user: INIT_UID,
    group: INIT_UID,
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };

  const init = cni
    ? {
      name: initName,
      image: mesh.proxyImage,
      command: ['/usr/lib/linkerd/linkerd2-network-validator'],
      args: ['--log-format', 'plain', '--log-level', 'debug', '--connect-addr', '1.1.1.1:20001', '--listen-addr', '0.0.0.0:4140', '--timeout', '10s'],
      resources,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: { ...initSecurity, capabilities: { drop: [kplus.Capability.ALL] } },
    }
    : {
      name: initName,
      image: mesh.proxyImage,
      command: ['/usr/lib/linkerd/linkerd2-proxy-init'],
      args: [
        '--firewall-bin-path', 'iptables-nft',
        '--firewall-save-bin-path', 'iptables-nft-save',
        '--incoming-proxy-port', '4143',
        '--outgoing-proxy-port', '4140',
        '--proxy-uid', String(LINKERD.proxyUid),
        '--inbound-ports-to-ignore', [...DEFAULT_INBOUND_SKIP, ...options.excludeInboundPorts ?? []].join(','),
        '--outbound-ports-to-ignore', [...DEFAULT_OUTBOUND_SKIP, ...options.excludeOutboundPorts ?? []].join(','),
        ...(options.excludeOutboundIpRanges?.length ? ['--subnets-to-ignore', options.excludeOutboundIpRanges.join(',')] : []),
      ],
      resources,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: { ...initSecurity, capabilities: { add: [kplus.Capability.NET_ADMIN, kplus.Capability.NET_RAW] } },
    };

  const adminProbe = (path: string, props: kplus.HttpGetProbeOptions) => kplus.Probe.fromHttpGet(path, { port: ADMIN_PORT, ...props });
  const proxy = {
    name: LINKERD.proxyName,
    image: mesh.proxyImage,
    ports: [{ number: 4143, name: 'linkerd-proxy' }, { number: ADMIN_PORT, name: 'linkerd-admin' }],
    resources,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    // Native mode with proxy-await: the startupProbe makes every later container wait for /ready.
    startupProbe: adminProbe('/ready', { initialDelaySeconds: Duration.seconds(0), periodSeconds: Duration.seconds(1), failureThreshold: 120 }),
    livenessProbe: adminProbe('/live', { initialDelaySeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(1) }),
    readinessProbe: options.proxyReadinessProbe
      ? adminProbe('/ready', { initialDelaySeconds: Duration.seconds(2), timeoutSeconds: Duration.seconds(1) }) : undefined,
    securityContext: {
      user: LINKERD.proxyUid,
      ensureNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    },
    // Native mode has no lifecycle hooks: a preStop sleep would run at termination start.
    drainTime: options.drainTime ?? Duration.seconds(5),
  };

  const svc = (service: string, port: number) => `${service}.${namespace}.svc.${clusterDomain}.:${port}`;
  const identityName = (account: string) => `${account}.$(_l5d_ns).serviceaccount.identity.$(_l5d_ns).$(_l5d_trustdomain)`;
  const env = (spec: any): EnvEntry[] => [
    fieldEnv('_pod_name', 'metadata.name'),
    fieldEnv('_pod_ns', 'metadata.namespace'),
    fieldEnv('_pod_uid', 'metadata.uid'),
    fieldEnv('_pod_ip', 'status.podIP'),
    fieldEnv('_pod_nodeName', 'spec.nodeName'),
    fieldEnv('_pod_sa', 'spec.serviceAccountName'),
    valueEnv('_l5d_ns', namespace),
    valueEnv('_l5d_trustdomain', trustDomain),
    valueEnv('LINKERD2_PROXY_LOG', `${proxyLog(options.logLevel)},[{headers}]=off,[{request}]=off`),
    valueEnv('LINKERD2_PROXY_LOG_FORMAT', 'plain'),
    valueEnv('LINKERD2_PROXY_DESTINATION_SVC_ADDR', svc('linkerd-dst-headless', 8086)),
    valueEnv('LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS', networks),
    valueEnv('LINKERD2_PROXY_POLICY_SVC_ADDR', svc('linkerd-policy', 8090)),
    valueEnv('LINKERD2_PROXY_POLICY_WORKLOAD', '{"ns":"$(_pod_ns)", "pod":"$(_pod_name)"}'),
    valueEnv('LINKERD2_PROXY_INBOUND_DEFAULT_POLICY', options.defaultInboundPolicy ?? 'all-unauthenticated'),
    valueEnv('LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS', networks),
    valueEnv('LINKERD2_PROXY_CONTROL_STREAM_INITIAL_TIMEOUT', '3s'),
    valueEnv('LINKERD2_PROXY_CONTROL_STREAM_IDLE_TIMEOUT', '5m'),
    valueEnv('LINKERD2_PROXY_CONTROL_STREAM_LIFETIME', '1h'),
    valueEnv('LINKERD2_PROXY_INBOUND_CONNECT_TIMEOUT', '100ms'),
    valueEnv('LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT', '1000ms'),
    valueEnv('LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT', '5s'),
    valueEnv('LINKERD2_PROXY_INBOUND_DISCOVERY_IDLE_TIMEOUT', '90s'),
    valueEnv('LINKERD2_PROXY_CONTROL_LISTEN_ADDR', '[::]:4190'),
    valueEnv('LINKERD2_PROXY_ADMIN_LISTEN_ADDR', `[::]:${ADMIN_PORT}`),
    valueEnv('LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS', '127.0.0.1:4140,[::1]:4140'),
    valueEnv('LINKERD2_PROXY_INBOUND_LISTEN_ADDR', '[::]:4143'),
    fieldEnv('LINKERD2_PROXY_INBOUND_IPS', 'status.podIPs'),
    valueEnv('LINKERD2_PROXY_INBOUND_PORTS', [...new Set(appPorts(spec, LINKERD.proxyName).map(p => p.containerPort))].join(',')),
    valueEnv('LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES', `svc.${clusterDomain}.`),
    valueEnv('LINKERD2_PROXY_INBOUND_ACCEPT_KEEPALIVE', '10000ms'),
    valueEnv('LINKERD2_PROXY_OUTBOUND_CONNECT_KEEPALIVE', '10000ms'),
    valueEnv('LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION', (options.opaquePorts ?? DEFAULT_OPAQUE_PORTS).join(',')),
    valueEnv('LINKERD2_PROXY_DESTINATION_CONTEXT', '{"ns":"$(_pod_ns)", "nodeName":"$(_pod_nodeName)", "pod":"$(_pod_name)"}'),
    valueEnv('LINKERD2_PROXY_IDENTITY_DIR', '/var/run/linkerd/identity/end-entity'),
    valueEnv('LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS', trustAnchors),
    valueEnv('LINKERD2_PROXY_IDENTITY_TOKEN_FILE', '/var/run/secrets/tokens/linkerd-identity-token'),
    valueEnv('LINKERD2_PROXY_IDENTITY_SVC_ADDR', svc('linkerd-identity-headless', 8080)),
    valueEnv('LINKERD2_PROXY_IDENTITY_LOCAL_NAME', '$(_pod_sa).$(_pod_ns).serviceaccount.identity.$(_l5d_ns).$(_l5d_trustdomain)'),
    valueEnv('LINKERD2_PROXY_IDENTITY_SVC_NAME', identityName('linkerd-identity')),
    valueEnv('LINKERD2_PROXY_DESTINATION_SVC_NAME', identityName('linkerd-destination')),
    valueEnv('LINKERD2_PROXY_POLICY_SVC_NAME', identityName('linkerd-destination')),
    valueEnv('LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED', 'false'),
  ];

  const transform = (input: any): any => {
    const ownEnv = env(input);
    let spec = patchContainer(input, 'initContainers', LINKERD.proxyName, container => ({
      ...container,
      env: [...ownEnv, ...(Array.isArray(container.env) ? container.env.filter((e: any) => !ownEnv.some(o => o.name === e?.name)) : [])],
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [...PROXY_MOUNTS, ...container.volumeMounts ?? []],
    }));
    spec = patchContainer(spec, 'initContainers', initName, container => ({
      ...container,
      terminationMessagePolicy: 'FallbackToLogsOnError',
      ...(cni ? {} : { volumeMounts: [{ name: XTABLES_LOCK.name, mountPath: '/run' }, ...container.volumeMounts ?? []] }),
    }));
    return withVolumes(spec, cni ? VOLUMES : [XTABLES_LOCK, ...VOLUMES]);
  };

  return {
    init,
    proxy,
    labels: defined({
      'linkerd.io/control-plane-ns': namespace,
      [`linkerd.io/proxy-${target.kind.toLowerCase()}`]: target.name,
      'linkerd.io/workload-ns': target.namespace,
    }),
    annotations: defined({
      [LINKERD_INJECT_ANNOTATION]: 'disabled',
      'linkerd.io/created-by': 'cdk8s-sidecars',
      'linkerd.io/proxy-version': version,
      'linkerd.io/trust-root-sha256': createHash('sha256').update(trustAnchors).digest('hex'),
      // The control plane reads these from the pod, not only the injector.
      'config.linkerd.io/opaque-ports': options.opaquePorts?.join(','),
      // With CNI the node plugin, not linkerd-init, writes the iptables rules, from these.
      'config.linkerd.io/skip-inbound-ports': cni ? options.excludeInboundPorts?.join(',') : undefined,
      'config.linkerd.io/skip-outbound-ports': cni ? options.excludeOutboundPorts?.join(',') : undefined,
      'config.linkerd.io/skip-subnets': cni ? options.excludeOutboundIpRanges?.join(',') : undefined,
      'config.linkerd.io/default-inbound-policy': options.defaultInboundPolicy,
    }),
    transform,
  };
}

/** INJECT mode: request a native linkerd-proxy from the webhook, with the typed settings as annotations. */
export function linkerdInjection(options: LinkerdOptions): MeshInjection {
  const quantities = resourceQuantities(options.resources);
  const image = options.proxyImage;
  const tagAt = image !== undefined ? image.lastIndexOf(':') : -1;
  const imageName = image !== undefined && tagAt > image.lastIndexOf('/') ? image.slice(0, tagAt) : image;
  const imageTag = image !== undefined && tagAt > image.lastIndexOf('/') ? image.slice(tagAt + 1) : undefined;
  return {
    labels: {},
    annotations: defined({
      [LINKERD_INJECT_ANNOTATION]: 'enabled',
      [LINKERD_NATIVE_ANNOTATIONS[0]]: 'true',
      'config.linkerd.io/proxy-image': imageName,
      'config.linkerd.io/proxy-version': options.version ?? imageTag,
      'config.linkerd.io/proxy-cpu-request': quantities.cpuRequest,
      'config.linkerd.io/proxy-cpu-limit': quantities.cpuLimit,
      'config.linkerd.io/proxy-memory-request': quantities.memoryRequest,
      'config.linkerd.io/proxy-memory-limit': quantities.memoryLimit,
      'config.linkerd.io/proxy-log-level': options.logLevel !== undefined ? proxyLog(options.logLevel) : undefined,
      'config.linkerd.io/skip-inbound-ports': options.excludeInboundPorts?.join(','),
      'config.linkerd.io/skip-outbound-ports': options.excludeOutboundPorts?.join(','),
      'config.linkerd.io/skip-subnets': options.excludeOutboundIpRanges?.join(','),
      'config.linkerd.io/opaque-ports': options.opaquePorts?.join(','),
      'config.linkerd.io/default-inbound-policy': options.defaultInboundPolicy,
    }),
  };
}

/** `LINKERD2_PROXY_LOG` filter for a level; the default keeps Linkerd's own `warn,linkerd=info`. */
function proxyLog(level: MeshLogLevel | undefined): string {
  if (level === undefined || level === MeshLogLevel.WARNING) return 'warn,linkerd=info,hickory=error';
  const word = logLevelWord(level, 'warn');
  return `${word},linkerd=${word},hickory=error`;
}
