// A Deployment whose log-shipper sidecar reads the app's log files from a shared volume.
// The shipper declares requests and a startupProbe on /healthz port 9000, so the app only
// starts writing logs once the shipper is collecting them.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { SidecarDeployment } from '../src';

export class LogShipperChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const logs = kplus.Volume.fromEmptyDir(this, 'logs', 'app-logs');
    const api = new SidecarDeployment(this, 'api', { replicas: 2 });
    api.addSidecar({
      name: 'log-shipper',
      image: 'ghcr.io/example/log-shipper:3.1.0',
      portNumber: 9000,
      volumeMounts: [{ path: '/var/log/app', volume: logs, readOnly: true }],
      startupProbe: kplus.Probe.fromHttpGet('/healthz', { port: 9000, periodSeconds: Duration.seconds(2), failureThreshold: 15 }),
      resources: {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: Size.mebibytes(48), limit: Size.mebibytes(96) },
      },
      // Flush buffered records after the app has stopped writing.
      drainTime: Duration.seconds(20),
    });
    api.addContainer({
      name: 'api',
      image: 'ghcr.io/example/api:7.0.3',
      portNumber: 8080,
      volumeMounts: [{ path: '/var/log/app', volume: logs }],
      resources: {
        cpu: { request: kplus.Cpu.millis(300) },
        memory: { request: Size.mebibytes(384), limit: Size.mebibytes(768) },
      },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new LogShipperChart(app, 'log-shipper');
  app.synth();
}
