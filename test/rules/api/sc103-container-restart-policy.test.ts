import { expectNoCrash, found, run } from './_helpers';
import { containerRestartPolicyRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod } from '../../manifests';

const rules = [containerRestartPolicyRule];

describe('SC103 restartPolicy on a regular container', () => {
  test('no restartPolicy is fine', () => {
    expect(found(pod({ containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  test.each(['Always', '', 'Never', 'OnFailure'])('"%s" is rejected up to 1.34', (value) => {
    for (const version of ['1.33', '1.34']) {
      const violations = run(pod({ containers: [APP, { name: 'envoy', image: 'e', restartPolicy: value }] }), version, rules);
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({ ruleId: 'SC103', severity: 'error', path: 'spec.containers[1].restartPolicy' });
    }
  });

  test('message says even 1.35 does not make it a sidecar', () => {
    const [v] = run(pod({ containers: [{ name: 'envoy', image: 'e', restartPolicy: 'Always' }] }), '1.33', rules);
    expect(v.message).toBe('container "envoy" sets restartPolicy "Always", which may not be set for non-init containers on Kubernetes 1.33 (accepted from 1.35, but even there a regular container with restartPolicy is not a sidecar)');
    expect(v.fix).toBe('remove restartPolicy from "envoy", or move it to initContainers with restartPolicy: Always to make it a native sidecar');
  });

  test('accepted on 1.35 (Always/OnFailure/Never), invalid strings still rejected', () => {
    for (const value of ['Always', 'OnFailure', 'Never']) {
      expect(found(pod({ containers: [{ ...APP, restartPolicy: value }] }), '1.35', rules)).toEqual([]);
    }
    const [v] = run(pod({ containers: [{ ...APP, restartPolicy: 'always' }] }), '1.35', rules);
    expect(v.path).toBe('spec.containers[0].restartPolicy');
    expect(v.message).toContain('still not a sidecar');
  });

  test('restartPolicyRules: unknown field up to 1.34, validated on 1.35', () => {
    const rule = { action: 'Restart', exitCodes: { operator: 'In', values: [42] } };
    expect(found(pod({ containers: [{ ...APP, restartPolicy: 'Never', restartPolicyRules: [rule] }] }), '1.34', rules))
      .toEqual(['SC103 spec.containers[0].restartPolicy', 'SC103 spec.containers[0].restartPolicyRules']);
    expect(found(pod({ containers: [{ ...APP, restartPolicy: 'Never', restartPolicyRules: [rule] }] }), '1.35', rules)).toEqual([]);
    expect(found(pod({ containers: [{ ...APP, restartPolicyRules: [rule] }] }), '1.35', rules)).toEqual(['SC103 spec.containers[0].restartPolicy']);
    const bad = [
      { action: 'RestartAllContainers', exitCodes: { operator: 'Equals', values: [1] } },
      { action: 'Restart' },
      { action: 'Restart', exitCodes: { operator: 'NotIn', values: Array.from({ length: 256 }, (_, i) => i) } },
    ];
    expect(found(pod({ containers: [{ ...APP, restartPolicy: 'Never', restartPolicyRules: bad }] }), '1.35', rules)).toEqual([
      'SC103 spec.containers[0].restartPolicyRules[0].action',
      'SC103 spec.containers[0].restartPolicyRules[0].exitCodes.operator',
      'SC103 spec.containers[0].restartPolicyRules[1].exitCodes',
      'SC103 spec.containers[0].restartPolicyRules[2].exitCodes.values',
    ]);
    // RestartAllContainers is beta (on) from 1.36.
    expect(found(pod({ containers: [{ ...APP, restartPolicy: 'Never', restartPolicyRules: [{ action: 'RestartAllContainers', exitCodes: { operator: 'In', values: [1] } }] }] }), '1.36', rules)).toEqual([]);
    const many = Array.from({ length: 21 }, () => rule);
    expect(found(pod({ containers: [{ ...APP, restartPolicy: 'Never', restartPolicyRules: many }] }), '1.35', rules)).toEqual(['SC103 spec.containers[0].restartPolicyRules']);
  });

  test('paths in a Deployment and a CronJob', () => {
    const spec = { containers: [{ ...APP, restartPolicy: 'Always' }] };
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC103 spec.template.spec.containers[0].restartPolicy']);
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC103 spec.jobTemplate.spec.template.spec.containers[0].restartPolicy']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
