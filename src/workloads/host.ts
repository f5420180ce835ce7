import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { Annotations } from '../annotations';
import { ContainerDependency, DependencyCondition, effectiveCondition } from '../dependency';
import { InitContainerHandle, RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { KUBERNETES_VERSION_CONTEXT, RuleSuppression, SidecarWorkloadOptions } from './options';
import { LifecycleSummary } from './summary';
import { currentSession, enableSynthSessions, enclosingChart } from './synth-session';
import { formatDrainAnnotation } from '../lifecycle/declared-stops';
import { planLifecycle } from '../lifecycle/plan';
import { locatePodSpec, specAsValidated } from '../lifecycle/pod-spec';
import { formatTotals } from '../lifecycle/resources';
import { wholeSecondsUp } from '../lifecycle/seconds';
import { startupOrder } from '../ordering';
import { checkDuration, checkObject, checkPropsObject } from '../prop-checks';
import { formatViolation, validateManifests } from '../rules/engine';
import { Severity, Violation } from '../rules/violation';
import { KubeVersion, parseKubeVersionAgain } from '../version';

/** Default stop time of the main containers: Kubernetes' own default grace period. */
const DEFAULT_APP_STOP = Duration.seconds(30);

/** What a workload class lends the shared mechanism. */
export interface HostedWorkload {
  readonly construct: kplus.AbstractPod;
  /** Whether the pods run to completion (Job, CronJob). */
  readonly runsToCompletion: boolean;
  /** Whether `terminationGracePeriod` was given explicitly (then it is checked, not derived). */
  readonly explicitGracePeriod: boolean;
  /** cdk8s-plus's own `addInitContainer`, bypassing the workload's override. */
  attachInit(props: kplus.ContainerProps): kplus.Container;
  apiObject(): ApiObject;
}

/**
 * A render-time change to the pod spec, run after the host has ordered the init containers and
 * derived the grace period. It returns the new spec and must not mutate its input.
 */
export type PodSpecTransform = (spec: any) => any;

/**
 * The one mechanism behind every sidecar-aware workload: it keeps the typed sidecars and run-once
 * init containers, derives the `initContainers` order, the grace period and the drain
 * annotations, strips what cdk8s-plus adds that the API server rejects, and validates the
 * rendered manifest with the rule engine. Workload classes only delegate to it.
 */
export class SidecarHost {
  /** The host behind a workload construct, for add-ons (meshes, presets) that extend any workload. */
  public static of(construct: IConstruct): SidecarHost | undefined {
    return HOSTS.get(construct);
  }

  public readonly version: KubeVersion;
  private readonly handles: InitContainerHandle[] = [];
  // Created on first use: most workloads declare no main-container dependencies and print no
  // warnings, and an empty Map or Set is a few hundred bytes kept for every workload of an app.
  private mainDependencies?: Map<kplus.Container, ContainerDependency[]>;
  private readonly appStopTime: Duration;
  private readonly suppressions: RuleSuppression[];
  private printedWarnings?: Set<string>;
  private readonly transforms: PodSpecTransform[] = [];
  /** How many handles at the front of `handles` were pinned there by `pinFirst`. */
  private pinnedCount = 0;
  private readonly renderFresh: () => any;
  private rendered?: { readonly session: number; readonly manifest: any };
  private checked?: { readonly session: number; readonly violations: Violation[] };
  private validated?: { readonly session: number; readonly messages: readonly string[] };
  private stops?: StopTimes;

  constructor(private readonly workload: HostedWorkload, options: SidecarWorkloadOptions) {
    const scope = workload.construct;
    // Every workload of an app usually names the same version; the path for the error is built
    // only when the text differs from the last one read.
    this.version = parseKubeVersionAgain(options.kubernetesVersion ?? scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT),
      () => `[${scope.node.path}] kubernetesVersion`);
    checkDuration(() => `[${scope.node.path}]`, 'appStopTime', options.appStopTime, true);
    this.appStopTime = options.appStopTime ?? DEFAULT_APP_STOP;
    this.suppressions = [...options.suppressions ?? []];
    scope.node.addValidation({ validate: () => this.validate() });
    HOSTS.set(scope, this);
    const group = validationGroup(scope);
    const siblings = HOSTS_BY_GROUP.get(group);
    if (siblings) siblings.push(this); else HOSTS_BY_GROUP.set(group, [this]);
    // Render once per synth call: validation passes and cdk8s's own render share the manifest.
    const apiObject = workload.apiObject();
    const toJson = apiObject.toJson.bind(apiObject);
    this.renderFresh = () => {
      this.updateStopAnnotations();
      return toJson();
    };
    apiObject.toJson = () => this.renderForOutput();
    enableSynthSessions(scope);
  }

  public addSidecar(props: SidecarProps): Sidecar {
    const sidecar = Sidecar._create(this.workload.construct, props, p => this.workload.attachInit(p));
    this.register(sidecar);
    return sidecar;
  }

  public addRunOnceInit(props: RunOnceInitProps): RunOnceInit {
    const init = RunOnceInit._create(this.workload.construct, props, p => this.workload.attachInit(p));
    this.register(init);
    return init;
  }

  /** cdk8s-plus's `addInitContainer`, made safe: small default resources, no forbidden fields. */
  public addInitContainer(props: kplus.ContainerProps): kplus.Container {
    checkPropsObject(() => `[${this.workload.construct.node.path}] addInitContainer()`, props, '{ image } (ContainerProps)');
    if (props.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS) {
      const container = this.workload.attachInit({ ...props, resources: props.resources ?? Sidecar.DEFAULT_RESOURCES });
      this.register(Sidecar._adopt(this.workload.construct, container, props.startup !== undefined));
      return container;
    }
    const name = props.name ?? `init-${this.handles.length}`;
    for (const [field, prop] of [['lifecycle', props.lifecycle], ['startupProbe', props.startup], ['readinessProbe', props.readiness], ['livenessProbe', props.liveness]] as const) {
      if (prop !== undefined) {
        throw new Error(`[${this.workload.construct.node.path}] init container "${name}" sets ${field}, which may not be set for init containers without restartPolicy=Always; use addSidecar() for a sidecar, or remove ${field} [SC102]`);
      }
    }
    const container = this.workload.attachInit({ ...props, name, resources: props.resources ?? RunOnceInit.DEFAULT_RESOURCES });
    this.register(RunOnceInit._adopt(this.workload.construct, container));
    return container;
  }

  public addContainerDependency(container: kplus.Container, dependencies: ContainerDependency[]): void {
    checkObject(() => `[${this.workload.construct.node.path}] addContainerDependency()`, 'the dependent container', container);
    InitContainerHandle._checkDependencies(() => `[${this.workload.construct.node.path}] container "${container?.name}"`, dependencies);
    this.mainDependencies ??= new Map();
    const list = this.mainDependencies.get(container) ?? [];
    list.push(...dependencies);
    this.mainDependencies.set(container, list);
  }

  public get sidecars(): Sidecar[] {
    return this.handles.filter((h): h is Sidecar => h.isSidecar);
  }

  /**
   * Move a handle of this workload ahead of every handle not pinned before it, whenever it was
   * added: a mesh's init container and proxy start first even when the user declared init
   * containers earlier. Pinned handles keep the order in which they were pinned.
   */
  public pinFirst(handle: InitContainerHandle): void {
    const index = this.handles.indexOf(handle);
    if (index < 0) throw new Error(`[${this.workload.construct.node.path}] "${handle.name}" is not an init container of this workload`);
    if (index < this.pinnedCount) return;
    this.handles.splice(index, 1);
    this.handles.splice(this.pinnedCount++, 0, handle);
    this.stops = undefined;
  }

  /** Add a suppression after construction (add-ons that render a known, justified exception). */
  public addSuppression(suppression: RuleSuppression): void {
    this.suppressions.push(suppression);
  }

  /** Register a render-time pod-spec change; transforms run in registration order. */
  public addPodSpecTransform(transform: PodSpecTransform): void {
    this.transforms.push(transform);
  }

  /** Post-process cdk8s-plus's pod spec: order, forbidden defaults, grace period, then the transforms. */
  public renderPodSpec(spec: any): any {
    return this.transforms.reduce((current, transform) => transform(current), this.orderedPodSpec(spec));
  }

  /**
   * `spec` is the fresh object cdk8s-plus renders on every call, so it is completed in place
   * rather than copied; an init container is copied only when its startupProbe must go.
   */
  private orderedPodSpec(spec: any): any {
    const rendered: any[] | undefined = spec.initContainers;
    if (!rendered || rendered.length === 0) {
      return this.withGracePeriod(spec);
    }
    const declared = this.workload.construct.initContainers;
    spec.initContainers = this.orderedHandles().map(handle => {
      const entry = rendered[declared.indexOf(handle.container)] ?? {};
      // cdk8s-plus adds a TCP startupProbe to any container with a port. On a run-once init
      // container the API server rejects it; on a sidecar it silently gates everything after it.
      return handle.hasStartupProbe || entry.startupProbe === undefined ? entry : withoutKey(entry, 'startupProbe');
    });
    return this.withGracePeriod(spec);
  }

  /** The handles in derived start order (declaration order when the graph is unusable). */
  public orderedHandles(): InitContainerHandle[] {
    if (!this.declaresDependencies()) return this.handles.slice();
    const after = this.dependencyEdges();
    return startupOrder(this.handles.length, after).order.map(i => this.handles[i]);
  }

  /** Every violation of the rendered manifest, suppressions applied. */
  public violations(): Violation[] {
    const session = currentSession();
    if (session !== undefined && this.checked?.session === session) return this.checked.violations;
    const violations = validateManifests([this.render()], { kubernetesVersion: this.version.text }, {
      fromConstructs: true,
      suppressions: this.suppressions,
    });
    if (session !== undefined) this.checked = { session, violations };
    return violations;
  }

  public summary(): LifecycleSummary {
    const manifest = this.render();
    const located = locatePodSpec(manifest)!;
    const plan = planLifecycle(specAsValidated(located.spec, this.version), this.version, {
      drainSeconds: this.stopTimes().drains,
      appStopSeconds: this.stopTimes().appStop,
      runsToCompletion: this.workload.runsToCompletion,
    });
    const totals = formatTotals(plan.effective);
    const mains = plan.startup.filter(s => s.role === 'main').map(s => s.name);
    const inits = plan.startup.filter(s => s.role !== 'main').map(s => s.name);
    return {
      startupOrder: [...inits, ...mains],
      shutdownOrder: plan.shutdown.map(s => s.name),
      terminationGracePeriodSeconds: plan.gracePeriodSeconds,
      effectiveRequests: totals.requests,
      effectiveLimits: totals.limits,
      canComplete: plan.jobCanComplete,
    };
  }

  /** The rendered manifest: fresh, except within one synth call where it is rendered once. */
  private render(): any {
    const session = currentSession();
    if (session === undefined) return this.renderFresh();
    if (this.rendered?.session !== session) this.rendered = { session, manifest: this.renderFresh() };
    return this.rendered.manifest;
  }

  /**
   * cdk8s's own render: hands over the manifest the validation pass rendered in this synth call,
   * and keeps no reference to it (cdk8s renders each object once per synth).
   */
  private renderForOutput(): any {
    const manifest = this.render();
    this.rendered = undefined;
    return manifest;
  }

  /** Whether any dependency was declared at all: most workloads declare none. */
  private declaresDependencies(): boolean {
    return this.mainDependencies !== undefined || this.handles.some(handle => handle._dependencyCount > 0);
  }

  /** For each handle (by declaration index), the indices of the handles of this workload it waits for. */
  private dependencyEdges(): number[][] {
    const edges: number[][] = [];
    for (const handle of this.handles) {
      const targets: number[] = [];
      for (const dependency of handle.dependencies) {
        const target = this.handles.indexOf(dependency.container);
        if (target >= 0) targets.push(target);
      }
      edges.push(targets);
    }
    return edges;
  }

  private register(handle: InitContainerHandle): void {
    this.handles.push(handle);
    this.stops = undefined;
  }

  /**
   * The sidecars' drain times, their annotation and the derived grace period. Every render needs
   * them twice; they change only when a handle is added or moved, and drain times are fixed.
   */
  private stopTimes(): StopTimes {
    // Asked twice per render and worked out once: kept apart, the cached path stays small for V8.
    return this.stops ??= this.deriveStopTimes();
  }

  /**
   * Plain loops: this runs once per workload, and V8 compiles it during a large synth; written
   * with `filter`, `Object.values` and `reduce` it took TurboFan about 35 ms to compile, as plain
   * loops 10–14 ms. Fractional seconds are rounded up: a grace period must not fall short.
   */
  private deriveStopTimes(): StopTimes {
    const drains: Record<string, number> = {};
    for (let i = 0; i < this.handles.length; i++) {
      const handle = this.handles[i];
      if (handle.isSidecar) drains[handle.name] = wholeSecondsUp((handle as Sidecar).drainTime);
    }
    const appStop = wholeSecondsUp(this.appStopTime);
    let gracePeriod = appStop;
    const names = Object.keys(drains);
    for (let i = 0; i < names.length; i++) gracePeriod += drains[names[i]];
    return {
      drains,
      annotation: names.length === 0 ? undefined : formatDrainAnnotation(drains),
      appStop,
      gracePeriod,
    };
  }

  /** Written at render time, so the annotations always match the sidecars as they are then. */
  private updateStopAnnotations(): void {
    const stops = this.stopTimes();
    if (stops.annotation === undefined) return;
    const metadata = this.workload.construct.metadata;
    metadata.addAnnotation(Annotations.DRAIN_SECONDS, stops.annotation);
    metadata.addAnnotation(Annotations.APP_STOP_SECONDS, String(stops.appStop));
  }

  private withGracePeriod(spec: any): any {
    if (this.workload.explicitGracePeriod) return spec;
    spec.terminationGracePeriodSeconds = this.stopTimes().gracePeriod;
    return spec;
  }

  private validate(): string[] {
    // cdk8s validates once per chart and once per app in one synth call; nothing can change in
    // between, so the second pass gets the first one's messages.
    const session = currentSession();
    if (session !== undefined && this.validated?.session === session) return [...this.validated.messages];
    if (session !== undefined && this.checked?.session !== session) this.checkChartInOneGo(session);
    const messages = this.validateNow();
    if (session !== undefined) this.validated = { session, messages: [...messages] };
    return messages;
  }

  /**
   * On the first validation of a synth call, render every workload of the chart and then run the
   * rule engine over all of them, each result kept for the rest of the call. cdk8s would otherwise
   * alternate one render and one engine run per workload, which measured slower (the engine's
   * part of a 5,000-workload synth: about 520 against 440 ms). Failures are left for each
   * workload's own validation to report.
   */
  private checkChartInOneGo(session: number): void {
    const hosts = HOSTS_BY_GROUP.get(validationGroup(this.workload.construct)) ?? [this];
    const pending = hosts.filter(host => host.checked?.session !== session);
    const rendered: SidecarHost[] = [];
    for (const host of pending) {
      try {
        host.render();
        rendered.push(host);
      } catch {
        // Reported by that workload's validate(), with its path.
      }
    }
    for (const host of rendered) {
      try {
        host.violations();
      } catch {
        // Likewise.
      }
    }
  }

  private validateNow(): string[] {
    const messages = this.dependencyErrors();
    let violations: Violation[];
    try {
      violations = this.violations();
    } catch (error) {
      return [...messages, `could not render the manifest: ${(error as Error).message}`];
    }
    for (const violation of violations) {
      const line = formatViolation(violation);
      if (violation.severity === Severity.ERROR) {
        messages.push(line);
      } else if (!this.printedWarnings?.has(line)) {
        (this.printedWarnings ??= new Set()).add(line);
        process.stderr.write(`[${this.workload.construct.node.path}] ${violation.severity}: ${line}\n`);
      }
    }
    return messages;
  }

  /** SC201-SC204: what the typed dependencies ask that Kubernetes cannot do. */
  private dependencyErrors(): string[] {
    const messages: string[] = [];
    if (!this.declaresDependencies()) return messages;
    const own = new Set(this.handles);
    const mains = new Set(this.workload.construct.containers);
    const check = (dependent: string, dependencies: ContainerDependency[]) => {
      for (const dependency of dependencies) {
        const target = dependency.container;
        if (!own.has(target)) {
          messages.push(foreignTargetMessage(dependent, target));
          continue;
        }
        const condition = effectiveCondition(dependency);
        if (target.isSidecar && condition === DependencyCondition.COMPLETED) {
          messages.push(`${dependent} waits for sidecar "${target.name}" to be COMPLETED, but a sidecar runs for the pod's life and never completes; use READY (with a startupProbe on "${target.name}") or STARTED [SC204]`);
        } else if (target.isSidecar && condition === DependencyCondition.READY && !target.hasStartupProbe) {
          messages.push(`${dependent} waits for sidecar "${target.name}" to be READY, but "${target.name}" has no startupProbe and Kubernetes waits only for a startup probe, never a readiness probe; add a startupProbe to "${target.name}" or use STARTED [SC203]`);
        }
      }
    };
    for (const handle of this.handles) check(handle._description, handle.dependencies);
    for (const [container, dependencies] of this.mainDependencies ?? []) {
      if (!mains.has(container)) {
        messages.push(`dependencies were declared for container "${container.name}", which is not a main container of this workload; add it with addContainer() first [SC202]`);
        continue;
      }
      check(`container "${container.name}"`, dependencies);
    }
    const after = this.dependencyEdges();
    for (const cycle of startupOrder(this.handles.length, after).cycles) {
      const names = cycle.map(i => `"${this.handles[i].name}"`);
      messages.push(cycle.length === 2
        ? `${this.handles[cycle[0]]._description} depends on itself; remove that dependency [SC201]`
        : `init containers depend on each other in a cycle: ${names.join(' -> ')}; remove one of these dependencies [SC201]`);
    }
    return messages;
  }
}

