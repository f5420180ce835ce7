import { expectNoCrash, found, run } from './_helpers';
import { duplicateNamesRule } from '../../../src/rules/api';
import { APP, cronJob, deployment, pod, SIDECAR } from '../../manifests';

const rules = [duplicateNamesRule];

describe('SC105 duplicate container names', () => {
  test('distinct names are fine', () => {
    expect(found(pod({ containers: [APP, { name: 'worker', image: 'w' }], initContainers: [SIDECAR, { name: 'migrate', image: 'm' }] }), '1.33', rules)).toEqual([]);
  });

  test('a repeated regular container is reported on the later one', () => {
    const violations = run(pod({ containers: [APP, { name: 'worker', image: 'w' }, { name: 'app', image: 'y' }] }), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([['SC105', 'error', 'spec.containers[2].name']]);
    expect(violations[0].message).toBe('container "app" repeats the name "app", already used by an earlier regular container (containers[0]); container names must be unique across containers, init containers and sidecars');
  });

  test('an init container colliding with a regular container is reported on the init container, even though containers come later', () => {
    // Document order: initContainers first; upstream still reports the init container.
    const violations = run(pod({ initContainers: [{ name: 'app', image: 'i', restartPolicy: 'Always' }], containers: [APP] }), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual(['spec.initContainers[0].name']);
    expect(violations[0].message).toBe('sidecar "app" repeats the name "app", already used by regular container at containers[0]; container names must be unique across containers, init containers and sidecars');
  });

  test('init/init: the later one', () => {
    expect(found(pod({ containers: [APP], initContainers: [SIDECAR, { name: 'proxy', image: 'p' }] }), '1.33', rules)).toEqual(['SC105 spec.initContainers[1].name']);
  });

  test('an empty-named init container collides only with an empty-named regular container', () => {
    expect(found(pod({ containers: [APP], initContainers: [{ name: '', image: 'a' }, { name: '', image: 'b' }] }), '1.33', rules)).toEqual([]);
    expect(found(pod({ containers: [{ image: 'a' }], initContainers: [{ image: 'b' }] }), '1.33', rules)).toEqual(['SC105 spec.initContainers[0].name']);
  });

  test('ephemeral containers collide with everything', () => {
    expect(found(pod({ containers: [APP], initContainers: [SIDECAR], ephemeralContainers: [{ name: 'proxy', image: 'd' }] }), '1.33', rules))
      .toEqual(['SC105 spec.ephemeralContainers[0].name']);
  });

  test('paths in a Deployment and a CronJob', () => {
    const spec = { containers: [APP], initContainers: [{ name: 'app', image: 'i' }] };
    expect(found(deployment(spec), '1.33', rules)).toEqual(['SC105 spec.template.spec.initContainers[0].name']);
    expect(found(cronJob(spec), '1.33', rules)).toEqual(['SC105 spec.jobTemplate.spec.template.spec.initContainers[0].name']);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
