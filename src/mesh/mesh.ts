import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { ISTIO as ISTIO_FACTS, LINKERD as LINKERD_FACTS, MeshFacts } from './facts';
import type { RunOnceInit, Sidecar } from '../init-container';
import type { ISidecarHost } from '../integration';

/**
 * How a workload joins the mesh.
 */
export enum MeshMode {
  /**
   * Render the mesh's init container and proxy at synth time, as a native sidecar placed first,
   * and opt the pod out of the mesh's injection webhook. The manifest in git is what runs.
   */
  RENDER = 'RENDER',
  /**
   * Render no proxy: annotate the pod so that the mesh's webhook injects its proxy as a native
   * sidecar at admission. The rest of the pod is still validated against the mesh's reserved
   * ports and proxy UID.
   */
  INJECT = 'INJECT',
}

/**
 * Which service mesh.
 */
export enum MeshKind {
  /** Istio (sidecar mode). */
  ISTIO = 'ISTIO',
  /** Linkerd. */
  LINKERD = 'LINKERD',
}

/**
 * Proxy log level, mapped to each mesh's own spelling.
 */
export enum MeshLogLevel {
  /** Everything. */
  TRACE = 'TRACE',
  /** Debug. */
  DEBUG = 'DEBUG',
  /** Info. */
  INFO = 'INFO',
  /** Warnings and errors (both meshes' default for the proxy). */
  WARNING = 'WARNING',
  /** Errors only. */
  ERROR = 'ERROR',
  /** Nothing. */
  OFF = 'OFF',
}

/**
 * Linkerd's default inbound policy: who may connect to the pod's ports.
 */
export enum LinkerdInboundPolicy {
  /** Any client, meshed or not, from anywhere. */
  ALL_UNAUTHENTICATED = 'all-unauthenticated',
  /** Meshed clients (with a Linkerd identity) from anywhere. */
  ALL_AUTHENTICATED = 'all-authenticated',
  /** Any client from the cluster's networks. */
  CLUSTER_UNAUTHENTICATED = 'cluster-unauthenticated',
  /** Meshed clients from the cluster's networks. */
  CLUSTER_AUTHENTICATED = 'cluster-authenticated',
  /** Nobody, unless a policy resource allows it. */
  DENY = 'deny',
  /** Like all-unauthenticated, but logs what deny would refuse. */
  AUDIT = 'audit',
}

/**
 * Settings both meshes share. Typed instead of annotation strings, so a typo fails the build
 * rather than being silently ignored by the injector.
 */
export interface MeshOptions {
  /**
   * Render the proxy at synth time, or let the webhook inject it.
   * @default MeshMode.RENDER
   */
  readonly mode?: MeshMode;
  /**
   * Proxy version (the image tag). Keep it within the control plane's supported skew, and
   * re-synth when the control plane is upgraded.
   * @default - `Mesh.ISTIO_VERSION` or `Mesh.LINKERD_VERSION` in RENDER mode; the injector's
   * own version in INJECT mode
   */
  readonly version?: string;
  /**
   * The whole proxy image reference, overriding the registry and `version`.
   * @default - the mesh's public image at `version`
   */
  readonly proxyImage?: string;
  /**
   * Proxy (and mesh init container) resources.
   * @default - Istio: requests 100m CPU / 128Mi, limits 2 CPU / 1Gi (the injector's defaults);
   * Linkerd: requests 100m CPU / 20Mi, memory limit 250Mi (Linkerd's HA values). In INJECT
   * mode, the injector's defaults unless given.
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Proxy log level.
   * @default MeshLogLevel.WARNING (Istio `warning`; Linkerd `warn,linkerd=info`)
   */
  readonly logLevel?: MeshLogLevel;
  /**
   * Inbound ports that bypass the proxy (traffic reaches the app directly).
   * @default - none beyond the mesh's own
   */
  readonly excludeInboundPorts?: number[];
  /**
   * Outbound destination ports that bypass the proxy.
   * @default - none beyond the mesh's own
   */
  readonly excludeOutboundPorts?: number[];
  /**
   * Outbound destination CIDRs that bypass the proxy, e.g. `169.254.169.254/32`.
   * @default - none
   */
  readonly excludeOutboundIpRanges?: string[];
  /**
   * How long the proxy drains after SIGTERM, which it receives only after the app's containers
   * have exited. Counted into the derived `terminationGracePeriodSeconds`, rounded up to whole
   * seconds there. RENDER mode only.
   * @default Duration.seconds(5) (Istio's terminationDrainDuration)
   */
  readonly drainTime?: Duration;
  /**
   * The mesh's CNI plugin programs the pod's network: render the mesh's validation init
   * container (no capabilities) instead of the iptables one (NET_ADMIN, NET_RAW), and the pod
   * annotations the plugin reads. With Istio the pod then carries no webhook opt-out, because the
   * istio-cni plugin skips pods labelled `sidecar.istio.io/inject: "false"`: deploy it to a
   * namespace without injection enabled, or the webhook re-renders the proxy. RENDER mode only.
   * @default false
   */
  readonly cni?: boolean;
  /**
   * Also give the proxy the injector's readinessProbe. Native sidecars do not need it: the
   * startupProbe on the same endpoint holds back every later container until the proxy is ready,
   * a crashed proxy unreadies the pod anyway, and (Istio) rewritten app probes go through the
   * agent. With it, the proxy's readiness couples to the pod's (SC208 leaves a mesh proxy's
   * readinessProbe alone: the pod cannot serve while its proxy is not ready). RENDER mode only.
   * @default false
   */
  readonly proxyReadinessProbe?: boolean;
}

