import { Testing } from 'cdk8s';
import { BusyboxPodChart } from '../examples/busybox-pod';
import { EXAMPLES } from '../examples/index';
import { LogShipperChart } from '../examples/log-shipper';
import { NightlyExportChart } from '../examples/nightly-export-job';
import { VaultProxyAppChart } from '../examples/vault-proxy-app';
import { WebEnvoyChart } from '../examples/web-envoy';
import { ISidecarWorkload, ManifestValidator } from '../src';
import { podSpecOf } from './manifests';

function render(chartClass: new (scope: any, id: string) => any) {
  const app = Testing.app();
  const chart = new chartClass(app, 'example');
  const manifests = Testing.synth(chart);
  const workload = chart.node.findAll().find((c: any) => typeof c.describeLifecycle === 'function') as unknown as ISidecarWorkload;
  const manifest = manifests.find(m => m.spec && ['Pod', 'Deployment', 'Job'].includes(m.kind));
  return { manifests, manifest, spec: podSpecOf(manifest), workload };
}

const names = (list: any[] = []) => list.map(c => c.name);

describe.each(EXAMPLES.map(e => [e.name, e.chart] as const))('example %s', (_name, chartClass) => {
  test('matches its snapshot', () => {
    expect(render(chartClass).manifests).toMatchSnapshot();
  });

  test('has no error or warning from the rule engine, and restartPolicy only on sidecars', () => {
    const { manifests, spec } = render(chartClass);
    const violations = ManifestValidator.validate(manifests);
    expect(violations.filter(v => v.severity !== 'info')).toEqual([]);
    for (const c of spec.containers) expect(c.restartPolicy).toBeUndefined();
    for (const c of spec.initContainers) {
      if (c.restartPolicy === undefined) {
        // a run-once init container: no probes or lifecycle, ever
        expect(Object.keys(c).filter(k => /Probe$|^lifecycle$/.test(k))).toEqual([]);
      } else {
        expect(c.restartPolicy).toEqual('Always');
      }
    }
  });
});

test('web-envoy: the proxy is a sidecar whose startupProbe on /ready gates the app', () => {
  const { spec, workload } = render(WebEnvoyChart);
  expect(names(spec.initContainers)).toEqual(['envoy']);
  expect(spec.initContainers[0].startupProbe.httpGet).toEqual({ path: '/ready', port: 9901, scheme: 'HTTP' });
  expect(workload.describeLifecycle()).toEqual({
    startupOrder: ['envoy', 'app'],
    shutdownOrder: ['app', 'envoy'],
    terminationGracePeriodSeconds: 40,
    effectiveRequests: { cpu: '350m', memory: '320Mi' },
    effectiveLimits: { memory: '640Mi' },
    canComplete: true,
  });
});

test('vault-proxy-app: vault-agent, then the proxy, then the migration that needs both, then the app', () => {
  const { spec, workload } = render(VaultProxyAppChart);
  expect(names(spec.initContainers)).toEqual(['vault-agent', 'db-proxy', 'migrate']);
  expect(spec.initContainers.map((c: any) => c.restartPolicy)).toEqual(['Always', 'Always', undefined]);
  const summary = workload.describeLifecycle();
  expect(summary.startupOrder).toEqual(['vault-agent', 'db-proxy', 'migrate', 'app']);
  expect(summary.shutdownOrder).toEqual(['app', 'db-proxy', 'vault-agent']);
  // app stop 20s + db-proxy 15s + vault-agent 5s
  expect(spec.terminationGracePeriodSeconds).toEqual(40);
  // steady 500m+50m+50m beats migrate's 200m + the two sidecars started before it (300m)
  expect(summary.effectiveRequests).toEqual({ cpu: '600m', memory: '640Mi' });
});

test('nightly-export-job: the database proxy is a sidecar, so the Job can complete', () => {
  const { manifest, spec, workload } = render(NightlyExportChart);
  expect(manifest.kind).toEqual('Job');
  expect(names(spec.containers)).toEqual(['export']);
  expect(spec.initContainers[0]).toMatchObject({ name: 'database-proxy', restartPolicy: 'Always' });
  expect(spec.restartPolicy).toEqual('Never');
  expect(workload.describeLifecycle().canComplete).toBe(true);
  expect(spec.terminationGracePeriodSeconds).toEqual(40);
});

test('log-shipper: requests and a startupProbe on /healthz port 9000', () => {
  const { spec, workload } = render(LogShipperChart);
  const shipper = spec.initContainers[0];
  expect(shipper.name).toEqual('log-shipper');
  expect(shipper.resources).toEqual({ limits: { memory: '96Mi' }, requests: { cpu: '50m', memory: '48Mi' } });
  expect(shipper.startupProbe.httpGet).toEqual({ path: '/healthz', port: 9000, scheme: 'HTTP' });
  expect(shipper.readinessProbe).toBeUndefined();
  expect(workload.describeLifecycle().effectiveRequests).toEqual({ cpu: '350m', memory: '432Mi' });
  expect(spec.terminationGracePeriodSeconds).toEqual(50);
});

test('busybox-pod: a busybox sidecar beside a busybox main container', () => {
  const { manifest, spec, workload } = render(BusyboxPodChart);
  expect(manifest.kind).toEqual('Pod');
  expect(spec.initContainers.map((c: any) => [c.name, c.image, c.restartPolicy])).toEqual([['tail', 'busybox:1.37', 'Always']]);
  expect(spec.containers.map((c: any) => [c.name, c.image])).toEqual([['main', 'busybox:1.37']]);
  expect(workload.describeLifecycle().shutdownOrder).toEqual(['main', 'tail']);
});
