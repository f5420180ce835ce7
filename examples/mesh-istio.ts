// A checkout service in an Istio mesh, with the proxy rendered at synth time. MeshedDeployment
// adds istio-init, then istio-proxy as a native sidecar, ahead of the app's own run-once
// migration, so the migration already talks through the mesh. The app's HTTP probes are
// rewritten to the agent's port 15020, as the injector would, and the pod opts out of the webhook.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Mesh, MeshedDeployment } from '../src';

export class MeshIstioChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const checkout = new MeshedDeployment(this, 'checkout', {
      replicas: 3,
      podMetadata: { labels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/version': '4.2.0' } },
      mesh: Mesh.istio({
        // Cloud metadata must not go through the proxy.
        excludeOutboundIpRanges: ['169.254.169.254/32'],
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
        },
        drainTime: Duration.seconds(10),
      }),
    });
    // Declared before anything else here, but it starts after the proxy: the mesh is pinned first.
    checkout.addRunOnceInit({
      name: 'migrate',
      image: 'ghcr.io/example/checkout-migrations:4.2.0',
      command: ['/migrate', 'up'],
      resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    });
    checkout.addContainer({
      name: 'checkout',
      image: 'ghcr.io/example/checkout:4.2.0',
      ports: [{ number: 8080, name: 'http' }],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(5) }),
      liveness: kplus.Probe.fromHttpGet('/live', { port: 8080, periodSeconds: Duration.seconds(10) }),
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshIstioChart(app, 'mesh-istio');
  app.synth();
}