/**
 * Istio settings.
 */
export interface IstioOptions extends MeshOptions {
  /**
   * Image registry and repository prefix of `proxyv2`.
   * @default 'docker.io/istio'
   */
  readonly hub?: string;
  /**
   * Control-plane revision (`istio.io/rev`).
   * @default - the default revision
   */
  readonly revision?: string;
  /**
   * Namespace of istiod. RENDER mode only.
   * @default 'istio-system'
   */
  readonly istioNamespace?: string;
  /**
   * Mesh trust domain. RENDER mode only.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Kubernetes cluster domain. RENDER mode only.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Cluster id (`ISTIO_META_CLUSTER_ID`). RENDER mode only.
   * @default 'Kubernetes'
   */
  readonly clusterId?: string;
  /**
   * Mesh id (`ISTIO_META_MESH_ID`). RENDER mode only.
   * @default - the trust domain
   */
  readonly meshId?: string;
  /**
   * Network of a multi-network mesh (`ISTIO_META_NETWORK`, label `topology.istio.io/network`).
   * RENDER mode only.
   * @default - none
   */
  readonly network?: string;
  /**
   * Outbound destination CIDRs the proxy captures.
   * @default ['*'] (everything)
   */
  readonly includeOutboundIpRanges?: string[];
  /**
   * Rewrite the app's HTTP, TCP and gRPC probes (and those of other sidecars) to the agent's
   * status port 15020 as `/app-health/<container>/<livez|readyz|startupz>`, recording the
   * originals in the proxy's `ISTIO_KUBE_APP_PROBERS`, so that probes work under mTLS STRICT.
   * @default true (as the injector)
   */
  readonly rewriteAppProbes?: boolean;
  /**
   * Merge the app's Prometheus metrics into the agent's (`prometheus.io/*` annotations pointing
   * at 15020, the app's own moved into `ISTIO_PROMETHEUS_ANNOTATIONS`). RENDER mode only.
   * @default true (as the injector)
   */
  readonly mergeMetrics?: boolean;
  /**
   * Extra proxy environment (`proxyMetadata`), e.g. `{ ISTIO_META_DNS_CAPTURE: 'true' }`.
   * RENDER mode only.
   * @default - none
   */
  readonly proxyMetadata?: { [name: string]: string };
}

/**
 * Linkerd settings.
 */
