// A Prometheus server whose configuration lives in a ConfigMap: the config reloader preset
// (prometheus-config-reloader) watches the mounted ConfigMap and calls Prometheus' /-/reload
// when it changes. The volume is mounted without subPath in both, or updates would never arrive.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ConfigReloader, SidecarDeployment } from '../src';

export class PresetConfigReloaderChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const config = new kplus.ConfigMap(this, 'prometheus-config', {
      data: { 'prometheus.yml': 'global:\n  scrape_interval: 30s\nscrape_configs: []\n' },
    });
    const configVolume = kplus.Volume.fromConfigMap(this, 'config-volume', config, { name: 'prometheus-config' });
    const data = kplus.Volume.fromEmptyDir(this, 'data', 'prometheus-data');

    const prometheus = new SidecarDeployment(this, 'prometheus', { replicas: 1 });
    const server = prometheus.addContainer({
      name: 'prometheus',
      image: 'quay.io/prometheus/prometheus:v3.11.0',
      args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--web.enable-lifecycle'],
      ports: [{ number: 9090, name: 'web' }],
      volumeMounts: [{ path: '/prometheus', volume: data }],
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(1024), limit: Size.mebibytes(2048) } },
      securityContext: { user: 65534, group: 65534 },
    });
    ConfigReloader.addTo(prometheus, {
      volume: configVolume,
      mountPath: '/etc/prometheus',
      reloadUrl: 'http://127.0.0.1:9090/-/reload',
      app: server,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PresetConfigReloaderChart(app, 'preset-config-reloader');
  app.synth();
}
