import { isAtLeast, KubeVersion } from '../version';

/**
 * Where each workload kind keeps its pod spec, and the field path prefix the API server uses
 * for errors inside it.
 */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

const SPEC_PATH_TEXT: Record<string, string> = Object.fromEntries(Object.entries(POD_SPEC_PATHS).map(([kind, path]) => [kind, path.join('.')]));

/** The kinds whose pod spec the engine understands. */
export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS);

/** A pod spec found inside a manifest. */
export interface LocatedPodSpec {
  /** The pod spec object (never undefined; `{}` when the manifest has none). */
  readonly spec: any;
  /** Field path of the pod spec from the object root, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** True for a bare Pod; false for a template inside a controller. */
  readonly isPod: boolean;
  /**
   * True when the pods run to completion: a Job or CronJob, or a bare Pod whose restartPolicy is
   * Never or OnFailure (it succeeds once its regular containers have exited). Sidecars never
   * block that; a long-running helper among the regular containers does.
   */
  readonly runsToCompletion: boolean;
}

/**
 * Find the pod spec of a workload manifest, or `undefined` for kinds that have none.
 */
export function locatePodSpec(manifest: any): LocatedPodSpec | undefined {
  const kind = manifest?.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind)) return undefined;
  const segments = POD_SPEC_PATHS[kind];
  let node: any = manifest;
  for (const segment of segments) {
    node = node !== null && typeof node === 'object' ? node[segment] : undefined;
  }
  const spec = node !== null && typeof node === 'object' && !Array.isArray(node) ? node : {};
  return {
    spec,
    specPath: SPEC_PATH_TEXT[kind],
    isPod: kind === 'Pod',
    runsToCompletion: kind === 'Job' || kind === 'CronJob' || (kind === 'Pod' && podRunsToCompletion(spec.restartPolicy)),
  };
}

/**
 * The pod spec as the API server of `version` validates it and the kubelet runs it. Before 1.29
 * the SidecarContainers gate is off by default (alpha in 1.28; before that the field does not
 * exist), and the API server drops `restartPolicy` from every init container before validating
 * (`dropDisabledFields`): a would-be sidecar is then a plain init container, whatever the value
 * was. From 1.29 on, and whenever no init container sets the field, `spec` itself is returned.
 */
export function specAsValidated(spec: any, version: KubeVersion): any {
  if (isAtLeast(version, 29)) return spec;
  const inits = spec?.initContainers;
  if (!Array.isArray(inits) || !inits.some(c => c !== null && typeof c === 'object' && 'restartPolicy' in c)) return spec;
  return {
    ...spec,
    initContainers: inits.map(c => {
      if (c === null || typeof c !== 'object' || !('restartPolicy' in c)) return c;
      const { restartPolicy: _dropped, ...rest } = c;
      return rest;
    }),
  };
}

/** Whether a bare Pod with this `restartPolicy` ends once its regular containers exit (not `Always`, the default). */
export function podRunsToCompletion(restartPolicy: unknown): boolean {
  return restartPolicy === 'Never' || restartPolicy === 'OnFailure';
}

/** Whether an init container entry is a native sidecar (`restartPolicy: Always`, exactly). */
export function isSidecar(initContainer: any): boolean {
  return initContainer?.restartPolicy === 'Always';
}

/** `initContainers[2]`: a container's path in its pod spec. The first few of each list are built once and shared. */
export function containerPath(list: 'containers' | 'initContainers' | 'ephemeralContainers', index: number): string {
  const known = CONTAINER_PATHS[list];
  return index < known.length ? known[index] : `${list}[${index}]`;
}

const CONTAINER_PATHS = {
  containers: pathsOf('containers'),
  initContainers: pathsOf('initContainers'),
  ephemeralContainers: pathsOf('ephemeralContainers'),
};

function pathsOf(list: string): readonly string[] {
  return Array.from({ length: 16 }, (_, index) => `${list}[${index}]`);
}

/** The entries of a container list, tolerating absent or malformed lists. */
export function containerList(spec: any, field: 'containers' | 'initContainers' | 'ephemeralContainers'): any[] {
  const list = spec?.[field];
  return Array.isArray(list) ? list : [];
}
