import { nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { securityContextOf, sidecarEntries } from './_security-context';

/** SC503: a sidecar explicitly allows privilege escalation. */
export const sidecarPrivilegeEscalationRule: Rule = {
  id: 'SC503',
  severity: Severity.WARNING,
  title: 'a sidecar allows privilege escalation (securityContext.allowPrivilegeEscalation: true)',
  why: 'without no_new_privs a process of the long-running helper can gain more privileges than its parent through setuid binaries or file capabilities; a privileged sidecar always can, but that is reported by SC501 alone',
  fix: 'set securityContext.allowPrivilegeEscalation to false on the sidecar',
  source: 'Pod Security Standards (restricted: privilege escalation); Linux no_new_privs',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = sidecarEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const securityContext = securityContextOf(entry.container);
      if (securityContext.allowPrivilegeEscalation !== true || securityContext.privileged === true) continue;
      findings.push({
        path: `${entry.path}.securityContext.allowPrivilegeEscalation`,
        message: `${entry.label} sets securityContext.allowPrivilegeEscalation to true: its processes can gain more privileges than their parent (setuid binaries, file capabilities) for the pod's whole life`,
        fix: `set securityContext.allowPrivilegeEscalation to false on ${nameOrPath(entry)}`,
      });
    }
    return findings;
  },
};
