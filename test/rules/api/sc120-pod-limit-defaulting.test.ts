import { run } from './_helpers';
import { formatQuantity } from '../../../src/lifecycle/quantity';
import { defaultedPodLimits } from '../../../src/lifecycle/resources';
import { podResourcesRule } from '../../../src/rules/api';
import { parseKubeVersion } from '../../../src/version';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [podResourcesRule];
const limits = (cpu: string, memory = '256Mi') => ({ resources: { limits: { cpu, memory } } });

// kubernetes/kubernetes#140514 (PodLevelResourcesFixDefaulting, on from 1.37): a pod-level request
// without a pod-level limit gets the containers' aggregate limit when every container has one.
describe('SC120: pod-level limits defaulted from the container limits (1.37)', () => {
  const spec = {
    resources: { requests: { cpu: '2' } },
    containers: [{ ...APP, ...limits('700m') }],
  };

  test('a pod requesting 2 CPU with container limits of 700m is rejected on 1.37', () => {
    const violations = run(pod(spec), '1.37', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([['SC120', 'error', 'spec.resources.requests']]);
    expect(violations[0].message).toBe('the pod requests cpu 2 at pod level but sets no pod-level cpu limit, so Kubernetes 1.37 defaults that limit to 700m, the containers\' cpu limits added up (every container limits cpu); the request must be less than or equal to the limit');
    expect(violations[0].fix).toBe('set resources.limits.cpu at pod level to at least 2, raise the container cpu limits, or lower the pod-level request to at most 700m');
    // The same template in a Deployment: every Pod made from it is defaulted and rejected.
    expect(run(deployment(spec), '1.37', rules).map(v => v.path)).toEqual(['spec.template.spec.resources.requests']);
  });

  test('1.36 does not default the limit, so the same pod passes there', () => {
    expect(run(pod(spec), '1.36', rules)).toEqual([]);
  });

  test('no default when a container has no limit, or when the pod sets its own limit', () => {
    const unlimited = { ...spec, initContainers: [{ ...SIDECAR }] };
    expect(run(pod(unlimited), '1.37', rules)).toEqual([]);
    expect(run(pod({ ...spec, resources: { requests: { cpu: '2' }, limits: { cpu: '2' } } }), '1.37', rules)).toEqual([]);
  });

  test('the default is the sidecar-aware aggregate limit', () => {
    const withSidecar = {
      resources: { requests: { cpu: '1100m' } },
      initContainers: [{ ...SIDECAR, ...limits('300m') }, { name: 'migrate', image: 'm', ...limits('800m') }],
      containers: [{ ...APP, ...limits('500m') }],
    };
    const defaulted = defaultedPodLimits(withSidecar, parseKubeVersion('1.37'));
    // max(500m + 300m, 800m + 300m) = 1100m, as much as the request: accepted; 1200m is not.
    expect([...defaulted].map(([name, value]) => [name, formatQuantity(value)])).toEqual([['cpu', '1100m']]);
    expect(run(pod(withSidecar), '1.37', rules)).toEqual([]);
    const more = { ...withSidecar, resources: { requests: { cpu: '1200m' } } };
    expect(run(pod(more), '1.37', rules).map(v => v.message)).toEqual([
      'the pod requests cpu 1200m at pod level but sets no pod-level cpu limit, so Kubernetes 1.37 defaults that limit to 1100m, the containers\' cpu limits added up (every container limits cpu); the request must be less than or equal to the limit',
    ]);
    expect(defaultedPodLimits(withSidecar, parseKubeVersion('1.36')).size).toBe(0);
  });
});
