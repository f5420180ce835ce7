import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { SidecarDeployment, SidecarJob } from '../../src';
import { APP_RESOURCES } from '../mesh/_helpers';

/** A Deployment (or Job) with one small app container, for presets to join. */
export function workloadWithApp(kind: 'Deployment' | 'Job' = 'Deployment', appProps: Partial<kplus.ContainerProps> = {}) {
  const chart = Testing.chart();
  const workload = kind === 'Job' ? new SidecarJob(chart, 'work') : new SidecarDeployment(chart, 'work');
  const app = workload.addContainer({
    name: 'app', image: 'ghcr.io/example/app:1.0', resources: APP_RESOURCES, securityContext: { user: 10001, group: 10001 }, ...appProps,
  });
  return { chart, workload, app };
}
