import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Annotations } from '../annotations';
import { ContainerDependency, DependencyCondition, effectiveCondition } from '../dependency';
import { InitContainerHandle, RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { KUBERNETES_VERSION_CONTEXT, RuleSuppression, SidecarWorkloadOptions } from './options';
import { LifecycleSummary } from './summary';
import { formatDrainAnnotation } from '../lifecycle/declared-stops';
import { planLifecycle } from '../lifecycle/plan';
import { locatePodSpec } from '../lifecycle/pod-spec';
import { formatTotals } from '../lifecycle/resources';
import { startupOrder } from '../ordering';
import { formatViolation, validateManifests } from '../rules/engine';
import { Severity, Violation } from '../rules/violation';
import { KubeVersion, parseKubeVersion } from '../version';

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
 * The one mechanism behind every sidecar-aware workload: it keeps the typed sidecars and run-once
 * init containers, derives the `initContainers` order, the grace period and the drain
 * annotations, strips what cdk8s-plus adds that the API server rejects, and validates the
 * rendered manifest with the rule engine. Workload classes only delegate to it.
 */
export class SidecarHost {
  public readonly version: KubeVersion;
  private readonly handles: InitContainerHandle[] = [];
  private readonly mainDependencies = new Map<kplus.Container, ContainerDependency[]>();
  private readonly appStopTime: Duration;
  private readonly suppressions: RuleSuppression[];
  private readonly printedWarnings = new Set<string>();

  constructor(private readonly workload: HostedWorkload, options: SidecarWorkloadOptions) {
    const scope = workload.construct;
    const contextVersion = scope.node.tryGetContext(KUBERNETES_VERSION_CONTEXT);
    this.version = parseKubeVersion(options.kubernetesVersion ?? contextVersion,
      `[${scope.node.path}] kubernetesVersion`);
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

  /** cdk8s-plus's `addInitContainer`, made safe: small default resources, no forbidden fields. */
  public addInitContainer(props: kplus.ContainerProps): kplus.Container {
    const where = `[${this.workload.construct.node.path}]`;
    if (props.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS) {
      const container = this.workload.attachInit({ ...props, resources: props.resources ?? Sidecar.DEFAULT_RESOURCES });
      this.register(Sidecar._adopt(this.workload.construct, container, props.startup !== undefined));
      return container;
    }
    const name = props.name ?? `init-${this.handles.length}`;
    for (const [field, prop] of [['lifecycle', props.lifecycle], ['startupProbe', props.startup], ['readinessProbe', props.readiness], ['livenessProbe', props.liveness]] as const) {
      if (prop !== undefined) {
        throw new Error(`${where} init container "${name}" sets ${field}, which may not be set for init containers without restartPolicy=Always; use addSidecar() for a sidecar, or remove ${field} [SC102]`);
      }
    }
    const container = this.workload.attachInit({ ...props, name, resources: props.resources ?? RunOnceInit.DEFAULT_RESOURCES });
    this.register(RunOnceInit._adopt(this.workload.construct, container));
    return container;
  }

  public addContainerDependency(container: kplus.Container, dependencies: ContainerDependency[]): void {
    const list = this.mainDependencies.get(container) ?? [];
    list.push(...dependencies);
    this.mainDependencies.set(container, list);
  }

  public get sidecars(): Sidecar[] {
    return this.handles.filter((h): h is Sidecar => h.isSidecar);
  }

  /** Post-process cdk8s-plus's pod spec: order, forbidden defaults, grace period. */
  public renderPodSpec(spec: any): any {
    const rendered: any[] | undefined = spec.initContainers;
    if (!rendered || rendered.length === 0) {
      return this.withGracePeriod(spec);
    }
    const byContainer = new Map<kplus.Container, any>();
    this.workload.construct.initContainers.forEach((container, i) => byContainer.set(container, rendered[i]));
    const initContainers = this.orderedHandles().map(handle => {
      const entry = { ...byContainer.get(handle.container) };
      if (!handle.hasStartupProbe) {
        // cdk8s-plus adds a TCP startupProbe to any container with a port. On a run-once init
        // container the API server rejects it; on a sidecar it silently gates everything after it.
        delete entry.startupProbe;
      }
      return entry;
    });
    return this.withGracePeriod({ ...spec, initContainers });
  }

  /** The handles in derived start order (declaration order when the graph is unusable). */
  public orderedHandles(): InitContainerHandle[] {
    const index = new Map(this.handles.map((h, i) => [h, i]));
    const after = this.handles.map(h => h.dependencies.map(d => index.get(d.container)).filter((i): i is number => i !== undefined));
    return startupOrder(this.handles.length, after).order.map(i => this.handles[i]);
  }

  /** Every violation of the rendered manifest, suppressions applied. */
  public violations(): Violation[] {
    return validateManifests([this.workload.apiObject().toJson()], { kubernetesVersion: this.version.text }, {
      fromConstructs: true,
      suppressions: this.suppressions,
    });
  }

  public summary(): LifecycleSummary {
    const manifest = this.workload.apiObject().toJson();
    const located = locatePodSpec(manifest)!;
    const plan = planLifecycle(located.spec, this.version, {
      drainSeconds: this.drainSeconds(),
      appStopSeconds: this.appStopTime.toSeconds(),
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

  private register(handle: InitContainerHandle): void {
    this.handles.push(handle);
    this.updateStopAnnotations();
  }

  private drainSeconds(): Record<string, number> {
    const drains: Record<string, number> = {};
    for (const sidecar of this.sidecars) drains[sidecar.name] = Math.ceil(sidecar.drainTime.toSeconds());
    return drains;
  }

  private updateStopAnnotations(): void {
    if (this.sidecars.length === 0) return;
    const metadata = this.workload.construct.metadata;
    metadata.addAnnotation(Annotations.DRAIN_SECONDS, formatDrainAnnotation(this.drainSeconds()));
    metadata.addAnnotation(Annotations.APP_STOP_SECONDS, String(Math.ceil(this.appStopTime.toSeconds())));
  }

  private withGracePeriod(spec: any): any {
    if (this.workload.explicitGracePeriod) return spec;
    const drains = Object.values(this.drainSeconds()).reduce((a, b) => a + b, 0);
    return { ...spec, terminationGracePeriodSeconds: Math.ceil(this.appStopTime.toSeconds()) + drains };
  }

  private validate(): string[] {
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
      } else if (!this.printedWarnings.has(line)) {
        this.printedWarnings.add(line);
        process.stderr.write(`[${this.workload.construct.node.path}] ${violation.severity}: ${line}\n`);
      }
    }
    return messages;
  }

  /** SC201-SC204: what the typed dependencies ask that Kubernetes cannot do. */
  private dependencyErrors(): string[] {
    const messages: string[] = [];
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
    for (const handle of this.handles) check(describe(handle), handle.dependencies);
    for (const [container, dependencies] of this.mainDependencies) {
      if (!mains.has(container)) {
        messages.push(`dependencies were declared for container "${container.name}", which is not a main container of this workload; add it with addContainer() first [SC202]`);
        continue;
      }
      check(`container "${container.name}"`, dependencies);
    }
    const index = new Map(this.handles.map((h, i) => [h, i]));
    const after = this.handles.map(h => h.dependencies.map(d => index.get(d.container)).filter((i): i is number => i !== undefined));
    for (const cycle of startupOrder(this.handles.length, after).cycles) {
      const names = cycle.map(i => `"${this.handles[i].name}"`);
      messages.push(cycle.length === 2
        ? `${describe(this.handles[cycle[0]])} depends on itself; remove that dependency [SC201]`
        : `init containers depend on each other in a cycle: ${names.join(' -> ')}; remove one of these dependencies [SC201]`);
    }
    return messages;
  }
}

function describe(handle: InitContainerHandle): string {
  return `${handle.isSidecar ? 'sidecar' : 'init container'} "${handle.name}"`;
}

function foreignTargetMessage(dependent: string, target: InitContainerHandle): string {
  return `${dependent} depends on ${describe(target)} of workload "${target._owner.node.path}", not of this workload; depend only on sidecars and init containers added to the same workload [SC202]`;
}

