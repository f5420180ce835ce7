// Targeted checks on the mesh and preset examples, with the mesh rules (not yet in the pack) included.
import { Testing } from 'cdk8s';
import { initOrder, lint, render } from './_helpers';
import { EXAMPLES } from '../../examples/index';
import { ISidecarWorkload } from '../../src';

const OURS = EXAMPLES.filter(e => e.name.startsWith('mesh-') || e.name.startsWith('preset-'));

function example(name: string) {
  const entry = EXAMPLES.find(e => e.name === name)!;
  const chart = new entry.chart(Testing.app(), name);
  const workloads = chart.node.findAll().filter((c: any) => typeof c.describeLifecycle === 'function') as unknown as ISidecarWorkload[];
  return { ...render(chart), workloads };
}

test('every mesh and preset example is listed and lints clean with the mesh rules, info included', () => {
  expect(OURS.map(e => e.name)).toEqual(['mesh-istio', 'mesh-linkerd', 'mesh-inject', 'mesh-job', 'preset-cloud-sql-proxy',
    'preset-otel-collector', 'preset-fluent-bit', 'preset-vault-agent', 'preset-config-reloader']);
  for (const { name } of OURS) expect([name, lint(example(name).manifests)]).toEqual([name, []]);
});

test('mesh-istio: the migration declared first starts after the proxy; the app\'s probes go through the agent', () => {
  const { spec, workloads } = example('mesh-istio');
  expect(initOrder(spec)).toEqual(['istio-init', 'istio-proxy (sidecar)', 'migrate']);
  expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/app-health/checkout/readyz', port: 15020, scheme: 'HTTP' });
  expect(workloads[0].describeLifecycle().terminationGracePeriodSeconds).toBe(40);
});

test('mesh-linkerd: the cache sidecar runs inside the mesh and stops before the proxy', () => {
  const { spec, workloads } = example('mesh-linkerd');
  expect(initOrder(spec)).toEqual(['linkerd-init', 'linkerd-proxy (sidecar)', 'cache (sidecar)']);
  expect(workloads[0].describeLifecycle().shutdownOrder).toEqual(['orders', 'cache', 'linkerd-proxy']);
});

test('mesh-inject: no proxy rendered in either Deployment', () => {
  const { manifests } = example('mesh-inject');
  const names = manifests.filter(m => m.kind === 'Deployment').map(m => m.spec.template.spec.initContainers.map((c: any) => c.name));
  expect(names).toEqual([['cloud-sql-proxy'], ['cloud-sql-proxy']]);
});

test('mesh-job: the meshed Job can complete', () => {
  const { spec, workloads } = example('mesh-job');
  expect(initOrder(spec)).toEqual(['istio-init', 'istio-proxy (sidecar)']);
  expect(workloads[0].describeLifecycle().canComplete).toBe(true);
});
