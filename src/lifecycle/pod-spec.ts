import { gateEnabled } from '../feature-gates';
import type { CustomWorkloadKind } from '../rules/violation';
import { KubeVersion } from '../version';

/**
 * Where each built-in workload kind keeps its pod spec, and the field path prefix the API server
 * uses for errors inside it. Matched by kind alone (OpenKruise's Advanced StatefulSet and
 * DaemonSet, in apps.kruise.io, keep theirs at the same place).
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

/**
 * Custom resources of well-known projects whose objects hold a pod spec, by `Kind.group`
 * (matched with the group, so that Knative's `Service` is not the core one). Each path is the
 * project's own API type: Argo Rollouts `RolloutSpec.Template`, OpenKruise `CloneSetSpec.Template`
 * and `BroadcastJobSpec.Template` (pods run to completion on every node), KEDA
 * `ScaledJobSpec.JobTargetRef` (a batch/v1 JobSpec), Knative Serving `ConfigurationSpec.Template`
 * (a RevisionSpec, which inlines a PodSpec) and the RevisionSpec of a Revision.
 */
export const WELL_KNOWN_CUSTOM_WORKLOADS: readonly CustomWorkloadKind[] = [
  { kind: 'Rollout', group: 'argoproj.io', podSpecPath: 'spec.template.spec' },
  { kind: 'CloneSet', group: 'apps.kruise.io', podSpecPath: 'spec.template.spec' },
  { kind: 'BroadcastJob', group: 'apps.kruise.io', podSpecPath: 'spec.template.spec', runsToCompletion: true },
  { kind: 'ScaledJob', group: 'keda.sh', podSpecPath: 'spec.jobTargetRef.template.spec', runsToCompletion: true },
  { kind: 'Service', group: 'serving.knative.dev', podSpecPath: 'spec.template.spec' },
  { kind: 'Configuration', group: 'serving.knative.dev', podSpecPath: 'spec.template.spec' },
  { kind: 'Revision', group: 'serving.knative.dev', podSpecPath: 'spec' },
];

/**
 * Custom resources that run pods the linter does not model: Argo Workflows builds a pod per step
 * from `templates[]` (a single `container`, a `script`, a `podSpecPatch` string), not from a
 * pod spec. They are reported as not checked, with this reason.
 */
const NOT_MODELLED: Record<string, string> = {
  'Workflow.argoproj.io': 'Argo Workflows builds a pod per step from its templates',
  'WorkflowTemplate.argoproj.io': 'Argo Workflows builds a pod per step from its templates',
  'ClusterWorkflowTemplate.argoproj.io': 'Argo Workflows builds a pod per step from its templates',
  'CronWorkflow.argoproj.io': 'Argo Workflows builds a pod per step from its templates',
};

/** The kinds whose pod spec the engine understands without being told. */
export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS);

/** Where one kind keeps its pod spec. */
interface PodSpecPlace {
  readonly segments: readonly string[];
  readonly specPath: string;
  readonly isPod: boolean;
  readonly runsToCompletion: boolean;
}

const BUILT_IN: ReadonlyMap<string, PodSpecPlace> = new Map(Object.entries(POD_SPEC_PATHS).map(([kind, segments]) => [kind, {
  segments,
  specPath: segments.join('.'),
  isPod: kind === 'Pod',
  runsToCompletion: kind === 'Job' || kind === 'CronJob',
}]));

/** What a kind, an API group and a dotted field path may look like. */
const KIND_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const GROUP_NAME = /^$|^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const FIELD_PATH = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;

/**
 * The kinds a run knows, compiled once: the built-in ones, the well-known custom resources, and
 * those the user named (which come first, so a user can also redirect a well-known one).
 */
export class WorkloadKinds {
  /** The built-in kinds and the well-known custom resources only. */
  public static readonly DEFAULT = new WorkloadKinds([], 'customWorkloads');

  /**
   * The kinds for `ValidationOptions.customWorkloads`; the same list object gives the same
   * compiled kinds. Throws a plain error naming the bad entry (`where[1].podSpecPath ...`).
   */
  public static of(custom: readonly CustomWorkloadKind[] | undefined, where = 'customWorkloads'): WorkloadKinds {
    if (custom === undefined || custom === null) return WorkloadKinds.DEFAULT;
    if (!Array.isArray(custom)) throw new Error(`${where} must be a list of { kind, group, podSpecPath } entries`);
    if (custom.length === 0) return WorkloadKinds.DEFAULT;
    let kinds = WorkloadKinds.compiled.get(custom);
    if (kinds === undefined) {
      kinds = new WorkloadKinds(custom, where);
      WorkloadKinds.compiled.set(custom, kinds);
    }
    return kinds;
  }

  private static readonly compiled = new WeakMap<readonly CustomWorkloadKind[], WorkloadKinds>();

