import * as kplus from 'cdk8s-plus-30';
import { ContainerDependency } from '../dependency';
import { Sidecar } from '../init-container';
import { ISidecarHost } from '../integration';
import { LifecycleSummary } from './summary';
import { Violation } from '../rules/violation';

/**
 * The sidecar API every workload of this library offers. `addSidecar` and `addRunOnceInit` come
 * from `ISidecarHost`, what meshes and presets use to join a workload.
 */
export interface ISidecarWorkload extends ISidecarHost {
  /** The sidecars added so far, in declaration order. */
  readonly sidecars: Sidecar[];

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
