import { containerEntries, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { CONTAINER_RESTART_POLICIES, containerRestartRulesEnabled, restartPolicyRulesFindings } from './_restart-rules';
import { at, finding, pushAll, show } from './_util';

/**
 * SC101 — an init container's `restartPolicy` must be exactly `Always` (a native sidecar), or
 * absent (a run-once init container). From 1.35 `OnFailure` and `Never` are accepted too, but
 * they do not make a sidecar. Also checks `restartPolicyRules` on init containers.
 */
export const initRestartPolicyRule: Rule = {
  id: 'SC101',
  severity: Severity.ERROR,
  title: 'an init container sets restartPolicy to a value other than Always',
  why: 'the API server accepts only "Always" on an init container (the native-sidecar marker); any other value, even "always" or "", rejects the whole workload (OnFailure/Never become legal in 1.35 but do not make a sidecar)',
  fix: 'use restartPolicy: Always to make the init container a sidecar, or remove restartPolicy for a run-once init container',
  source: 'validateInitContainerRestartPolicy, validateContainerRestartPolicy (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const newRules = containerRestartRulesEnabled(context.version);
    const allowed = newRules ? CONTAINER_RESTART_POLICIES : ['Always'];
    const entries = containerEntries(context.spec, INIT_LISTS);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const value = entry.container.restartPolicy;
      // A non-string value fails to decode at all; that is not a field rule's finding.
      if (typeof value === 'string' && !allowed.includes(value)) {
        findings.push(finding(at(entry, 'restartPolicy'),
          `${entry.label} sets restartPolicy ${show(value)}; supported values: ${allowed.map(v => `"${v}"`).join(', ')}` +
          (newRules ? '' : ` (Kubernetes ${context.version.text})`),
          `use restartPolicy: Always to make ${nameOrPath(entry)} a sidecar, or remove restartPolicy for a run-once init container`));
      }
      const ruleFindings = restartPolicyRulesFindings(entry, context.version);
      if (ruleFindings.length > 0) pushAll(findings, ruleFindings);
    }
    return findings;
  },
};
