import { Duration } from 'cdk8s';
import { workloadWithApp } from './_helpers';
import { FluentBit, FluentBitOutput } from '../../src';
import { container, lint, render } from '../mesh/_helpers';

describe('FluentBit', () => {
  test('a shared log volume mounted read-write in the app and read-only in the shipper', () => {
    const { chart, workload, app } = workloadWithApp();
    FluentBit.addTo(workload, { app, logPath: '/var/log/billing' });
    const { spec } = render(chart);
    expect(container(spec, 'app').volumeMounts).toEqual([{ mountPath: '/var/log/billing', name: 'fluent-bit-logs' }]);
    const shipper = container(spec, 'fluent-bit');
    expect(shipper.volumeMounts).toEqual([
      { mountPath: '/var/log/billing', name: 'fluent-bit-logs', readOnly: true },
      { mountPath: '/fluent-bit/config', name: 'fluent-bit-config', readOnly: true },
      { mountPath: '/fluent-bit/state', name: 'fluent-bit-state' },
    ]);
    expect(spec.volumes.find((v: any) => v.name === 'fluent-bit-logs')).toEqual({ name: 'fluent-bit-logs', emptyDir: {} });
    expect(shipper.image).toBe('cr.fluentbit.io/fluent/fluent-bit:4.2.2');
    expect(shipper.args).toEqual(['-c', '/fluent-bit/config/fluent-bit.conf']);
  });

  test('never a readiness probe; startup and liveness on / of the HTTP server', () => {
    const { chart, workload, app } = workloadWithApp();
    FluentBit.addTo(workload, { app });
    const shipper = container(render(chart).spec, 'fluent-bit');
    expect(shipper.readinessProbe).toBeUndefined();
    expect(shipper.startupProbe).toEqual({ httpGet: { path: '/', port: 2020, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 30 });
    expect(shipper.livenessProbe).toEqual({ httpGet: { path: '/', port: 2020, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 });
    expect(JSON.stringify(shipper)).not.toContain('/api/v1/health');
    expect(shipper.ports).toEqual([{ containerPort: 2020, name: 'fluentbit-http' }]);
    expect(shipper.securityContext.runAsUser).toBe(65534);
  });

  test('the configuration: Grace inside the drain time, HTTP server, tail from head with offsets, the output', () => {
    const { chart, workload, app } = workloadWithApp();
    const shipper = FluentBit.addTo(workload, { app, grace: Duration.seconds(20), filePattern: 'app-*.log', output: FluentBitOutput.forward('aggregator.logging', 24240) });
    const { manifests, spec } = render(chart);
    const configMap = manifests.find(m => m.kind === 'ConfigMap');
    expect(configMap.data['fluent-bit.conf']).toBe([
      '[SERVICE]',
      '    Flush            1',
      '    Grace            20',
      '    Log_Level        info',
      '    HTTP_Server      On',
      '    HTTP_Listen      0.0.0.0',
      '    HTTP_Port        2020',
      '[INPUT]',
      '    Name             tail',
      '    Path             /var/log/app/app-*.log',
      '    Read_from_Head   On',
      '    DB               /fluent-bit/state/tail.db',
      '    Refresh_Interval 5',
      '[OUTPUT]',
      '    Name             forward',
      '    Match            *',
      '    Host             aggregator.logging',
      '    Port             24240',
      '',
    ].join('\n'));
    expect(spec.volumes.find((v: any) => v.name === 'fluent-bit-config').configMap.name).toBe(configMap.metadata.name);
    expect(shipper.drainTime.toSeconds()).toBe(22);
    // app stop 30 + shipper 22
    expect(spec.terminationGracePeriodSeconds).toBe(52);
    expect(lint(manifests)).toEqual([]);
  });

  test('outputs', () => {
    expect(FluentBitOutput.stdout()).toMatchObject({ plugin: 'stdout', parameters: { Format: 'json_lines' } });
    expect(FluentBitOutput.opentelemetry('collector')).toMatchObject({ plugin: 'opentelemetry', parameters: { Host: 'collector', Port: '4318', Logs_uri: '/v1/logs' } });
    expect(FluentBitOutput.custom('loki', { Host: 'loki', Port: '3100' })).toMatchObject({ plugin: 'loki', parameters: { Host: 'loki', Port: '3100' } });
    expect(() => FluentBitOutput.custom('Loki!', {})).toThrow('FluentBitOutput: plugin "Loki!" is not a Fluent Bit plugin name');
    expect(() => FluentBitOutput.custom('loki', { Labels: 'a\nb' })).toThrow('FluentBitOutput: parameter "Labels" = "a\\nb" cannot be written on one config line');
  });

  test('rejects a relative log path', () => {
    const { workload, app } = workloadWithApp();
    expect(() => FluentBit.addTo(workload, { app, logPath: 'logs' })).toThrow('FluentBit.addTo(): logPath "logs" is not an absolute path');
  });
});
