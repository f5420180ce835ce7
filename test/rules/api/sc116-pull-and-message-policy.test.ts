import { expectNoCrash, found, run } from './_helpers';
import { pullAndMessagePolicyRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [pullAndMessagePolicyRule];

describe('SC116 imagePullPolicy and terminationMessagePolicy', () => {
  test('valid and empty (defaulted) values are fine', () => {
    const spec = { containers: [{ ...APP, imagePullPolicy: '', terminationMessagePolicy: 'FallbackToLogsOnError' }], initContainers: [{ ...SIDECAR, imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: '' }] };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('unknown values are rejected', () => {
    const violations = run(pod({ containers: [APP], initContainers: [{ ...SIDECAR, imagePullPolicy: 'always', terminationMessagePolicy: 'Logs' }] }), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC116', 'error', 'spec.initContainers[0].imagePullPolicy'],
      ['SC116', 'error', 'spec.initContainers[0].terminationMessagePolicy'],
    ]);
    expect(violations[0].message).toBe('sidecar "proxy" has imagePullPolicy "always"; supported values: "Always", "IfNotPresent", "Never"');
    expect(found(deployment({ containers: [{ ...APP, imagePullPolicy: 'Sometimes' }] }), '1.33', rules)).toEqual(['SC116 spec.template.spec.containers[0].imagePullPolicy']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
