import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { ContainerDependency } from './dependency';

/**
 * What sidecars and run-once init containers have in common.
 */
export interface InitContainerOptions {
  /**
   * Container name: a lowercase RFC 1123 label, unique across the pod's init and regular
   * containers.
   */
  readonly name: string;
  /** Container image. */
  readonly image: string;
  /**
   * Entrypoint array.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Working directory.
   * @default - the image's working directory
   */
  readonly workingDir?: string;
  /**
   * A single port the container listens on. Unlike cdk8s-plus, no TCP startupProbe is added
   * for it: only probes you declare are rendered.
   * @default - no port
   */
  readonly portNumber?: number;
  /**
   * Ports the container listens on.
   * @default - no ports
   */
  readonly ports?: kplus.ContainerPort[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly envVariables?: { [name: string]: kplus.EnvValue };
  /**
   * Sources of environment variables.
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Volumes to mount; the volumes are added to the pod.
   * @default - none
   */
  readonly volumeMounts?: kplus.VolumeMount[];
  /**
   * Compute resources.
   * @default - `Sidecar.DEFAULT_RESOURCES` for a sidecar, `RunOnceInit.DEFAULT_RESOURCES` for a
   * run-once init container (never cdk8s-plus's 1000m/512Mi)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Security context.
   * @default - cdk8s-plus defaults: non-root, read-only root filesystem, no privilege escalation
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;
  /**
   * Image pull policy.
   * @default ImagePullPolicy.ALWAYS (as cdk8s-plus)
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Sidecars and run-once init containers of the same workload that must be started, ready or
   * completed before this one starts. The workload derives the `initContainers` order from these.
   * @default - no dependencies: declaration order
   */
  readonly dependsOn?: ContainerDependency[];
}

/**
 * A sidecar or a run-once init container of a workload: a handle for declaring dependencies
 * and for reaching the underlying cdk8s-plus container (`mount`, `env`, `addPort`).
 */
export abstract class InitContainerHandle {
  /**
   * Throw a plain error naming the first entry that is not a dependency object. TypeScript and
   * the jsii languages accept only `{ container, condition? }`; plain JavaScript may pass
   * anything (most often a handle itself), which would otherwise fail inside synth. `where` is
   * called only for the error: a construct path is built by walking the tree, once per sidecar.
   * @internal
   */
  public static _checkDependencies(where: () => string, dependencies: unknown): void {
    if (!Array.isArray(dependencies)) {
      const given = isDependencyLike(dependencies) ? 'one { container } object; put it in a list' : describeValue(dependencies, WITHOUT_CONTAINER);
      throw new Error(`${where()}: dependencies must be a list of { container, condition? }, got ${given}`);
    }
    dependencies.forEach((dependency, index) => {
      if (dependency?.container instanceof InitContainerHandle) return;
      let given: string;
      if (dependency instanceof InitContainerHandle) given = `${dependency._description} itself; write { container: <it> }`;
      else if (isDependencyLike(dependency)) given = `an object whose container is ${describeValue(dependency.container)}`;
      else given = describeValue(dependency, WITHOUT_CONTAINER);
      throw new Error(`${where()}: dependency ${index} must be { container, condition? } naming a sidecar or init container, got ${given}`);
    });
  }

  /** The container name. */
  public readonly name: string;
  /** The cdk8s-plus container this handle renders. */
  public readonly container: kplus.Container;
  /** True for a sidecar (`restartPolicy: Always`), false for a run-once init container. */
  public abstract readonly isSidecar: boolean;
  /** True when a startupProbe was declared, so Kubernetes waits for it before the next container. */
  public abstract readonly hasStartupProbe: boolean;

  /** @internal */
  public readonly _owner: IConstruct;
  private readonly _dependencies: ContainerDependency[] = [];

  protected constructor(owner: IConstruct, container: kplus.Container, dependencies: ContainerDependency[]) {
    this._owner = owner;
    this.container = container;
    this.name = container.name;
    this._dependencies.push(...dependencies);
  }

  /** The dependencies declared so far. */
  public get dependencies(): ContainerDependency[] {
    return [...this._dependencies];
  }

  /**
   * How many dependencies were declared, without copying them.
   * @internal
   */
  public get _dependencyCount(): number {
    return this._dependencies.length;
  }

  /**
   * Declare that this container starts only after the given containers are started, ready or
   * completed. Checked at synth: cycles, targets of other workloads and conditions Kubernetes
   * cannot honour fail synth with a clear message.
   */
  public addDependency(...dependencies: ContainerDependency[]): void {
    InitContainerHandle._checkDependencies(() => `[${this._owner.node.path}] ${this._description}`, dependencies);
    this._dependencies.push(...dependencies);
  }

  /**
   * How messages name this container: `sidecar "envoy"` or `init container "migrate"`.
   * @internal
   */
  public get _description(): string {
    return `${this.isSidecar ? 'sidecar' : 'init container'} "${this.name}"`;
  }
}

function isDependencyLike(value: unknown): value is { container: unknown } {
  return value !== null && typeof value === 'object' && 'container' in value;
}

/** How a dependency error names a plain object where a `{ container }` was expected. */
const WITHOUT_CONTAINER = 'an object without a container';

/** A value as an error message names it; `plainObject` is the words for a plain object. */
function describeValue(value: unknown, plainObject = 'an object'): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value !== 'object') return `${typeof value} ${JSON.stringify(value)}`;
  const type = value.constructor;
  return type !== Object && typeof type?.name === 'string' && type.name !== '' ? `a ${type.name}` : plainObject;
}

/**
 * Props of a native sidecar.
 */