  /** `Kind.group` (and `Kind` for "any group") of the custom entries. */
  private readonly custom = new Map<string, PodSpecPlace>();
  private readonly wellKnown = new Map<string, PodSpecPlace>();

  private constructor(custom: readonly CustomWorkloadKind[], where: string) {
    custom.forEach((entry, index) => {
      const place = compileEntry(entry, `${where}[${index}]`);
      this.custom.set(entry.group === undefined ? entry.kind : `${entry.kind}.${entry.group}`, place);
    });
    for (const entry of WELL_KNOWN_CUSTOM_WORKLOADS) this.wellKnown.set(`${entry.kind}.${entry.group}`, compileEntry(entry, 'well-known'));
  }

  /** Where an object of this kind and apiVersion keeps its pod spec; undefined when it has none the linter knows. */
  public placeOf(kind: string, apiVersion: unknown): PodSpecPlace | undefined {
    if (this.custom.size > 0) {
      const named = this.custom.get(`${kind}.${groupOf(apiVersion)}`) ?? this.custom.get(kind);
      if (named !== undefined) return named;
    }
    const builtIn = BUILT_IN.get(kind);
    if (builtIn !== undefined) return builtIn;
    return this.wellKnown.get(`${kind}.${groupOf(apiVersion)}`);
  }
}

/** `apps` for `apps/v1`, `''` for `v1` (the core group) and anything that is not an apiVersion. */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function compileEntry(entry: CustomWorkloadKind, where: string): PodSpecPlace {
  if (entry === null || typeof entry !== 'object') throw new Error(`${where} must be an object with kind, group and podSpecPath`);
  if (typeof entry.kind !== 'string' || !KIND_NAME.test(entry.kind)) {
    throw new Error(`${where}.kind ${JSON.stringify(entry.kind)} is not a Kubernetes kind; use the kind as written in the objects, e.g. "Rollout"`);
  }
  if (entry.group !== undefined && (typeof entry.group !== 'string' || !GROUP_NAME.test(entry.group))) {
    throw new Error(`${where}.group ${JSON.stringify(entry.group)} is not an API group; use the part of apiVersion before the slash, e.g. "argoproj.io"`);
  }
  if (typeof entry.podSpecPath !== 'string' || !FIELD_PATH.test(entry.podSpecPath)) {
    throw new Error(`${where}.podSpecPath ${JSON.stringify(entry.podSpecPath)} is not a dotted field path; give the path of the pod spec, e.g. "spec.template.spec"`);
  }
  if (entry.runsToCompletion !== undefined && typeof entry.runsToCompletion !== 'boolean') {
    throw new Error(`${where}.runsToCompletion must be true or false`);
  }
  return {
    segments: entry.podSpecPath.split('.'),
    specPath: entry.podSpecPath,
    isPod: false,
    runsToCompletion: entry.runsToCompletion === true,
  };
}

/** A pod spec found inside a manifest. */
export interface LocatedPodSpec {
  /** The pod spec object (never undefined; `{}` when the manifest has none). */
  readonly spec: any;
  /** Field path of the pod spec from the object root, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** True for a bare Pod; false for a template inside a controller. */
  readonly isPod: boolean;
  /**
   * True when the pods run to completion: a Job or CronJob (or a custom kind declared so), or a
   * bare Pod whose restartPolicy is Never or OnFailure (it succeeds once its regular containers
   * have exited). Sidecars never block that; a long-running helper among the regular containers does.
   */
  readonly runsToCompletion: boolean;
}

/**
 * Find the pod spec of a workload manifest, or `undefined` for kinds that have none (or none
 * that `kinds` knows).
 */
export function locatePodSpec(manifest: any, kinds: WorkloadKinds = WorkloadKinds.DEFAULT): LocatedPodSpec | undefined {
  const kind = manifest?.kind;
  if (typeof kind !== 'string') return undefined;
  const place = kinds.placeOf(kind, manifest.apiVersion);
  if (place === undefined) return undefined;
  let node: any = manifest;
  for (const segment of place.segments) {
    node = node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
  }
  const spec = node !== null && typeof node === 'object' && !Array.isArray(node) ? node : {};
  return {
    spec,
    specPath: place.specPath,
    isPod: place.isPod,
    runsToCompletion: place.runsToCompletion || (place.isPod && podRunsToCompletion(spec.restartPolicy)),
  };
}

/** An object that may run pods but holds no pod spec the linter knows. */
export interface UncheckedWorkload {
  /** `Kind.group`, or `Kind` in the core group. */
  readonly kindName: string;
  /** Why it cannot be checked, when the kind is known (Argo Workflows). */
  readonly reason?: string;
  /** Where a `containers` list sits: most likely its pod spec. */
  readonly suggestedPath?: string;
}

/**
 * Why an object that holds no pod spec the linter knows may still run pods, or undefined when
 * it cannot (a built-in kind such as Service, or a custom resource without `containers`):
 * `suggestedPath` is where a `containers` list sits (the pod spec to name), when one was found.
 */
