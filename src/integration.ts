import { ApiObjectMetadataDefinition } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { InitContainerHandle, RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from './init-container';

/**
 * A rule suppression: the rule id and why it does not apply here.
 */
export interface RuleSuppression {
  /** The rule id, e.g. `SC208`. */
  readonly ruleId: string;
  /** Why the rule does not apply to this workload: a real sentence, at least 10 characters. */
  readonly reason: string;
}

/**
 * A render-time change to a workload's pod spec, for what cdk8s-plus cannot express (projected
 * volumes, a mesh proxy completed from the final spec).
 */
export interface IPodSpecTransform {
  /**
   * Return the changed pod spec. It runs after the init containers are ordered and the grace
   * period is derived; it must not mutate its input.
   * @param spec the pod spec as cdk8s-plus builds it (ports and quantities still as objects)
   */
  transformPodSpec(spec: any): any;
}

/**
 * What an integration (a mesh, a preset) may do to a sidecar-aware workload. Every workload of
 * this library implements it; meshes bind to it (`mesh.bind(workload)`).
 */
export interface ISidecarHost extends IConstruct {
  /** The workload's `metadata.name`. */
  readonly name: string;
  /** The workload's `kind`, e.g. `Deployment`. */
  readonly kind: string;
  /** The workload's `apiVersion`, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** The workload's own metadata. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** The pod template's metadata. */
  readonly podMetadata: ApiObjectMetadataDefinition;
  /** The main containers. */
  readonly containers: kplus.Container[];

  /**
   * Add a native sidecar (an init container with `restartPolicy: Always`).
   * @returns the sidecar's handle
   */
  addSidecar(props: SidecarProps): Sidecar;

  /**
   * Add a run-once init container.
   * @returns the init container's handle
   */
  addRunOnceInit(props: RunOnceInitProps): RunOnceInit;

  /**
   * Move a sidecar or init container of this workload ahead of every one not pinned before it,
   * whenever it was added (a mesh's proxy starts first). Pinned ones keep the order they were
   * pinned in.
   */
  pinFirst(handle: InitContainerHandle): void;

  /** Suppress a rule for this workload, with the reason. */
  addSuppression(suppression: RuleSuppression): void;

  /** Change the rendered pod spec; transforms run in the order they were added. */
  addPodSpecTransform(transform: IPodSpecTransform): void;
}
