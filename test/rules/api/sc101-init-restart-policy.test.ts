import { expectNoCrash, found, run } from './_helpers';
import { initRestartPolicyRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [initRestartPolicyRule];

describe('SC101 init container restartPolicy', () => {
  test('a sidecar (Always) and a plain init container (absent) are fine', () => {
    expect(found(pod({ containers: [APP], initContainers: [SIDECAR, { name: 'migrate', image: 'm' }] }), '1.33', rules)).toEqual([]);
  });

  test.each(['OnFailure', 'Never', 'always', '', 'Sometimes'])('"%s" is rejected on 1.33', (value) => {
    const violations = run(pod({ containers: [APP], initContainers: [{ name: 'migrate', image: 'm', restartPolicy: value }] }), '1.33', rules);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ ruleId: 'SC101', severity: 'error', path: 'spec.initContainers[0].restartPolicy' });
  });

  test('message and fix name the container and the value', () => {
    const [v] = run(pod({ containers: [APP], initContainers: [SIDECAR, { name: 'migrate', image: 'm', restartPolicy: 'OnFailure' }] }), '1.33', rules);
    expect(v.message).toBe('init container "migrate" sets restartPolicy "OnFailure"; supported values: "Always" (Kubernetes 1.33)');
    expect(v.fix).toBe('use restartPolicy: Always to make "migrate" a sidecar, or remove restartPolicy for a run-once init container');
    expect(v.path).toBe('spec.initContainers[1].restartPolicy');
  });

  test('OnFailure and Never are accepted on 1.35 (ContainerRestartRules beta), garbage is not', () => {
    const spec = (value: string) => ({ containers: [APP], initContainers: [{ name: 'migrate', image: 'm', restartPolicy: value }] });
    expect(found(pod(spec('OnFailure')), '1.35', rules)).toEqual([]);
    expect(found(pod(spec('Never')), '1.35', rules)).toEqual([]);
    expect(found(pod(spec('OnFailure')), '1.34', rules)).toEqual(['SC101 spec.initContainers[0].restartPolicy']);
    const [v] = run(pod(spec('always')), '1.35', rules);
    expect(v.message).toBe('init container "migrate" sets restartPolicy "always"; supported values: "Always", "OnFailure", "Never"');
  });

  test('paths in a Deployment and a CronJob', () => {
    const spec = { containers: [APP], initContainers: [{ name: 'i', image: 'i', restartPolicy: 'Never' }] };
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC101 spec.template.spec.initContainers[0].restartPolicy']);
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC101 spec.jobTemplate.spec.template.spec.initContainers[0].restartPolicy']);
  });

  test('restartPolicyRules on an init container: unknown before 1.35, validated from 1.35', () => {
    const init = { ...SIDECAR, restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }] };
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.33', rules)).toEqual(['SC101 spec.initContainers[0].restartPolicyRules']);
    expect(found(pod({ containers: [APP], initContainers: [init] }), '1.35', rules)).toEqual([]);
    const withoutPolicy = { name: 'i', image: 'i', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [1] } }] };
    expect(found(pod({ containers: [APP], initContainers: [withoutPolicy] }), '1.35', rules)).toEqual(['SC101 spec.initContainers[0].restartPolicy']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
