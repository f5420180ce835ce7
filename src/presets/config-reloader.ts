import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Sidecar } from '../init-container';
import { checkOwnContainer, presetTarget } from './_preset';
import { secondsText } from '../lifecycle/seconds';
import { ISidecarWorkload } from '../workloads/workload';

/**
 * Which reloader program runs.
 */
export enum ConfigReloaderEngine {
  /**
   * prometheus-operator's prometheus-config-reloader: handles SIGTERM (exits 0), serves
   * `/healthz`, polls the watched directories.
   */
  PROMETHEUS_CONFIG_RELOADER = 'PROMETHEUS_CONFIG_RELOADER',
  /**
   * jimmidyson's configmap-reload: reacts to the ConfigMap's `..data` symlink swap; no health
   * endpoint (probed on its metrics port) and no SIGTERM handler (exits 143 when stopped).
   */
  CONFIGMAP_RELOAD = 'CONFIGMAP_RELOAD',
}

/**
 * Options of the config-reloader sidecar.
 */
export interface ConfigReloaderOptions {
  /** The volume holding the configuration (typically a ConfigMap volume). */
  readonly volume: kplus.Volume;
  /** Where the configuration is mounted, in the reloader and (with `app`) in the app. */
  readonly mountPath: string;
  /** URL the reloader calls after a change, e.g. `http://127.0.0.1:9090/-/reload`. */
  readonly reloadUrl: string;
  /**
   * The main container whose configuration is reloaded: the volume is mounted into it at
   * `mountPath`, read-only, without subPath. If it already mounts the volume with a subPath the
   * preset refuses: a subPath mount never sees ConfigMap updates.
   * @default - no container is changed
   */
  readonly app?: kplus.Container;
  /**
   * Which reloader runs.
   * @default ConfigReloaderEngine.PROMETHEUS_CONFIG_RELOADER
   */
  readonly engine?: ConfigReloaderEngine;
  /**
   * Port of the reloader's HTTP server (health and metrics). Must not be a port the app uses.
   * @default 8080 for prometheus-config-reloader (as prometheus-operator), 9533 for configmap-reload
   */
  readonly listenPort?: number;
  /**
   * How often prometheus-config-reloader checks the directories.
   * @default Duration.minutes(3) (its own default)
   */
  readonly watchInterval?: Duration;
  /**
   * Container name.
   * @default 'config-reloader'
   */
  readonly name?: string;
  /**
   * Reloader image.
   * @default - `quay.io/prometheus-operator/prometheus-config-reloader:${ConfigReloader.PROMETHEUS_CONFIG_RELOADER_VERSION}`
   * or `ghcr.io/jimmidyson/configmap-reload:${ConfigReloader.CONFIGMAP_RELOAD_VERSION}`
   */
  readonly image?: string;
  /**
   * Resources.
   * @default - requests 10m CPU and 50Mi, memory limit 50Mi (prometheus-operator's defaults, without its CPU limit)
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * A configuration reloader as a native sidecar: it watches a mounted ConfigMap and calls the
 * app's reload endpoint when it changes. Startup and liveness probes on its own HTTP server, no
 * readinessProbe (a reloader hiccup must not take the app out of service).
 */
export class ConfigReloader {
  /** prometheus-config-reloader version rendered by default. */
  public static readonly PROMETHEUS_CONFIG_RELOADER_VERSION = 'v0.89.0';
  /** configmap-reload version rendered by default. */
  public static readonly CONFIGMAP_RELOAD_VERSION = 'v0.15.0';

  /**
   * Add the reloader to a workload.
   * @returns the sidecar's handle
   */
  public static addTo(workload: ISidecarWorkload, options: ConfigReloaderOptions): Sidecar {
    const where = 'ConfigReloader.addTo()';
    const scope = presetTarget(workload, where, options, '{ volume, mountPath, reloadUrl } (ConfigReloaderOptions)');
    if (options.app !== undefined) checkOwnContainer(scope, where, 'app', options.app);
    const engine = options.engine ?? ConfigReloaderEngine.PROMETHEUS_CONFIG_RELOADER;
    const prometheus = engine === ConfigReloaderEngine.PROMETHEUS_CONFIG_RELOADER;
    const port = options.listenPort ?? (prometheus ? 8080 : 9533);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${where}: listenPort is ${port}; use a port from 1 to 65535`);
    if (!options.mountPath.startsWith('/')) throw new Error(`${where}: mountPath "${options.mountPath}" is not an absolute path`);
    if (!/^https?:\/\/\S+$/.test(options.reloadUrl)) throw new Error(`${where}: reloadUrl "${options.reloadUrl}" is not an http(s) URL`);
    const app = options.app;
    if (app !== undefined) {
      const subPath = app.mounts.find(mount => mount.volume === options.volume && mount.subPath !== undefined);
      if (subPath !== undefined) {
        throw new Error(`${where}: container "${app.name}" mounts the configuration with subPath "${subPath.subPath}", which never sees ConfigMap updates, so reloading would reload the old file; mount the whole volume (the preset does it at ${options.mountPath})`);
      }
      const clash = app.ports.find(p => p.number === port);
      if (clash !== undefined) {
        throw new Error(`${where}: container "${app.name}" listens on ${port}, the reloader's listenPort; both share the pod's network, so set listenPort to a free port`);
      }
    }

    const interval = options.watchInterval;
    const sidecar = workload.addSidecar({
      name: options.name ?? 'config-reloader',
      image: options.image ?? (prometheus
        ? `quay.io/prometheus-operator/prometheus-config-reloader:${ConfigReloader.PROMETHEUS_CONFIG_RELOADER_VERSION}`
        : `ghcr.io/jimmidyson/configmap-reload:${ConfigReloader.CONFIGMAP_RELOAD_VERSION}`),
      args: prometheus
        ? [
          `--listen-address=:${port}`,
          `--reload-url=${options.reloadUrl}`,
          `--watched-dir=${options.mountPath}`,
          ...(interval !== undefined ? [`--watch-interval=${secondsText(interval)}`] : []),
        ]
        : [`--volume-dir=${options.mountPath}`, `--webhook-url=${options.reloadUrl}`, `--web.listen-address=:${port}`],
      ports: [{ number: port, name: 'reloader-web' }],
      volumeMounts: [{ path: options.mountPath, volume: options.volume, readOnly: true }],
      // prometheus-config-reloader serves /healthz; configmap-reload only /metrics.
      startupProbe: kplus.Probe.fromHttpGet(prometheus ? '/healthz' : '/metrics', { port, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      livenessProbe: kplus.Probe.fromHttpGet(prometheus ? '/healthz' : '/metrics', { port, periodSeconds: Duration.seconds(10) }),
      resources: options.resources ?? {
        cpu: { request: kplus.Cpu.millis(10) },
        memory: { request: Size.mebibytes(50), limit: Size.mebibytes(50) },
      },
      securityContext: { user: 65534, group: 65534, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      drainTime: Duration.seconds(prometheus ? 2 : 1),
    });
    app?.mount(options.mountPath, options.volume, { readOnly: true });
    return sidecar;
  }

  private constructor() {}
}
