import { nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { securityContextOf, sidecarEntries } from './_security-context';

/** SC501: a privileged sidecar holds host-level power for the pod's whole life. */
export const privilegedSidecarRule: Rule = {
  id: 'SC501',
  severity: Severity.WARNING,
  title: 'a sidecar is privileged (securityContext.privileged: true)',
  why: 'a privileged container gets every capability, the host\'s devices and no seccomp or AppArmor confinement; a sidecar keeps that for the pod\'s whole life, next to the app, where a one-off setup step needs it only briefly (a privileged sidecar is reported here only, not again by SC503)',
  fix: 'drop privileged; add only the capabilities the helper needs, or move one-off privileged setup into a run-once init container',
  source: 'Pod Security Standards (baseline: privileged containers); KEP-753',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = sidecarEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      if (securityContextOf(entry.container).privileged !== true) continue;
      findings.push({
        path: `${entry.path}.securityContext.privileged`,
        message: `${entry.label} sets securityContext.privileged to true: it runs with every capability and access to the host's devices for the pod's whole life`,
        fix: `remove privileged from ${nameOrPath(entry)} and add only the capabilities it needs in securityContext.capabilities.add, or do the privileged setup in a run-once init container`,
      });
    }
    return findings;
  },
};
