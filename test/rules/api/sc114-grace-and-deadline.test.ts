import { expectNoCrash, found, run } from './_helpers';
import { graceAndDeadlineRule } from '../../../src/rules/api';
import { APP, deployment, job, pod, statefulSet } from '../../manifests';

const rules = [graceAndDeadlineRule];

describe('SC114 terminationGracePeriodSeconds and activeDeadlineSeconds', () => {
  test('zero and positive grace periods, and a deadline on a Pod or Job, are fine', () => {
    expect(found(pod({ terminationGracePeriodSeconds: 0, activeDeadlineSeconds: 600, containers: [APP] }), '1.33', rules)).toEqual([]);
    expect(found(job({ activeDeadlineSeconds: 2147483647, restartPolicy: 'Never', containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  test('a negative grace period is accepted by the API server: a warning', () => {
    const [v] = run(pod({ terminationGracePeriodSeconds: -1, containers: [APP] }), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC114', severity: 'warning', path: 'spec.terminationGracePeriodSeconds' });
    expect(v.message).toBe('the pod sets terminationGracePeriodSeconds -1; the API server accepts it with a warning (must be >= 0; negative values are invalid and will be treated as 1 second)');
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
