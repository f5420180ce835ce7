import { expectNoCrash, found, run } from './_helpers';
import { envNamesRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [envNamesRule];

describe('SC115 env var names', () => {
  test('relaxed names are fine on 1.33', () => {
    const env = [{ name: 'LOG_LEVEL', value: 'x' }, { name: '1st-var', value: 'x' }, { name: 'with space:and.colon', value: 'x' }];
    expect(found(pod({ containers: [{ ...APP, env }], initContainers: [{ ...SIDECAR, env }] }), '1.33', rules)).toEqual([]);
  });

  test('empty names are Required', () => {
    const [v] = run(pod({ containers: [APP], initContainers: [{ ...SIDECAR, env: [{ name: 'A', value: '1' }, { value: '2' }] }] }), '1.33', rules);
    expect(v).toMatchObject({ ruleId: 'SC115', severity: 'error', path: 'spec.initContainers[0].env[1].name' });
    expect(v.message).toBe('sidecar "proxy" has an env var without a name; a name is required');
  });

  test('"=" and non-printable characters fail on 1.33', () => {
    const env = [{ name: 'A=B' }, { name: 'TAB\tX' }, { name: 'ÜBER' }];
    expect(found(pod({ containers: [{ ...APP, env }] }), '1.33', rules)).toEqual([
      'SC115 spec.containers[0].env[0].name',
      'SC115 spec.containers[0].env[1].name',
      'SC115 spec.containers[0].env[2].name',
    ]);
  });

  test('strict names before 1.32', () => {
    expect(found(deployment({ containers: [{ ...APP, env: [{ name: '1st' }, { name: 'ok.name' }] }] }), '1.31', rules)).toEqual(['SC115 spec.template.spec.containers[0].env[0].name']);
    expect(found(deployment({ containers: [{ ...APP, env: [{ name: '1st' }] }] }), '1.32', rules)).toEqual([]);
  });

  test('strict names: "." and ".." prefixes, envFrom prefix', () => {
    const env = [{ name: '.' }, { name: '..' }, { name: '..x' }, { name: '.x' }];
    expect(found(pod({ containers: [{ ...APP, env, envFrom: [{ prefix: '1_' }] }] }), '1.31', rules)).toEqual([
      'SC115 spec.containers[0].env[0].name',
      'SC115 spec.containers[0].env[1].name',
      'SC115 spec.containers[0].env[2].name',
      'SC115 spec.containers[0].envFrom[0].prefix',
    ].sort());
  });

  test('envFrom prefix', () => {
    expect(found(pod({ containers: [{ ...APP, envFrom: [{ prefix: 'A=', configMapRef: { name: 'c' } }] }] }), '1.33', rules)).toEqual(['SC115 spec.containers[0].envFrom[0].prefix']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
