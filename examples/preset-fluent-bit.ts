// A legacy app that writes log files instead of stdout, shipped by the Fluent Bit preset: the
// shared log volume is mounted in the app (read-write) and the shipper (read-only), the shipper
// tails it from the head and keeps flushing for 20 s after SIGTERM, which it receives only
// after the app has exited. No readiness probe on the shipper, ever.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { FluentBit, FluentBitOutput, SidecarDeployment } from '../src';

export class PresetFluentBitChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const legacy = new SidecarDeployment(this, 'legacy', { replicas: 2 });
    const app = legacy.addContainer({
      name: 'legacy',
      image: 'ghcr.io/example/legacy-billing:11.4.0',
      ports: [{ number: 8080, name: 'http' }],
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1024) } },
      securityContext: { user: 10001, group: 10001 },
    });
    FluentBit.addTo(legacy, {
      app,
      logPath: '/var/log/billing',
      output: FluentBitOutput.forward('fluentd-aggregator.logging.svc', 24224),
      grace: Duration.seconds(20),
    });
  }
}

if (require.main === module) {
  const app = new App();
  new PresetFluentBitChart(app, 'preset-fluent-bit');
  app.synth();
}
