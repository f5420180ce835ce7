import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { workloadWithApp } from './_helpers';
import { OtelCollector } from '../../src';
import { container, envOf, lint, render } from '../mesh/_helpers';

describe('OtelCollector', () => {
  test('config in OTEL_CONFIG: OTLP receivers on localhost, memory_limiter and batch, the OTLP exporter, health_check', () => {
    const { chart, workload } = workloadWithApp();
    OtelCollector.addTo(workload, { exporterEndpoint: 'gateway.observability:4317', exporterInsecure: true });
    const collector = container(render(chart).spec, 'otel-collector');
    expect(collector.image).toBe('ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0');
    expect(collector.args).toEqual(['--config=env:OTEL_CONFIG']);
    const env = envOf(collector);
    expect(env.GOMEMLIMIT).toBe('204MiB');
    const config = JSON.parse(env.OTEL_CONFIG);
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: 'localhost:4317' }, http: { endpoint: 'localhost:4318' } });
    expect(config.extensions).toEqual({ health_check: { endpoint: '0.0.0.0:13133' } });
    expect(config.processors.memory_limiter).toEqual({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 });
    expect(config.exporters).toEqual({ otlp: { endpoint: 'gateway.observability:4317', tls: { insecure: true } } });
    for (const signal of ['traces', 'metrics', 'logs']) {
      expect(config.service.pipelines[signal]).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp'] });
    }
    expect(config.service.extensions).toEqual(['health_check']);
  });

  test('ports, startup and liveness on the health_check extension, no readiness, drains 10 s', () => {
    const { chart, workload } = workloadWithApp();
    const sidecar = OtelCollector.addTo(workload, { exporterEndpoint: 'gateway:4317' });
    const collector = container(render(chart).spec, 'otel-collector');
    expect(collector.ports).toEqual([
      { containerPort: 4317, name: 'otlp-grpc' }, { containerPort: 4318, name: 'otlp-http' }, { containerPort: 13133, name: 'otel-health' },
    ]);
    expect(collector.startupProbe).toEqual({ httpGet: { path: '/', port: 13133, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 30 });
    expect(collector.livenessProbe).toEqual({ httpGet: { path: '/', port: 13133, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 });
    expect(collector.readinessProbe).toBeUndefined();
    expect(sidecar.drainTime.toSeconds()).toBe(10);
    expect(JSON.parse(envOf(collector).OTEL_CONFIG).exporters.otlp.tls).toBeUndefined();
  });

  test('points the app at it; GOMEMLIMIT follows the memory limit, absent without one', () => {
    const { chart, workload, app } = workloadWithApp('Job');
    OtelCollector.addTo(workload, {
      exporterEndpoint: 'gateway:4317',
      app,
      drainTime: Duration.seconds(3),
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(1000) } },
    });
    const { manifests, spec } = render(chart);
    expect(envOf(container(spec, 'app'))).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(envOf(container(spec, 'otel-collector')).GOMEMLIMIT).toBe('800MiB');
    expect(lint(manifests)).toEqual([]);

    const other = workloadWithApp();
    OtelCollector.addTo(other.workload, { exporterEndpoint: 'gateway:4317', resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(128) } } });
    expect(envOf(container(render(other.chart).spec, 'otel-collector')).GOMEMLIMIT).toBeUndefined();
  });

  test('rejects an exporter endpoint that is not host:port', () => {
    const { workload } = workloadWithApp();
    expect(() => OtelCollector.addTo(workload, { exporterEndpoint: 'http://gateway:4317' })).toThrow(
      'OtelCollector.addTo(): exporterEndpoint "http://gateway:4317" is not host:port; give the gateway\'s OTLP/gRPC address, e.g. "otel-gateway.observability:4317"');
  });
});
