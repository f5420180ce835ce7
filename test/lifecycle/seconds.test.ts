import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { CloudSqlProxy, ConfigReloader, FluentBit, Mesh, MeshedDeployment, VaultAgent } from '../../src';
import { secondsText, wholeSecondsUp } from '../../src/lifecycle/seconds';
import { APP_RESOURCES, container, envOf, lint, render } from '../mesh/_helpers';
import { workloadWithApp } from '../presets/_helpers';

// cdk8s's Duration.toSeconds() throws unless the duration is a whole number of seconds; every
// duration the library turns into seconds accepts the others, rounding up where Kubernetes
// needs whole seconds.

describe('wholeSecondsUp and secondsText', () => {
  test.each([
    [Duration.seconds(5), 5, '5s'],
    [Duration.millis(1500), 2, '1.5s'],
    [Duration.millis(200), 1, '0.2s'],
    [Duration.millis(700), 1, '0.7s'],
    [Duration.millis(0), 0, '0s'],
    [Duration.minutes(2), 120, '120s'],
  ])('%s', (duration, whole, text) => {
    expect(wholeSecondsUp(duration)).toBe(whole);
    expect(secondsText(duration)).toBe(text);
  });
});

describe('durations that are not whole seconds', () => {
  test('presets: flags keep the fraction, whole-second settings round up', () => {
    const { chart, workload, app } = workloadWithApp();
    const sqlProxy = CloudSqlProxy.addTo(workload, { instances: [{ connectionName: 'p:r:a', port: 5432 }], maxSigtermDelay: Duration.millis(4500) });
    const shipper = FluentBit.addTo(workload, { app, grace: Duration.millis(1500) });
    const reloaderVolume = kplus.Volume.fromEmptyDir(chart, 'config', 'config');
    ConfigReloader.addTo(workload, {
      volume: reloaderVolume, mountPath: '/etc/prometheus', reloadUrl: 'http://127.0.0.1:9090/-/reload', app, watchInterval: Duration.millis(2500),
    });
    VaultAgent.addTo(workload, { vaultAddress: 'https://vault:8200', role: 'orders', secrets: [{ path: 'secret/data/db', fileName: 'db' }], app, startupTimeout: Duration.millis(10500) });
    const { manifests, spec } = render(chart);
    expect(container(spec, 'cloud-sql-proxy').args).toContain('--max-sigterm-delay=4.5s');
    // rounded up to 5, plus the proxy's one second
    expect(sqlProxy.drainTime.toSeconds()).toBe(6);
    expect(manifests.find(m => m.kind === 'ConfigMap' && m.data['fluent-bit.conf'])!.data['fluent-bit.conf']).toContain('    Grace            2\n');
    expect(shipper.drainTime.toSeconds()).toBe(4);
    expect(container(spec, 'config-reloader').args).toContain('--watch-interval=2.5s');
    // one probe a second for the timeout, rounded up
    expect(container(spec, 'vault-agent').startupProbe.failureThreshold).toBe(11);
    expect(lint(manifests)).toEqual([]);
  });

  test('Istio: the proxy config keeps the fraction, the drain annotation and the grace period round up', () => {
    const chart = Testing.chart();
    const deployment = new MeshedDeployment(chart, 'web', { mesh: Mesh.istio({ drainTime: Duration.millis(1500) }) });
    deployment.addContainer({ name: 'app', image: 'app:1', resources: APP_RESOURCES, portNumber: 8080 });
    const { spec, manifest } = render(chart);
    expect(JSON.parse(envOf(container(spec, 'istio-proxy')).PROXY_CONFIG).terminationDrainDuration).toBe('1.5s');
    expect(manifest.metadata.annotations['cdk8s-sidecars.io/drain-seconds']).toBe('istio-proxy=2');
    // app 30s + drain 2s
    expect(spec.terminationGracePeriodSeconds).toBe(32);
  });
});