export function uncheckedWorkload(manifest: any): UncheckedWorkload | undefined {
  const kind = manifest?.kind;
  if (typeof kind !== 'string' || BUILT_IN.has(kind)) return undefined;
  const group = groupOf(manifest.apiVersion);
  if (isBuiltInGroup(group)) return undefined;
  const kindName = group === '' ? kind : `${kind}.${group}`;
  const reason = NOT_MODELLED[kindName];
  if (reason !== undefined) return { kindName, reason };
  const suggestedPath = containersParentPath(manifest);
  return suggestedPath === undefined ? undefined : { kindName, suggestedPath };
}

/** The core group and the groups Kubernetes itself serves (`apps`, `batch`, `*.k8s.io`, ...): no custom pods there. */
function isBuiltInGroup(group: string): boolean {
  return group === '' || group === 'apps' || group === 'batch' || group === 'autoscaling' || group === 'policy'
    || group === 'extensions' || group === 'k8s.io' || group.endsWith('.k8s.io');
}

/**
 * The dotted path of the first object (breadth first, outside `metadata` and `status`, at most
 * 8 levels down and 5,000 values in) that holds a `containers` list of objects: where a pod spec
 * most likely is. Undefined when there is none.
 */
function containersParentPath(manifest: any): string | undefined {
  const queue: Array<{ node: any; path: string; depth: number }> = [{ node: manifest, path: '', depth: 0 }];
  let visited = 0;
  for (let head = 0; head < queue.length && visited < 5_000; head++) {
    const { node, path, depth } = queue[head];
    const containers = node.containers;
    if (path !== '' && Array.isArray(containers) && containers.length > 0 && containers.every((c: unknown) => c !== null && typeof c === 'object' && !Array.isArray(c))) {
      return path;
    }
    if (depth >= 8) continue;
    for (const key of Object.keys(node)) {
      visited++;
      if (depth === 0 && (key === 'metadata' || key === 'status')) continue;
      const child = node[key];
      if (child !== null && typeof child === 'object' && !Array.isArray(child) && FIELD_PATH.test(key)) {
        queue.push({ node: child, path: path === '' ? key : `${path}.${key}`, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The pod spec as the API server of `version` validates it and the kubelet runs it: the fields
 * of feature gates that are off by default there are dropped before validation
 * (`dropDisabledFields`, see GATED_FIELDS in feature-gates.ts). Before 1.29 (SidecarContainers)
 * every init container loses `restartPolicy`, so a would-be sidecar is a plain init container;
 * while ContainerStopSignals is off, `lifecycle.stopSignal` goes (a lifecycle left empty with it);
 * before 1.34 (PodLevelResources) so does pod-level `resources`. When nothing is dropped, `spec`
 * itself is returned.
 */
export function specAsValidated(spec: any, version: KubeVersion): any {
  if (spec === null || typeof spec !== 'object') return spec;
  let result = spec;
  const copy = (): any => (result === spec ? (result = { ...spec }) : result);
  if (!gateEnabled('SidecarContainers', version)) {
    const inits = dropFromContainers(spec.initContainers, dropRestartPolicy);
    if (inits !== undefined) copy().initContainers = inits;
  }
  if (!gateEnabled('ContainerStopSignals', version)) {
    for (const list of ['initContainers', 'containers'] as const) {
      const dropped = dropFromContainers(result[list], dropStopSignal);
      if (dropped !== undefined) copy()[list] = dropped;
    }
  }
  if (!gateEnabled('PodLevelResources', version) && spec.resources !== undefined) delete copy().resources;
  return result;
}

/** The list with `drop` applied to each container, or undefined when no container changed. */
function dropFromContainers(list: unknown, drop: (container: any) => any): any[] | undefined {
  if (!Array.isArray(list)) return undefined;
  let changed = false;
  const out = list.map(container => {
    if (container === null || typeof container !== 'object') return container;
    const dropped = drop(container);
    if (dropped !== container) changed = true;
    return dropped;
  });
  return changed ? out : undefined;
}

function dropRestartPolicy(container: any): any {
  if (!('restartPolicy' in container)) return container;
  const { restartPolicy: _dropped, ...rest } = container;
  return rest;
}

/** Without `lifecycle.stopSignal`; a lifecycle that held nothing else goes too (it becomes null). */
function dropStopSignal(container: any): any {
  const lifecycle = container.lifecycle;
  if (lifecycle === null || typeof lifecycle !== 'object' || !('stopSignal' in lifecycle)) return container;
  const { stopSignal: _dropped, ...rest } = lifecycle;
  const { lifecycle: _old, ...others } = container;
  const empty = Object.keys(rest).every(key => rest[key] === undefined || rest[key] === null);
  return empty ? others : { ...others, lifecycle: rest };
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
