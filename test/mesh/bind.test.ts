import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { APP_RESOURCES, initOrder, render } from './_helpers';
import { Mesh, MeshMode, SidecarStatefulSet } from '../../src';

describe('mesh.bind joins any workload through ISidecarHost', () => {
  test('a StatefulSet bound to Istio gets the mesh init container and proxy first, and the binding names them', () => {
    const chart = Testing.chart();
    const service = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
    const db = new SidecarStatefulSet(chart, 'db', { service });
    db.addRunOnceInit({ name: 'prepare', image: 'prepare:1' });
    const binding = Mesh.istio().bind(db);
    db.addContainer({ name: 'db', image: 'db:1', portNumber: 5432, resources: APP_RESOURCES, securityContext: { user: 10001 } });

    expect(binding.proxy?.name).toBe('istio-proxy');
    expect(binding.init?.name).toBe('istio-init');
    expect(initOrder(render(chart).spec)).toEqual(['istio-init', 'istio-proxy (sidecar)', 'prepare']);
    expect(db.sidecars.map(s => s.name)).toEqual(['istio-proxy']);
  });

  test('in INJECT mode the binding is empty and only the pod template asks the webhook', () => {
    const chart = Testing.chart();
    const service = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
    const db = new SidecarStatefulSet(chart, 'db', { service });
    db.addContainer({ name: 'db', image: 'db:1', resources: APP_RESOURCES, securityContext: { user: 10001 } });
    const binding = Mesh.istio({ mode: MeshMode.INJECT }).bind(db);

    expect(binding).toEqual({});
    const { spec, podMetadata } = render(chart);
    expect(spec.initContainers).toBeUndefined();
    expect(podMetadata.labels['sidecar.istio.io/inject']).toBe('true');
  });
});