export interface LinkerdOptions extends MeshOptions {
  /**
   * PEM of the identity trust anchors (the `ca-bundle.crt` of the `linkerd-identity-trust-roots`
   * ConfigMap). Required in RENDER mode: the proxy cannot verify identities without it, and
   * rotating it needs a re-synth.
   * @default - none; RENDER mode fails without it
   */
  readonly trustAnchorsPem?: string;
  /**
   * Namespace of the Linkerd control plane.
   * @default 'linkerd'
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Identity trust domain. RENDER mode only.
   * @default 'cluster.local'
   */
  readonly trustDomain?: string;
  /**
   * Kubernetes cluster domain. RENDER mode only.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Cluster pod and service networks. RENDER mode only.
   * @default ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8']
   */
  readonly clusterNetworks?: string[];
  /**
   * Ports whose traffic is proxied opaquely (no protocol detection); also written to the
   * `config.linkerd.io/opaque-ports` annotation, which the control plane reads.
   * @default - Linkerd's default list: 25, 587, 3306, 4444, 5432, 6379, 9300, 11211
   */
  readonly opaquePorts?: number[];
  /**
   * Default inbound policy; also written to `config.linkerd.io/default-inbound-policy`.
   * @default - the cluster default (LinkerdInboundPolicy.ALL_UNAUTHENTICATED unless changed)
   */
  readonly defaultInboundPolicy?: LinkerdInboundPolicy;
}

/**
 * What a mesh added to the workload it joined.
 */
export interface MeshBinding {
  /**
   * The mesh proxy, a native sidecar pinned first after the mesh's init container.
   * @default - none in INJECT mode, where the webhook adds the proxy
   */
  readonly proxy?: Sidecar;
  /**
   * The mesh's own init container (iptables, or the CNI validator).
   * @default - none in INJECT mode
   */
  readonly init?: RunOnceInit;
}

/**
 * A service mesh a workload joins: Istio or Linkerd, rendered at synth time as a native sidecar
 * (the proxy first, so the app's own init containers and sidecars run inside the mesh), or
 * requested from the mesh's webhook.
 */
export class Mesh {
  /** Istio version rendered by default. */
  public static readonly ISTIO_VERSION = '1.30.3';
  /** Linkerd proxy version rendered by default: the first edge release with GA native sidecars. */
  public static readonly LINKERD_VERSION = 'edge-26.5.2';

  /**
   * Istio: `istio-init` (or `istio-validation` with CNI), then `istio-proxy` as a native sidecar.
   */
  public static istio(options: IstioOptions = {}): Mesh {
    const where = 'Mesh.istio()';
    validateCommon(where, options);
    for (const cidr of options.includeOutboundIpRanges ?? []) checkCidr(where, 'includeOutboundIpRanges', cidr, true);
    if (options.mode === MeshMode.INJECT) {
      renderOnly(where, options, ['drainTime', 'cni', 'proxyReadinessProbe', 'istioNamespace', 'trustDomain', 'clusterDomain',
        'clusterId', 'meshId', 'network', 'mergeMetrics', 'proxyMetadata']);
    }
    const image = options.proxyImage ?? `${options.hub ?? 'docker.io/istio'}/proxyv2:${options.version ?? Mesh.ISTIO_VERSION}`;
    return new Mesh(MeshKind.ISTIO, ISTIO_FACTS, options, image, options, undefined);
  }

  /**
   * Linkerd: `linkerd-init` (or `linkerd-network-validator` with CNI), then `linkerd-proxy` as a
   * native sidecar.
   */
  public static linkerd(options: LinkerdOptions = {}): Mesh {
    const where = 'Mesh.linkerd()';
    validateCommon(where, options);
    for (const port of options.opaquePorts ?? []) checkPort(where, 'opaquePorts', port);
    for (const cidr of options.clusterNetworks ?? []) checkCidr(where, 'clusterNetworks', cidr, false);
    if (options.mode === MeshMode.INJECT) {
      renderOnly(where, options, ['drainTime', 'cni', 'proxyReadinessProbe', 'trustAnchorsPem', 'trustDomain', 'clusterDomain', 'clusterNetworks']);
    } else if (!options.trustAnchorsPem?.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error(`${where}: trustAnchorsPem is ${options.trustAnchorsPem === undefined ? 'missing' : 'not a PEM certificate bundle'}; RENDER mode needs the identity trust anchors (ca-bundle.crt of the linkerd-identity-trust-roots ConfigMap), or use mode: MeshMode.INJECT`);
    }
    const image = options.proxyImage ?? `cr.l5d.io/linkerd/proxy:${options.version ?? Mesh.LINKERD_VERSION}`;
    return new Mesh(MeshKind.LINKERD, LINKERD_FACTS, options, image, undefined, options);
  }

