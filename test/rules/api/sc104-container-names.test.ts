import { expectNoCrash, found, run } from './_helpers';
import { containerNamesRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [containerNamesRule];

describe('SC104 container names', () => {
  test('lower-case labels (a leading digit too) are fine', () => {
    expect(found(pod({ containers: [APP, { name: '0day', image: 'x' }], initContainers: [SIDECAR] }), '1.33', rules)).toEqual([]);
  });

  test('missing and empty names are Required', () => {
    const violations = run(pod({ containers: [{ image: 'x' }], initContainers: [{ name: '', image: 'y', restartPolicy: 'Always' }] }), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC104', 'error', 'spec.containers[0].name'],
      ['SC104', 'error', 'spec.initContainers[0].name'],
    ]);
    expect(violations[1].message).toBe('sidecar at initContainers[0] has no name; a name is required');
  });

  test.each(['App', 'my_app', '-app', 'app-', 'a.b', 'x'.repeat(64)])('"%s" is not a DNS-1123 label', (name) => {
    expect(found(pod({ containers: [{ name, image: 'x' }] }), '1.33', rules)).toEqual(['SC104 spec.containers[0].name']);
  });

  test('message explains the rule and suggests a name', () => {
    const [v] = run(pod({ containers: [APP], initContainers: [{ name: 'Log_Shipper', image: 'x', restartPolicy: 'Always' }] }), '1.33', rules);
    expect(v.message).toBe('sidecar "Log_Shipper" has name "Log_Shipper", which is not a DNS-1123 label: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character');
    expect(v.fix).toBe('rename it to a lower-case label, e.g. "log-shipper"');
  });

  test('ephemeral containers and templates', () => {
    expect(found(pod({ containers: [APP], ephemeralContainers: [{ name: 'Debug', image: 'x' }] }), '1.33', rules)).toEqual(['SC104 spec.ephemeralContainers[0].name']);
    expect(found(deployment({ containers: [{ name: 'A', image: 'x' }] }), '1.33', rules)).toEqual(['SC104 spec.template.spec.containers[0].name']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
