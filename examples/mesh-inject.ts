// The webhook-injection mode of MeshedDeployment: no proxy is rendered; the pod asks the mesh's
// injector for a native-sidecar proxy, with the typed settings as the injector's annotations.
// The rest of the pod is still validated (SC401 reserved ports, SC402 proxy UID). One
// Deployment joins Istio, one Linkerd; both use a database proxy preset, which the injector
// will place after its own proxy.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { CloudSqlProxy, Mesh, MeshedDeployment, MeshLogLevel, MeshMode } from '../src';

export class MeshInjectChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const resources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(250) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    };
    const proxyResources: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
    };

    const billing = new MeshedDeployment(this, 'billing', {
      mesh: Mesh.istio({ mode: MeshMode.INJECT, revision: 'stable', resources: proxyResources, logLevel: MeshLogLevel.INFO }),
    });
    CloudSqlProxy.addTo(billing, { instances: [{ connectionName: 'example:europe-west1:billing', port: 5432 }] });
    billing.addContainer({ name: 'billing', image: 'ghcr.io/example/billing:3.0.1', ports: [{ number: 8080, name: 'http' }], resources, securityContext: { user: 10001, group: 10001 } });

    const ledger = new MeshedDeployment(this, 'ledger', {
      mesh: Mesh.linkerd({ mode: MeshMode.INJECT, resources: proxyResources, excludeOutboundIpRanges: ['169.254.169.254/32'] }),
    });
    CloudSqlProxy.addTo(ledger, { instances: [{ connectionName: 'example:europe-west1:ledger', port: 5432 }] });
    ledger.addContainer({ name: 'ledger', image: 'ghcr.io/example/ledger:1.9.0', ports: [{ number: 8080, name: 'http' }], resources, securityContext: { user: 10001, group: 10001 } });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshInjectChart(app, 'mesh-inject');
  app.synth();
}
