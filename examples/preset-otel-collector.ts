// A payments service that sends traces, metrics and logs to an OpenTelemetry Collector sidecar
// on localhost; the collector batches and forwards them to the cluster's gateway. The collector
// is stopped after the app, so the app's last spans still get out.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { OtelCollector, SidecarDeployment } from '../src';

export class PresetOtelCollectorChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const payments = new SidecarDeployment(this, 'payments', { replicas: 2 });
    const app = payments.addContainer({
      name: 'payments',
      image: 'ghcr.io/example/payments:8.0.2',
      ports: [{ number: 8080, name: 'http' }],
      envVariables: { OTEL_SERVICE_NAME: kplus.EnvValue.fromValue('payments') },
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
    OtelCollector.addTo(payments, {
      exporterEndpoint: 'otel-gateway.observability.svc:4317',
      exporterInsecure: true,
      app,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PresetOtelCollectorChart(app, 'preset-otel-collector');
  app.synth();
}
