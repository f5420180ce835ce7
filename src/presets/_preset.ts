/**
 * What the presets share: reaching the workload as a construct, and adding pod-spec pieces
 * cdk8s-plus cannot express through the workload's `addPodSpecTransform`.
 */
import * as kplus from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { checkInstance, checkPropsObject } from '../prop-checks';
import { ISidecarWorkload } from '../workloads/workload';

/** The workload as a construct (every `ISidecarWorkload` of this library is one). */
export function workloadConstruct(workload: ISidecarWorkload, where: string): Construct {
  if (!Construct.isConstruct(workload)) {
    throw new Error(`${where}: the workload is not a construct; pass a SidecarDeployment, SidecarJob or another workload of cdk8s-sidecars`);
  }
  return workload;
}

/**
 * The workload as a construct, and the options checked at the door: missing options (plain
 * JavaScript, `addTo(w)`) are named with the workload's path and an example, not a TypeError.
 */
export function presetTarget(workload: ISidecarWorkload, where: string, options: unknown, example: string): Construct {
  const scope = workloadConstruct(workload, where);
  checkPropsObject(() => `[${scope.node.path}] ${where}`, options, example);
  return scope;
}

/**
 * A container a preset wires up (mounts a shared volume into, points at localhost): it must be a
 * container of the same workload. A container of another workload would be changed in the other
 * pod, which gets its own copy of the volume and its own localhost, so the two sides would never
 * share a file or a connection; the preset refuses, naming both workloads.
 */
export function checkOwnContainer(scope: Construct, where: string, prop: string, container: unknown): void {
  const at = () => `[${scope.node.path}] ${where}`;
  checkInstance(at, prop, container, 'a container of the workload (the value addContainer() returns)', isContainer);
  const pod = scope as unknown as kplus.AbstractPod;
  if (pod.containers.includes(container as kplus.Container) || pod.initContainers.includes(container as kplus.Container)) return;
  const name = (container as kplus.Container).name;
  const owner = ownerOf(scope.node.root, container as kplus.Container);
  if (owner !== undefined) {
    throw new Error(`${at()}: ${prop} is container "${name}" of ${owner.node.path}, another workload; the two pods would get separate volumes and never share files (or localhost), so add the preset to ${owner.node.path}, or pass a container of ${scope.node.path}`);
  }
  throw new Error(`${at()}: ${prop} is container "${name}", which is not a container of this workload; add it with addContainer() first and pass the container that call returns`);
}

/** Whether a value is a cdk8s-plus container (duck-typed: what the presets call on it). */
function isContainer(value: any): boolean {
  return typeof value.mount === 'function' && typeof value.name === 'string';
}

/** The workload among the app's constructs that holds `container`, if any (only for an error message). */
function ownerOf(root: IConstruct, container: kplus.Container): IConstruct | undefined {
  return root.node.findAll().find(construct => {
    const pod = construct as Partial<kplus.AbstractPod>;
    return construct instanceof kplus.AbstractPod && (pod.containers!.includes(container) || pod.initContainers!.includes(container));
  });
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