export interface SidecarProps extends InitContainerOptions {
  /**
   * Probe that gates every container after this one: Kubernetes starts the next container
   * only once it passes. Declare one whenever others need this sidecar to be usable.
   * @default - no startup probe: the next container starts as soon as this process runs
   */
  readonly startupProbe?: kplus.Probe;
  /**
   * Readiness probe. It counts toward the pod's Ready condition (and Service endpoints), but it
   * never gates startup.
   * @default - none
   */
  readonly readinessProbe?: kplus.Probe;
  /**
   * Liveness probe: a failure restarts only this sidecar.
   * @default - none
   */
  readonly livenessProbe?: kplus.Probe;
  /**
   * Lifecycle hooks. Note that a sidecar's preStop runs at the start of pod termination,
   * concurrently with the app's, not after the app has stopped.
   * @default - none
   */
  readonly lifecycle?: kplus.ContainerLifecycle;
  /**
   * How long the sidecar needs after SIGTERM to drain and exit. Sidecars stop after the main
   * containers, in reverse order, inside one shared grace period; the workload derives
   * `terminationGracePeriodSeconds` from these unless it is given. Kubernetes counts whole
   * seconds, so a fraction is rounded up (1500 ms counts as 2 s).
   * @default Sidecar.DEFAULT_DRAIN_TIME (5 seconds)
   */
  readonly drainTime?: Duration;
}

/**
 * A native sidecar: rendered as an init container with `restartPolicy: Always`. It starts before
 * the containers that follow it, runs for the pod's life, stops after the main containers in
 * reverse order and never keeps a Job from completing.
 */
export class Sidecar extends InitContainerHandle {
  /** Requests 50m CPU and 64Mi memory, limits memory to 128Mi; no CPU limit (a throttled proxy slows the app). */
  public static readonly DEFAULT_RESOURCES: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(50) },
    memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
  };

  /** Five seconds. */
  public static readonly DEFAULT_DRAIN_TIME: Duration = Duration.seconds(5);

  /** @internal */
  public static _create(owner: IConstruct, props: SidecarProps, attach: (props: kplus.ContainerProps) => kplus.Container): Sidecar {
    InitContainerHandle._checkDependencies(() => `[${owner.node.path}] sidecar "${props.name}"`, props.dependsOn ?? []);
    const container = attach(containerProps(props, Sidecar.DEFAULT_RESOURCES, props));
    return new Sidecar(owner, container, props.dependsOn ?? [], props.startupProbe !== undefined, props.drainTime);
  }

  /**
   * Wrap a sidecar added through cdk8s-plus's own `addInitContainer({ restartPolicy: ALWAYS })`.
   * @internal
   */
  public static _adopt(owner: IConstruct, container: kplus.Container, hasStartupProbe: boolean): Sidecar {
    return new Sidecar(owner, container, [], hasStartupProbe, undefined);
  }

  public readonly isSidecar = true;
  public readonly hasStartupProbe: boolean;
  /** How long the sidecar needs to drain at shutdown. */
  public readonly drainTime: Duration;

  private constructor(owner: IConstruct, container: kplus.Container, dependencies: ContainerDependency[],
    hasStartupProbe: boolean, drainTime: Duration | undefined) {
    super(owner, container, dependencies);
    this.hasStartupProbe = hasStartupProbe;
    this.drainTime = drainTime ?? Sidecar.DEFAULT_DRAIN_TIME;
  }
}

/**
 * Props of a run-once init container. Probes and lifecycle hooks do not exist here: the API
 * server forbids them on init containers that are not sidecars.
 */
export interface RunOnceInitProps extends InitContainerOptions {}

/**
 * A plain init container: it runs to completion (exit 0) before the next container starts.
 * It never carries `restartPolicy`, probes or lifecycle hooks.
 */
export class RunOnceInit extends InitContainerHandle {
  /** Requests 100m CPU and 128Mi memory, limits memory to 256Mi. */
  public static readonly DEFAULT_RESOURCES: kplus.ContainerResources = {
    cpu: { request: kplus.Cpu.millis(100) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
  };

  /** @internal */
  public static _create(owner: IConstruct, props: RunOnceInitProps, attach: (props: kplus.ContainerProps) => kplus.Container): RunOnceInit {
    InitContainerHandle._checkDependencies(() => `[${owner.node.path}] init container "${props.name}"`, props.dependsOn ?? []);
    return new RunOnceInit(owner, attach(containerProps(props, RunOnceInit.DEFAULT_RESOURCES)), props.dependsOn ?? []);
  }

  /**
   * Wrap an init container added through cdk8s-plus's own `addInitContainer`.
   * @internal
   */
  public static _adopt(owner: IConstruct, container: kplus.Container): RunOnceInit {
    return new RunOnceInit(owner, container, []);
  }

  public readonly isSidecar = false;
  public readonly hasStartupProbe = false;

  private constructor(owner: IConstruct, container: kplus.Container, dependencies: ContainerDependency[]) {
    super(owner, container, dependencies);
  }
}

/** The cdk8s-plus props of an init container. */
function containerProps(props: InitContainerOptions, defaultResources: kplus.ContainerResources, sidecar?: SidecarProps): kplus.ContainerProps {
  return {
    name: props.name,
    image: props.image,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    portNumber: props.portNumber,
    ports: props.ports,
    envVariables: props.envVariables,
    envFrom: props.envFrom,
    volumeMounts: props.volumeMounts,
    resources: props.resources ?? defaultResources,
    securityContext: props.securityContext,
    imagePullPolicy: props.imagePullPolicy,
    startup: sidecar?.startupProbe,
    readiness: sidecar?.readinessProbe,
    liveness: sidecar?.livenessProbe,
    lifecycle: sidecar?.lifecycle,
    restartPolicy: sidecar ? kplus.ContainerRestartPolicy.ALWAYS : undefined,
  };
}
