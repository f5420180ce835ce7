import { expectNoCrash, found, run } from './_helpers';
import { negativeGracePeriodRule } from '../../../src/rules/api';
import { validateManifests } from '../../../src/rules/engine';
import { APP, deployment, job, pod, SIDECAR, statefulSet } from '../../manifests';

const rules = [negativeGracePeriodRule];

describe('SC123 negative terminationGracePeriodSeconds', () => {
  test('zero, positive and absent grace periods are fine', () => {
    for (const grace of [0, 1, 30, undefined]) expect(found(pod({ terminationGracePeriodSeconds: grace, containers: [APP] }), '1.33', rules)).toEqual([]);
  });

  // Convert_v1_Pod_To_core_Pod (kubernetes#115606, 1.27+): a Pod's negative grace period is stored
  // as 1 before validation and before warnings are computed, so the API server says nothing.
  test('on a Pod the API server stores 1, without a warning: a warning here, and it says so', () => {
    const [v] = run(pod({ terminationGracePeriodSeconds: -1, containers: [APP], initContainers: [SIDECAR] }), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC123', severity: 'warning', path: 'spec.terminationGracePeriodSeconds' });
    expect(v.message).toBe('the pod sets terminationGracePeriodSeconds -1; the API server stores a negative grace period as 1 second, without a warning, so the app and every sidecar get 1 second to shut down');
    expect(v.fix).toBe('use 0 or more seconds; leave room for the app and every sidecar to shut down');
  });

  // warningsForPodSpecAndMeta (pkg/api/pod/warnings.go): a template keeps the value and draws
  // `spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`.
  test('on a pod template the API server warns, and the pods it creates get 1', () => {
    for (const [manifest, kind] of [[deployment({ terminationGracePeriodSeconds: -5, containers: [APP] }), 'Deployment'], [job({ terminationGracePeriodSeconds: -5, restartPolicy: 'Never', containers: [APP] }), 'Job']] as const) {
      const [v] = run(manifest, '1.33', rules);
      expect(v).toMatchObject({ ruleId: 'SC123', severity: 'warning', path: 'spec.template.spec.terminationGracePeriodSeconds' });
      expect(v.message).toBe(`the ${kind} pod template sets terminationGracePeriodSeconds -5; the API server accepts the template with a warning (must be >= 0; negative values are invalid and will be treated as 1), and stores each pod created from it with 1 second, so the app and every sidecar get 1 second to shut down`);
    }
  });

  test('before 1.27 nothing is changed on create: the pod is given 1 second only when deleted', () => {
    const [v] = run(pod({ terminationGracePeriodSeconds: -1, containers: [APP] }), '1.26', rules);
    expect(v.message).toBe('the pod sets terminationGracePeriodSeconds -1; the API server accepts it, and the pod is given 1 second when it is deleted, so the app and every sidecar get 1 second to shut down');
  });

  test('the rule and all its findings are warnings, and a suppression with a reason silences it', () => {
    expect(negativeGracePeriodRule.severity).toBe('warning');
    const annotated = (annotations: any) => ({ ...statefulSet({ terminationGracePeriodSeconds: -3, containers: [APP] }), metadata: { name: 's', annotations } });
    const ids = (annotations: any) => validateManifests([annotated(annotations)], { kubernetesVersion: '1.33' }, { rules }).map(v => v.ruleId);
    expect(ids({})).toEqual(['SC123']);
    expect(ids({ 'cdk8s-sidecars.io/suppress': 'SC123: the chart sets -1 on purpose to test fast shutdown' })).toEqual([]);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
