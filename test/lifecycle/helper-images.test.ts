import * as fc from 'fast-check';
import { detectHelper, imageRepositoryEndsWith, lastSegmentCatalogued, LINKERD_PROXY_INIT, mayBeCatalogued } from '../../src/lifecycle/helper-images';

describe('detectHelper recognises helper images', () => {
  test.each([
    // Mesh proxies
    ['docker.io/istio/proxyv2:1.27.0', 'istio-proxy', 'mesh-proxy'],
    ['gcr.io/istio-release/proxyv2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'istio-proxy', 'mesh-proxy'],
    ['istio/proxyv2:1.27.0-distroless@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'istio-proxy', 'mesh-proxy'],
    ['gcr.io/gke-release/asm/proxyv2:1.20', 'istio-proxy', 'mesh-proxy'],
    ['cr.l5d.io/linkerd/proxy:edge-25.1.1', 'linkerd-proxy', 'mesh-proxy'],
    ['ghcr.io/buoyantio/proxy:enterprise-2.16.0', 'linkerd-proxy', 'mesh-proxy'],
    ['hashicorp/consul-dataplane:1.5', 'consul-dataplane', 'mesh-proxy'],
    ['kumahq/kuma-dp:2.9.0', 'kuma-dp', 'mesh-proxy'],
    ['840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod', 'aws-appmesh-envoy', 'mesh-proxy'],
    // Proxies
    ['envoyproxy/envoy:v1.31', 'envoy', 'proxy'],
    ['docker.io/envoyproxy/envoy-distroless:v1.31.0', 'envoy', 'proxy'],
    ['gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14', 'cloud-sql-proxy', 'proxy'],
    ['gcr.io/cloudsql-docker/gce-proxy:1.33', 'cloud-sql-proxy-v1', 'proxy'],
    ['gcr.io/alloydb-connectors/alloydb-auth-proxy:1.12', 'alloydb-auth-proxy', 'proxy'],
    ['quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', 'oauth2-proxy', 'proxy'],
    // Agents
    ['hashicorp/vault:1.17', 'vault-agent', 'agent'],
    ['vault:1.13.3', 'vault-agent', 'agent'],
    ['docker.io/library/vault', 'vault-agent', 'agent'],
    ['datadog/agent:7', 'datadog-agent', 'agent'],
    ['gcr.io/datadoghq/agent:7.55.0', 'datadog-agent', 'agent'],
    ['public.ecr.aws/datadog/agent:latest', 'datadog-agent', 'agent'],
    ['gke.gcr.io/gcs-fuse-csi-driver-sidecar-mounter:v1.4.2-gke.0', 'gcs-fuse', 'agent'],
    // Log shippers
    ['fluent/fluent-bit', 'fluent-bit', 'log-shipper'],
    ['cr.fluentbit.io/fluent/fluent-bit:3.1', 'fluent-bit', 'log-shipper'],
    ['public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', 'fluent-bit', 'log-shipper'],
    ['fluent/fluentd:v1.17', 'fluentd', 'log-shipper'],
    ['fluentd', 'fluentd', 'log-shipper'],
    ['grafana/promtail:3.0.0', 'promtail', 'log-shipper'],
    ['timberio/vector:0.40.0-distroless-libc', 'vector', 'log-shipper'],
    ['docker.elastic.co/beats/filebeat:8.15.0', 'filebeat', 'log-shipper'],
    // Telemetry
    ['otel/opentelemetry-collector:0.110.0', 'opentelemetry-collector', 'telemetry'],
    ['otel/opentelemetry-collector-contrib:0.110.0', 'opentelemetry-collector', 'telemetry'],
    ['otel/opentelemetry-collector-k8s', 'opentelemetry-collector', 'telemetry'],
    ['ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.110.0', 'opentelemetry-collector', 'telemetry'],
    ['grafana/alloy:v1.4.0', 'grafana-alloy', 'telemetry'],
    ['grafana/agent:v0.43.0', 'grafana-agent', 'telemetry'],
    ['jaegertracing/jaeger-agent:1.60', 'jaeger-agent', 'telemetry'],
    ['amazon/aws-xray-daemon:3.3.13', 'aws-xray-daemon', 'telemetry'],
    // Config reloaders
    ['jimmidyson/configmap-reload:v0.14.0', 'configmap-reload', 'config-reloader'],
    ['ghcr.io/jimmidyson/configmap-reload:v0.14.0', 'configmap-reload', 'config-reloader'],
    ['quay.io/prometheus-operator/prometheus-config-reloader:v0.77.0', 'prometheus-config-reloader', 'config-reloader'],
    ['quay.io/kiwigrid/k8s-sidecar:1.28.0', 'k8s-sidecar', 'config-reloader'],
  ])('%s is %s (%s)', (image, product, role) => {
    expect(detectHelper(image)).toMatchObject({ product, role });
  });
});

describe('detectHelper ignores everything else', () => {
  test.each([
    'nginx',
    'nginx:1.27',
    'docker.io/library/nginx:1.27-alpine',
    'busybox',
    'busybox:1.36',
    'postgres:16',
    'redis',
    // Words inside a name never match: the rule compares whole path segments.
    'my-proxy-app',
    'mycorp/my-proxy-app:1.0',
    'mycorp/proxyv2-tests',
    'mycorp/fluent-bit-config',
    'mycorp/opentelemetry-collector-config-builder',
    // Generic last segments need their owner segment.
    'proxy',
    'mycorp/proxy',
    'mycorp/agent',
    'mycorp/envoy',
    'mycorp/vector',
    'mycorp/vault',
    'registry.example.com/vault:1.13',
    // Siblings of helpers that are not long-running helpers themselves.
    'cr.l5d.io/linkerd/proxy-init:v2.4.1',
    'istio/pilot:1.27.0',
    'istio/install-cni:1.27.0',
    'envoyproxy/envoy-ratelimit:master',
    'hashicorp/vault-k8s:1.4',
    'datadog/cluster-agent:7',
    'otel/opentelemetry-operator',
    'grafana/grafana:11.0.0',
    'quay.io/prometheus-operator/prometheus-operator:v0.77.0',
    'quay.io/prometheus/prometheus:v2.54.0',
    // The registry or tag alone never decides.
    'proxyv2.example.com/app:1',
    'registry.example.com/app:proxyv2',
    'app@sha256:fluent-bit',
  ])('%s is not a helper', (image) => {
    expect(detectHelper(image)).toBeUndefined();
  });

  test.each([undefined, null, 42, {}, [], '', '   ', '/', 'istio//proxyv2', 'istio/proxyv2/'])('malformed input %p is not a helper', (image) => {
    expect(detectHelper(image as any)).toBeUndefined();
  });
});

describe('image reference parsing', () => {
  test('a registry with a port is not mistaken for a tag', () => {
    expect(detectHelper('registry.example.com:5000/istio/proxyv2')?.product).toBe('istio-proxy');
    expect(detectHelper('localhost:5000/fluent-bit:3.1')?.product).toBe('fluent-bit');
    expect(detectHelper('localhost/fluent-bit')?.product).toBe('fluent-bit');
  });

  test('mirrors that keep the upstream path still match', () => {
    expect(detectHelper('mirror.example.com/dockerhub/linkerd/proxy:stable-2.14.10')?.product).toBe('linkerd-proxy');
    expect(detectHelper('harbor.example.com/cache/hashicorp/vault:1.17')?.product).toBe('vault-agent');
  });

  test('case and surrounding whitespace are tolerated', () => {
    expect(detectHelper('  Docker.io/Istio/ProxyV2:1.27.0 ')?.product).toBe('istio-proxy');
  });
});

describe('readiness endpoints', () => {
  test('istio-proxy exposes the injector startup endpoint', () => {
    expect(detectHelper('istio/proxyv2:1.27.0')).toEqual({
      product: 'istio-proxy',
      role: 'mesh-proxy',
      readiness: { path: '/healthz/ready', port: 15021 },
    });
  });

  test('configmap-reload serves /metrics on its default port', () => {
    expect(detectHelper('jimmidyson/configmap-reload')?.readiness).toEqual({ path: '/metrics', port: 9533 });
  });

  test.each([
    'cr.l5d.io/linkerd/proxy:edge-25.1.1',
    'envoyproxy/envoy:v1.31',
    'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14',
    'fluent/fluent-bit',
    'otel/opentelemetry-collector',
    'quay.io/prometheus-operator/prometheus-config-reloader:v0.77.0',
    'hashicorp/vault:1.17',
  ])('%s has none: upstream defaults do not serve one to the kubelet', (image) => {
    const helper = detectHelper(image);
    expect(helper).toBeDefined();
    expect(helper!.readiness).toBeUndefined();
    expect('readiness' in helper!).toBe(false);
  });

  test('each call returns a fresh object', () => {
    const first = detectHelper('istio/proxyv2')!;
    (first.readiness as any).port = 1;
    (first as any).product = 'changed';
    expect(detectHelper('istio/proxyv2')).toMatchObject({ product: 'istio-proxy', readiness: { port: 15021 } });
  });
});

test('the allocation-free pre-check never turns away an image whose last segment is catalogued', () => {
  // detectHelper asks mayBeCatalogued first; a false there must mean the full look-up finds nothing.
  const keys = fc.constantFrom('proxyv2', 'proxy', 'envoy', 'kuma-dp', 'fluent-bit', 'vault', 'k8s-sidecar', 'opentelemetry-collector', 'gce-proxy', 'agent');
  const caseOf = (text: string, upper: boolean[]) => [...text].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');
  const segment = fc.oneof(
    fc.tuple(keys, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })).map(([key, upper]) => caseOf(key, upper)),
    // The Kelvin sign lowercases to an ASCII k.
    keys.map(key => key.replace(/^k/, '\u212a')),
    fc.stringOf(fc.constantFrom('a', 'p', 'x', 'y', '2', '-', '.', 'K', '\u212a', '\u0130', ' '), { maxLength: 12 }),
  );
  const image = fc.tuple(
    fc.constantFrom('', 'docker.io/', 'ghcr.io/team/', 'localhost:5000/', 'istio/', 'a/b/c/', ' ', '@'),
    segment,
    fc.constantFrom('', ':1.2', ':latest', '@sha256:abc', ':1@sha256:abc', ':', '@', ' ', '\t', '/'),
  ).map(([prefix, middle, suffix]) => prefix + middle + suffix);
  fc.assert(fc.property(image, text => !lastSegmentCatalogued(text) || mayBeCatalogued(text)), { numRuns: 5000 });
});

