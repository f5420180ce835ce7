import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { checkOwnContainer, presetTarget } from './_preset';
import { Sidecar } from '../init-container';
import { ISidecarWorkload } from '../workloads/workload';

const OTLP_GRPC_PORT = 4317;
const OTLP_HTTP_PORT = 4318;
const HEALTH_PORT = 13133;

/**
 * Options of the OpenTelemetry Collector sidecar.
 */
export interface OtelCollectorOptions {
  /**
   * Where the collector exports everything over OTLP/gRPC, e.g. `otel-gateway.observability:4317`.
   */
  readonly exporterEndpoint: string;
  /**
   * Export without TLS (a gateway inside the cluster, or a mesh doing mTLS).
   * @default false
   */
  readonly exporterInsecure?: boolean;
  /**
   * Container name.
   * @default 'otel-collector'
   */
  readonly name?: string;
  /**
   * Collector image (core distribution; use `-contrib` or `-k8s` for more components).
   * @default `ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:${OtelCollector.VERSION}`
   */
  readonly image?: string;
  /**
   * Resources. The memory limit also sets `GOMEMLIMIT` (80% of it) and the memory_limiter
   * processor works in percent of it.
   * @default - requests 100m CPU and 128Mi, memory limit 256Mi
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * How long the collector gets after SIGTERM to flush its batches and queues. It receives SIGTERM
   * only after the app has exited, so late spans still arrive.
   * @default Duration.seconds(10)
   */
  readonly drainTime?: Duration;
  /**
   * A main container to point at the collector: it gets `OTEL_EXPORTER_OTLP_ENDPOINT` and
   * `OTEL_EXPORTER_OTLP_PROTOCOL` (gRPC on localhost).
   * @default - no container is changed
   */
  readonly app?: kplus.Container;
}

/**
 * The OpenTelemetry Collector as a native sidecar: OTLP receivers on localhost (4317 gRPC, 4318
 * HTTP), `memory_limiter` and `batch` processors, an OTLP exporter, and the `health_check`
 * extension on 13133 for the startup and liveness probes (no readinessProbe: a collector
 * backlog must not take the app out of service). The configuration travels in the `OTEL_CONFIG`
 * env var (`--config=env:OTEL_CONFIG`), as the OpenTelemetry operator injects it, so no
 * ConfigMap is needed.
 */
export class OtelCollector {
  /** Collector version rendered by default. */
  public static readonly VERSION = '0.158.0';

  /**
   * Add the collector to a workload.
   * @returns the sidecar's handle
   */
  public static addTo(workload: ISidecarWorkload, options: OtelCollectorOptions): Sidecar {
    const where = 'OtelCollector.addTo()';
    const scope = presetTarget(workload, where, options, '{ exporterEndpoint } (OtelCollectorOptions)');
    if (options.app !== undefined) checkOwnContainer(scope, where, 'app', options.app);
    if (!/^[^\s/]+:\d{1,5}$/.test(options.exporterEndpoint)) {
      throw new Error(`OtelCollector.addTo(): exporterEndpoint "${options.exporterEndpoint}" is not host:port; give the gateway's OTLP/gRPC address, e.g. "otel-gateway.observability:4317"`);
    }
    const resources = options.resources ?? {
      cpu: { request: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
    };
    const memoryLimit = resources.memory?.limit;
    const health = (props: kplus.HttpGetProbeOptions) => kplus.Probe.fromHttpGet('/', { port: HEALTH_PORT, ...props });
    const sidecar = workload.addSidecar({
      name: options.name ?? 'otel-collector',
      image: options.image ?? `ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:${OtelCollector.VERSION}`,
      args: ['--config=env:OTEL_CONFIG'],
      envVariables: {
        OTEL_CONFIG: kplus.EnvValue.fromValue(collectorConfig(options)),
        ...(memoryLimit !== undefined ? { GOMEMLIMIT: kplus.EnvValue.fromValue(`${Math.floor(memoryLimit.toMebibytes() * 0.8)}MiB`) } : {}),
      },
      ports: [
        { number: OTLP_GRPC_PORT, name: 'otlp-grpc' },
        { number: OTLP_HTTP_PORT, name: 'otlp-http' },
        { number: HEALTH_PORT, name: 'otel-health' },
      ],
      startupProbe: health({ periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      livenessProbe: health({ periodSeconds: Duration.seconds(10) }),
      resources,
      // The image's user (10001).
      securityContext: { user: 10001, group: 10001, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      drainTime: options.drainTime ?? Duration.seconds(10),
    });
    if (options.app !== undefined) {
      options.app.env.addVariable('OTEL_EXPORTER_OTLP_ENDPOINT', kplus.EnvValue.fromValue(`http://localhost:${OTLP_GRPC_PORT}`));
      options.app.env.addVariable('OTEL_EXPORTER_OTLP_PROTOCOL', kplus.EnvValue.fromValue('grpc'));
    }
    return sidecar;
  }

  private constructor() {}
}

/** The collector configuration as JSON (valid YAML), keys in a fixed order. */
function collectorConfig(options: OtelCollectorOptions): string {
  const pipeline = { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp'] };
  return JSON.stringify({
    extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `localhost:${OTLP_GRPC_PORT}` },
          http: { endpoint: `localhost:${OTLP_HTTP_PORT}` },
        },
      },
    },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
      batch: {},
    },
    exporters: {
      otlp: { endpoint: options.exporterEndpoint, ...(options.exporterInsecure ? { tls: { insecure: true } } : {}) },
    },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline },
    },
  });
}
