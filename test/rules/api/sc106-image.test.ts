import { expectNoCrash, found, run } from './_helpers';
import { imageRule } from '../../../src/rules/api';
import { APP, deployment, pod, SIDECAR } from '../../manifests';

const rules = [imageRule];

describe('SC106 image', () => {
  test('images present and trimmed are fine', () => {
    expect(found(pod({ containers: [APP], initContainers: [SIDECAR] }), '1.33', rules)).toEqual([]);
  });

  test('missing image is Required, in every container kind', () => {
    const violations = run(pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'proxy', image: '', restartPolicy: 'Always' }] }), '1.33', rules);
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([
      ['SC106', 'error', 'spec.containers[0].image'],
      ['SC106', 'error', 'spec.initContainers[0].image'],
    ]);
    expect(violations[1].message).toBe('sidecar "proxy" has no image; image is required');
  });

  test('whitespace is rejected on a Pod, not on a template', () => {
    const spec = { containers: [{ name: 'app', image: 'nginx:1.27 ' }], initContainers: [{ name: 'proxy', image: ' envoy', restartPolicy: 'Always' }] };
    const violations = run(pod(spec), '1.33', rules);
    expect(violations.map(v => v.path)).toEqual(['spec.containers[0].image', 'spec.initContainers[0].image']);
    expect(violations[0].message).toBe('container "app" has image "nginx:1.27 ", which must not have leading or trailing whitespace');
    expect(violations[0].fix).toBe('use image "nginx:1.27"');
    expect(found(deployment(spec), '1.33', rules)).toEqual([]);
  });

  test('white space is what Go\'s strings.TrimSpace trims: NEL and no-break space count, a byte-order mark does not', () => {
    const image = (value: string) => pod({ containers: [{ name: 'app', image: value }] });
    for (const spaced of ['nginx\u0085', '\u00a0nginx', 'nginx\u3000', '\tnginx']) {
      expect(found(image(spaced), '1.33', rules)).toEqual(['SC106 spec.containers[0].image']);
    }
    expect(run(image('nginx\u0085'), '1.33', rules)[0].fix).toBe('use image "nginx"');
    expect(found(image('\ufeffnginx'), '1.33', rules)).toEqual([]);
  });

  test('malformed input does not throw', () => expectNoCrash(rules));
});
