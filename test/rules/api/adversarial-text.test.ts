/**
 * Every regular expression and scan over user text in the SC1xx rules answers 300,000-character
 * adversarial strings (long runs that almost match, then fail), and answers correctly. No
 * wall-clock assertion: a super-linear pattern here takes minutes and hits the generous timeout.
 */
import { found, run } from './_helpers';
import { podResourcesRule, portsRule, resourcesRule, volumeMountsRule } from '../../../src/rules/api';
import { dns1123LabelErrors, dns1123SubdomainErrors, isDns1123Label, isPortName, portNameErrors, qualifiedNameErrors } from '../../../src/rules/api/_util';
import { suggestLabel } from '../../../src/rules/api/sc104-container-names';
import { APP, deployment, pod } from '../../manifests';

const N = 300_000;
const TIMEOUT = 60_000;
const dashes = '-'.repeat(N);

describe('300,000-character adversarial names', () => {
  test('SC104 suggests a valid label for a name of dashes, dots or underscores', () => {
    expect(suggestLabel(`${dashes}x`)).toBe('x');
    expect(suggestLabel(`a${dashes}`)).toBe('a');
    expect(suggestLabel(`A${'_'.repeat(N)}B`)).toBe('a-b');
    expect(suggestLabel('.'.repeat(N))).toBe('app');
    expect(suggestLabel('ab'.repeat(N))).toBe('ab'.repeat(N).slice(0, 63));
    expect(suggestLabel(`${'a-'.repeat(N)}`)).toMatch(/^a(-a){31}$/);
    const [v] = run(pod({ containers: [{ name: `${dashes}App`, image: 'x' }] }));
    expect(v.fix).toBe('rename it to a lower-case label, e.g. "app"');
  }, TIMEOUT);

  test('DNS-1123 labels and subdomains', () => {
    for (const value of [`a${dashes}`, `a${dashes}!`, `${'a.'.repeat(N / 2)}-`, `${'a-'.repeat(N / 2)}.`, `a${'.a-a'.repeat(N / 4)}_`]) {
      expect(isDns1123Label(value)).toBe(false);
      expect(dns1123LabelErrors(value)).toContain('must be no more than 63 characters');
      expect(dns1123SubdomainErrors(value)).toContain('must be no more than 253 characters');
    }
    expect(dns1123SubdomainErrors(`${'a.'.repeat(N / 2)}a`)).toEqual(['must be no more than 253 characters']);
  }, TIMEOUT);

  test('qualified names, port names', () => {
    expect(qualifiedNameErrors(`a${'-_.'.repeat(N / 3)}!`)).toHaveLength(2);
    expect(qualifiedNameErrors(`${'a.'.repeat(N / 2)}a/x`)).toEqual(['prefix part must be no more than 253 characters']);
    expect(isPortName(`a${dashes}`)).toBe(false);
    expect(portNameErrors(`a${'-a'.repeat(N / 2)}!`).length).toBeGreaterThan(0);
  }, TIMEOUT);

  test('images padded with white space (SC106) and resource names (SC110)', () => {
    const spaces = ' '.repeat(N);
    expect(found(pod({ containers: [{ ...APP, image: `x${spaces}y` }] }))).toEqual([]);
    const [v] = run(pod({ containers: [{ ...APP, image: `${spaces}x${spaces}` }] }));
    expect(v.fix).toBe('use image "x"');
    const resource = `example.com/${'a-'.repeat(N / 2)}`;
    expect(found(deployment({ containers: [{ ...APP, resources: { limits: { [resource]: '1' } } }] }))).toEqual([`SC110 spec.template.spec.containers[0].resources.limits[${resource}]`]);
  }, TIMEOUT);

  test('env names (SC115), header names and mount paths (SC108, SC111)', () => {
    const envName = `a${'.'.repeat(N)}=`;
    expect(found(pod({ containers: [{ ...APP, env: [{ name: envName, value: 'x' }] }] }), '1.31')).toEqual(['SC115 spec.containers[0].env[0].name']);
    const probe = { httpGet: { port: 80, httpHeaders: [{ name: `${'-'.repeat(N)} `, value: 'x' }] } };
    expect(found(pod({ containers: [{ ...APP, livenessProbe: probe }] }))).toEqual(['SC108 spec.containers[0].livenessProbe.httpGet.httpHeaders']);
    const mount = { name: 'v', mountPath: `/${'a/'.repeat(N / 2)}`, subPath: `${'../'.repeat(N / 3)}x` };
    expect(found(pod({ volumes: [{ name: 'v', emptyDir: {} }], containers: [{ ...APP, volumeMounts: [mount] }] }))).toEqual(['SC111 spec.containers[0].volumeMounts.subPath']);
  }, TIMEOUT);
});

describe('hundreds of thousands of entries in one container or pod', () => {
  const M = 200_000;

  test('findings are appended without spreading them as arguments (no call-stack overflow)', () => {
    const mounts = Array.from({ length: M }, () => ({ name: 'missing', mountPath: '/m' }));
    const ports = Array.from({ length: M }, (_, i) => ({ containerPort: 0, name: `P${i}` }));
    const limits = Object.fromEntries(Array.from({ length: M }, (_, i) => [`bad name ${i}`, '1']));
    const violations = run(pod({ containers: [{ ...APP, volumeMounts: mounts, ports, resources: { limits } }] }), '1.33', [volumeMountsRule, portsRule, resourcesRule]);
    expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
    expect(violations.filter(v => v.ruleId === 'SC111').length).toBeGreaterThanOrEqual(M);
    expect(violations.filter(v => v.ruleId === 'SC107').length).toBeGreaterThanOrEqual(M);
    expect(violations.filter(v => v.ruleId === 'SC110').length).toBeGreaterThanOrEqual(M);
    const podLimits = Object.fromEntries(Array.from({ length: M }, (_, i) => [`x${i}`, '1']));
    const atPod = run(pod({ resources: { limits: podLimits }, containers: [APP] }), '1.34', [podResourcesRule]);
    expect(atPod.filter(v => v.ruleId === 'SC120').length).toBe(M);
  }, TIMEOUT);
});
