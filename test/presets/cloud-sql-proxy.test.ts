import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { workloadWithApp } from './_helpers';
import { CloudSqlProxy, DependencyCondition } from '../../src';
import { container, lint, render } from '../mesh/_helpers';

describe('CloudSqlProxy', () => {
  test('flags: health server for the kubelet, exit 0 on SIGTERM, one port per instance', () => {
    const { chart, workload } = workloadWithApp();
    CloudSqlProxy.addTo(workload, { instances: [{ connectionName: 'p:r:a', port: 5432 }, { connectionName: 'p:r:b', port: 5433 }], privateIp: true });
    const proxy = container(render(chart).spec, 'cloud-sql-proxy');
    expect(proxy.image).toBe('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3');
    expect(proxy.args).toEqual(['--structured-logs', '--health-check', '--http-address=0.0.0.0', '--http-port=9090', '--exit-zero-on-sigterm',
      '--private-ip', 'p:r:a?port=5432', 'p:r:b?port=5433']);
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.ports).toEqual([{ containerPort: 9090, name: 'sqlproxy-http' }]);
  });

  test('startup and liveness probes on the health server, no readiness probe, no preStop', () => {
    const { chart, workload } = workloadWithApp();
    CloudSqlProxy.addTo(workload, { instances: [{ connectionName: 'p:r:a', port: 5432 }] });
    const proxy = container(render(chart).spec, 'cloud-sql-proxy');
    expect(proxy.startupProbe).toEqual({ httpGet: { path: '/startup', port: 9090, scheme: 'HTTP' }, periodSeconds: 1, failureThreshold: 60 });
    expect(proxy.livenessProbe).toEqual({ httpGet: { path: '/liveness', port: 9090, scheme: 'HTTP' }, periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 5 });
    expect(proxy.readinessProbe).toBeUndefined();
    expect(proxy.lifecycle).toBeUndefined();
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532,
    });
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  test('the app can wait for it READY; max-sigterm-delay sets the drain time; a Job completes', () => {
    const { chart, workload, app } = workloadWithApp('Job');
    const proxy = CloudSqlProxy.addTo(workload, {
      instances: [{ connectionName: 'p:r:a', port: 5432 }],
      maxSigtermDelay: Duration.seconds(20),
      healthPort: 9801,
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      extraArgs: ['--max-connections=50'],
    });
    workload.addContainerDependency(app, { container: proxy, condition: DependencyCondition.READY });
    const { manifests, spec } = render(chart);
    expect(container(spec, 'cloud-sql-proxy').args).toContain('--max-sigterm-delay=20s');
    expect(container(spec, 'cloud-sql-proxy').args).toContain('--max-connections=50');
    expect(container(spec, 'cloud-sql-proxy').startupProbe.httpGet.port).toBe(9801);
    expect(proxy.drainTime.toSeconds()).toBe(21);
    expect(workload.describeLifecycle().canComplete).toBe(true);
    expect(lint(manifests)).toEqual([]);
  });

  test.each([
    [{ instances: [] }, 'CloudSqlProxy.addTo(): instances is empty; give at least one { connectionName: \'project:region:instance\', port: 5432 }'],
    [{ instances: [{ connectionName: 'db', port: 5432 }] }, 'CloudSqlProxy.addTo(): instance connection name "db" is not project:region:instance'],
    [{ instances: [{ connectionName: 'p:r:a', port: 5432 }, { connectionName: 'p:r:b', port: 5432 }] }, 'CloudSqlProxy.addTo(): port 5432 is used by two instances; give each instance its own port'],
    [{ instances: [{ connectionName: 'p:r:a', port: 9090 }] }, 'CloudSqlProxy.addTo(): healthPort 9090 is also an instance port; choose another'],
    [{ instances: [{ connectionName: 'p:r:a', port: 0 }] }, 'CloudSqlProxy.addTo(): port of "p:r:a" is 0; use a port from 1 to 65535'],
  ])('rejects %j', (options, message) => {
    const { workload } = workloadWithApp();
    expect(() => CloudSqlProxy.addTo(workload, options as any)).toThrow(message);
  });
});
