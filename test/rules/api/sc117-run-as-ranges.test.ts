import { expectNoCrash, found, run } from './_helpers';
import { runAsRangesRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [runAsRangesRule];

describe('SC117 runAsUser / runAsGroup ranges', () => {
  test('ids in range are fine', () => {
    const spec = {
      securityContext: { runAsUser: 0, runAsGroup: 2147483647, fsGroup: 2000, supplementalGroups: [1, 2] },
      containers: [{ ...APP, securityContext: { runAsUser: 65532 } }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('container and pod level out of range', () => {
    const spec = {
      securityContext: { runAsUser: -1, supplementalGroups: [5, -3] },
      containers: [APP],
      initContainers: [{ ...SIDECAR, securityContext: { runAsUser: 2147483648, runAsGroup: -1 } }],
    };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC117', 'error', 'spec.securityContext.runAsUser'],
      ['SC117', 'error', 'spec.securityContext.supplementalGroups[1]'],
      ['SC117', 'error', 'spec.initContainers[0].securityContext.runAsUser'],
      ['SC117', 'error', 'spec.initContainers[0].securityContext.runAsGroup'],
    ]);
    expect(violations[2].message).toBe('sidecar "proxy" securityContext runAsUser is 2147483648, which must be between 0 and 2147483647, inclusive');
    expect(found(deployment({ containers: [{ ...APP, securityContext: { runAsGroup: -2 } }] }), '1.33', rules)).toEqual(['SC117 spec.template.spec.containers[0].securityContext.runAsGroup']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
