// Property: every combination of a mesh (none, Istio or Linkerd, rendered with iptables or CNI,
// or injected), a workload kind and any subset of the presets, in any order, synthesizes and lints
// clean with every rule (mesh rules included), as plain YAML and through the constructs.
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { APP_RESOURCES, lint, render } from './_helpers';
import { EXAMPLE_TRUST_ANCHORS } from '../../examples/mesh-linkerd';
import {
  CloudSqlProxy, ConfigReloader, DependencyCondition, FluentBit, ISidecarWorkload, ManifestValidator, Mesh, MeshedDeployment, MeshMode,
  OtelCollector, SidecarDeployment, SidecarJob, VaultAgent,
} from '../../src';

const MESHES: Record<string, () => Mesh | undefined> = {
  'none': () => undefined,
  'istio': () => Mesh.istio(),
  'istio-cni': () => Mesh.istio({ cni: true }),
  'istio-inject': () => Mesh.istio({ mode: MeshMode.INJECT }),
  'linkerd': () => Mesh.linkerd({ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS }),
  'linkerd-cni': () => Mesh.linkerd({ trustAnchorsPem: EXAMPLE_TRUST_ANCHORS, cni: true }),
  'linkerd-inject': () => Mesh.linkerd({ mode: MeshMode.INJECT }),
};

type PresetName = 'cloud-sql-proxy' | 'otel-collector' | 'fluent-bit' | 'vault-agent' | 'config-reloader';
const PRESETS: PresetName[] = ['cloud-sql-proxy', 'otel-collector', 'fluent-bit', 'vault-agent', 'config-reloader'];

function addPreset(chart: Chart, workload: ISidecarWorkload, app: kplus.Container, preset: PresetName): void {
  switch (preset) {
    case 'cloud-sql-proxy': {
      const proxy = CloudSqlProxy.addTo(workload, { instances: [{ connectionName: 'p:r:db', port: 5432 }] });
      workload.addContainerDependency(app, { container: proxy, condition: DependencyCondition.READY });
      return;
    }
    case 'otel-collector':
      OtelCollector.addTo(workload, { exporterEndpoint: 'gateway.observability:4317', app });
      return;
    case 'fluent-bit':
      FluentBit.addTo(workload, { app });
      return;
    case 'vault-agent':
      VaultAgent.addTo(workload, { vaultAddress: 'https://vault.vault.svc:8200', role: 'app', secrets: [{ fileName: 'db', path: 'database/creds/app' }], app });
      return;
    case 'config-reloader': {
      const config = new kplus.ConfigMap(chart, 'app-config', { data: { 'app.yaml': 'a: 1\n' } });
      ConfigReloader.addTo(workload, {
        volume: kplus.Volume.fromConfigMap(chart, 'app-config-volume', config, { name: 'app-config' }),
        mountPath: '/etc/app',
        reloadUrl: 'http://127.0.0.1:8081/-/reload',
        listenPort: 9533,
        app,
      });
      return;
    }
  }
}

function build(meshName: string, kind: 'Deployment' | 'Job', presets: PresetName[]) {
  const chart = Testing.chart();
  const mesh = MESHES[meshName]();
  const workload: ISidecarWorkload & kplus.AbstractPod = kind === 'Job'
    ? new SidecarJob(chart, 'work', { mesh })
    : mesh !== undefined ? new MeshedDeployment(chart, 'work', { mesh }) : new SidecarDeployment(chart, 'work');
  const app = workload.addContainer({
    name: 'app',
    image: 'ghcr.io/example/app:1.0',
    ports: [{ number: 8081, name: 'http' }],
    resources: APP_RESOURCES,
    readiness: kind === 'Deployment' ? kplus.Probe.fromHttpGet('/ready', { port: 8081 }) : undefined,
    securityContext: { user: 10001, group: 10001 },
  });
  for (const preset of presets) addPreset(chart, workload, app, preset);
  return { chart, workload };
}

function expectClean(meshName: string, kind: 'Deployment' | 'Job', presets: PresetName[]): void {
  const { chart, workload } = build(meshName, kind, presets);
  const { manifests, spec } = render(chart);
  expect(lint(manifests)).toEqual([]);
  expect(ManifestValidator.validate(manifests)).toEqual([]);
  expect(workload.violations()).toEqual([]);
  // the mesh proxy, when rendered, is the first sidecar; nothing else precedes it but the mesh's init
  const names: string[] = (spec.initContainers ?? []).map((c: any) => c.name);
  if (meshName !== 'none' && !meshName.endsWith('inject')) {
    expect(names[1]).toBe(meshName.startsWith('istio') ? 'istio-proxy' : 'linkerd-proxy');
  }
  for (const preset of presets) expect(names).toContain(preset);
  if (kind === 'Job') expect(workload.describeLifecycle().canComplete).toBe(true);
}

describe.each(Object.keys(MESHES))('mesh %s', meshName => {
  test.each(PRESETS.flatMap(preset => (['Deployment', 'Job'] as const).map(kind => [preset, kind] as const)))(
    'with %s in a %s lints clean', (preset, kind) => expectClean(meshName, kind, [preset]));
});

test('any mesh, any kind, any subset of presets in any order lints clean', () => {
  fc.assert(fc.property(
    fc.constantFrom(...Object.keys(MESHES)),
    fc.constantFrom('Deployment' as const, 'Job' as const),
    fc.shuffledSubarray(PRESETS),
    (meshName, kind, presets) => expectClean(meshName, kind, presets),
  ), { numRuns: 60 });
});
