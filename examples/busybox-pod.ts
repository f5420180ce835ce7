// The smallest native sidecar: a busybox Pod whose sidecar tails the file the main container
// writes. The sidecar starts first and is stopped after the main container.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { SidecarPod } from '../src';

export class BusyboxPodChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const shared = kplus.Volume.fromEmptyDir(this, 'shared', 'shared');
    const pod = new SidecarPod(this, 'busybox', { restartPolicy: kplus.RestartPolicy.NEVER });
    pod.addSidecar({
      name: 'tail',
      image: 'busybox:1.37',
      command: ['sh', '-c', 'touch /shared/out.log && tail -F /shared/out.log'],
      volumeMounts: [{ path: '/shared', volume: shared }],
      // busybox runs as root by default; cdk8s-plus asks for a non-root user
      securityContext: { user: 65534, group: 65534 },
    });
    pod.addContainer({
      name: 'main',
      image: 'busybox:1.37',
      command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "tick $i" >> /shared/out.log; sleep 1; done'],
      volumeMounts: [{ path: '/shared', volume: shared }],
      resources: { cpu: { request: kplus.Cpu.millis(10) } },
      securityContext: { user: 65534, group: 65534 },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new BusyboxPodChart(app, 'busybox-pod');
  app.synth();
}
