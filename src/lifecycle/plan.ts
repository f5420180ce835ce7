/**
 * The lifecycle model: a pure function from a pod spec to what the kubelet will do with it.
 * Rules, `explain`, the constructs and the tests all read this; nothing re-derives it.
 */
import { detectHelper } from './helper-images';
import { containerList, containerPath, isSidecar } from './pod-spec';
import { Nanos } from './quantity';
import { effectiveResources } from './resources';
import { KubeVersion } from '../version';

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
  readonly drainSeconds?: Readonly<Record<string, number>>;
  /** Declared stop seconds for the main containers. */
  readonly appStopSeconds?: number;
}

/** The kubelet's default when `terminationGracePeriodSeconds` is absent. */
const DEFAULT_GRACE_PERIOD_SECONDS = 30;

/**
 * What the kubelet will do with `spec` on a cluster of `version`: start order and gates, stop
 * order and how much of the grace period each container still has, whether a Job can finish,
 * and the effective resources. Pure: never throws on malformed input and never mutates it.
 *
 * Entries of a container list that are not objects are skipped (their neighbours keep their
 * real `path` index); a container without a string name is listed under the name `''`.
 */
export function planLifecycle(
  spec: any,
  version: KubeVersion,
  options?: PlanOptions & { readonly runsToCompletion?: boolean },
): LifecyclePlan {
  const declared = options ?? {};
  const gracePeriodSeconds = gracePeriodOf(spec?.terminationGracePeriodSeconds);
  // A helper image alone in a Job is a one-shot command (`vault kv put`); beside real work it is
  // the legacy sidecar that never exits.
  let jobCanComplete = true;
  if (declared.runsToCompletion === true) {
    const helpers = indexedContainers(spec, 'containers').map(({ container }) => detectHelper(container.image) !== undefined);
    jobCanComplete = !(helpers.some(h => h) && !helpers.every(h => h));
  }
  return new Plan(spec, version, declared, gracePeriodSeconds, shutdownNeeds(spec, declared), jobCanComplete);
}

/**
 * A plan whose start and stop sequences and effective resources are worked out on first use: the
 * rules mostly need the grace period and what the declared stops add up to. A class rather than
 * an object literal with getters: V8 gives every such literal a hidden class of its own, which
 * made each plan leave about 3.5 KB of short-lived maps and descriptors behind that survived into
 * the old generation (35 MB over the 10,000 plans of the lint bench, and each young-generation
 * collection took 5-10 ms instead of 0.2 ms).
 */
class Plan implements LifecyclePlan {
  private startupSteps: StartupStep[] | undefined = undefined;
  private shutdownSteps: ShutdownStep[] | undefined = undefined;
  private totals: ResourceTotals | undefined = undefined;

  public constructor(
    private readonly spec: any,
    private readonly version: KubeVersion,
    private readonly options: PlanOptions,
    public readonly gracePeriodSeconds: number,
    public readonly shutdownNeedsSeconds: number,
    public readonly jobCanComplete: boolean,
  ) {}

  public get startup(): StartupStep[] {
    return this.startupSteps ??= startupOrder(indexedContainers(this.spec, 'initContainers'), indexedContainers(this.spec, 'containers'));
  }

  public get shutdown(): ShutdownStep[] {
    return this.shutdownSteps ??= shutdownOrder(
      indexedContainers(this.spec, 'initContainers'), indexedContainers(this.spec, 'containers'), this.gracePeriodSeconds, this.options);
  }

  public get effective(): ResourceTotals {
    return this.totals ??= effectiveResources(this.spec, this.version);
  }
}

interface IndexedContainer {
  readonly container: any;
  readonly name: string;
  /** Position in its own list, for paths. */
  readonly index: number;
}

function startupOrder(inits: IndexedContainer[], mains: IndexedContainer[]): StartupStep[] {
  const steps: StartupStep[] = [];
  const started: string[] = [];
  for (const { container, name, index } of inits) {
    const sidecar = isSidecar(container);
    steps.push({
      step: steps.length,
      name,
      role: sidecar ? 'sidecar' : 'init',
      path: containerPath('initContainers', index),
      gate: sidecar ? sidecarGate(container) : StartGate.COMPLETED,
      waitsFor: [...started],
    });
    started.push(name);
  }
  // Regular containers start together once every init container has passed its gate.
  const mainStep = steps.length;
  for (const { name, index } of mains) {
    steps.push({ step: mainStep, name, role: 'main', path: containerPath('containers', index), gate: StartGate.NONE, waitsFor: [...started] });
  }
  return steps;
}

