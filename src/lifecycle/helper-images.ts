/**
 * Well-known long-running helper images: mesh proxies, database proxies, agents, log shippers,
 * telemetry collectors and config reloaders. They never exit on their own, so in a regular
 * container of a Job they keep the pod running forever; as native sidecars they are fine.
 *
 * Detection looks at the image only. The same image can do other work — `proxyv2` also runs
 * `istio-init` (a plain init container that exits) and Istio gateways, `hashicorp/vault` is also
 * the server and the CLI — so callers decide what a match means for the container's role.
 */

export type HelperRole = 'mesh-proxy' | 'proxy' | 'agent' | 'log-shipper' | 'telemetry' | 'config-reloader';

/** A helper image recognised by `detectHelper`. */
export interface KnownHelper {
  /** Stable product id, e.g. `istio-proxy`, `fluent-bit`. */
  readonly product: string;
  readonly role: HelperRole;
  /**
   * An HTTP endpoint the kubelet can use as a startupProbe, present only when the image serves it
   * on a pod-reachable address with upstream defaults (no extra flags, config or env).
   */
  readonly readiness?: { readonly path: string; readonly port: number };
}

interface CatalogueEntry extends KnownHelper {
  /**
   * Trailing repository path segments that identify the image, e.g. `linkerd/proxy`. One segment
   * only when that name is distinctive on its own; generic names (`proxy`, `agent`, `envoy`,
   * `vault`, `vector`) carry their owner segment.
   */
  readonly repositories: string[];
}

/**
 * Find the helper an image is, or `undefined`.
 *
 * Matching rule: the registry host (a first segment containing `.` or `:`, or `localhost`), the
 * tag and the digest are removed; a Docker Hub official image (`vault`) is read as
 * `library/vault`; then the image matches an entry when its repository path ends with the entry's
 * segments, compared whole and case-insensitively. Never by substring, so `my-proxy-app`,
 * `linkerd/proxy-init` and `envoyproxy/envoy-ratelimit` are not helpers, while mirrors such as
 * `mirror.example.com/team/istio/proxyv2` still are.
 */
export function detectHelper(image: string): KnownHelper | undefined {
  // Most images are nobody's helper, and each is asked about by several rules: a last segment
  // whose length and end letters fit no catalogue entry is turned away without a string built.
  if (typeof image !== 'string' || !mayBeCatalogued(image)) return undefined;
  // Helper images repeat across a stream (every replica of a proxy): each verdict is remembered.
  let entry = VERDICTS.get(image);
  if (entry === undefined) {
    // When no catalogue entry ends in the image's last path segment, the full parse is skipped.
    entry = lastSegmentCatalogued(image) ? matchCatalogue(image) ?? NOT_A_HELPER : NOT_A_HELPER;
    if (VERDICTS.size >= VERDICTS_LIMIT) VERDICTS.clear();
    VERDICTS.set(image, entry);
  }
  if (entry === NOT_A_HELPER) return undefined;
  // A fresh object each time, so a caller cannot edit the catalogue.
  return entry.readiness
    ? { product: entry.product, role: entry.role, readiness: { ...entry.readiness } }
    : { product: entry.product, role: entry.role };
}

/**
 * False only when `lastSegment(image)` cannot be a key of `BY_LAST_SEGMENT`: its length, first and
 * last character (lowercased) fit no key. Read on the raw string, so nothing is allocated; an
 * image with surrounding whitespace or a character outside ASCII goes the full way.
 */
export function mayBeCatalogued(image: string): boolean {
  if (!readRawLastSegment(image)) return true;
  const first = image.charCodeAt(rawStart);
  const last = image.charCodeAt(rawStop - 1);
  if (first > 127 || last > 127) return true;
  return SEGMENT_SHAPES().has(segmentShape(rawStop - rawStart, asciiLower(first), asciiLower(last)));
}

/** The bounds `readRawLastSegment` found: the last path segment is `image.slice(rawStart, rawStop)`. */
let rawStart = 0;
let rawStop = 0;

/**
 * Find the repository's last path segment in the raw reference (tag and digest left out) without
 * building a string, into `rawStart` and `rawStop`. False when this quick reading is unsure
 * (whitespace around the reference, nothing before a digest, an empty segment): the caller then
 * goes the full way through `lastSegment`.
 */
function readRawLastSegment(image: string): boolean {
  const length = image.length;
  if (length === 0 || image.charCodeAt(0) <= 32 || image.charCodeAt(length - 1) <= 32) return false;
  const at = image.indexOf('@');
  const end = at >= 0 ? at : length;
  if (end === 0) return false;
  const slash = image.lastIndexOf('/', end - 1);
  const colon = image.lastIndexOf(':', end - 1);
  rawStart = slash + 1;
  rawStop = colon > slash ? colon : end;
  return rawStop > rawStart;
}

