/**
 * What the presets share: reaching the workload as a construct, and adding pod-spec pieces
 * cdk8s-plus cannot express through the workload's `addPodSpecTransform`.
 */
import { Construct } from 'constructs';
import { ISidecarWorkload } from '../workloads/workload';

/** The workload as a construct (every `ISidecarWorkload` of this library is one). */
export function workloadConstruct(workload: ISidecarWorkload, where: string): Construct {
  if (!Construct.isConstruct(workload)) {
    throw new Error(`${where}: the workload is not a construct; pass a SidecarDeployment, SidecarJob or another workload of cdk8s-sidecars`);
  }
  return workload;
}

/**
 * Add a volume cdk8s-plus has no type for (projected service-account tokens) and mount it into
 * one container, at render time.
 */
export function addRawVolume(workload: ISidecarWorkload, containerName: string, volume: Record<string, any>, mount: Record<string, any>): void {
  workload.addPodSpecTransform({
    transformPodSpec: spec => {
      const volumes: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];
      const list = (field: 'initContainers' | 'containers') => (Array.isArray(spec[field])
        ? spec[field].map((c: any) => (c?.name === containerName ? { ...c, volumeMounts: [...c.volumeMounts ?? [], mount] } : c))
        : spec[field]);
      return {
        ...spec,
        initContainers: list('initContainers'),
        containers: list('containers'),
        volumes: volumes.some(v => v?.name === volume.name) ? volumes : [...volumes, volume],
      };
    },
  });
}
