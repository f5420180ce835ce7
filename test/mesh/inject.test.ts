import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { synthErrors } from '../helpers';
import { APP_RESOURCES, lint, render } from './_helpers';
import { CloudSqlProxy, Mesh, MeshedDeployment, MeshLogLevel, MeshMode } from '../../src';

const PROXY_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

function injected(mesh: Mesh, appPort = 8080, appUser = 10001) {
  const chart = Testing.chart();
  const deployment = new MeshedDeployment(chart, 'svc', { mesh });
  CloudSqlProxy.addTo(deployment, { instances: [{ connectionName: 'p:r:i', port: 5432 }] });
  deployment.addContainer({ name: 'svc', image: 'svc:1', ports: [{ number: appPort }], resources: APP_RESOURCES, securityContext: { user: appUser } });
  return { chart, deployment };
}

describe('INJECT mode renders no proxy and asks the webhook for a native one', () => {
  test('Istio: inject label, native annotation, typed settings as the injector\'s annotations', () => {
    const { chart, deployment } = injected(Mesh.istio({
      mode: MeshMode.INJECT,
      revision: 'stable',
      version: '1.29.2',
      resources: PROXY_RESOURCES,
      logLevel: MeshLogLevel.ERROR,
      excludeInboundPorts: [9000],
      excludeOutboundPorts: [5432],
      excludeOutboundIpRanges: ['169.254.169.254/32'],
      rewriteAppProbes: false,
    }));
    const { spec, podMetadata } = render(chart);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['cloud-sql-proxy']);
    expect(spec.volumes).toBeUndefined();
    expect(deployment.meshProxy).toBeUndefined();
    expect(deployment.meshInit).toBeUndefined();
    expect(podMetadata.labels).toMatchObject({ 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'stable' });
    expect(Object.fromEntries(Object.entries(podMetadata.annotations).filter(([k]) => !k.startsWith('cdk8s')))).toEqual({
      'sidecar.istio.io/nativeSidecar': 'true',
      'sidecar.istio.io/proxyImage': 'docker.io/istio/proxyv2:1.29.2',
      'sidecar.istio.io/proxyCPU': '100m',
      'sidecar.istio.io/proxyCPULimit': '500m',
      'sidecar.istio.io/proxyMemory': '64Mi',
      'sidecar.istio.io/proxyMemoryLimit': '256Mi',
      'sidecar.istio.io/logLevel': 'error',
      'sidecar.istio.io/rewriteAppHTTPProbers': 'false',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '169.254.169.254/32',
      'traffic.sidecar.istio.io/excludeInboundPorts': '9000',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '5432',
    });
  });

  test('Istio defaults: only the inject label and the native annotation', () => {
    const { podMetadata } = render(injected(Mesh.istio({ mode: MeshMode.INJECT })).chart);
    expect(podMetadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(podMetadata.labels['istio.io/rev']).toBeUndefined();
    expect(podMetadata.annotations).toEqual({ 'sidecar.istio.io/nativeSidecar': 'true' });
  });

  test('Linkerd: inject enabled, the GA native-sidecar annotation, typed settings as config annotations', () => {
    const { chart } = injected(Mesh.linkerd({
      mode: MeshMode.INJECT,
      proxyImage: 'mirror.example.com/linkerd/proxy:edge-26.5.2',
      resources: PROXY_RESOURCES,
      logLevel: MeshLogLevel.INFO,
      excludeInboundPorts: [9000],
      excludeOutboundPorts: [25],
      excludeOutboundIpRanges: ['10.9.0.0/16'],
      opaquePorts: [5432],
    }));
    const { spec, podMetadata } = render(chart);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['cloud-sql-proxy']);
    expect(podMetadata.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-enable-native-sidecar': 'true',
      'config.linkerd.io/proxy-image': 'mirror.example.com/linkerd/proxy',
      'config.linkerd.io/proxy-version': 'edge-26.5.2',
      'config.linkerd.io/proxy-cpu-request': '100m',
      'config.linkerd.io/proxy-cpu-limit': '500m',
      'config.linkerd.io/proxy-memory-request': '64Mi',
      'config.linkerd.io/proxy-memory-limit': '256Mi',
      'config.linkerd.io/proxy-log-level': 'info,linkerd=info,hickory=error',
      'config.linkerd.io/skip-inbound-ports': '9000',
      'config.linkerd.io/skip-outbound-ports': '25',
      'config.linkerd.io/skip-subnets': '10.9.0.0/16',
      'config.linkerd.io/opaque-ports': '5432',
    });
  });

  test('the rest of the pod is still validated: clean by default, reserved ports and the proxy UID reported', () => {
    for (const mesh of [Mesh.istio({ mode: MeshMode.INJECT }), Mesh.linkerd({ mode: MeshMode.INJECT })]) {
      expect(lint(render(injected(mesh).chart).manifests)).toEqual([]);
    }
    // the same pod with a reserved port and the proxy's UID fails synth
    expect(synthErrors(injected(Mesh.istio({ mode: MeshMode.INJECT }), 15006, 1337).chart)).toEqual([
      '[test/svc] container "svc" declares port 15006, which the Istio proxy the webhook injects binds (Envoy inbound capture); both share the pod\'s network, so one of them cannot listen and the pod does not run; move "svc" off port 15006 (and any Service targetPort pointing at it); Istio reserves 15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090 (at spec.template.spec.containers[0].ports[0].containerPort) [SC401]',
      '[test/svc] container "svc" runs as UID 1337, the UID of the Istio proxy, which the mesh\'s iptables rules exempt: its outbound traffic bypasses the proxy (no mTLS, no policy, no telemetry); set securityContext.runAsUser on "svc" to a UID other than 1337 (at spec.template.spec.containers[0].securityContext.runAsUser) [SC402]',
    ]);
    const linkerd = synthErrors(injected(Mesh.linkerd({ mode: MeshMode.INJECT }), 4191, 2102).chart);
    expect(linkerd.map(line => line.match(/\(at (\S+)\) \[(SC\d+)\]$/)!.slice(1).reverse().join(' '))).toEqual([
      'SC401 spec.template.spec.containers[0].ports[0].containerPort',
      'SC402 spec.template.spec.containers[0].securityContext.runAsUser',
    ]);
  });
});