function asciiLower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function segmentShape(length: number, first: number, last: number): number {
  return (length * 128 + first) * 128 + last;
}

/** The shape (length, first and last character) of every key of `BY_LAST_SEGMENT`. */
const SEGMENT_SHAPES = (() => {
  let shapes: Set<number> | undefined;
  return () => shapes ??= new Set([...BY_LAST_SEGMENT().keys()]
    .map(key => segmentShape(key.length, key.charCodeAt(0), key.charCodeAt(key.length - 1))));
})();

/** The verdict for an image that matches no catalogue entry. */
const NOT_A_HELPER = 'not a helper';
const VERDICTS = new Map<string, CatalogueEntry | typeof NOT_A_HELPER>();
const VERDICTS_LIMIT = 4096;

function matchCatalogue(image: string): CatalogueEntry | undefined {
  const segments = repositorySegments(image);
  if (segments === undefined) return undefined;
  // Only entries whose repository ends in the image's last segment can match.
  const candidates = BY_LAST_SEGMENT().get(segments[segments.length - 1]) ?? [];
  return candidates.find(({ repository }) => endsWithSegments(segments, repository))?.entry;
}

/** Catalogue entries keyed by the last segment of each repository, in catalogue order. */
const BY_LAST_SEGMENT = (() => {
  let index: Map<string, Array<{ readonly repository: string[]; readonly entry: CatalogueEntry }>> | undefined;
  return () => {
    if (index) return index;
    index = new Map();
    for (const entry of CATALOGUE) {
      for (const repository of entry.repositories) {
        const parts = repository.toLowerCase().split('/');
        const last = parts[parts.length - 1];
        index.set(last, [...index.get(last) ?? [], { repository: parts, entry }]);
      }
    }
    return index;
  };
})();

const CATALOGUE: CatalogueEntry[] = [
  // Mesh proxies.
  {
    product: 'istio-proxy',
    role: 'mesh-proxy',
    repositories: ['proxyv2'],
    // Envoy's health listener from the pilot-agent bootstrap; the injector's own startupProbe.
    readiness: { path: '/healthz/ready', port: 15021 },
  },
  {
    // The admin server (`/ready` on 4191) binds 127.0.0.1 unless the injector's env moves it,
    // so a probe built from the image alone would never pass; no readiness on purpose.
    product: 'linkerd-proxy',
    role: 'mesh-proxy',
    repositories: ['linkerd/proxy', 'linkerd-io/proxy', 'buoyantio/proxy'],
  },
  { product: 'consul-dataplane', role: 'mesh-proxy', repositories: ['hashicorp/consul-dataplane'] },
  { product: 'kuma-dp', role: 'mesh-proxy', repositories: ['kuma-dp', 'kong/kuma-dp'] },
  { product: 'aws-appmesh-envoy', role: 'mesh-proxy', repositories: ['aws-appmesh-envoy'] },

  // Proxies. Envoy's admin port is whatever the bootstrap config says, so no readiness.
  {
    product: 'envoy',
    role: 'proxy',
    repositories: ['envoyproxy/envoy', 'envoyproxy/envoy-distroless', 'envoyproxy/envoy-alpine', 'envoyproxy/envoy-dev', 'envoyproxy/envoy-contrib'],
  },
  // Health endpoints need `--health-check` and `--http-address=0.0.0.0`.
  { product: 'cloud-sql-proxy', role: 'proxy', repositories: ['cloud-sql-proxy'] },
  { product: 'cloud-sql-proxy-v1', role: 'proxy', repositories: ['cloudsql-docker/gce-proxy'] },
  { product: 'alloydb-auth-proxy', role: 'proxy', repositories: ['alloydb-auth-proxy'] },
  // Listens on 127.0.0.1:4180 by default.
  { product: 'oauth2-proxy', role: 'proxy', repositories: ['oauth2-proxy'] },

  // Agents.
  { product: 'vault-agent', role: 'agent', repositories: ['hashicorp/vault', 'hashicorp/vault-enterprise', 'library/vault'] },
  { product: 'datadog-agent', role: 'agent', repositories: ['datadog/agent', 'datadoghq/agent'] },
  { product: 'gcs-fuse', role: 'agent', repositories: ['gcs-fuse-csi-driver-sidecar-mounter'] },

  // Log shippers. Fluent Bit's HTTP server is off unless `HTTP_Server On`.
  { product: 'fluent-bit', role: 'log-shipper', repositories: ['fluent-bit', 'aws-for-fluent-bit'] },
  { product: 'fluentd', role: 'log-shipper', repositories: ['fluentd', 'fluentd-kubernetes-daemonset'] },
  { product: 'promtail', role: 'log-shipper', repositories: ['promtail'] },
  { product: 'vector', role: 'log-shipper', repositories: ['timberio/vector'] },
  { product: 'filebeat', role: 'log-shipper', repositories: ['filebeat'] },

  // Telemetry. The collector serves health only with the `health_check` extension configured.
  {
    product: 'opentelemetry-collector',
    role: 'telemetry',
    repositories: ['opentelemetry-collector', 'opentelemetry-collector-contrib', 'opentelemetry-collector-k8s', 'opentelemetry-collector-otlp'],
  },
  { product: 'grafana-alloy', role: 'telemetry', repositories: ['grafana/alloy'] },
  { product: 'grafana-agent', role: 'telemetry', repositories: ['grafana/agent'] },
  { product: 'jaeger-agent', role: 'telemetry', repositories: ['jaeger-agent'] },
  { product: 'aws-xray-daemon', role: 'telemetry', repositories: ['aws-xray-daemon'] },

  // Config reloaders.
  {
    product: 'configmap-reload',
    role: 'config-reloader',
    repositories: ['configmap-reload'],
    // No health endpoint, but `/metrics` is served on :9533 on all interfaces by default.
    readiness: { path: '/metrics', port: 9533 },
  },
  // `/healthz` exists only with `--listen-address`.
  { product: 'prometheus-config-reloader', role: 'config-reloader', repositories: ['prometheus-config-reloader'] },
  { product: 'k8s-sidecar', role: 'config-reloader', repositories: ['kiwigrid/k8s-sidecar'] },
];

