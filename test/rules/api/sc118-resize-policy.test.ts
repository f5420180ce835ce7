import { expectNoCrash, found, run } from './_helpers';
import { resizePolicyRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [resizePolicyRule];
const good = [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'memory', restartPolicy: 'RestartContainer' }];

describe('SC118 resizePolicy', () => {
  test('1.33: regular containers, sidecars and plain init containers may carry a valid resizePolicy (I11)', () => {
    const spec = { containers: [{ ...APP, resizePolicy: good }], initContainers: [{ ...SIDECAR, resizePolicy: good }, { name: 'i', image: 'i', resizePolicy: good }] };
    expect(found(pod(spec), '1.33', rules)).toEqual([]);
  });

  test('before 1.33 (InPlacePodVerticalScaling off) the field is dropped from every container: nothing to report', () => {
    const bad = [{ resourceName: 'gpu', restartPolicy: 'x' }];
    const spec = { containers: [{ ...APP, resizePolicy: bad }], initContainers: [{ ...SIDECAR, resizePolicy: good }, { name: 'i', image: 'i', resizePolicy: bad }] };
    expect(found(pod(spec), '1.32', rules)).toEqual([]);
    expect(found(pod(spec), '1.33', rules)).toEqual(['SC118 spec.containers[0].resizePolicy', 'SC118 spec.initContainers[1].resizePolicy']);
  });

  test('unsupported resource or policy is reported at resizePolicy without an index; duplicates with one', () => {
    const policies = [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }, { resourceName: 'cpu', restartPolicy: 'Restart' }, { resourceName: 'ephemeral-storage', restartPolicy: 'NotRequired' }];
    expect(found(pod({ containers: [{ ...APP, resizePolicy: policies }] }), '1.33', rules)).toEqual([
      'SC118 spec.containers[0].resizePolicy',
      'SC118 spec.containers[0].resizePolicy[1]',
    ]);
  });

  test('a restartPolicy: Never pod needs NotRequired everywhere, sidecars included (K27)', () => {
    const spec = { restartPolicy: 'Never', containers: [APP], initContainers: [{ ...SIDECAR, resizePolicy: good }] };
    const [v] = run(pod(spec), '1.33', rules);
    expect(v.path).toBe('spec.initContainers[0].resizePolicy');
    expect(v.message).toContain('must be \'NotRequired\' when the pod restartPolicy is \'Never\'');
    expect(found(deployment({ containers: [{ ...APP, resizePolicy: [{ resourceName: '', restartPolicy: '' }] }] }), '1.33', rules)).toEqual(['SC118 spec.template.spec.containers[0].resizePolicy']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
