import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Sidecar } from '../init-container';
import { checkOwnContainer, presetTarget } from './_preset';
import { wholeSecondsUp } from '../lifecycle/seconds';
import { ISidecarWorkload } from '../workloads/workload';

const HTTP_PORT = 2020;
const CONFIG_DIR = '/fluent-bit/config';
const STATE_DIR = '/fluent-bit/state';

/**
 * Where Fluent Bit ships the logs: one `[OUTPUT]` section.
 */
export class FluentBitOutput {
  /** Print records to the shipper's own stdout (for trying it out). */
  public static stdout(): FluentBitOutput {
    return new FluentBitOutput('stdout', { Format: 'json_lines' });
  }

  /** Forward protocol to a Fluentd or Fluent Bit aggregator. */
  public static forward(host: string, port: number = 24224): FluentBitOutput {
    return new FluentBitOutput('forward', { Host: host, Port: String(port) });
  }

  /** OpenTelemetry (OTLP/HTTP) to a collector or backend. */
  public static opentelemetry(host: string, port: number = 4318): FluentBitOutput {
    return new FluentBitOutput('opentelemetry', { Host: host, Port: String(port), Logs_uri: '/v1/logs' });
  }

  /** Any output plugin with its parameters, e.g. `custom('loki', { Host: 'loki', Port: '3100' })`. */
  public static custom(plugin: string, parameters: { [key: string]: string }): FluentBitOutput {
    return new FluentBitOutput(plugin, parameters);
  }

  /** The output plugin's name. */
  public readonly plugin: string;
  /** The plugin's parameters. */
  public readonly parameters: { [key: string]: string };

  private constructor(plugin: string, parameters: { [key: string]: string }) {
    if (!/^[a-z][a-z0-9_]*$/.test(plugin)) throw new Error(`FluentBitOutput: plugin "${plugin}" is not a Fluent Bit plugin name`);
    for (const [key, value] of Object.entries(parameters)) {
      if (/[\s]/.test(key) || /[\r\n]/.test(value)) throw new Error(`FluentBitOutput: parameter ${JSON.stringify(key)} = ${JSON.stringify(value)} cannot be written on one config line`);
    }
    this.plugin = plugin;
    this.parameters = { ...parameters };
  }
}

/**
 * Options of the Fluent Bit log-shipper sidecar.
 */
export interface FluentBitOptions {
  /** The main container whose log files are shipped: the shared log volume is mounted into it at `logPath`. */
  readonly app: kplus.Container;
  /**
   * Where the app writes its log files (mounted in both containers).
   * @default '/var/log/app'
   */
  readonly logPath?: string;
  /**
   * Which files under `logPath` to tail.
   * @default '*.log'
   */
  readonly filePattern?: string;
  /**
   * Where to ship the logs.
   * @default FluentBitOutput.stdout()
   */
  readonly output?: FluentBitOutput;
  /**
   * Container name.
   * @default 'fluent-bit'
   */
  readonly name?: string;
  /**
   * Fluent Bit image.
   * @default `cr.fluentbit.io/fluent/fluent-bit:${FluentBit.VERSION}`
   */
  readonly image?: string;
  /**
   * How long Fluent Bit keeps flushing after SIGTERM (`Grace`). It receives SIGTERM only after
   * the app has exited, so the last lines are shipped; the declared drain time is this plus two
   * seconds, which keeps `Grace` inside the derived `terminationGracePeriodSeconds`. `Grace` takes
   * whole seconds: a fraction is rounded up.
   * @default Duration.seconds(10) (Fluent Bit's own default, 5 s, often loses the tail)
   */
  readonly grace?: Duration;
  /**
   * Resources.
   * @default - requests 50m CPU and 64Mi, memory limit 128Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * Fluent Bit as a native log-shipper sidecar. The app and the shipper share an emptyDir at
 * `logPath` (read-write for the app, read-only for the shipper), which Fluent Bit tails from the
 * head. Its HTTP server on 2020 serves the startup and liveness probes on `/`; it never gets a
 * readinessProbe, and never one on `/api/v1/health`, which turns unhealthy when the log backend
 * fails and would take the app out of service with it. The configuration is a ConfigMap.
 */
export class FluentBit {
  /** Fluent Bit version rendered by default. */
  public static readonly VERSION = '4.2.2';

