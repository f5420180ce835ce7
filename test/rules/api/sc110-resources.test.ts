import * as fc from 'fast-check';
import { expectNoCrash, found, run } from './_helpers';
import { resourcesRule } from '../../../src/rules/api';
import { containerRequirementsClearlyFine, readRequirements, requirementFindings } from '../../../src/rules/api/_resources';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [resourcesRule];
const withResources = (resources: any) => ({ containers: [{ ...APP, resources }] });

describe('SC110 container resources', () => {
  test('valid requests and limits are fine', () => {
    const spec = {
      containers: [{ ...APP, resources: { requests: { 'cpu': '250m', 'memory': '128Mi', 'nvidia.com/gpu': 1 }, limits: { 'cpu': 1, 'memory': '256Mi', 'nvidia.com/gpu': '1' } } }],
      initContainers: [{ ...SIDECAR, resources: { requests: { 'cpu': '0.1', 'ephemeral-storage': '1Gi', 'memory': '1e6' } } }],
    };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('request above limit is reported at resources.requests, without a key', () => {
    const [v] = run(pod(withResources({ requests: { memory: '2Gi' }, limits: { memory: '1Gi' } })), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC110', severity: 'error', path: 'spec.containers[0].resources.requests' });
    expect(v.message).toBe('container "app" requests memory 2Gi, more than its limit of 1Gi; it must be less than or equal to the memory limit');
  });

  // Quantity.UnmarshalJSON (apimachinery resource/quantity.go) trims white space with
  // strings.TrimSpace before ParseQuantity, so the API server reads " 100m" as 100m.
  test('white space around a quantity is trimmed as the API server does: no error, and request-over-limit still found', () => {
    expect(found(pod(withResources({ requests: { cpu: ' 100m', memory: '64Mi\n' }, limits: { cpu: '\t1 ', memory: '\u00a0128Mi' } })), '1.33', rules)).toEqual([]);
    const [v] = run(pod(withResources({ requests: { cpu: ' 2' }, limits: { cpu: '1 ' } })), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC110', path: 'spec.containers[0].resources.requests' });
    expect(v.message).toBe('container "app" requests cpu 2, more than its limit of 1; it must be less than or equal to the cpu limit');
    // Inside the text white space is still an error.
    expect(found(deployment(withResources({ limits: { cpu: '1 00m' } })), '1.33', rules)).toEqual(['SC110 spec.template.spec.containers[0].resources.limits[cpu]']);
  });

  test('unparseable and negative quantities use the bracket key', () => {
    expect(found(pod(withResources({ limits: { memory: '12GB', cpu: '-1' } })), '1.33', rules)).toEqual([
      'SC110 spec.containers[0].resources.limits[cpu]',
      'SC110 spec.containers[0].resources.limits[memory]',
      // A Pod copies limits to missing requests, so the bad values are validated there too.
      'SC110 spec.containers[0].resources.requests[cpu]',
      'SC110 spec.containers[0].resources.requests[memory]',
    ]);
    expect(found(deployment(withResources({ limits: { memory: '12GB' } })), '1.33', rules)).toEqual(['SC110 spec.template.spec.containers[0].resources.limits[memory]']);
  });

  test('extended resources: limit required, request equal to limit, whole numbers', () => {
    expect(found(deployment(withResources({ requests: { 'example.com/gpu': 1 } })), '1.33', rules)).toEqual(['SC110 spec.template.spec.containers[0].resources.limits']);
    // On a bare Pod a limit alone is fine: the request is defaulted from it.
    expect(found(pod(withResources({ limits: { 'example.com/gpu': 2 } })), '1.33', rules)).toEqual([]);
    expect(found(pod(withResources({ requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 2 } })), '1.33', rules)).toEqual(['SC110 spec.containers[0].resources.requests']);
    expect(found(pod(withResources({ limits: { 'nvidia.com/gpu': '500m' } })), '1.33', rules)).toEqual([
      'SC110 spec.containers[0].resources.limits[nvidia.com/gpu]',
      'SC110 spec.containers[0].resources.requests[nvidia.com/gpu]',
    ]);
  });

  test('unknown resource names', () => {
    const [v] = run(deployment(withResources({ requests: { gpu: 1 } })), '1.33', rules);
    expect(v.path).toBe('spec.template.spec.containers[0].resources.requests[gpu]');
    expect(v.message).toBe('container "app" requests "gpu": must be a standard resource for containers');
  });

  test('hugepages need cpu or memory, a whole number of pages, and request == limit', () => {
    expect(found(pod(withResources({ limits: { 'hugepages-2Mi': '100Mi' } })), '1.33', rules)).toEqual(['SC110 spec.containers[0].resources']);
    expect(found(pod(withResources({ limits: { 'hugepages-2Mi': '100Mi', 'memory': '1Gi' } })), '1.33', rules)).toEqual([]);
    expect(found(pod(withResources({ limits: { 'hugepages-2Mi': '3Mi', 'memory': '1Gi' } })), '1.33', rules)).toEqual([
      'SC110 spec.containers[0].resources.limits[hugepages-2Mi]',
      'SC110 spec.containers[0].resources.requests[hugepages-2Mi]',
    ]);
  });

  test('cronjob path', () => {
    const spec = { containers: [APP], initContainers: [{ ...SIDECAR, resources: { requests: { cpu: 2 }, limits: { cpu: 1 } } }] };
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC110 spec.jobTemplate.spec.template.spec.initContainers[0].resources.requests']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});

describe('SC110 fast path', () => {
  // The engine skips the full check when containerRequirementsClearlyFine says so; that answer
  // must never hide a finding the full check would report, in a template or a bare Pod.
  const names = fc.constantFrom('cpu', 'memory', 'ephemeral-storage', 'hugepages-2Mi', 'example.com/gpu', 'gpu', 'Bad Name');
  const quantities = fc.oneof(
    fc.constantFrom<unknown>('100m', '250m', '1', '2', '0', '64Mi', '128Mi', '1Gi', '1.5', '-1', '-100m', '1GB', 'x', '', null, 2, 0.5, -3, true, {}),
    fc.integer({ min: 0, max: 4000 }).map(n => `${n}m`),
  );
  const list = fc.oneof(
    { weight: 8, arbitrary: fc.dictionary(names, quantities, { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 'cpu: 1', [1]) },
  );
  const resources = fc.record({ limits: list, requests: list }, { requiredKeys: [] });

  test('never hides a finding', () => {
    fc.assert(fc.property(resources, fc.boolean(), (value, bare) => {
      if (!containerRequirementsClearlyFine(value)) return;
      expect(requirementFindings(readRequirements(value, bare), 'containers[0].resources', 'container "app"', 'container')).toEqual([]);
    }), { numRuns: 3000 });
  });

  test('takes the common case', () => {
    expect(containerRequirementsClearlyFine({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } })).toBe(true);
    expect(containerRequirementsClearlyFine({ requests: { cpu: '2' }, limits: { cpu: '1' } })).toBe(false);
    expect(containerRequirementsClearlyFine({ limits: { 'example.com/gpu': 1 } })).toBe(false);
  });
});
