import { Testing } from 'cdk8s';
import { APP_RESOURCES, container, envOf, initOrder, lint, render } from './_helpers';
import { EXAMPLE_TRUST_ANCHORS } from '../../examples/mesh-linkerd';
import { CloudSqlProxy, Mesh, MeshMode, SidecarJob } from '../../src';

function meshedJob(mesh: Mesh) {
  const chart = Testing.chart();
  const job = new SidecarJob(chart, 'export', { mesh, initContainers: [{ name: 'prepare', image: 'prepare:1' }] });
  CloudSqlProxy.addTo(job, { instances: [{ connectionName: 'p:r:warehouse', port: 5432 }] });
  job.addContainer({ name: 'export', image: 'export:1', command: ['/export'], resources: APP_RESOURCES, securityContext: { user: 10001 } });
  return { chart, job };
}

describe.each([
  ['Istio', Mesh.istio(), ['istio-init', 'istio-proxy (sidecar)', 'prepare', 'cloud-sql-proxy (sidecar)']],
  ['Istio CNI', Mesh.istio({ cni: true }), ['istio-validation', 'istio-proxy (sidecar)', 'prepare', 'cloud-sql-proxy (sidecar)']],
  ['Linkerd', Mesh.linkerd({ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS }), ['linkerd-init', 'linkerd-proxy (sidecar)', 'prepare', 'cloud-sql-proxy (sidecar)']],
] as const)('a meshed SidecarJob (%s) completes', (_title, mesh, order) => {
  test('the proxy is a native sidecar first in line, so the Job can complete and SC205 never fires', () => {
    const { chart, job } = meshedJob(mesh);
    const { manifests, spec } = render(chart);
    expect(initOrder(spec)).toEqual(order);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['export']);
    expect(spec.restartPolicy).toBe('Never');
    const summary = job.describeLifecycle();
    expect(summary.canComplete).toBe(true);
    expect(summary.shutdownOrder).toEqual(['export', 'cloud-sql-proxy', mesh.proxyName]);
    expect(lint(manifests)).toEqual([]);
    expect(job.violations().filter(v => v.ruleId === 'SC205')).toEqual([]);
    expect(job.violations()).toEqual([]);
    // no quitquitquit or await wrapper anywhere
    expect(JSON.stringify(spec)).not.toMatch(/quitquitquit|linkerd-await|\/shutdown/);
  });
});

test('the owner and the proxy label name the Job', () => {
  const istio = render(meshedJob(Mesh.istio()).chart);
  expect(envOf(container(istio.spec, 'istio-proxy')).ISTIO_META_OWNER).toBe(`kubernetes://apis/batch/v1/namespaces/$(POD_NAMESPACE)/jobs/${istio.manifest.metadata.name}`);
  const linkerd = render(meshedJob(Mesh.linkerd({ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS })).chart);
  expect(linkerd.podMetadata.labels['linkerd.io/proxy-job']).toBe(linkerd.manifest.metadata.name);
});

test('INJECT mode on a Job: annotations only, and the Job still completes', () => {
  const { chart, job } = meshedJob(Mesh.istio({ mode: MeshMode.INJECT }));
  const { spec, podMetadata } = render(chart);
  expect(initOrder(spec)).toEqual(['prepare', 'cloud-sql-proxy (sidecar)']);
  expect(podMetadata.labels['sidecar.istio.io/inject']).toBe('true');
  expect(job.describeLifecycle().canComplete).toBe(true);
});

test('a Job without a mesh is unchanged', () => {
  const chart = Testing.chart();
  new SidecarJob(chart, 'plain').addContainer({ name: 'x', image: 'x:1', resources: APP_RESOURCES });
  const { spec, podMetadata } = render(chart);
  expect(spec.initContainers).toBeUndefined();
  expect(podMetadata?.labels ?? {}).not.toHaveProperty('sidecar.istio.io/inject');
});
