import { API_RULES } from '../../../src/rules/api';
import { validateManifests } from '../../../src/rules/engine';
import { Rule } from '../../../src/rules/rule';
import { Violation } from '../../../src/rules/violation';
import { malformedManifests } from '../../manifests';

/** Run the SC1xx rules (or the given ones) on one manifest. */
export function run(manifest: any, version = '1.33', rules: readonly Rule[] = API_RULES): Violation[] {
  return validateManifests([manifest], { kubernetesVersion: version }, { rules });
}

/** `ruleId path` for each violation, de-duplicated and sorted: for exact set comparisons. */
export function keys(violations: Violation[]): string[] {
  return [...new Set(violations.map(v => `${v.ruleId} ${v.path}`))].sort();
}

/** Run and return the sorted key set. */
export function found(manifest: any, version = '1.33', rules: readonly Rule[] = API_RULES): string[] {
  return keys(run(manifest, version, rules));
}

/** Inputs that are malformed in every way a YAML author can manage; no rule may throw on them. */
export const MALFORMED_SPECS: any[] = [
  null,
  'spec',
  42,
  [],
  { containers: 'app' },
  { containers: [null, 'x', 7, [], { name: 5, image: {}, ports: 'http' }] },
  { containers: [{ name: 'a', image: 'i', ports: [null, 'p', { containerPort: '80', hostPort: 'x', protocol: 6, name: 9 }] }] },
  { containers: [{ name: 'a', image: 'i', livenessProbe: 'x', readinessProbe: [], startupProbe: { exec: 'ls', httpGet: [], grpc: { port: '80' } } }] },
  { containers: [{ name: 'a', image: 'i', lifecycle: { preStop: 'x', postStart: { sleep: { seconds: 'x' } } } }] },
  { containers: [{ name: 'a', image: 'i', resources: { limits: 'x', requests: [1] } }] },
  { containers: [{ name: 'a', image: 'i', resources: { limits: { 'cpu': {}, 'memory': true, '': '1', 'a/b/c': '1' } } }] },
  { containers: [{ name: 'a', image: 'i', volumeMounts: [null, { name: 1, mountPath: [], subPath: {} }], env: [null, { name: 3 }], envFrom: 'x' }] },
  { containers: [{ name: 'a', image: 'i', securityContext: 'x', resizePolicy: [null, 'cpu', { resourceName: 1 }], restartPolicyRules: 'x' }] },
  { initContainers: 'x', ephemeralContainers: { a: 1 }, volumes: [null, { name: [] }], restartPolicy: 5, terminationGracePeriodSeconds: '30' },
  { initContainers: [{ name: 'i', image: 'i', restartPolicy: true, lifecycle: [], restartPolicyRules: [null, { exitCodes: 'x' }] }], containers: [{ name: 'a', image: 'i' }] },
  { containers: [{ name: 'a', image: 'i' }], resources: { limits: 'x', requests: { cpu: 'lots' }, claims: 'x' }, securityContext: { supplementalGroups: 'x' } },
  { containers: [{ name: 'a', image: 'i' }], ephemeralContainers: [null, { name: 'e', image: ' i', volumeMounts: 'x', targetContainerName: 7 }] },
];

/** Assert that a rule never reports "could not check" (the engine's catch) on malformed input. */
export function expectNoCrash(rules: readonly Rule[]): void {
  for (const version of ['1.29', '1.33', '1.34', '1.35', '1.36']) {
    const violations = validateManifests(malformedManifests(MALFORMED_SPECS), { kubernetesVersion: version }, { rules });
    const crashes = violations.filter(v => v.message.includes('could not check'));
    expect(crashes).toEqual([]);
  }
}