/** The repository path of an image reference as lowercase segments, without registry, tag or digest. */
/** Linkerd's iptables init image (`cr.l5d.io/linkerd/proxy-init`): not the proxy, so not in the catalogue. */
export const LINKERD_PROXY_INIT: readonly string[] = ['linkerd', 'proxy-init'];

/**
 * Whether an image's repository path ends with these whole lowercase segments
 * (`['linkerd', 'proxy-init']`), read as `detectHelper` reads images: registry host, tag and
 * digest removed, compared case-insensitively.
 */
export function imageRepositoryEndsWith(image: string, suffix: readonly string[]): boolean {
  if (typeof image !== 'string' || suffix.length === 0) return false;
  const wanted = suffix[suffix.length - 1];
  // Most images are turned away by the length of their last segment, with no string built: the
  // suffix is ASCII, and the one character whose lowercase is longer (U+0130) lowercases to a
  // non-ASCII pair, so a segment of another length can never match.
  if (readRawLastSegment(image) && rawStop - rawStart !== wanted.length) return false;
  // The last segment decides most of the others without splitting the whole reference.
  if (lastSegment(image) !== wanted) return false;
  const segments = repositorySegments(image);
  return segments !== undefined && endsWithSegments(segments, suffix);
}

/** Whether some catalogue entry's repository ends in the image's last segment (the full check `mayBeCatalogued` shortens). */
export function lastSegmentCatalogued(image: string): boolean {
  return BY_LAST_SEGMENT().has(lastSegment(image));
}

/** The repository's last path segment, lowercase, without tag or digest: what `repositorySegments` ends with. */
function lastSegment(image: string): string {
  let reference = image.trim().toLowerCase();
  const at = reference.indexOf('@');
  if (at >= 0) reference = reference.slice(0, at);
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  return reference.slice(slash + 1, colon > slash ? colon : reference.length);
}

function repositorySegments(image: unknown): string[] | undefined {
  if (typeof image !== 'string') return undefined;
  let reference = image.trim().toLowerCase();
  const at = reference.indexOf('@');
  if (at >= 0) reference = reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) reference = reference.slice(0, colon);

  const segments = reference.split('/');
  if (segments.some((segment) => segment === '')) return undefined;
  let registry = 'docker.io';
  if (segments.length > 1 && isRegistryHost(segments[0])) registry = segments.shift()!;
  if (segments.length === 1 && DOCKER_HUB_HOSTS.has(registry)) segments.unshift('library');
  return segments;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Docker's rule: the first segment names a registry when it looks like a host. */
function isRegistryHost(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost';
}

function endsWithSegments(segments: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > segments.length) return false;
  const offset = segments.length - suffix.length;
  return suffix.every((segment, index) => segments[offset + index] === segment);
}
