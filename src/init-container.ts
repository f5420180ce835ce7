import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { ContainerDependency, DependencyCondition } from './dependency';
import {
  checkBoolean, checkDuration, checkInstance, checkList, checkObject, checkOneOf, checkPropsObject, checkString, checkStringList,
  checkWholeNumber, describeValue, propError, Where,
} from './prop-checks';

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
      if (dependency?.container instanceof InitContainerHandle) {
        const condition = dependency.condition;
        if (condition !== undefined && condition !== null && !CONDITIONS.includes(condition)) {
          throw propError(where, `dependency ${index} condition`, `one of ${CONDITIONS.join(', ')} (DependencyCondition)`, condition);
        }
        return;
      }
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

const CONDITIONS: readonly string[] = Object.values(DependencyCondition);

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
    const where = describedAt(owner, 'sidecar', props);
    checkInitContainerProps(where, props, true);
    InitContainerHandle._checkDependencies(where, props.dependsOn ?? []);
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
    const where = describedAt(owner, 'init container', props);
    checkInitContainerProps(where, props, false);
    InitContainerHandle._checkDependencies(where, props.dependsOn ?? []);
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

/** `[app/chart/web] sidecar "proxy"`, or without the name when it is not a string. */
function describedAt(owner: IConstruct, kind: string, props: unknown): Where {
  return () => {
    const name = (props as { name?: unknown } | null | undefined)?.name;
    return `[${owner.node.path}] ${kind}${typeof name === 'string' ? ` "${name}"` : ''}`;
  };
}

const PULL_POLICIES: readonly string[] = Object.values(kplus.ImagePullPolicy);
const PROTOCOLS: readonly string[] = Object.values(kplus.Protocol);

/**
 * The props of a sidecar or run-once init container, checked at the call (see prop-checks.ts):
 * each is rendered into the manifest as given, so a wrong type would make one the API server
 * rejects. `sidecar` adds the probes, lifecycle and drain time.
 */
function checkInitContainerProps(where: Where, props: SidecarProps, sidecar: boolean): void {
  checkPropsObject(where, props, sidecar ? '{ name, image } (SidecarProps)' : '{ name, image } (RunOnceInitProps)');
  checkString(where, 'name', props.name);
  checkString(where, 'image', props.image);
  checkStringList(where, 'command', props.command, true);
  checkStringList(where, 'args', props.args, true);
  checkString(where, 'workingDir', props.workingDir, true);
  checkWholeNumber(where, 'portNumber', props.portNumber, true);
  if (props.ports !== undefined) checkList(where, 'ports', props.ports, (prop, port) => checkPort(where, prop, port));
  if (checkObject(where, 'envVariables', props.envVariables, true)) {
    for (const [name, value] of Object.entries(props.envVariables!)) {
      checkInstance(where, `envVariables.${name}`, value, 'an EnvValue, e.g. EnvValue.fromValue(\'...\')', isEnvValue);
    }
  }
  if (props.envFrom !== undefined) checkList(where, 'envFrom', props.envFrom, (prop, value) => checkObject(where, prop, value));
  if (props.volumeMounts !== undefined) {
    checkList(where, 'volumeMounts', props.volumeMounts, (prop, mount) => {
      checkObject(where, prop, mount);
      const { path, volume } = mount as kplus.VolumeMount;
      checkString(where, `${prop}.path`, path);
      checkObject(where, `${prop}.volume`, volume);
    });
  }
  if (checkObject(where, 'resources', props.resources, true)) checkResources(where, props.resources!);
  if (checkObject(where, 'securityContext', props.securityContext, true)) {
    const context = props.securityContext!;
    checkWholeNumber(where, 'securityContext.user', context.user, true);
    checkWholeNumber(where, 'securityContext.group', context.group, true);
    for (const flag of ['ensureNonRoot', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation'] as const) {
      checkBoolean(where, `securityContext.${flag}`, context[flag], true);
    }
  }
  checkOneOf(where, 'imagePullPolicy', props.imagePullPolicy, PULL_POLICIES, true);
  if (!sidecar) return;
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    checkInstance(where, probe, props[probe], 'a Probe, e.g. Probe.fromHttpGet(\'/ready\')', isProbe, true);
  }
  checkObject(where, 'lifecycle', props.lifecycle, true);
  checkDuration(where, 'drainTime', props.drainTime, true);
}

function checkPort(where: Where, prop: string, port: unknown): void {
  checkObject(where, prop, port);
  const { number, name, hostPort, protocol, hostIp } = port as kplus.ContainerPort;
  checkWholeNumber(where, `${prop}.number`, number);
  checkString(where, `${prop}.name`, name, true);
  checkWholeNumber(where, `${prop}.hostPort`, hostPort, true);
  checkOneOf(where, `${prop}.protocol`, protocol, PROTOCOLS, true);
  checkString(where, `${prop}.hostIp`, hostIp, true);
}

/** cdk8s-plus reads `Cpu.amount` and `Size` conversions; a plain `'100m'` or `128` renders nothing or throws in synth. */
function checkResources(where: Where, resources: kplus.ContainerResources): void {
  const amounts: [string, unknown, string, (value: any) => boolean][] = [
    ['cpu', resources.cpu, 'a Cpu, e.g. Cpu.millis(100)', value => typeof value.amount === 'string'],
    ['memory', resources.memory, 'a Size, e.g. Size.mebibytes(64)', isSize],
    ['ephemeralStorage', resources.ephemeralStorage, 'a Size, e.g. Size.gibibytes(1)', isSize],
  ];
  for (const [name, value, allowed, isIt] of amounts) {
    if (!checkObject(where, `resources.${name}`, value, true)) continue;
    const { request, limit } = value as { request?: unknown; limit?: unknown };
    checkInstance(where, `resources.${name}.request`, request, allowed, isIt, true);
    checkInstance(where, `resources.${name}.limit`, limit, allowed, isIt, true);
  }
}

function isEnvValue(value: any): boolean {
  return 'value' in value || 'valueFrom' in value;
}

function isProbe(value: any): boolean {
  return typeof value._toKube === 'function';
}

function isSize(value: any): boolean {
  return typeof value.toMebibytes === 'function';
}
