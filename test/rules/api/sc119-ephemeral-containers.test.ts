import { expectNoCrash, found, run } from './_helpers';
import { ephemeralContainersRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod } from '../../manifests';

const rules = [ephemeralContainersRule];
const debug = { name: 'debug', image: 'busybox', targetContainerName: 'app' };

describe('SC119 ephemeral containers', () => {
  test('none (or an empty list) is fine', () => {
    expect(found(pod({ containers: [APP], ephemeralContainers: [] }), '1.33', rules)).toEqual([]);
  });

  test('Forbidden on Pod create', () => {
    const violations = run(pod({ containers: [APP], ephemeralContainers: [debug] }), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([['SC119', 'error', 'spec.ephemeralContainers']]);
    expect(violations[0].message).toBe('the pod sets ephemeralContainers, which cannot be set on create');
  });

  test('Forbidden in pod templates', () => {
    const [v] = run(deployment({ containers: [APP], ephemeralContainers: [debug] }), '1.33', rules);
    expect(v.path).toBe('spec.template.spec.ephemeralContainers');
    expect(v.message).toBe('the Deployment pod template sets ephemeralContainers, which are not allowed in pod templates');
    expect(found(cronJob({ containers: [APP], ephemeralContainers: [debug] }), '1.33', rules)).toEqual(['SC119 spec.jobTemplate.spec.template.spec.ephemeralContainers']);
  });

  test('fields an ephemeral container may not set, subPath, and the target', () => {
    const bad = {
      name: 'debug',
      image: 'busybox',
      targetContainerName: 'nope',
      ports: [],
      resources: { limits: { cpu: 1 } },
      restartPolicy: 'Always',
      readinessProbe: {},
      lifecycle: {},
      volumeMounts: [{ name: 'v', mountPath: '/v', subPath: 'x' }],
    };
    expect(found(pod({ containers: [APP], ephemeralContainers: [{ ...debug, resources: {} }, bad] }), '1.33', rules)).toEqual([
      'SC119 spec.ephemeralContainers',
      'SC119 spec.ephemeralContainers[1].lifecycle',
      'SC119 spec.ephemeralContainers[1].ports',
      'SC119 spec.ephemeralContainers[1].readinessProbe',
      'SC119 spec.ephemeralContainers[1].resources',
      'SC119 spec.ephemeralContainers[1].restartPolicy',
      'SC119 spec.ephemeralContainers[1].targetContainerName',
      'SC119 spec.ephemeralContainers[1].volumeMounts[0].subPath',
    ]);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
