import { expectNoCrash, found, run } from './_helpers';
import { lifecycleHooksRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [lifecycleHooksRule];
const preStopSleep = (seconds: number) => ({ lifecycle: { preStop: { sleep: { seconds } } } });

describe('SC109 lifecycle hooks', () => {
  test('valid hooks are fine; sleep 0 is accepted on 1.33', () => {
    const spec = {
      containers: [{ ...APP, lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo'] } }, preStop: { httpGet: { port: 8080 } } } }],
      initContainers: [{ ...SIDECAR, ...preStopSleep(0) }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('sleep 0 is rejected before 1.33 (PodLifecycleSleepActionAllowZero off)', () => {
    const [v] = run(pod({ containers: [{ ...APP, ...preStopSleep(0) }] }), '1.32', rules);
    expect(v).toMatchObject({ ruleId: 'SC109', severity: 'error', path: 'spec.containers[0].lifecycle.preStop.sleep' });
  });

  test('sleep longer than the grace period (30 when absent) fails; equal is fine', () => {
    expect(found(pod({ containers: [{ ...APP, ...preStopSleep(30) }] }), '1.33', rules)).toEqual([]);
    const [v] = run(pod({ containers: [{ ...APP, ...preStopSleep(31) }] }), '1.33', rules);
    expect(v.path).toBe('spec.containers[0].lifecycle.preStop.sleep');
    expect(v.message).toBe('container "app" preStop sleeps 31 seconds; it must be non-negative and less than terminationGracePeriodSeconds (30)');
    expect(found(pod({ terminationGracePeriodSeconds: 60, containers: [{ ...APP, ...preStopSleep(45) }] }), '1.33', rules)).toEqual([]);
    expect(found(pod({ terminationGracePeriodSeconds: 10, containers: [APP], initContainers: [{ ...SIDECAR, ...preStopSleep(15) }] }), '1.33', rules))
      .toEqual(['SC109 spec.initContainers[0].lifecycle.preStop.sleep']);
    expect(found(pod({ containers: [{ ...APP, ...preStopSleep(-1) }] }), '1.33', rules)).toEqual(['SC109 spec.containers[0].lifecycle.preStop.sleep']);
  });

  // Convert_v1_Pod_To_core_Pod (pkg/apis/core/v1/conversion.go, 1.27+) stores a Pod's negative grace
  // period as 1 before ValidatePodSpec passes it to validateSleepAction; a template keeps it as written.
  test('on a Pod a negative grace period is validated as 1: a sleep of 0 or 1 second passes, 2 does not', () => {
    const spec = (seconds: number) => ({
      terminationGracePeriodSeconds: -5, containers: [APP], initContainers: [{ ...SIDECAR, ...preStopSleep(seconds) }],
    });
    expect(found(pod(spec(0)), '1.33', rules)).toEqual([]);
    expect(found(pod(spec(1)), '1.33', rules)).toEqual([]);
    const [v] = run(pod(spec(2)), '1.33', rules);
    expect(v.path).toBe('spec.initContainers[0].lifecycle.preStop.sleep');
    expect(v.message).toBe('sidecar "proxy" preStop sleeps 2 seconds; it must be non-negative and less than terminationGracePeriodSeconds '
      + '(1: the API server stores the pod\'s -5 as 1)');
    expect(v.fix).toBe('sleep between 0 and 1 seconds, or raise the pod\'s terminationGracePeriodSeconds');
    // Before 1.33 a sleep of 0 is refused whatever the grace period; 1 still fits under the stored 1.
    expect(found(pod(spec(1)), '1.32', rules)).toEqual([]);
  });

  test('on a pod template a negative grace period is validated as written: every sleep fails', () => {
    const [v] = run(deployment({ terminationGracePeriodSeconds: -5, containers: [{ ...APP, ...preStopSleep(0) }] }), '1.33', rules);
    expect(v.path).toBe('spec.template.spec.containers[0].lifecycle.preStop.sleep');
    expect(v.message).toBe('container "app" preStop sleeps 0 seconds; it must be non-negative and less than terminationGracePeriodSeconds (-5)');
    expect(v.fix).toBe('make the pod\'s terminationGracePeriodSeconds at least 0; under -5 no sleep is valid');
  });

  test('handler count and action checks', () => {
    const spec = { containers: [{ ...APP, lifecycle: { postStart: {}, preStop: { exec: { command: [] }, sleep: { seconds: 1 } } } }, { name: 'b', image: 'b', lifecycle: { preStop: { httpGet: { port: 0, scheme: 'ftp' } } } }] };
    expect(found(pod(spec), '1.33', rules)).toEqual([
      'SC109 spec.containers[0].lifecycle.postStart',
      'SC109 spec.containers[0].lifecycle.preStop.exec.command',
      'SC109 spec.containers[0].lifecycle.preStop.sleep',
      'SC109 spec.containers[1].lifecycle.preStop.httpGet.port',
      'SC109 spec.containers[1].lifecycle.preStop.httpGet.scheme',
    ]);
  });

  test('before 1.30 the sleep action is dropped, and a hook left without an action disappears', () => {
    expect(found(pod({ containers: [{ ...APP, ...preStopSleep(500) }] }), '1.29', rules)).toEqual([]);
    const both = { lifecycle: { preStop: { exec: { command: [] }, sleep: { seconds: 5 } } } };
    expect(found(pod({ containers: [{ ...APP, ...both }] }), '1.29', rules)).toEqual(['SC109 spec.containers[0].lifecycle.preStop.exec.command']);
    expect(found(pod({ containers: [{ ...APP, ...both }] }), '1.30', rules)).toEqual([
      'SC109 spec.containers[0].lifecycle.preStop.exec.command',
      'SC109 spec.containers[0].lifecycle.preStop.sleep',
    ]);
  });

  test('stopSignal is dropped on 1.33, not an error', () => {
    expect(found(pod({ containers: [{ ...APP, lifecycle: { stopSignal: 'SIGUSR1' } }] }), '1.33', rules)).toEqual([]);
  });

  test('plain init containers are left to SC102; template path', () => {
    expect(found(pod({ containers: [APP], initContainers: [{ name: 'i', image: 'i', lifecycle: { postStart: {} } }] }), '1.33', rules)).toEqual([]);
    expect(found(deployment({ containers: [{ ...APP, ...preStopSleep(99) }] }), '1.33', rules)).toEqual(['SC109 spec.template.spec.containers[0].lifecycle.preStop.sleep']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
