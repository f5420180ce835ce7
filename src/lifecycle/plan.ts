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
  const inits = indexedContainers(spec, 'initContainers');
  const mains = indexedContainers(spec, 'containers');
  const gracePeriodSeconds = gracePeriodOf(spec?.terminationGracePeriodSeconds);
  const shutdown = shutdownOrder(inits, mains, gracePeriodSeconds, declared);
  // A helper image alone in a Job is a one-shot command (`vault kv put`); beside real work it is
  // the legacy sidecar that never exits.
  const helpers = declared.runsToCompletion === true ? mains.map(({ container }) => detectHelper(container.image) !== undefined) : NO_HELPERS;
  return new Plan(
    startupOrder(inits, mains),
    shutdown,
    gracePeriodSeconds,
    shutdownNeeds(shutdown),
    !(declared.runsToCompletion === true && helpers.some(h => h) && !helpers.every(h => h)),
    spec,
    version,
  );
}

/**
 * A plan whose effective resources are worked out on first use: most readers only need the
 * order. A class rather than an object literal with a getter: V8 gives every such literal a
 * hidden class of its own, which made each plan leave about 3.5 KB of short-lived maps and
 * descriptors behind that survived into the old generation (35 MB over the 10,000 plans of the
 * lint bench, and each young-generation collection took 5-10 ms instead of 0.2 ms).
 */
class Plan implements LifecyclePlan {
  private totals: ResourceTotals | undefined = undefined;

  public constructor(
    public readonly startup: StartupStep[],
    public readonly shutdown: ShutdownStep[],
    public readonly gracePeriodSeconds: number,
    public readonly shutdownNeedsSeconds: number,
    public readonly jobCanComplete: boolean,
    private readonly spec: any,
    private readonly version: KubeVersion,
  ) {}

  public get effective(): ResourceTotals {
    return this.totals ??= effectiveResources(this.spec, this.version);
  }
}

const NO_HELPERS: boolean[] = [];

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
function sidecarGate(container: any): StartGate {
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

/** Main containers stop in parallel, so their step counts once; each sidecar step adds its drain. */
function shutdownNeeds(shutdown: ShutdownStep[]): number {
  // Steps are listed in order, so each step's entries are side by side: add up each step's longest.
  let total = 0;
  for (let i = 0; i < shutdown.length;) {
    const step = shutdown[i].step;
    let longest = 0;
    for (; i < shutdown.length && shutdown[i].step === step; i++) longest = Math.max(longest, shutdown[i].needsSeconds);
    total += longest;
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
    if (container === null || typeof container !== 'object' || Array.isArray(container)) continue;
    indexed.push({ container, name: typeof container.name === 'string' ? container.name : '', index });
  }
  return indexed;
}
