/**
 * What a workload will do at runtime, computed from its rendered manifest with the same
 * lifecycle model the rules use.
 */
export interface LifecycleSummary {
  /** Init containers (run-once and sidecars) in the order they start, then the main containers. */
  readonly startupOrder: string[];
  /** The order containers are stopped in: main containers first, then sidecars in reverse. */
  readonly shutdownOrder: string[];
  /** The pod's `terminationGracePeriodSeconds` as rendered (30 when absent). */
  readonly terminationGracePeriodSeconds: number;
  /** Effective pod requests per resource (KEP-753 formula), e.g. `{ cpu: '350m', memory: '192Mi' }`. */
  readonly effectiveRequests: { [resource: string]: string };
  /** Effective pod limits per resource. */
  readonly effectiveLimits: { [resource: string]: string };
  /**
   * Whether the pod can run to completion (no long-running helper among the main containers).
   * Always true for pods that are restarted forever (Deployments, StatefulSets, DaemonSets, and
   * Pods with restartPolicy Always); checked for Jobs, CronJobs and Pods with Never or OnFailure.
   */
  readonly canComplete: boolean;
}
