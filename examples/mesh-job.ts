// A nightly reconciliation Job in an Istio mesh. The proxy is a native sidecar, so the Job
// completes when the main container exits: no curl to /quitquitquit, no await wrapper.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Mesh, SidecarJob } from '../src';

export class MeshJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const job = new SidecarJob(this, 'reconcile', {
      backoffLimit: 2,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.days(1),
      mesh: Mesh.istio(),
    });
    job.addContainer({
      name: 'reconcile',
      image: 'ghcr.io/example/reconcile:2.3.0',
      command: ['/reconcile', '--since', '24h'],
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
      securityContext: { user: 10001, group: 10001 },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MeshJobChart(app, 'mesh-job');
  app.synth();
}