test('the length pre-check of imageRepositoryEndsWith turns away only images that cannot end with the suffix', () => {
  // The reading spelled out: trimmed, lowercased, digest and tag removed, whole segments compared.
  const endsWithProxyInit = (image: string): boolean => {
    let reference = image.trim().toLowerCase();
    const at = reference.indexOf('@');
    if (at >= 0) reference = reference.slice(0, at);
    const colon = reference.lastIndexOf(':');
    if (colon > reference.lastIndexOf('/')) reference = reference.slice(0, colon);
    const segments = reference.split('/');
    if (segments.some(segment => segment === '')) return false;
    return segments.length >= 2 && segments[segments.length - 2] === 'linkerd' && segments[segments.length - 1] === 'proxy-init';
  };
  const segment = fc.oneof(
    fc.constantFrom('proxy-init', 'PROXY-INIT', 'Proxy-Init', 'proxy-init2', 'proxy', 'proxy-inits', 'xproxy-init'),
    // U+0130 lowercases to two characters; the Kelvin sign to an ASCII k.
    fc.stringOf(fc.constantFrom('p', 'r', 'o', 'x', 'y', '-', 'i', 'n', 't', '\u0130', '\u212a', ' '), { maxLength: 11 }),
  );
  const image = fc.tuple(
    fc.constantFrom('', 'linkerd/', 'LINKERD/', 'cr.l5d.io/linkerd/', 'ghcr.io/other/', ' linkerd/', 'linkerd//', '@'),
    segment,
    fc.constantFrom('', ':v2.1', '@sha256:abc', ':1@sha256:abc', ':', ' ', '\t', '/'),
  ).map(([prefix, middle, suffix]) => prefix + middle + suffix);
  expect(imageRepositoryEndsWith('cr.l5d.io/linkerd/proxy-init:v2.4.0', LINKERD_PROXY_INIT)).toBe(true);
  expect(imageRepositoryEndsWith('linkerd/proxy-initx', LINKERD_PROXY_INIT)).toBe(false);
  fc.assert(fc.property(image, text => imageRepositoryEndsWith(text, LINKERD_PROXY_INIT) === endsWithProxyInit(text)), { numRuns: 5000 });
});
