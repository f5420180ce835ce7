/**
 * What Istio and Linkerd reserve in a meshed pod: container names, the proxy UID that the
 * iptables rules exempt, the ports the proxy processes bind, and the pod labels and annotations
 * that request or refuse webhook injection. Shared by the renderers (src/mesh) and the SC4xx
 * rules (src/rules/mesh) so both read one set of facts (research/mesh-and-presets.md §1–2).
 */

/** A port a mesh proxy uses inside the pod's network namespace. */
export interface ReservedPort {
  readonly port: number;
  /** What listens there, for messages: `Envoy admin (localhost)`. */
  readonly use: string;
  /**
   * True when the proxy always binds it (an app binding it too fails with EADDRINUSE, or the
   * proxy fails its startup probe); false when it is bound only with an optional feature.
   */
  readonly alwaysBound: boolean;
}

/** The facts about one mesh that rules and renderers share. */
export interface MeshFacts {
  /** `istio` or `linkerd`. */
  readonly id: 'istio' | 'linkerd';
  /** Product name for messages. */
  readonly title: string;
  /** Name of the proxy container the injector renders. */
  readonly proxyName: string;
  /** Names of the mesh's own run-once init containers (iptables, or the CNI validator). */
  readonly initNames: readonly string[];
  /** UID the proxy runs as; the iptables rules exempt traffic from it. */
  readonly proxyUid: number;
  readonly reservedPorts: readonly ReservedPort[];
}

export const ISTIO: MeshFacts = {
  id: 'istio',
  title: 'Istio',
  proxyName: 'istio-proxy',
  initNames: ['istio-init', 'istio-validation'],
  proxyUid: 1337,
  reservedPorts: [
    { port: 15000, use: 'Envoy admin (localhost)', alwaysBound: true },
    { port: 15001, use: 'Envoy outbound capture', alwaysBound: true },
    { port: 15004, use: 'pilot-agent debug (localhost)', alwaysBound: true },
    { port: 15006, use: 'Envoy inbound capture', alwaysBound: true },
    { port: 15008, use: 'HBONE tunnel (only when HBONE is enabled)', alwaysBound: false },
    { port: 15020, use: 'pilot-agent status and merged Prometheus metrics', alwaysBound: true },
    { port: 15021, use: 'Envoy health (/healthz/ready)', alwaysBound: true },
    { port: 15053, use: 'DNS proxy (only when DNS capture is enabled)', alwaysBound: false },
    { port: 15090, use: 'Envoy Prometheus metrics', alwaysBound: true },
  ],
};

export const LINKERD: MeshFacts = {
  id: 'linkerd',
  title: 'Linkerd',
  proxyName: 'linkerd-proxy',
  initNames: ['linkerd-init', 'linkerd-network-validator'],
  proxyUid: 2102,
  reservedPorts: [
    { port: 4140, use: 'outbound proxy (localhost)', alwaysBound: true },
    { port: 4143, use: 'inbound proxy', alwaysBound: true },
    { port: 4190, use: 'proxy control (tap)', alwaysBound: true },
    { port: 4191, use: 'proxy admin (/live, /ready, metrics)', alwaysBound: true },
  ],
};

export const MESHES: readonly MeshFacts[] = [ISTIO, LINKERD];

/** Istio: the pod label that opts a pod in or out of the injection webhook. */
export const ISTIO_INJECT_LABEL = 'sidecar.istio.io/inject';
/** Istio: pod label (or namespace label) selecting a control-plane revision; it also requests injection. */
export const ISTIO_REVISION_LABEL = 'istio.io/rev';
/** Istio ≥ 1.24: per-pod switch for native-sidecar injection. */
export const ISTIO_NATIVE_ANNOTATION = 'sidecar.istio.io/nativeSidecar';
/** Istio: per-pod ProxyConfig overrides, YAML or JSON. */
export const ISTIO_PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

/** Linkerd: the annotation that requests (`enabled`, `ingress`) or refuses (`disabled`) injection. */
export const LINKERD_INJECT_ANNOTATION = 'linkerd.io/inject';
/** Linkerd: native-sidecar switch, GA name first, then the beta and alpha names it replaced. */
export const LINKERD_NATIVE_ANNOTATIONS: readonly string[] = [
  'config.linkerd.io/proxy-enable-native-sidecar',
  'config.beta.linkerd.io/proxy-enable-native-sidecar',
  'config.alpha.linkerd.io/proxy-enable-native-sidecar',
];
/** Linkerd: whether the injector adds the startup probe (native) or the linkerd-await postStart (legacy). */
export const LINKERD_AWAIT_ANNOTATION = 'config.linkerd.io/proxy-await';
