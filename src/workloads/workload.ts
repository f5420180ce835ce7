import * as kplus from 'cdk8s-plus-30';
import { ContainerDependency } from '../dependency';
import { RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { LifecycleSummary } from './summary';
import { Violation } from '../rules/violation';

/**
 * The sidecar API every workload of this library offers.
 */
export interface ISidecarWorkload {
  /** The sidecars added so far, in declaration order. */
  readonly sidecars: Sidecar[];

  /**
   * Add a native sidecar: an init container with `restartPolicy: Always` that starts before
   * the containers after it and stops after the main containers.
   * @returns the sidecar's handle, for dependencies and mounts
   */
  addSidecar(props: SidecarProps): Sidecar;

  /**
   * Add a run-once init container: it must exit 0 before the next container starts.
   * @returns the init container's handle, for dependencies and mounts
   */
  addRunOnceInit(props: RunOnceInitProps): RunOnceInit;

  /**
   * Declare what a main container needs from sidecars and run-once init containers. Main
   * containers always start after every init container; the condition is checked at synth
   * (e.g. READY needs a startupProbe on the sidecar).
   */
  addContainerDependency(dependent: kplus.Container, ...dependencies: ContainerDependency[]): void;

  /** Start order, shutdown order, grace period and effective resources of the rendered pod. */
  describeLifecycle(): LifecycleSummary;

  /**
   * Every rule violation of the rendered manifest, warnings included, suppressions applied.
   * Errors also fail synth; warnings are printed once per synth.
   */
  violations(): Violation[];
}
