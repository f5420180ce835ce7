// Several rules return at once when no container has the fields they look at (`setsAnyField`).
// That shortcut must never change a result: here the engine runs with and without it on random
// pod specs that set, leave out, null and break those fields, and the violations must be equal.
import * as fc from 'fast-check';
import { podSpec } from './_arbitraries';
import { setsAnyField, withSharedEntries, ALL_LISTS, INIT_LISTS } from '../../src/rules/containers';
import { validateManifests } from '../../src/rules/engine';
import { cronJob, deployment, pod } from '../manifests';

const RUNS = 1500;

const wrapper = fc.constantFrom(pod, deployment, cronJob);
const version = fc.constantFrom('1.29', '1.33', '1.35');

describe('rules that return at once when no container has their fields', () => {
  test('report exactly what they report when they always run their whole check', () => {
    let gatedOut = 0;
    fc.assert(fc.property(wrapper, podSpec, version, (wrap, spec, kubernetesVersion) => {
      const object = wrap(spec);
      const gated = validateManifests([object], { kubernetesVersion });
      const whole = validateManifests([object], { kubernetesVersion }, { everyFieldSet: true });
      expect(gated).toEqual(whole);
      if (!setsAnyField(spec, ALL_LISTS, ['env', 'envFrom'])) gatedOut++;
    }), { numRuns: RUNS });
    // The random specs leave the fields out often enough for the shortcut to be taken.
    expect(gatedOut).toBeGreaterThan(RUNS / 10);
  });

  test('a field counts when it is present on any container of the lists asked, whatever its value', () => {
    const spec = {
      containers: [{ name: 'app', env: null }],
      initContainers: [{ name: 'proxy', securityContext: { capabilities: 'x' } }, 'not a container'],
    };
    expect(setsAnyField(spec, ALL_LISTS, ['env'])).toBe(true);
    expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(false);
    expect(setsAnyField(spec, INIT_LISTS, ['capabilities'], true)).toBe(true);
    expect(setsAnyField(spec, ALL_LISTS, ['capabilities'])).toBe(false);
    expect(setsAnyField({ containers: 'x' }, ALL_LISTS, ['env'])).toBe(false);
    // A key counts even when its value is undefined (Object.keys lists it); an inherited one does not.
    expect(setsAnyField({ containers: [{ name: 'app', env: undefined }] }, ALL_LISTS, ['env'])).toBe(true);
    expect(setsAnyField({ containers: [Object.create({ env: [] })] }, ALL_LISTS, ['env'])).toBe(false);
    // The same answers from the per-object cache the engine uses, and everything when told so.
    withSharedEntries(() => {
      expect(setsAnyField(spec, ALL_LISTS, ['env'])).toBe(true);
      expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(false);
      expect(setsAnyField(spec, INIT_LISTS, ['capabilities'], true)).toBe(true);
    });
    withSharedEntries(() => expect(setsAnyField(spec, INIT_LISTS, ['env'])).toBe(true), true);
  });
});
