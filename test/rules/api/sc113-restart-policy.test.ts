import { expectNoCrash, found, run } from './_helpers';
import { restartPolicyRule } from '../../../src/rules/api';
import { APP, cronJob, daemonSet, deployment, job, pod, statefulSet } from '../../manifests';

const rules = [restartPolicyRule];

describe('SC113 pod restartPolicy and workload constraints', () => {
  test('valid values; absent defaults to Always for Pods and controllers', () => {
    for (const value of [undefined, 'Always', 'OnFailure', 'Never']) {
      expect(found(pod({ restartPolicy: value, containers: [APP] }), '1.33', rules)).toEqual([]);
    }
    expect(found(deployment({ containers: [APP] }), '1.33', rules)).toEqual([]);
    expect(found(statefulSet({ restartPolicy: 'Always', containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  test('an unknown value is rejected', () => {
    const [v] = run(pod({ restartPolicy: 'always', containers: [APP] }), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC113', severity: 'error', path: 'spec.restartPolicy' });
    expect(v.message).toBe('the pod sets restartPolicy "always"; supported values: "Always", "OnFailure", "Never"');
  });

  test('controllers need Always', () => {
    expect(found(deployment({ restartPolicy: 'Never', containers: [APP] }), '1.33', rules)).toEqual(['SC113 spec.template.spec.restartPolicy']);
    expect(found(daemonSet({ restartPolicy: 'OnFailure', containers: [APP] }), '1.33', rules)).toEqual(['SC113 spec.template.spec.restartPolicy']);
  });

  test('Jobs need OnFailure or Never; absent is an error', () => {
    expect(found(job({ restartPolicy: 'Never', containers: [APP] }), '1.33', rules)).toEqual([]);
    expect(found(job({ restartPolicy: 'OnFailure', containers: [APP] }), '1.33', rules)).toEqual([]);
    const [v] = run(job({ containers: [APP] }), '1.33', rules);
    expect(v.path).toBe('spec.template.spec.restartPolicy');
    expect(v.message).toBe('the Job pod template has no restartPolicy, so it defaults to Always; a Job requires a value: "OnFailure" or "Never"');
    expect(found(job({ restartPolicy: 'Always', containers: [APP] }), '1.33', rules)).toEqual(['SC113 spec.template.spec.restartPolicy']);
  });

  test('only Never with podFailurePolicy', () => {
    const policy = { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } };
    expect(found(job({ restartPolicy: 'OnFailure', containers: [APP] }, policy), '1.33', rules)).toEqual(['SC113 spec.template.spec.restartPolicy']);
    expect(found(job({ restartPolicy: 'Never', containers: [APP] }, policy), '1.33', rules)).toEqual([]);
    expect(found(cronJob({ restartPolicy: 'OnFailure', containers: [APP] }, policy), '1.33', rules)).toEqual(['SC113 spec.jobTemplate.spec.template.spec.restartPolicy']);
  });

  test('CronJob path when absent', () => {
    expect(found(cronJob({ containers: [APP] }), '1.33', rules)).toEqual(['SC113 spec.jobTemplate.spec.template.spec.restartPolicy']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