/**
 * The props a workload passes to its cdk8s-plus base class: without `initContainers`, which the
 * host adds itself (ordered and checked). Copied only when there are some: spreading an object
 * into a literal that adds a key takes V8 (Node 20) several microseconds.
 */
export function withoutInitContainers<T extends { readonly initContainers?: unknown }>(props: T): T {
  return props.initContainers === undefined ? props : { ...props, initContainers: undefined };
}

/** A copy of `object` without one key, built without `delete` (which slows every later read of the object). */
function withoutKey(object: Record<string, any>, key: string): Record<string, any> {
  const copy: Record<string, any> = {};
  for (const name of Object.keys(object)) if (name !== key) copy[name] = object[name];
  return copy;
}

/** A workload's stop times as rendered (see `SidecarHost.stopTimes`). */
interface StopTimes {
  readonly drains: Readonly<Record<string, number>>;
  /** The drain annotation's value; undefined without sidecars (nothing is annotated then). */
  readonly annotation?: string;
  readonly appStop: number;
  readonly gracePeriod: number;
}

const HOSTS = new WeakMap<IConstruct, SidecarHost>();
/** The hosts of each chart (or construct tree without one), in creation order. */
const HOSTS_BY_GROUP = new WeakMap<IConstruct, SidecarHost[]>();

/** The chart a workload renders in (cdk8s renders chart by chart), else its root. */
function validationGroup(scope: IConstruct): IConstruct {
  return enclosingChart(scope) ?? scope.node.root;
}

function foreignTargetMessage(dependent: string, target: InitContainerHandle): string {
  return `${dependent} depends on ${target._description} of workload "${target._owner.node.path}", not of this workload; depend only on sidecars and init containers added to the same workload [SC202]`;
}

