import { createHash } from 'crypto';
import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Annotations } from '../annotations';
import { ContainerDependency } from '../dependency';
import { InitContainerHandle, RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { IPodSpecTransform, RuleSuppression } from '../integration';
import { KUBERNETES_VERSION_CONTEXT, SidecarWorkloadOptions } from './options';
import { LifecycleSummary } from './summary';
import { formatDrainAnnotation } from '../lifecycle/declared-stops';
import { planLifecycle } from '../lifecycle/plan';
import { locatePodSpec, specAsValidated } from '../lifecycle/pod-spec';
import { formatTotals } from '../lifecycle/resources';
import { wholeSecondsUp } from '../lifecycle/seconds';
import { startupOrder } from '../ordering';
import { checkDuration, checkObject, checkPropsObject } from '../prop-checks';
import { dependencyEdges } from '../rules/dependencies';
import { validateDependencies } from '../rules/dependencies/validate';
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
  /** cdk8s-plus's spec of the workload before cdk8s resolves it (its `_toKube()`). */
  unresolvedSpec(): any;
}

/**
 * The one mechanism behind every sidecar-aware workload: it keeps the typed sidecars and run-once
 * init containers, derives the `initContainers` order, the grace period and the drain
 * annotations, strips what cdk8s-plus adds that the API server rejects, and validates the
 * rendered manifest with the rule engine. Workload classes only delegate to it: they render
 * through `renderPodSpec` from their `_toPodSpec`, and validate through `node.addValidation`.
 */
export class SidecarHost {
  public readonly version: KubeVersion;
  private readonly handles: InitContainerHandle[] = [];
  private readonly mainDependencies = new Map<kplus.Container, ContainerDependency[]>();
  private readonly appStopTime: Duration;
  private readonly suppressions: RuleSuppression[];
  private readonly transforms: IPodSpecTransform[] = [];
  /** How many handles at the front of `handles` were pinned there by `pinFirst`. */
  private pinnedCount = 0;
  private printedWarnings?: Set<string>;
  /** The violations found for the workload's state when it last had the key `key` (see `stateKey`). */
  private checked?: { readonly key: string; readonly violations: readonly Violation[] };

  constructor(private readonly workload: HostedWorkload, options: SidecarWorkloadOptions) {
    const scope = workload.construct;
    this.version = parseKubeVersionAgain(options.kubernetesVersion ?? scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT),
      () => `[${scope.node.path}] kubernetesVersion`);
    checkDuration(() => `[${scope.node.path}]`, 'appStopTime', options.appStopTime, true);
    this.appStopTime = options.appStopTime ?? DEFAULT_APP_STOP;
    this.suppressions = [...options.suppressions ?? []];
    scope.node.addValidation({ validate: () => this.validate() });
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

  /**
   * cdk8s-plus's `addInitContainer`, made safe: small default resources, no implicit startupProbe.
   * Probes and hooks on a plain init container are left to SC102 at synth.
   */
  public addInitContainer(props: kplus.ContainerProps): kplus.Container {
    checkPropsObject(() => `[${this.workload.construct.node.path}] addInitContainer()`, props, '{ image } (ContainerProps)');
    if (props.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS) {
      const container = this.workload.attachInit({ ...props, resources: props.resources ?? Sidecar.DEFAULT_RESOURCES });
      this.register(Sidecar._adopt(this.workload.construct, container, props.startup !== undefined));
      return container;
    }
    const name = props.name ?? `init-${this.handles.length}`;
    const container = this.workload.attachInit({ ...props, name, resources: props.resources ?? RunOnceInit.DEFAULT_RESOURCES });
    this.register(RunOnceInit._adopt(this.workload.construct, container));
    return container;
  }

  public addContainerDependency(container: kplus.Container, dependencies: ContainerDependency[]): void {
    checkObject(() => `[${this.workload.construct.node.path}] addContainerDependency()`, 'the dependent container', container);
    InitContainerHandle._checkDependencies(() => `[${this.workload.construct.node.path}] container "${container?.name}"`, dependencies);
    const list = this.mainDependencies.get(container) ?? [];
    list.push(...dependencies);
    this.mainDependencies.set(container, list);
  }

  public get sidecars(): Sidecar[] {
    return this.handles.filter((h): h is Sidecar => h.isSidecar);
  }

  /** See `ISidecarHost.pinFirst`. */
  public pinFirst(handle: InitContainerHandle): void {
    const index = this.handles.indexOf(handle);
    if (index < 0) throw new Error(`[${this.workload.construct.node.path}] "${handle?.name}" is not an init container of this workload`);
    if (index < this.pinnedCount) return;
    this.handles.splice(index, 1);
    this.handles.splice(this.pinnedCount++, 0, handle);
  }

  public addSuppression(suppression: RuleSuppression): void {
    this.suppressions.push(suppression);
  }

  public addPodSpecTransform(transform: IPodSpecTransform): void {
    this.transforms.push(transform);
  }

  /**
   * Complete cdk8s-plus's pod spec: init containers in derived order without the startupProbe
   * cdk8s-plus adds to any container with a port, the derived grace period, then the transforms.
   * `spec` is the fresh object cdk8s-plus builds on every call, so it is completed in place.
   */
  public renderPodSpec(spec: any): any {
    const rendered: any[] | undefined = spec.initContainers;
    if (rendered && rendered.length > 0) {
      const declared = this.workload.construct.initContainers;
      spec.initContainers = this.orderedHandles().map(handle => {
        const entry = rendered[declared.indexOf(handle.container)] ?? {};
        // On a run-once init container the API server rejects it; on a sidecar it would gate everything after it.
        return handle.hasStartupProbe || entry.startupProbe === undefined ? entry : withoutKey(entry, 'startupProbe');
      });
    }
    if (!this.workload.explicitGracePeriod) spec.terminationGracePeriodSeconds = this.stopTimes().gracePeriod;
    return this.transforms.reduce((current, transform) => transform.transformPodSpec(current), spec);
  }

