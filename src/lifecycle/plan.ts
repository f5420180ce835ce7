/**
 * The lifecycle model: a pure function from a pod spec to what the kubelet will do with it.
 * Rules, `explain`, the constructs and the tests all read this; nothing re-derives it.
 */
import { analyseCompletion, CompletionAnalysis, stuckInitReason } from './long-running';
import { containerList, containerPath, isSidecar } from './pod-spec';
import { Nanos } from './quantity';
import { effectiveResources } from './resources';
import { gateEnabled } from '../feature-gates';
import { isAtLeast, KubeVersion } from '../version';

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
  /**
   * False when a pod that runs to completion never does: a regular container runs forever beside
   * the work and nothing stops it (strong evidence), or an init container never exits. Always true
   * for pods that do not run to completion (they have nothing to complete).
   */
  readonly jobCanComplete: boolean;
  /** For pods that run to completion: the long-running regular containers and what stops them (empty otherwise). */
  readonly completion: CompletionAnalysis;
  /** Init containers (as the target version runs them) that never exit, so the containers after them never start. */
  readonly stuckInits: StuckInit[];
  /** Effective pod requests and limits (KEP-753 formula, plus pod overhead). */
  readonly effective: ResourceTotals;
  /**
   * Resources that some containers limit and others do not: the kubelet then puts no pod-level
   * limit on them (the pod is unbounded), whatever `effective.limits` adds up for the others.
   */
  readonly unboundedLimits: UnboundedLimit[];
  /**
   * Containers with a `RestartAllContainers` restart rule (KEP-5532, on from 1.36; empty before):
   * when one exits with a matching code, the kubelet stops every container of the pod, sidecars
   * included, and runs the pod again in place from its first init container.
   */
  readonly restartAllTriggers: RestartAllTrigger[];
}

/** A container whose exit, with one of the codes of a rule, restarts every container of the pod. */
export interface RestartAllTrigger {
  readonly name: string;
  /** Path relative to the pod spec, e.g. `containers[0]`. */
  readonly path: string;
  /** Which rule: `restartPolicyRules[1]`. */
  readonly rule: string;
  /** `In` or `NotIn`. */
  readonly operator: string;
  readonly exitCodes: number[];
}

/** An init container that never completes. */
export interface StuckInit {
  readonly name: string;
  /** Path relative to the pod spec, e.g. `initContainers[0]`. */
  readonly path: string;
  /** As the end of a sentence about the container. */
  readonly reason: string;
}

/** A resource the pod has no limit for because some containers set none. */
export interface UnboundedLimit {
  readonly resource: string;
  /** Names of the containers (init containers included) that set no limit for it. */
  readonly unlimited: string[];
}

export interface PlanOptions {
  /** Declared drain seconds per sidecar name (from typed props or the drain annotation). */
  readonly drainSeconds?: Readonly<Record<string, number>>;
  /** Declared stop seconds for the main containers. */
  readonly appStopSeconds?: number;
  /**
   * The pod spec as written, when `spec` is what an older target version makes of it (see
   * `specAsValidated`): init containers written as sidecars then run as plain ones that never exit.
   */
  readonly sourceSpec?: any;
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
  return new Plan(spec, version, declared, gracePeriodSeconds, shutdownNeeds(spec, declared), declared.runsToCompletion === true);
}

/**
 * A plan whose start and stop sequences and effective resources are worked out on first use: the
 * rules mostly need the grace period and what the declared stops add up to.
 */
class Plan implements LifecyclePlan {
  private startupSteps: StartupStep[] | undefined = undefined;
  private shutdownSteps: ShutdownStep[] | undefined = undefined;
  private totals: ResourceTotals | undefined = undefined;
  private completionFound: CompletionAnalysis | undefined = undefined;
  private stuck: StuckInit[] | undefined = undefined;

  public constructor(
    private readonly spec: any,
    private readonly version: KubeVersion,
    private readonly options: PlanOptions,
    public readonly gracePeriodSeconds: number,
    public readonly shutdownNeedsSeconds: number,
    private readonly runsToCompletion: boolean,
  ) {}

  public get jobCanComplete(): boolean {
    return !this.runsToCompletion || (this.completion.blockers.length === 0 && this.stuckInits.length === 0);
  }

  public get completion(): CompletionAnalysis {
    return this.completionFound ??= this.runsToCompletion ? analyseCompletion(this.spec) : analyseCompletion(undefined);
  }

  public get stuckInits(): StuckInit[] {
    return this.stuck ??= stuckInits(this.spec, this.options.sourceSpec, this.version);
  }

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

  public get unboundedLimits(): UnboundedLimit[] {
    return unboundedLimits(this.spec, this.version);
  }

  public get restartAllTriggers(): RestartAllTrigger[] {
    return gateEnabled('RestartAllContainersOnContainerExits', this.version) ? restartAllTriggers(this.spec) : [];
  }
}

function stuckInits(spec: any, sourceSpec: any, version: KubeVersion): StuckInit[] {
  const written = containerList(sourceSpec ?? spec, 'initContainers');
  const stuck: StuckInit[] = [];
  for (const { container, name, index } of indexedContainers(spec, 'initContainers')) {
    const reason = stuckInitReason(container, written[index] ?? container, version.text);
    if (reason !== undefined) stuck.push({ name, path: containerPath('initContainers', index), reason });
  }
  return stuck;
}

/**
 * The kubelet sets a pod-level cgroup limit for a resource only when every container (init
 * containers included) limits it (`ResourceConfigForPod`); from 1.34 a pod-level
 * `spec.resources.limits` entry bounds the pod instead. Resources no container limits are left out:
 * `effective.limits` already has nothing for them.
 */
function unboundedLimits(spec: any, version: KubeVersion): UnboundedLimit[] {
  const all = [...indexedContainers(spec, 'initContainers'), ...indexedContainers(spec, 'containers')];
  const limitsOf = (container: any): Record<string, unknown> => {
    const limits = container.resources?.limits;
    return limits !== null && typeof limits === 'object' && !Array.isArray(limits) ? limits : {};
  };
  const podLimits = isAtLeast(version, 34) ? spec?.resources?.limits : undefined;
  const names = new Set<string>();
  for (const { container } of all) Object.keys(limitsOf(container)).forEach(name => names.add(name));
  const unbounded: UnboundedLimit[] = [];
  for (const resource of [...names].sort()) {
    if (podLimits !== null && typeof podLimits === 'object' && podLimits[resource] !== undefined) continue;
    const unlimited = all.filter(({ container }) => !hasLimit(limitsOf(container)[resource])).map(({ name }) => name);
    if (unlimited.length > 0) unbounded.push({ resource, unlimited });
  }
  return unbounded;
}

function restartAllTriggers(spec: any): RestartAllTrigger[] {
  const triggers: RestartAllTrigger[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    for (const { container, name, index } of indexedContainers(spec, list)) {
      const rules = container.restartPolicyRules;
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule: any, i: number) => {
        if (rule?.action !== 'RestartAllContainers') return;
        const codes = rule.exitCodes;
        triggers.push({
          name,
          path: containerPath(list, index),
          rule: `restartPolicyRules[${i}]`,
          operator: typeof codes?.operator === 'string' ? codes.operator : 'In',
          exitCodes: Array.isArray(codes?.values) ? codes.values.filter((v: unknown) => typeof v === 'number') : [],
        });
      });
    }
  }
  return triggers;
}

/** A limit that bounds something: present, and not zero (a zero limit reads as unset). */
function hasLimit(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return !/^0+(\.0*)?[a-zA-Z]*$/.test(String(value).trim());
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
