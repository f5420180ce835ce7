import { expectNoCrash, found, run } from './_helpers';
import { initProbesLifecycleRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [initProbesLifecycleRule];
const probe = { exec: { command: ['true'] } };

describe('SC102 probes and lifecycle on a plain init container', () => {
  test('probes and hooks on a sidecar are allowed', () => {
    const hooks = { preStop: { sleep: { seconds: 5 } } };
    const sidecar = { ...SIDECAR, startupProbe: probe, readinessProbe: probe, livenessProbe: probe, lifecycle: hooks };
    expect(found(pod({ containers: [APP], initContainers: [sidecar] }), '1.33', rules)).toEqual([]);
  });

  test('one Forbidden per field, bodies not validated', () => {
    const init = { name: 'migrate', image: 'm', lifecycle: {}, livenessProbe: {}, readinessProbe: { successThreshold: -4 }, startupProbe: probe };
    const violations = run(pod({ containers: [APP], initContainers: [SIDECAR, init] }), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual([
      'spec.initContainers[1].lifecycle',
      'spec.initContainers[1].livenessProbe',
      'spec.initContainers[1].readinessProbe',
      'spec.initContainers[1].startupProbe',
    ]);
    expect(violations.every(v => v.ruleId === 'SC102' && v.severity === 'error')).toBe(true);
    expect(violations[2].message).toBe('init container "migrate" sets readinessProbe, which may not be set for init containers without restartPolicy=Always');
    expect(violations[2].fix).toBe('remove readinessProbe, or make "migrate" a sidecar with restartPolicy: Always');
  });

  test('an invalid restartPolicy does not make a sidecar', () => {
    const init = { name: 'i', image: 'i', restartPolicy: 'always', startupProbe: probe };
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.33', rules)).toEqual(['SC102 spec.initContainers[0].startupProbe']);
  });

  test('OnFailure on 1.35 is legal but still not a sidecar', () => {
    const init = { name: 'i', image: 'i', restartPolicy: 'OnFailure', readinessProbe: probe };
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.35', rules)).toEqual(['SC102 spec.initContainers[0].readinessProbe']);
  });

  test('a lifecycle holding only stopSignal is dropped on 1.33; an empty one is not', () => {
    const init = { name: 'i', image: 'i', lifecycle: { stopSignal: 'SIGTERM' } };
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.33', rules)).toEqual([]);
    expect(found(pod({ containers: [APP], initContainers: [{ ...init, lifecycle: {} }] }), '1.33', rules)).toEqual(['SC102 spec.initContainers[0].lifecycle']);
  });

  test('before 1.30 a sleep-only hook is dropped with the sleep action, leaving no lifecycle', () => {
    const init = { name: 'i', image: 'i', lifecycle: { preStop: { sleep: { seconds: 1 } } } };
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.29', rules)).toEqual([]);
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.30', rules)).toEqual(['SC102 spec.initContainers[0].lifecycle']);
  });

  test('paths in a Deployment and a CronJob', () => {
    const spec = { containers: [APP], initContainers: [{ name: 'i', image: 'i', livenessProbe: probe }] };
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC102 spec.template.spec.initContainers[0].livenessProbe']);
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC102 spec.jobTemplate.spec.template.spec.initContainers[0].livenessProbe']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
