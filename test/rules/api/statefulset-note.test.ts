import { run } from './_helpers';
import { APP, deployment, SIDECAR, statefulSet } from '../../manifests';

/**
 * Before 1.34, ValidateStatefulSetSpec (pkg/apis/apps/validation/validation.go) checks the pod
 * template's labels, annotations, restartPolicy and activeDeadlineSeconds only: the pod spec itself
 * is first validated when the StatefulSet controller creates a Pod (kubernetes#131790 added it to
 * StatefulSet create in 1.34). The errors stay errors; the message says who sees them.
 */
describe('SC1xx errors on a StatefulSet the API server accepts unchecked', () => {
  const NOTE = '; a 1.33 API server accepts the StatefulSet without checking its pod template (1.34 does), and the StatefulSet controller then fails to create each of its pods with this error';
  const badName = { containers: [{ ...APP, name: 'App' }], initContainers: [{ ...SIDECAR, lifecycle: { preStop: { sleep: { seconds: 99 } } } }] };

  test('at 1.33 each error says the StatefulSet is accepted and its pods fail', () => {
    const violations = run(statefulSet(badName), '1.33');
    expect(violations.map(v => `${v.ruleId} ${v.severity}`)).toEqual(['SC104 error', 'SC109 error']);
    for (const v of violations) expect(v.message.endsWith(NOTE)).toBe(true);
    expect(violations[0].message).toBe(`container "App" has name "App", which is not a DNS-1123 label: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character${NOTE}`);
  });

  test('at 1.34 the StatefulSet itself is rejected: no note', () => {
    for (const v of run(statefulSet(badName), '1.34')) expect(v.message).not.toContain('accepts the StatefulSet');
  });

  test('other kinds get no note', () => {
    for (const v of run(deployment(badName), '1.33')) expect(v.message).not.toContain('accepts the StatefulSet');
  });

  test('what apps validation checks on create in every version gets no note, and then the whole StatefulSet is refused', () => {
    const refused = run(statefulSet({ ...badName, restartPolicy: 'Never' }), '1.33');
    expect(refused.map(v => v.path).sort()).toEqual([
      'spec.template.spec.containers[0].name',
      'spec.template.spec.initContainers[0].lifecycle.preStop.sleep',
      'spec.template.spec.restartPolicy',
    ]);
    for (const v of refused) expect(v.message).not.toContain('accepts the StatefulSet');
    for (const v of run(statefulSet({ ...badName, activeDeadlineSeconds: 5 }), '1.33')) expect(v.message).not.toContain('accepts the StatefulSet');
  });

  test('warnings are not errors the controller meets: no note', () => {
    const warnings = run(statefulSet({ terminationGracePeriodSeconds: -1, containers: [{ ...APP, ports: [{ containerPort: 80 }] }, { name: 'b', image: 'b', ports: [{ containerPort: 80 }] }] }), '1.33');
    expect(warnings.map(v => v.ruleId).sort()).toEqual(['SC121', 'SC123']);
    for (const v of warnings) expect(v.message).not.toContain('accepts the StatefulSet');
  });
});