/** Only a startupProbe (not readiness) holds back the next container; without one, "started" means running. */
export function sidecarGate(container: any): StartGate {
  const probe = container.startupProbe;
  return probe !== null && typeof probe === 'object' && !Array.isArray(probe) ? StartGate.STARTUP_PROBE : StartGate.STARTED;
}

/**
 * Regular containers get SIGTERM first, together; sidecars follow one at a time in reverse
 * declaration order, each after the previous one has exited. All of it shares one grace period,
 * so every second the app or a later sidecar takes is gone for the earlier sidecars.
 */
function shutdownOrder(
  inits: IndexedContainer[],
  mains: IndexedContainer[],
  gracePeriodSeconds: number,
  options: PlanOptions,
): ShutdownStep[] {
  const steps: ShutdownStep[] = [];
  const appStopSeconds = declaredSeconds(options.appStopSeconds);
  for (const { container, name } of mains) {
    steps.push({ step: 0, name, role: 'main', needsSeconds: appStopSeconds, budgetLeftSeconds: gracePeriodSeconds, hasPreStop: hasPreStop(container) });
  }
  let consumed = mains.length > 0 ? appStopSeconds : 0;
  // Sidecars stop last, in reverse declaration order.
  let position = 0;
  for (let i = inits.length - 1; i >= 0; i--) {
    const { container, name } = inits[i];
    if (!isSidecar(container)) continue;
    const needsSeconds = drainOf(options.drainSeconds, name);
    steps.push({
      step: ++position,
      name,
      role: 'sidecar',
      needsSeconds,
      budgetLeftSeconds: Math.max(0, gracePeriodSeconds - consumed),
      hasPreStop: hasPreStop(container),
    });
    consumed += needsSeconds;
  }
  return steps;
}

/**
 * Seconds the declared stops need in all, as `shutdownOrder` lays them out: the main containers
 * stop together, so the app stop time counts once (when there is a main container), and each
 * sidecar stops after the one declared after it, so every drain adds up.
 */
function shutdownNeeds(spec: any, options: PlanOptions): number {
  const mains = containerList(spec, 'containers');
  let total = mains.some(isContainerObject) ? declaredSeconds(options.appStopSeconds) : 0;
  const inits = containerList(spec, 'initContainers');
  for (let i = 0; i < inits.length; i++) {
    const container = inits[i];
    if (isContainerObject(container) && isSidecar(container)) total += drainOf(options.drainSeconds, nameOf(container));
  }
  return total;
}

/** As the API server defaults it: absent or null is 30; a negative value is accepted and treated as 1. */
function gracePeriodOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return DEFAULT_GRACE_PERIOD_SECONDS;
  return value < 0 ? 1 : value;
}

function drainOf(drains: Readonly<Record<string, number>> | undefined, name: string): number {
  if (drains === null || typeof drains !== 'object' || !Object.prototype.hasOwnProperty.call(drains, name)) return 0;
  return declaredSeconds(drains[name]);
}

/** A declared duration, or 0 when it is missing or not a usable number of seconds. */
function declaredSeconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function hasPreStop(container: any): boolean {
  const lifecycle = container.lifecycle;
  return lifecycle !== null && typeof lifecycle === 'object' && lifecycle.preStop !== undefined && lifecycle.preStop !== null;
}

function indexedContainers(spec: any, field: 'containers' | 'initContainers'): IndexedContainer[] {
  const indexed: IndexedContainer[] = [];
  const containers = containerList(spec, field);
  for (let index = 0; index < containers.length; index++) {
    const container = containers[index];
    if (isContainerObject(container)) indexed.push({ container, name: nameOf(container), index });
  }
  return indexed;
}

/** Entries that are not objects are skipped; the API server could not even decode them. */
function isContainerObject(container: unknown): container is Record<string, any> {
  return container !== null && typeof container === 'object' && !Array.isArray(container);
}

/** A container without a string name is listed under the name `''`. */
function nameOf(container: Record<string, any>): string {
  return typeof container.name === 'string' ? container.name : '';
}
