// Rules turned off or given another severity for a whole run (ValidationOptions.rules).
import { ManifestValidator } from '../../src';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: [{ name: 'app', image: 'registry.example.com/app:1' }],
    initContainers: [{
      name: 'proxy',
      image: 'registry.example.com/proxy:1',
      restartPolicy: 'Always',
      resources: { requests: { cpu: '10m', memory: '16Mi' } },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    }],
  },
};

const REASON = 'our proxy drains on its own preStop by design';
const found = (rules: any) => ManifestValidator.validate([POD], { kubernetesVersion: '1.35', rules }).map(v => `${v.ruleId} ${v.severity}`);

describe('rule settings for a whole run', () => {
  test('off removes the rule, another severity applies to each of its findings', () => {
    expect(found(undefined)).toEqual(['SC209 warning']);
    expect(found([{ ruleId: 'SC209', severity: 'off', reason: REASON }])).toEqual([]);
    expect(found([{ ruleId: 'SC209', severity: 'info', reason: REASON }])).toEqual(['SC209 info']);
    expect(found([{ ruleId: 'SC209', severity: 'error', reason: REASON }])).toEqual(['SC209 error']);
  });

  test('rules about what the API server rejects may be raised, never lowered or turned off', () => {
    expect(() => found([{ ruleId: 'SC101', severity: 'off', reason: REASON }])).toThrow('ValidationOptions.rules[0] turns SC101 off, but SC101 cannot be suppressed or lowered (it reports what the API server rejects, or a problem with the input); it may only be raised');
    expect(() => found([{ ruleId: 'SC121', severity: 'off', reason: REASON }])).not.toThrow();
    expect(() => found([{ ruleId: 'SC205', severity: 'warning', reason: REASON }])).not.toThrow();
  });

  test('each entry is checked and named', () => {
    expect(() => found([{ ruleId: 'SC999', severity: 'off', reason: REASON }])).toThrow('ValidationOptions.rules[0] names rule "SC999", which does not exist (see RULES.md)');
    expect(() => found([{ ruleId: 'SC209', severity: 'quiet', reason: REASON }])).toThrow('ValidationOptions.rules[0] gives SC209 the severity "quiet"; use off, info, warning or error');
    expect(() => found([{ ruleId: 'SC209', severity: 'off', reason: 'todo' }])).toThrow('ValidationOptions.rules[0] changes SC209 without a meaningful reason; say in at least 10 characters why the rule does not fit here');
    expect(() => found([{ ruleId: 'SC209', severity: 'off', reason: REASON }, { ruleId: 'SC209', severity: 'info', reason: REASON }])).toThrow('ValidationOptions.rules[1] sets SC209 a second time');
    expect(() => found(['SC209'])).toThrow('ValidationOptions.rules[0] must be { ruleId, severity, reason }');
  });
});
