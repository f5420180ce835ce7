import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerDependency } from '../dependency';
import { InitContainerHandle, RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { IPodSpecTransform, RuleSuppression } from '../integration';
import { SidecarHost, withoutInitContainers } from './host';
import { SidecarWorkloadOptions } from './options';
import { LifecycleSummary } from './summary';
import { ISidecarWorkload } from './workload';
import { Violation } from '../rules/violation';

/**
 * Props of a `SidecarCronJob`: everything `kplus.CronJob` takes, plus sidecar settings.
 */
export interface SidecarCronJobProps extends kplus.CronJobProps, SidecarWorkloadOptions {}

/**
 * A cdk8s-plus CronJob with typed native sidecars; each run completes when its main containers
 * finish, as with `SidecarJob`.
 */
export class SidecarCronJob extends kplus.CronJob implements ISidecarWorkload {
  private readonly _host: SidecarHost;

  constructor(scope: Construct, id: string, props: SidecarCronJobProps) {
    super(scope, id, withoutInitContainers(props));
    this._host = new SidecarHost({
      construct: this,
      attachInit: p => super.addInitContainer(p),
      apiObject: () => this.apiObject,
      unresolvedSpec: () => this._toKube(),
      runsToCompletion: true,
      explicitGracePeriod: props.terminationGracePeriod !== undefined,
    }, props);
    props.initContainers?.forEach(c => this.addInitContainer(c));
  }

  /**
   * Add a native sidecar (an init container with `restartPolicy: Always`).
   * @returns the sidecar's handle, for dependencies and mounts
   */
  public addSidecar(props: SidecarProps): Sidecar {
    return this._host.addSidecar(props);
  }

  /**
   * Add a run-once init container: it must exit 0 before the next container starts.
   * @returns the init container's handle, for dependencies and mounts
   */
  public addRunOnceInit(props: RunOnceInitProps): RunOnceInit {
    return this._host.addRunOnceInit(props);
  }

  /**
   * cdk8s-plus's `addInitContainer`, made safe: with `restartPolicy: ALWAYS` the container is a
   * sidecar, otherwise a run-once init container; both get small default resources, no implicit
   * startupProbe, and a plain init container with `lifecycle` is refused.
   */
  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    return this._host.addInitContainer(cont);
  }

  /**
   * Declare what a main container needs from sidecars and run-once init containers; checked at synth.
   */
  public addContainerDependency(dependent: kplus.Container, ...dependencies: ContainerDependency[]): void {
    this._host.addContainerDependency(dependent, dependencies);
  }

  /** The sidecars added so far, in declaration order. */
  public get sidecars(): Sidecar[] {
    return this._host.sidecars;
  }

  /** Start order, shutdown order, grace period and effective resources of the rendered pod. */
  public describeLifecycle(): LifecycleSummary {
    return this._host.summary();
  }

  /** Every rule violation of the rendered manifest, warnings included, suppressions applied. */
  public violations(): Violation[] {
    return this._host.violations();
  }

  /**
   * Move a sidecar or init container of this workload ahead of every one not pinned before it
   * (a mesh's proxy starts first).
   */
  public pinFirst(handle: InitContainerHandle): void {
    this._host.pinFirst(handle);
  }

  /** Suppress a rule for this workload, with the reason. */
  public addSuppression(suppression: RuleSuppression): void {
    this._host.addSuppression(suppression);
  }

  /** Change the rendered pod spec; transforms run in the order they were added. */
  public addPodSpecTransform(transform: IPodSpecTransform): void {
    this._host.addPodSpecTransform(transform);
  }

  /** @internal */
  public _toPodSpec(): any {
    return this._host.renderPodSpec(super._toPodSpec());
  }
}