  /**
   * Add the shipper to a workload and wire the shared log volume into `app`.
   * @returns the sidecar's handle
   */
  public static addTo(workload: ISidecarWorkload, options: FluentBitOptions): Sidecar {
    const where = 'FluentBit.addTo()';
    const scope = presetTarget(workload, where, options, '{ app } (FluentBitOptions)');
    checkOwnContainer(scope, where, 'app', options.app);
    const name = options.name ?? 'fluent-bit';
    const logPath = options.logPath ?? '/var/log/app';
    if (!logPath.startsWith('/')) throw new Error(`${where}: logPath "${logPath}" is not an absolute path`);
    const grace = Math.max(1, wholeSecondsUp(options.grace ?? Duration.seconds(10)));

    const config = new kplus.ConfigMap(scope, `${name}-config`, {
      data: { 'fluent-bit.conf': renderConfig(`${logPath.replace(/\/$/, '')}/${options.filePattern ?? '*.log'}`, grace, options.output ?? FluentBitOutput.stdout()) },
    });
    const logs = kplus.Volume.fromEmptyDir(scope, `${name}-logs`, `${name}-logs`);
    const state = kplus.Volume.fromEmptyDir(scope, `${name}-state`, `${name}-state`);
    const configVolume = kplus.Volume.fromConfigMap(scope, `${name}-config-volume`, config, { name: `${name}-config` });

    options.app.mount(logPath, logs);
    const root = (props: kplus.HttpGetProbeOptions) => kplus.Probe.fromHttpGet('/', { port: HTTP_PORT, ...props });
    return workload.addSidecar({
      name,
      image: options.image ?? `cr.fluentbit.io/fluent/fluent-bit:${FluentBit.VERSION}`,
      args: ['-c', `${CONFIG_DIR}/fluent-bit.conf`],
      ports: [{ number: HTTP_PORT, name: 'fluentbit-http' }],
      volumeMounts: [
        { path: logPath, volume: logs, readOnly: true },
        { path: CONFIG_DIR, volume: configVolume, readOnly: true },
        { path: STATE_DIR, volume: state },
      ],
      startupProbe: root({ periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      livenessProbe: root({ periodSeconds: Duration.seconds(10) }),
      resources: options.resources ?? {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
      },
      // The image runs as root by default; nobody can read the app's log files (emptyDir, umask 022).
      securityContext: { user: 65534, group: 65534, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      drainTime: Duration.seconds(grace + 2),
    });
  }

  private constructor() {}
}

/** Classic-mode configuration: tail the shared directory, keep offsets in the state volume. */
function renderConfig(path: string, grace: number, output: FluentBitOutput): string {
  const section = (title: string, entries: [string, string][]) => [
    `[${title}]`,
    ...entries.map(([key, value]) => `    ${key.padEnd(16)} ${value}`),
  ].join('\n');
  return [
    section('SERVICE', [
      ['Flush', '1'],
      ['Grace', String(grace)],
      ['Log_Level', 'info'],
      ['HTTP_Server', 'On'],
      ['HTTP_Listen', '0.0.0.0'],
      ['HTTP_Port', String(HTTP_PORT)],
    ]),
    section('INPUT', [
      ['Name', 'tail'],
      ['Path', path],
      ['Read_from_Head', 'On'],
      ['DB', `${STATE_DIR}/tail.db`],
      ['Refresh_Interval', '5'],
    ]),
    section('OUTPUT', [
      ['Name', output.plugin],
      ['Match', '*'],
      ...Object.entries(output.parameters),
    ]),
    '',
  ].join('\n');
}
