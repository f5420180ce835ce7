import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { ConfigReloader, ConfigReloaderEngine, SidecarDeployment } from '../../src';
import { APP_RESOURCES, container, lint, render } from '../mesh/_helpers';

function prometheus(appProps: Partial<kplus.ContainerProps> = {}) {
  const chart = Testing.chart();
  const config = new kplus.ConfigMap(chart, 'config', { data: { 'prometheus.yml': 'scrape_configs: []\n' } });
  const volume = kplus.Volume.fromConfigMap(chart, 'config-volume', config, { name: 'config' });
  const workload = new SidecarDeployment(chart, 'prometheus');
  const app = workload.addContainer({
    name: 'prometheus',
    image: 'quay.io/prometheus/prometheus:v3.11.0',
    ports: [{ number: 9090 }],
    resources: APP_RESOURCES,
    securityContext: { user: 65534, group: 65534 },
    ...appProps,
  });
  return { chart, workload, app, volume };
}

describe('ConfigReloader', () => {
  test('prometheus-config-reloader: watched dir, reload URL, /healthz probes, no readiness; the volume in both without subPath', () => {
    const { chart, workload, app, volume } = prometheus();
    ConfigReloader.addTo(workload, { volume, mountPath: '/etc/prometheus', reloadUrl: 'http://127.0.0.1:9090/-/reload', app, watchInterval: Duration.seconds(30) });
    const { manifests, spec } = render(chart);
    const reloader = container(spec, 'config-reloader');
    expect(reloader.image).toBe('quay.io/prometheus-operator/prometheus-config-reloader:v0.89.0');
    expect(reloader.args).toEqual(['--listen-address=:8080', '--reload-url=http://127.0.0.1:9090/-/reload', '--watched-dir=/etc/prometheus', '--watch-interval=30s']);
    expect(reloader.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 30 });
    expect(reloader.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(reloader.readinessProbe).toBeUndefined();
    expect(reloader.volumeMounts).toEqual([{ mountPath: '/etc/prometheus', name: 'config', readOnly: true }]);
    expect(container(spec, 'prometheus').volumeMounts).toEqual([{ mountPath: '/etc/prometheus', name: 'config', readOnly: true }]);
    expect(reloader.resources).toEqual({ requests: { cpu: '10m', memory: '50Mi' }, limits: { memory: '50Mi' } });
    expect(lint(manifests)).toEqual([]);
  });

  test('configmap-reload: its flags and the metrics port as health', () => {
    const { chart, workload, volume } = prometheus();
    ConfigReloader.addTo(workload, { volume, mountPath: '/etc/prometheus', reloadUrl: 'http://127.0.0.1:9090/-/reload', engine: ConfigReloaderEngine.CONFIGMAP_RELOAD });
    const { manifests, spec } = render(chart);
    const reloader = container(spec, 'config-reloader');
    expect(reloader.image).toBe('ghcr.io/jimmidyson/configmap-reload:v0.15.0');
    expect(reloader.args).toEqual(['--volume-dir=/etc/prometheus', '--webhook-url=http://127.0.0.1:9090/-/reload', '--web.listen-address=:9533']);
    expect(reloader.startupProbe.httpGet).toEqual({ path: '/metrics', port: 9533, scheme: 'HTTP' });
    expect(lint(manifests)).toEqual([]);
  });

  test('refuses a subPath mount in the app, and a listen port the app uses', () => {
    const subPath = prometheus();
    subPath.app.mount('/etc/prometheus/prometheus.yml', subPath.volume, { subPath: 'prometheus.yml' });
    expect(() => ConfigReloader.addTo(subPath.workload, { volume: subPath.volume, mountPath: '/etc/prometheus', reloadUrl: 'http://127.0.0.1:9090/-/reload', app: subPath.app }))
      .toThrow('ConfigReloader.addTo(): container "prometheus" mounts the configuration with subPath "prometheus.yml", which never sees ConfigMap updates, so reloading would reload the old file; mount the whole volume (the preset does it at /etc/prometheus)');
    const clash = prometheus({ ports: [{ number: 8080 }] });
    expect(() => ConfigReloader.addTo(clash.workload, { volume: clash.volume, mountPath: '/etc/prometheus', reloadUrl: 'http://127.0.0.1:8080/-/reload', app: clash.app }))
      .toThrow('ConfigReloader.addTo(): container "prometheus" listens on 8080, the reloader\'s listenPort; both share the pod\'s network, so set listenPort to a free port');
    expect(() => ConfigReloader.addTo(clash.workload, { volume: clash.volume, mountPath: 'etc', reloadUrl: 'http://x/-/reload' }))
      .toThrow('ConfigReloader.addTo(): mountPath "etc" is not an absolute path');
  });
});
