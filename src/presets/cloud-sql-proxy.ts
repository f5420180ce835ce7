import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { presetTarget } from './_preset';
import { Sidecar } from '../init-container';
import { secondsText, wholeSecondsUp } from '../lifecycle/seconds';
import { checkList, checkObject } from '../prop-checks';
import { ISidecarWorkload } from '../workloads/workload';

/**
 * One Cloud SQL instance the proxy connects to, and the local port it listens on for it.
 */
export interface CloudSqlInstance {
  /** Instance connection name, `project:region:instance`. */
  readonly connectionName: string;
  /** Local port the app connects to for this instance (127.0.0.1 unless `address` is set). */
  readonly port: number;
}

/**
 * Options of the Cloud SQL Auth Proxy (v2) sidecar.
 */
export interface CloudSqlProxyOptions {
  /** The instances to connect to, each on its own local port. */
  readonly instances: CloudSqlInstance[];
  /**
   * Container name.
   * @default 'cloud-sql-proxy'
   */
  readonly name?: string;
  /**
   * Proxy image.
   * @default `gcr.io/cloud-sql-connectors/cloud-sql-proxy:${CloudSqlProxy.VERSION}`
   */
  readonly image?: string;
  /**
   * Address the database listeners bind.
   * @default '127.0.0.1' (only the pod's own containers can connect)
   */
  readonly address?: string;
  /**
   * Port of the health server (`/startup`, `/liveness`), bound on 0.0.0.0 so the kubelet can probe it.
   * @default 9090
   */
  readonly healthPort?: number;
  /**
   * Connect over the instances' private IPs (`--private-ip`).
   * @default false
   */
  readonly privateIp?: boolean;
  /**
   * Log in with the workload identity's IAM principal (`--auto-iam-authn`).
   * @default false
   */
  readonly autoIamAuthn?: boolean;
  /**
   * Serve Prometheus metrics on the health server (`--prometheus`).
   * @default false
   */
  readonly prometheus?: boolean;
  /**
   * After SIGTERM, how long the proxy waits for open connections to close (`--max-sigterm-delay`).
   * The proxy gets SIGTERM only after the app has exited, so open connections are rare.
   * @default - the proxy closes at once
   */
  readonly maxSigtermDelay?: Duration;
  /**
   * Resources.
   * @default - requests 100m CPU and 128Mi, memory limit 512Mi (upstream's example asks for
   * 1 CPU and 2Gi for busy proxies: memory grows with connections, CPU with traffic)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Extra proxy flags, e.g. `['--max-connections=100']`.
   * @default - none
   */
  readonly extraArgs?: string[];
}

/**
 * Cloud SQL Auth Proxy v2 as a native sidecar: `--health-check` with `/startup` as startupProbe
 * (later containers wait for a working proxy) and `/liveness` as livenessProbe, no readinessProbe
 * (upstream warns it takes the app out of service on transient database blips), and
 * `--exit-zero-on-sigterm`, so a Job's pod does not show a failed container when the proxy is
 * stopped after the main containers. No preStop hook: it would run at termination start.
 */
export class CloudSqlProxy {
  /** Proxy version rendered by default (v2.25.3, the latest tag when this preset was written). */
  public static readonly VERSION = '2.25.3';

  /**
   * Add the proxy to a workload.
   * @returns the sidecar's handle, for dependencies (its startupProbe makes READY meaningful)
   */
  public static addTo(workload: ISidecarWorkload, options: CloudSqlProxyOptions): Sidecar {
    const where = 'CloudSqlProxy.addTo()';
    const scope = presetTarget(workload, where, options, '{ instances: [{ connectionName: \'project:region:instance\', port: 5432 }] } (CloudSqlProxyOptions)');
    checkList(() => `[${scope.node.path}] ${where}`, 'instances', options.instances, (prop, instance) => checkObject(() => `[${scope.node.path}] ${where}`, prop, instance));
    if (options.instances.length === 0) {
      throw new Error(`${where}: instances is empty; give at least one { connectionName: 'project:region:instance', port: 5432 }`);
    }
    const ports = new Set<number>();
    for (const instance of options.instances) {
      if (!/^[^:\s]+:[^:\s]+:[^:\s]+$/.test(instance.connectionName)) {
        throw new Error(`${where}: instance connection name "${instance.connectionName}" is not project:region:instance`);
      }
      checkPort(where, `port of "${instance.connectionName}"`, instance.port);
      if (ports.has(instance.port)) throw new Error(`${where}: port ${instance.port} is used by two instances; give each instance its own port`);
      ports.add(instance.port);
    }
    const healthPort = options.healthPort ?? 9090;
    checkPort(where, 'healthPort', healthPort);
    if (ports.has(healthPort)) throw new Error(`${where}: healthPort ${healthPort} is also an instance port; choose another`);

    const health = (path: string, probe: kplus.HttpGetProbeOptions) => kplus.Probe.fromHttpGet(path, { port: healthPort, ...probe });
    return workload.addSidecar({
      name: options.name ?? 'cloud-sql-proxy',
      image: options.image ?? `gcr.io/cloud-sql-connectors/cloud-sql-proxy:${CloudSqlProxy.VERSION}`,
      args: [
        '--structured-logs',
        '--health-check',
        '--http-address=0.0.0.0',
        `--http-port=${healthPort}`,
        '--exit-zero-on-sigterm',
        ...(options.address !== undefined ? [`--address=${options.address}`] : []),
        ...(options.privateIp ? ['--private-ip'] : []),
        ...(options.autoIamAuthn ? ['--auto-iam-authn'] : []),
        ...(options.prometheus ? ['--prometheus'] : []),
        ...(options.maxSigtermDelay !== undefined ? [`--max-sigterm-delay=${secondsText(options.maxSigtermDelay)}`] : []),
        ...options.extraArgs ?? [],
        ...options.instances.map(i => `${i.connectionName}?port=${i.port}`),
      ],
      ports: [{ number: healthPort, name: 'sqlproxy-http' }],
      startupProbe: health('/startup', { periodSeconds: Duration.seconds(1), failureThreshold: 60 }),
      // Upstream's recommendation: a slow, tolerant liveness probe; /liveness answers while the process runs.
      livenessProbe: health('/liveness', { periodSeconds: Duration.seconds(60), timeoutSeconds: Duration.seconds(30), failureThreshold: 5 }),
      resources: options.resources ?? {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
      },
      // The distroless image's nonroot user.
      securityContext: { user: 65532, group: 65532, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      drainTime: Duration.seconds(Math.max(5, (options.maxSigtermDelay !== undefined ? wholeSecondsUp(options.maxSigtermDelay) : 0) + 1)),
    });
  }

  private constructor() {}
}

function checkPort(where: string, what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${where}: ${what} is ${port}; use a port from 1 to 65535`);
  }
}
