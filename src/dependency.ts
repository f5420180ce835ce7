import type { InitContainerHandle } from './init-container';

/**
 * What a dependent container waits for before it starts.
 *
 * Kubernetes starts init containers strictly in list order: a run-once init container must
 * exit 0, a sidecar must be *started* (its process running and, when it has one, its
 * startupProbe passed) before the next entry starts. The library turns these conditions into
 * the `initContainers` order and rejects conditions that Kubernetes can never honour.
 */
export enum DependencyCondition {
  /**
   * The target's process is running. For a sidecar without a startupProbe this is all
   * Kubernetes waits for, so the dependent may start before the sidecar listens.
   */
  STARTED = 'STARTED',
  /**
   * The target is usable: a sidecar's startupProbe has passed (Kubernetes waits for a startup
   * probe, never for a readiness probe), or a run-once init container has completed.
   * A READY dependency on a sidecar without a startupProbe is rejected at synth.
   */
  READY = 'READY',
  /**
   * The target has exited successfully. Only run-once init containers complete; a COMPLETED
   * dependency on a sidecar is rejected at synth.
   */
  COMPLETED = 'COMPLETED',
}

/**
 * A typed ordering dependency on a sidecar or a run-once init container of the same workload.
 */
export interface ContainerDependency {
  /** The sidecar or run-once init container that must be started, ready or completed first. */
  readonly container: InitContainerHandle;
  /**
   * What the dependent waits for.
   * @default - the strongest condition the target supports: COMPLETED for a run-once init
   * container, READY for a sidecar with a startupProbe, STARTED for a sidecar without one
   */
  readonly condition?: DependencyCondition;
}

/** The condition a dependency means once its default is applied. */
export function effectiveCondition(dependency: ContainerDependency): DependencyCondition {
  if (dependency.condition) return dependency.condition;
  const target = dependency.container;
  if (!target.isSidecar) return DependencyCondition.COMPLETED;
  return target.hasStartupProbe ? DependencyCondition.READY : DependencyCondition.STARTED;
}