  /** Istio or Linkerd. */
  public readonly kind: MeshKind;
  /** Rendered at synth time, or injected by the webhook. */
  public readonly mode: MeshMode;
  /** Name of the proxy container (`istio-proxy`, `linkerd-proxy`). */
  public readonly proxyName: string;
  /** UID the proxy runs as; traffic from this UID bypasses the proxy, so the app must not use it. */
  public readonly proxyUid: number;
  /** Ports the proxy binds in the pod; the app must not listen on them. */
  public readonly reservedPorts: number[];
  /** The proxy image rendered in RENDER mode. */
  public readonly proxyImage: string;
  /** @internal */
  public readonly _facts: MeshFacts;
  /** @internal */
  public readonly _options: MeshOptions;
  /** @internal */
  public readonly _istio?: IstioOptions;
  /** @internal */
  public readonly _linkerd?: LinkerdOptions;

  private constructor(kind: MeshKind, facts: MeshFacts, options: MeshOptions, proxyImage: string,
    istio: IstioOptions | undefined, linkerd: LinkerdOptions | undefined) {
    this.kind = kind;
    this.mode = options.mode ?? MeshMode.RENDER;
    this.proxyName = facts.proxyName;
    this.proxyUid = facts.proxyUid;
    this.reservedPorts = facts.reservedPorts.map(r => r.port);
    this.proxyImage = proxyImage;
    this._facts = facts;
    this._options = options;
    this._istio = istio;
    this._linkerd = linkerd;
  }

  /**
   * Join a workload: in RENDER mode add the mesh's init container and proxy ahead of every other
   * init container, opt the pod out of the webhook and complete the proxy from the final pod
   * spec; in INJECT mode add the pod-template metadata that asks the webhook for a native proxy.
   * `MeshedDeployment` and `SidecarJob` call this for their `mesh` prop.
   */
  public bind(host: ISidecarHost): MeshBinding {
    // The renderers load on first use, so that importing the library does not load them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bindMesh } = require('./apply') as typeof import('./apply');
    return bindMesh(host, this);
  }
}

function validateCommon(where: string, options: MeshOptions): void {
  for (const port of options.excludeInboundPorts ?? []) checkPort(where, 'excludeInboundPorts', port);
  for (const port of options.excludeOutboundPorts ?? []) checkPort(where, 'excludeOutboundPorts', port);
  for (const cidr of options.excludeOutboundIpRanges ?? []) checkCidr(where, 'excludeOutboundIpRanges', cidr, false);
  if (options.version !== undefined && !/^[\w][\w.-]{0,127}$/.test(options.version)) {
    throw new Error(`${where}: version "${options.version}" is not an image tag; use a tag such as "${where.includes('istio') ? Mesh.ISTIO_VERSION : Mesh.LINKERD_VERSION}"`);
  }
  if (options.drainTime !== undefined && options.drainTime.toMilliseconds({ integral: false }) < 0) {
    throw new Error(`${where}: drainTime is negative; give a duration of 0 seconds or more`);
  }
}

function renderOnly(where: string, options: object, names: string[]): void {
  const given = names.filter(name => (options as Record<string, unknown>)[name] !== undefined);
  if (given.length === 0) return;
  throw new Error(`${where}: ${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} only to MeshMode.RENDER; in INJECT mode the injector decides ${given.length === 1 ? 'it' : 'them'} from the mesh's own configuration; remove ${given.length === 1 ? 'it' : 'them'} or use MeshMode.RENDER`);
}

function checkPort(where: string, field: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${where}: ${field} contains ${port}, which is not a port number; use integers from 1 to 65535`);
  }
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(\d{1,3})$/;

function checkCidr(where: string, field: string, cidr: string, allowWildcard: boolean): void {
  if (allowWildcard && cidr === '*') return;
  const v4 = IPV4_CIDR.exec(cidr);
  const valid = v4
    ? v4.slice(1, 5).every(octet => Number(octet) <= 255) && Number(v4[5]) <= 32
    : IPV6_CIDR.test(cidr) && Number(IPV6_CIDR.exec(cidr)![1]) <= 128;
  if (!valid) {
    throw new Error(`${where}: ${field} contains "${cidr}", which is not a CIDR; write address/prefix, e.g. "169.254.169.254/32"${allowWildcard ? ', or "*" for everything' : ''}`);
  }
}
