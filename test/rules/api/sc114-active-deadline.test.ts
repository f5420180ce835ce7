import { expectNoCrash, found, run } from './_helpers';
import { activeDeadlineRule } from '../../../src/rules/api';
import { APP, deployment, job, pod, statefulSet } from '../../manifests';

const rules = [activeDeadlineRule];

describe('SC114 activeDeadlineSeconds', () => {
  test('a deadline on a Pod or Job is fine; a negative grace period is not this rule\'s (SC123)', () => {
    expect(found(pod({ terminationGracePeriodSeconds: -1, activeDeadlineSeconds: 600, containers: [APP] }), '1.33', rules)).toEqual([]);
    expect(found(job({ activeDeadlineSeconds: 2147483647, restartPolicy: 'Never', containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  test('every finding is an error, as the rule declares', () => {
    expect(activeDeadlineRule.severity).toBe('error');
    const manifests = [pod({ activeDeadlineSeconds: 0, containers: [APP] }), deployment({ activeDeadlineSeconds: -1, containers: [APP] })];
    const violations = manifests.flatMap(m => run(m, '1.33', rules));
    expect(violations).toHaveLength(3);
    for (const v of violations) expect(v.severity).toBe('error');
  });

  test('activeDeadlineSeconds out of range is an error', () => {
    for (const value of [0, -5, 2147483648]) {
      const [v] = run(pod({ activeDeadlineSeconds: value, containers: [APP] }), '1.33', rules);
      expect(v).toMatchObject({ ruleId: 'SC114', severity: 'error', path: 'spec.activeDeadlineSeconds' });
    }
  });

  test('controllers may not set activeDeadlineSeconds in their template', () => {
    const [v] = run(deployment({ activeDeadlineSeconds: 60, containers: [APP] }), '1.33', rules);
    expect(v).toMatchObject({ severity: 'error', path: 'spec.template.spec.activeDeadlineSeconds' });
    expect(v.message).toBe('a Deployment pod template sets activeDeadlineSeconds, which is not supported in a ReplicaSet');
    expect(found(statefulSet({ activeDeadlineSeconds: 60, containers: [APP] }), '1.33', rules)).toEqual(['SC114 spec.template.spec.activeDeadlineSeconds']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