  /** The handles in derived start order (declaration order when the graph has a cycle). */
  public orderedHandles(): InitContainerHandle[] {
    if (!this.declaresDependencies()) return this.handles.slice();
    return startupOrder(this.handles.length, dependencyEdges(this.handles)).order.map(i => this.handles[i]);
  }

  /**
   * Every violation of the rendered manifest and of the declared dependencies, suppressions
   * applied. cdk8s validates once per chart plus once per app in one synth; the verdict is kept
   * for as long as the workload's state is the same (see docs/performance.md for what it saves).
   */
  public violations(): Violation[] {
    const key = this.stateKey();
    if (this.checked?.key !== key) {
      const manifest = this.render();
      this.checked = { key, violations: [...this.dependencyViolations(manifest), ...this.manifestViolations(manifest)] };
    }
    return [...this.checked.violations];
  }

  public summary(): LifecycleSummary {
    const located = locatePodSpec(this.render())!;
    const stops = this.stopTimes();
    const plan = planLifecycle(specAsValidated(located.spec, this.version), this.version, {
      drainSeconds: stops.drains,
      appStopSeconds: stops.appStop,
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

  /** A plain render through cdk8s: the same manifest synth writes. */
  private render(): any {
    return this.workload.apiObject().toJson();
  }

  /**
   * What the violations depend on: the spec and metadata before cdk8s resolves them (lazy values
   * produced), the object's JSON patches, and the declared dependencies and suppressions. About a
   * third of a render's cost, and equal whenever the render would be.
   */
  private stateKey(): string {
    const declared = this.handles.map(handle => handle._dependencyCount);
    for (const dependencies of this.mainDependencies.values()) declared.push(dependencies.length);
    const apiObject = this.workload.apiObject();
    const state = JSON.stringify([
      this.workload.unresolvedSpec(),
      this.workload.construct.metadata.toJson(),
      // ApiObject keeps the patches of addJsonPatch in a field it does not expose
      (apiObject as unknown as { patches?: unknown }).patches,
      declared,
      this.suppressions.length,
    ], (_key, value) => (value instanceof Lazy ? value.produce() : value));
    // a digest, so that thousands of workloads do not each keep a few kilobytes of key
    return createHash('sha1').update(state).digest('base64');
  }

  private manifestViolations(manifest: any): Violation[] {
    return validateManifests([manifest], { kubernetesVersion: this.version.text }, { fromConstructs: true, suppressions: this.suppressions });
  }

  /** SC201–SC204: what the typed dependencies ask that Kubernetes cannot do. */
  private dependencyViolations(manifest: any): Violation[] {
    if (!this.declaresDependencies()) return [];
    const located = locatePodSpec(manifest)!;
    const ordered = this.orderedHandles();
    return validateDependencies({
      inits: this.handles,
      renderedIndex: this.handles.map(handle => ordered.indexOf(handle)),
      mains: this.workload.construct.containers,
      mainDependencies: this.mainDependencies,
    }, {
      kind: manifest.kind,
      name: manifest.metadata?.name,
      namespace: manifest.metadata?.namespace,
      specPath: located.specPath,
    });
  }

  /** Whether any dependency was declared at all: most workloads declare none. */
  private declaresDependencies(): boolean {
    return this.mainDependencies.size > 0 || this.handles.some(handle => handle._dependencyCount > 0);
  }

  private register(handle: InitContainerHandle): void {
    if (handle.isSidecar && !this.handles.some(h => h.isSidecar)) this.annotateStopTimes();
    this.handles.push(handle);
  }

  /**
   * From the first sidecar on, the workload declares its stop times in annotations, so that every
   * door of the engine sees them; the values are worked out at render time.
   */
  private annotateStopTimes(): void {
    const metadata = this.workload.construct.metadata;
    metadata.addAnnotation(Annotations.DRAIN_SECONDS, Lazy.any({ produce: () => formatDrainAnnotation(this.stopTimes().drains) }));
    metadata.addAnnotation(Annotations.APP_STOP_SECONDS, Lazy.any({ produce: () => String(this.stopTimes().appStop) }));
  }

  /** The sidecars' drain times and the derived grace period, in whole seconds rounded up. */
  private stopTimes(): StopTimes {
    const drains: Record<string, number> = {};
    let gracePeriod = wholeSecondsUp(this.appStopTime);
    for (const handle of this.handles) {
      if (!handle.isSidecar) continue;
      drains[handle.name] = wholeSecondsUp((handle as Sidecar).drainTime);
      gracePeriod += drains[handle.name];
    }
    return { drains, appStop: wholeSecondsUp(this.appStopTime), gracePeriod };
  }

  private validate(): string[] {
    let violations: Violation[];
    try {
      violations = this.violations();
    } catch (error) {
      return [`could not render the manifest: ${(error as Error).message}`];
    }
    const messages: string[] = [];
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
}

/**
 * The props a workload passes to its cdk8s-plus base class: without `initContainers`, which the
 * host adds itself (ordered and checked).
 */
export function withoutInitContainers<T extends { readonly initContainers?: unknown }>(props: T): T {
  return props.initContainers === undefined ? props : { ...props, initContainers: undefined };
}

/** A copy of `object` without one key. */
function withoutKey(object: Record<string, any>, key: string): Record<string, any> {
  const { [key]: _dropped, ...rest } = object;
  return rest;
}

/** A workload's stop times as rendered. */
interface StopTimes {
  readonly drains: Readonly<Record<string, number>>;
  readonly appStop: number;
  readonly gracePeriod: number;
}
