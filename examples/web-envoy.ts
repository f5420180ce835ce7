// A web Deployment whose Envoy proxy sidecar must be ready before the app starts: the proxy's
// startupProbe on /ready gates the app, and the app declares that it needs the proxy READY.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DependencyCondition, SidecarDeployment } from '../src';

export class WebEnvoyChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const web = new SidecarDeployment(this, 'web', { replicas: 2 });
    const envoy = web.addSidecar({
      name: 'envoy',
      image: 'envoyproxy/envoy:v1.31.2',
      args: ['--config-path', '/etc/envoy/envoy.yaml'],
      ports: [{ number: 8080, name: 'http' }, { number: 9901, name: 'admin' }],
      startupProbe: kplus.Probe.fromHttpGet('/ready', { port: 9901, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      resources: {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
      },
      drainTime: Duration.seconds(10),
    });
    const app = web.addContainer({
      name: 'app',
      image: 'ghcr.io/example/web:2.4.1',
      portNumber: 3000,
      resources: {
        cpu: { request: kplus.Cpu.millis(250) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      },
    });
    web.addContainerDependency(app, { container: envoy, condition: DependencyCondition.READY });
  }
}

if (require.main === module) {
  const app = new App();
  new WebEnvoyChart(app, 'web-envoy');
  app.synth();
}
