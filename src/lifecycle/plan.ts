/**
 * The lifecycle model: a pure function from a pod spec to what the kubelet will do with it.
 * Rules, `explain`, the constructs and the tests all read this; nothing re-derives it.
 *
 * (Types fixed here; implementation in progress.)
 */
import { Nanos } from './quantity';

/** What a container must reach before the next step may start. */
export enum StartGate {
  /** A plain init container: it must exit 0. */
  COMPLETED = 'completed',
  /** A sidecar with a startupProbe: the probe must pass (and postStart return). */
  STARTUP_PROBE = 'startup-probe',
  /** A sidecar without a startupProbe: only the process must be running (and postStart return). */
  STARTED = 'started',
  /** A regular container: nothing waits for it. */
  NONE = 'none',
}

export type ContainerRole = 'init' | 'sidecar' | 'main';

export interface StartupStep {
  /** 0-based position in the startup sequence. Main containers share one step index. */
  readonly step: number;
  readonly name: string;
  readonly role: ContainerRole;
  /** Path relative to the pod spec, e.g. `initContainers[1]`. */
  readonly path: string;
  /** What this container must reach before the next step starts. */
  readonly gate: StartGate;
  /** Names of the containers that must have passed their gates before this one starts. */
  readonly waitsFor: string[];
}

export interface ShutdownStep {
  /** 0-based position in the shutdown sequence. Main containers share step 0. */
  readonly step: number;
  readonly name: string;
  readonly role: 'sidecar' | 'main';
  /** Seconds this container is expected to need (declared drain, or the app stop time). */
  readonly needsSeconds: number;
  /** Seconds of the grace period still left when this container is sent SIGTERM (never below 0). */
  readonly budgetLeftSeconds: number;
  /** Whether a preStop hook runs at the start of termination for this container. */
  readonly hasPreStop: boolean;
}

export interface ResourceTotals {
  /** Per resource name (cpu, memory, ephemeral-storage, ...): the effective pod value. */
  readonly requests: Record<string, Nanos>;
  readonly limits: Record<string, Nanos>;
}

export interface LifecyclePlan {
  readonly startup: StartupStep[];
  /** Main containers first (step 0), then sidecars in reverse declaration order. */
  readonly shutdown: ShutdownStep[];
  /** The pod's terminationGracePeriodSeconds after defaulting (30 when absent; negative reads as 1). */
  readonly gracePeriodSeconds: number;
  /** Seconds the declared stop times need in total (app stop + every sidecar drain). */
  readonly shutdownNeedsSeconds: number;
  /** True when no regular container is a long-running helper that would keep a Job from completing. */
  readonly jobCanComplete: boolean;
  /** Effective pod requests and limits (KEP-753 formula, plus pod overhead). */
  readonly effective: ResourceTotals;
}

export interface PlanOptions {
  /** Declared drain seconds per sidecar name (from typed props or the drain annotation). */
  readonly drainSeconds?: Record<string, number>;
  /** Declared stop seconds for the main containers. */
  readonly appStopSeconds?: number;
}
