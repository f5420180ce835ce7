import * as fc from 'fast-check';
import { expectNoCrash, found, run } from './_helpers';
import { probesRule } from '../../../src/rules/api';
import { probeClearlyFine, probeFindings, ProbeField } from '../../../src/rules/api/sc108-probes';
import { containerEntries } from '../../../src/rules/containers';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [probesRule];
const exec = { exec: { command: ['true'] } };

describe('SC108 probes', () => {
  test('valid probes, zero values (defaulted) and readiness successThreshold 3 are fine', () => {
    const zeros = { ...exec, initialDelaySeconds: 0, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0, failureThreshold: 0 };
    const spec = {
      containers: [{ ...APP, livenessProbe: zeros, readinessProbe: { httpGet: { port: 'http', path: '' }, successThreshold: 3 }, startupProbe: { grpc: { port: 9090 } } }],
      initContainers: [{ ...SIDECAR, startupProbe: { tcpSocket: { port: 15021 } }, readinessProbe: { httpGet: { port: 15021, scheme: 'HTTPS' }, successThreshold: 2 } }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('successThreshold must be 1 after defaulting on liveness and startup probes', () => {
    const spec = {
      containers: [{ ...APP, livenessProbe: { ...exec, successThreshold: 2 } }],
      initContainers: [{ ...SIDECAR, startupProbe: { ...exec, successThreshold: 3 } }],
    };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC108', 'error', 'spec.containers[0].livenessProbe.successThreshold'],
      ['SC108', 'error', 'spec.initContainers[0].startupProbe.successThreshold'],
    ]);
    expect(violations[1].message).toBe('sidecar "proxy" startupProbe has successThreshold 3, which must be 1 for startup probes');
  });

  test('only negative numbers fail the non-negative checks', () => {
    const probe = { ...exec, initialDelaySeconds: -1, timeoutSeconds: -1, periodSeconds: -1, failureThreshold: -1 };
    expect(found(pod({ containers: [{ ...APP, readinessProbe: probe }] }), '1.33', rules)).toEqual([
      'SC108 spec.containers[0].readinessProbe.failureThreshold',
      'SC108 spec.containers[0].readinessProbe.initialDelaySeconds',
      'SC108 spec.containers[0].readinessProbe.periodSeconds',
      'SC108 spec.containers[0].readinessProbe.timeoutSeconds',
    ]);
  });

  test('probe terminationGracePeriodSeconds: positive on liveness, never on readiness', () => {
    expect(found(pod({ containers: [{ ...APP, livenessProbe: { ...exec, terminationGracePeriodSeconds: 10 } }] }), '1.33', rules)).toEqual([]);
    expect(found(pod({ containers: [{ ...APP, livenessProbe: { ...exec, terminationGracePeriodSeconds: 0 } }] }), '1.33', rules))
      .toEqual(['SC108 spec.containers[0].livenessProbe.terminationGracePeriodSeconds']);
    const [v] = run(pod({ containers: [{ ...APP, readinessProbe: { ...exec, terminationGracePeriodSeconds: 10 } }] }), '1.33', rules);
    expect(v.path).toBe('spec.containers[0].readinessProbe.terminationGracePeriodSeconds');
    expect(v.message).toBe('container "app" readinessProbe sets terminationGracePeriodSeconds, which must not be set for readinessProbes');
  });

  test('handler count: none is Required, the second is Forbidden', () => {
    const spec = { containers: [{ ...APP, livenessProbe: { periodSeconds: 5 }, readinessProbe: { exec: { command: ['a'] }, grpc: { port: 1 }, httpGet: { port: 80 } } }] };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual([
      'spec.containers[0].livenessProbe',
      'spec.containers[0].readinessProbe.httpGet',
      'spec.containers[0].readinessProbe.grpc',
    ]);
    expect(violations[0].message).toBe('container "app" livenessProbe has no handler; it must specify one of exec, httpGet, tcpSocket, grpc');
  });

  test('exec command, ports, scheme, headers (no index)', () => {
    const spec = {
      containers: [{
        ...APP,
        livenessProbe: { exec: { command: [] } },
        readinessProbe: { httpGet: { port: '8080', scheme: 'http', httpHeaders: [{ name: 'X-Ok', value: '1' }, { name: 'Bad Header', value: '2' }] } },
        startupProbe: { tcpSocket: { port: 0 } },
      }, { name: 'b', image: 'b', startupProbe: { grpc: { port: 70000 } } }],
    };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual([
      'spec.containers[0].livenessProbe.exec.command',
      'spec.containers[0].readinessProbe.httpGet.port',
      'spec.containers[0].readinessProbe.httpGet.scheme',
      'spec.containers[0].readinessProbe.httpGet.httpHeaders',
      'spec.containers[0].startupProbe.tcpSocket.port',
      'spec.containers[1].startupProbe.grpc.port',
    ]);
    expect(violations[1].message).toBe('container "app" readinessProbe httpGet has port "8080": must contain at least one letter (a-z)');
  });

  test('plain init containers are left to SC102', () => {
    expect(found(pod({ containers: [APP], initContainers: [{ name: 'i', image: 'i', livenessProbe: { successThreshold: 9 } }] }), '1.33', rules)).toEqual([]);
  });

  test('paths in a Deployment and a CronJob', () => {
    const spec = { containers: [APP], initContainers: [{ ...SIDECAR, livenessProbe: { ...exec, successThreshold: 2 } }] };
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC108 spec.template.spec.initContainers[0].livenessProbe.successThreshold']);
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC108 spec.jobTemplate.spec.template.spec.initContainers[0].livenessProbe.successThreshold']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));

  test('a probe judged clearly fine without a look is one the whole check finds nothing in', () => {
    const port = fc.constantFrom<unknown>(8080, 1, 65535, 0, 70000, -1, 80.5, 'http', 'Bad_Name', '8080', null, undefined);
    const action = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<unknown>({ command: ['true'] }, { port: 8080 }, { port: 8443, scheme: 'HTTPS' }, { path: '/ready', port: 15021, scheme: 'HTTP' }) },
      // One thing wrong (or unusual) each.
      { weight: 2, arbitrary: fc.constantFrom<unknown>({ command: [] }, { port: 8080, scheme: 'http' }, { port: 8080, httpHeaders: [{ name: 'bad header' }] }, { port: 0 }, { port: 'Bad_Name' }) },
      fc.record({ command: fc.constantFrom<unknown>(['true'], [], 'true', null, undefined) }),
      fc.record({ port, scheme: fc.constantFrom<unknown>('HTTP', 'HTTPS', 'http', '', 7, undefined), httpHeaders: fc.constantFrom<unknown>(undefined, [], [{ name: 'X-Ok' }], [{ name: 'bad header' }]) }),
      fc.record({ port }),
      fc.constantFrom<unknown>(null, 'x', {}),
    );
    const timing = fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>(undefined, 0, 1, 3) }, { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 2.5, '1', null) });
    const rarely = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
    const probe = fc.record({
      exec: rarely(action),
      httpGet: rarely(action),
      tcpSocket: rarely(action),
      grpc: rarely(fc.constantFrom<unknown>({ port: 9090 }, { port: 0 })),
      initialDelaySeconds: timing,
      timeoutSeconds: timing,
      periodSeconds: timing,
      successThreshold: timing,
      failureThreshold: timing,
      terminationGracePeriodSeconds: rarely(fc.constantFrom<unknown>(10, 0, -5)),
    }).map(fields => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
    const field = fc.constantFrom<ProbeField>('livenessProbe', 'readinessProbe', 'startupProbe');
    const [entry] = containerEntries({ containers: [APP] });
    let fine = 0;
    fc.assert(fc.property(probe, field, (value, name) => {
      if (!probeClearlyFine(value, name)) return;
      fine++;
      expect(probeFindings(entry, name, value)).toEqual([]);
    }), { numRuns: 4000 });
    // The shortcut is taken often enough for the comparison to mean something.
    expect(fine).toBeGreaterThan(100);
  });

  test('probes as cdk8s-plus renders them are clearly fine', () => {
    expect(probeClearlyFine({ httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, failureThreshold: 30, periodSeconds: 2 }, 'startupProbe')).toBe(true);
    expect(probeClearlyFine({ exec: { command: ['sh', '-c', 'test -f /ready'] }, failureThreshold: 3, periodSeconds: 1 }, 'startupProbe')).toBe(true);
    expect(probeClearlyFine({ tcpSocket: { port: 15021 }, successThreshold: 2 }, 'readinessProbe')).toBe(true);
    expect(probeClearlyFine({ tcpSocket: { port: 15021 }, successThreshold: 2 }, 'livenessProbe')).toBe(false);
  });
});
