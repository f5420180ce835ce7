import { Document, isMap, Node, YAMLMap } from 'yaml';
import { KubeVersion } from '../version';
import { HelperFacts } from './known';

/** Collects what a migration step did and what a person has to check, located in the input. */
export interface Recorder {
  /** Record an edit. `at` is the node the edit concerns, for its line in the input. */
  change(at: Node | undefined, description: string): void;
  /** Record something left for a person to check, with the field path from the object root. */
  concern(at: Node | undefined, description: string, path?: string): void;
}

/** A pod spec to migrate, inside one object of the input. */
export interface PodTarget {
  readonly doc: Document;
  readonly kind: string;
  readonly spec: YAMLMap;
  /** Field path of the pod spec from the object root, e.g. `spec.template.spec` (`items[0].` inside a List). */
  readonly specPath: string;
  /** The pod (template) metadata, where Istio's and Linkerd's annotations live. */
  readonly metadata?: YAMLMap;
  readonly runsToCompletion: boolean;
  /** The Job spec around the pod template (Job, CronJob), where podFailurePolicy lives. */
  readonly jobSpec?: YAMLMap;
  /** Field path of `jobSpec` from the object root. */
  readonly jobSpecPath?: string;
}

/** How the migration was asked to run. */
export interface MigrationSettings {
  /** Container names given with `--sidecar`. */
  readonly sidecarNames: ReadonlySet<string>;
  readonly version: KubeVersion;
}

/** A native sidecar of the pod after the move: one just moved, or one that already was. */
export interface NativeSidecar {
  readonly node: YAMLMap;
  readonly name?: string;
  readonly facts: HelperFacts;
  /** Moved by this migration (so its probes, hooks and env are this migration's business). */
  readonly moved: boolean;
}

/** How a report names a container: `"istio-proxy"`, or its position when it has no name. */
export function quoted(name: string | undefined, fallback: string): string {
  return name !== undefined ? `"${name}"` : fallback;
}

/** Whether a container map has a startupProbe. */
export function hasStartupProbe(container: YAMLMap): boolean {
  return container.has('startupProbe');
}

/**
 * Whether the kubelet holds back the containers after this sidecar until it is ready: a
 * startupProbe, or a blocking postStart hook (Linkerd's `linkerd-await`, Istio's `pilot-agent wait`).
 */
export function hasStartupGate(container: YAMLMap): boolean {
  const lifecycle = container.get('lifecycle', true);
  return hasStartupProbe(container) || (isMap(lifecycle) && lifecycle.has('postStart'));
}
