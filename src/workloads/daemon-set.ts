import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerDependency } from '../dependency';
import { RunOnceInit, RunOnceInitProps, Sidecar, SidecarProps } from '../init-container';
import { SidecarHost } from './host';
import { SidecarWorkloadOptions } from './options';
import { LifecycleSummary } from './summary';
import { ISidecarWorkload } from './workload';
import { Violation } from '../rules/violation';

/**
 * Props of a `SidecarDaemonSet`: everything `kplus.DaemonSet` takes, plus sidecar settings.
 */
export interface SidecarDaemonSetProps extends kplus.DaemonSetProps, SidecarWorkloadOptions {}

/**
 * A cdk8s-plus DaemonSet with typed native sidecars.
 */
export class SidecarDaemonSet extends kplus.DaemonSet implements ISidecarWorkload {
  private readonly _host: SidecarHost;

  constructor(scope: Construct, id: string, props: SidecarDaemonSetProps = {}) {
    super(scope, id, { ...props, initContainers: undefined });
    this._host = new SidecarHost({
      construct: this,
      attachInit: p => super.addInitContainer(p),
      apiObject: () => this.apiObject,
      runsToCompletion: false,
      explicitGracePeriod: props.terminationGracePeriod !== undefined,
    }, props);
    props.initContainers?.forEach(c => this.addInitContainer(c));
  }

  public addSidecar(props: SidecarProps): Sidecar {
    return this._host.addSidecar(props);
  }

  public addRunOnceInit(props: RunOnceInitProps): RunOnceInit {
    return this._host.addRunOnceInit(props);
  }

  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    return this._host.addInitContainer(cont);
  }

  public addContainerDependency(container: kplus.Container, ...dependencies: ContainerDependency[]): void {
    this._host.addContainerDependency(container, dependencies);
  }

  public get sidecars(): Sidecar[] {
    return this._host.sidecars;
  }

  public describeLifecycle(): LifecycleSummary {
    return this._host.summary();
  }

  public violations(): Violation[] {
    return this._host.violations();
  }

  /** @internal */
  public _toPodSpec(): any {
    return this._host.renderPodSpec(super._toPodSpec());
  }
}
