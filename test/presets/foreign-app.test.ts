// A preset's `app` must be a container of the workload the preset joins: a container of another
// workload would be changed in the other pod, which gets its own copy of the shared volume and its
// own localhost, so the two sides would never share a file. The presets refuse it by name.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { ConfigReloader, FluentBit, OtelCollector, SidecarDeployment, SidecarJob, VaultAgent } from '../../src';

function twoWorkloads() {
  const chart = Testing.chart();
  const web = new SidecarDeployment(chart, 'web');
  web.addContainer({ name: 'web', image: 'web:1' });
  const batch = new SidecarJob(chart, 'batch');
  const worker = batch.addContainer({ name: 'worker', image: 'worker:1' });
  return { chart, web, batch, worker };
}

const FOREIGN = 'app is container "worker" of test/batch, another workload; the two pods would get separate volumes and never share files (or localhost), so add the preset to test/batch, or pass a container of test/web';

describe('a preset given the container of another workload refuses, naming both', () => {
  test('FluentBit', () => {
    const { chart, web, worker } = twoWorkloads();
    expect(() => FluentBit.addTo(web, { app: worker })).toThrow(`[test/web] FluentBit.addTo(): ${FOREIGN}`);
    // nothing half-added
    expect(web.sidecars).toEqual([]);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('VaultAgent', () => {
    const { web, worker } = twoWorkloads();
    expect(() => VaultAgent.addTo(web, { vaultAddress: 'https://vault:8200', role: 'web', secrets: [{ fileName: 'db', path: 'secret/db' }], app: worker }))
      .toThrow(`[test/web] VaultAgent.addTo(): ${FOREIGN}`);
  });

  test('ConfigReloader', () => {
    const { chart, web, worker } = twoWorkloads();
    const config = new kplus.ConfigMap(chart, 'config', { data: { 'app.yml': 'a: 1\n' } });
    const volume = kplus.Volume.fromConfigMap(chart, 'config-volume', config, { name: 'config' });
    expect(() => ConfigReloader.addTo(web, { volume, mountPath: '/etc/app', reloadUrl: 'http://127.0.0.1:8081/reload', app: worker }))
      .toThrow(`[test/web] ConfigReloader.addTo(): ${FOREIGN}`);
  });

  test('OtelCollector (its localhost endpoint would point into the wrong pod)', () => {
    const { web, worker } = twoWorkloads();
    expect(() => OtelCollector.addTo(web, { exporterEndpoint: 'gateway:4317', app: worker })).toThrow(`[test/web] OtelCollector.addTo(): ${FOREIGN}`);
  });

  test('a container of no workload, a missing or wrong-typed app', () => {
    const { web } = twoWorkloads();
    const loose = new kplus.Container({ name: 'loose', image: 'loose:1' });
    expect(() => FluentBit.addTo(web, { app: loose })).toThrow(
      '[test/web] FluentBit.addTo(): app is container "loose", which is not a container of this workload; add it with addContainer() first and pass the container that call returns');
    expect(() => FluentBit.addTo(web, {} as any)).toThrow(
      '[test/web] FluentBit.addTo(): app must be a container of the workload (the value addContainer() returns), got undefined');
    expect(() => FluentBit.addTo(web, { app: 'web' } as any)).toThrow(
      '[test/web] FluentBit.addTo(): app must be a container of the workload (the value addContainer() returns), got string "web"');
    expect(() => FluentBit.addTo(web, undefined as any)).toThrow('[test/web] FluentBit.addTo(): the props are missing; pass { app } (FluentBitOptions)');
  });

  test('the workload\'s own containers are fine, sidecars included', () => {
    const { chart, batch, worker } = twoWorkloads();
    const proxy = batch.addSidecar({ name: 'proxy', image: 'proxy:1' });
    FluentBit.addTo(batch, { app: worker });
    OtelCollector.addTo(batch, { exporterEndpoint: 'gateway:4317', app: proxy.container });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
