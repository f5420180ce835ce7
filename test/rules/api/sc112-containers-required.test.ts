import { expectNoCrash, found, run } from './_helpers';
import { containersRequiredRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [containersRequiredRule];

describe('SC112 at least one regular container', () => {
  test('a pod with a container is fine', () => {
    expect(found(pod({ containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  test('a pod of only sidecars is rejected at containers', () => {
    const violations = run(pod({ initContainers: [SIDECAR] }), '1.33', rules);
    expect(violations).toEqual([expect.objectContaining({ ruleId: 'SC112', severity: 'error', path: 'spec.containers' })]);
    expect(violations[0].message).toBe('the pod has init containers or sidecars but no regular container; containers is required');
  });

  test('empty list, null, and templates', () => {
    expect(found(pod({ containers: [] }), '1.33', rules)).toEqual(['SC112 spec.containers']);
    expect(found(deployment({ containers: null, initContainers: [SIDECAR] }), '1.33', rules)).toEqual(['SC112 spec.template.spec.containers']);
    expect(found(cronJob({}), '1.33', rules)).toEqual(['SC112 spec.jobTemplate.spec.template.spec.containers']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
