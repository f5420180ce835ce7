// A nightly export Job that talks to its database through a Cloud SQL Auth Proxy sidecar.
// The proxy is a native sidecar, so the Job completes as soon as the export finishes.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DependencyCondition, SidecarJob } from '../src';

export class NightlyExportChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const job = new SidecarJob(this, 'nightly-export', {
      backoffLimit: 2,
      activeDeadline: Duration.hours(2),
      ttlAfterFinished: Duration.days(1),
    });
    const proxy = job.addSidecar({
      name: 'database-proxy',
      image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1',
      args: ['--port=5432', '--health-check', '--http-address=0.0.0.0', '--http-port=9090', '--exit-zero-on-sigterm', 'example:europe-west1:warehouse'],
      ports: [{ number: 5432, name: 'postgres' }, { number: 9090, name: 'health' }],
      startupProbe: kplus.Probe.fromHttpGet('/startup', { port: 9090, periodSeconds: Duration.seconds(1), failureThreshold: 60 }),
      resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      drainTime: Duration.seconds(10),
    });
    const exporter = job.addContainer({
      name: 'export',
      image: 'ghcr.io/example/warehouse-export:1.8.0',
      command: ['/export', '--since', '24h', '--to', 'gs://example-exports/nightly/'],
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1024) } },
    });
    job.addContainerDependency(exporter, { container: proxy, condition: DependencyCondition.READY });
  }
}

if (require.main === module) {
  const app = new App();
  new NightlyExportChart(app, 'nightly-export');
  app.synth();
}
