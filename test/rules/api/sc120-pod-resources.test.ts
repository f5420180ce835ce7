import { expectNoCrash, found, run } from './_helpers';
import { podResourcesRule } from '../../../src/rules/api';
import { APP, deployment, pod } from '../../manifests';

const rules = [podResourcesRule];
const res = (requests: any, limits?: any) => ({ resources: { requests, ...(limits ? { limits } : {}) } });

describe('SC120 pod-level resources', () => {
  // Example B of the research note: sidecar before a heavy plain init → effective cpu 1100m, memory 640Mi.
  const exampleB = (podResources: any) => ({
    resources: podResources,
    initContainers: [
      { name: 'envoy', image: 'e', restartPolicy: 'Always', ...res({ cpu: '300m', memory: '128Mi' }) },
      { name: 'migrate', image: 'm', ...res({ cpu: '800m', memory: '512Mi' }) },
    ],
    containers: [{ ...APP, ...res({ cpu: '500m', memory: '256Mi' }) }],
  });

  test('1.33: the field is dropped (PodLevelResources off), nothing is reported', () => {
    expect(found(pod(exampleB({ requests: { cpu: '1m' }, claims: [{ name: 'x' }] })), '1.33', rules)).toEqual([]);
  });

  test('1.34: a pod-level request must cover the sidecar-aware aggregate', () => {
    expect(found(pod(exampleB({ requests: { cpu: '1100m', memory: '640Mi' } })), '1.34', rules)).toEqual([]);
    // The simplified docs rule (800m / 512Mi) undercounts: rejected.
    const violations = run(pod(exampleB({ requests: { cpu: '800m', memory: '512Mi' } })), '1.34', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC120', 'error', 'spec.resources.requests[cpu]'],
      ['SC120', 'error', 'spec.resources.requests[memory]'],
    ]);
    expect(violations[0].message).toBe('the pod-level request for cpu is 800m, but it must be greater than or equal to the aggregate container requests of 1100m (sidecars count in the steady state and under every later init container)');
  });

  test('unsupported names, claims, request above limit, container limit above pod limit', () => {
    const spec = {
      resources: { requests: { 'cpu': '2', 'ephemeral-storage': '1Gi' }, limits: { cpu: '1', memory: '1Gi' }, claims: [{ name: 'gpu' }] },
      containers: [{ ...APP, resources: { limits: { memory: '2Gi' } } }],
    };
    expect(found(deployment(spec), '1.34', rules)).toEqual([
      'SC120 spec.template.spec.resources.claims',
      'SC120 spec.template.spec.resources.containers[0][memory].limits',
      'SC120 spec.template.spec.resources.requests',
      'SC120 spec.template.spec.resources.requests[ephemeral-storage]',
    ]);
  });

  test('with only pod-level limits, requests are defaulted from the aggregate (and must fit the limit)', () => {
    const spec = { resources: { limits: { cpu: '500m' } }, containers: [{ ...APP, ...res({ cpu: '750m' }) }] };
    expect(found(pod(spec), '1.34', rules)).toEqual(['SC120 spec.resources.requests']);
    // The pods a Deployment creates are defaulted the same way and rejected.
    expect(found(deployment(spec), '1.34', rules)).toEqual(['SC120 spec.template.spec.resources.requests']);
    expect(found(pod({ ...spec, resources: { limits: { cpu: '1' } } }), '1.34', rules)).toEqual([]);
  });

  test('resource names like Object.prototype members are reported, not a crash that hides the real finding', () => {
    const manifest = pod({
      resources: { requests: { constructor: '1', toString: '1', cpu: '100m' }, limits: { hasOwnProperty: '1', __proto__: '1', valueOf: '2' } },
      containers: [{ ...APP, ...res({ cpu: '200m', constructor: '1' }) }],
    });
    const violations = run(manifest, '1.34', rules);
    expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
    expect(found(manifest, '1.34', rules)).toEqual([
      'SC120 spec.resources.limits[hasOwnProperty]',
      'SC120 spec.resources.limits[valueOf]',
      'SC120 spec.resources.requests[constructor]',
      'SC120 spec.resources.requests[cpu]',
      'SC120 spec.resources.requests[toString]',
    ]);
    expect(violations.find(v => v.path === 'spec.resources.requests[cpu]')!.message).toContain('aggregate container requests of 200m');
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
