import { Chart, Testing } from 'cdk8s';

/** Synthesize a chart and return its only workload manifest (the one with a pod spec). */
export function synthWorkload(chart: Chart): any {
  const workloads = Testing.synth(chart).filter(m => ['Pod', 'Deployment', 'Job', 'CronJob', 'StatefulSet', 'DaemonSet'].includes(m.kind));
  if (workloads.length !== 1) throw new Error(`expected one workload, got ${workloads.length}`);
  return workloads[0];
}

/** The messages a failed synth reports, without cdk8s's header and construct-path prefixes. */
export function synthErrors(chart: Chart): string[] {
  try {
    Testing.synth(chart);
  } catch (error) {
    return (error as Error).message.split('\n').slice(1).map(line => line.trim()).filter(Boolean);
  }
  return [];
}
