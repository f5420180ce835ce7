// The plan adds up the declared stops without laying out the stop sequence, and SC207 skips the
// start sequence when every sidecar has a startupProbe. Neither shortcut may change a result:
// both are compared here with the whole computation on random pod specs.
import * as fc from 'fast-check';
import { planLifecycle } from '../../src/lifecycle/plan';
import { validateManifests } from '../../src/rules/engine';
import { sidecarStartupProbeRule, startupProbeFindings } from '../../src/rules/lifecycle/sc207-sidecar-startup-probe';
import { parseKubeVersion } from '../../src/version';
import { cronJob, deployment, pod } from '../manifests';
import { container, podSpec, present, sometimes } from '../rules/_arbitraries';

const RUNS = 1500;

/** Init containers that are native sidecars about half the time, so SC207 has something to find. */
const sidecarHeavySpec = fc.record({
  initContainers: fc.array(fc.tuple(container, fc.boolean()).map(([entry, sidecar]) => sidecar ? { ...entry, restartPolicy: 'Always' } : entry), { maxLength: 3 }),
  containers: fc.array(fc.oneof(container, fc.constantFrom<unknown>('not a container', null)), { maxLength: 3 }),
}).map(present);

const drains = sometimes(fc.dictionary(fc.constantFrom('app', 'proxy', 'log-shipper', 'constructor'), fc.constantFrom<unknown>(0, 5, 12, -1, 'x')));

describe('the stop seconds the plan adds up', () => {
  test('equal the longest need of each step of the stop sequence, summed', () => {
    const appStop = sometimes(fc.constantFrom<unknown>(0, 10, 30, -5));
    fc.assert(fc.property(fc.oneof(podSpec, sidecarHeavySpec), drains, appStop, (spec, drainSeconds, appStopSeconds) => {
      const plan = planLifecycle(spec, parseKubeVersion('1.33'), { drainSeconds: drainSeconds as any, appStopSeconds: appStopSeconds as any });
      let expected = 0;
      for (const step of new Set(plan.shutdown.map(s => s.step))) {
        expected += Math.max(...plan.shutdown.filter(s => s.step === step).map(s => s.needsSeconds));
      }
      expect(plan.shutdownNeedsSeconds).toBe(expected);
    }), { numRuns: RUNS });
  });

  test('the sequences are built once and then kept', () => {
    const plan = planLifecycle({ containers: [{ name: 'app' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, parseKubeVersion('1.33'));
    expect(plan.startup).toBe(plan.startup);
    expect(plan.shutdown).toBe(plan.shutdown);
    expect(plan.shutdown.map(s => s.name)).toEqual(['app', 'proxy']);
  });
});

describe('SC207 without the start sequence', () => {
  const whole = { ...sidecarStartupProbeRule, check: startupProbeFindings };

  test('reports exactly what its whole check reports', () => {
    let found = 0;
    fc.assert(fc.property(fc.constantFrom(pod, deployment, cronJob), fc.oneof(podSpec, sidecarHeavySpec), (wrap, spec) => {
      const object = wrap(spec);
      const quick = validateManifests([object], {}, { rules: [sidecarStartupProbeRule] });
      expect(quick).toEqual(validateManifests([object], {}, { rules: [whole] }));
      if (quick.length > 0) found++;
    }), { numRuns: RUNS });
    // Sidecars without a startupProbe that serve ports turn up often enough to compare findings:
    // 25-49 times in 1,500 runs over thirty seeds, so a floor of 10 holds whatever the seed.
    expect(found).toBeGreaterThan(RUNS / 150);
  });
});
