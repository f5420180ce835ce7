import { APP_LISTS, containerEntries, nameOrPath, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { CONTAINER_RESTART_POLICIES, containerRestartRulesEnabled, restartPolicyRulesFindings } from './_restart-rules';
import { at, finding, isSet, pushAll, show } from './_util';

const RESTART_FIELDS = ['restartPolicy', 'restartPolicyRules'];

/**
 * SC103 — `restartPolicy` on a regular container. Up to 1.34 (ContainerRestartRules off) any
 * value, `Always` and `""` included, is Forbidden. From 1.35 Always/OnFailure/Never are accepted
 * (other strings are not) — but such a container is still not a sidecar. Also checks
 * `restartPolicyRules` on regular containers.
 */
export const containerRestartPolicyRule: Rule = {
  id: 'SC103',
  severity: Severity.ERROR,
  title: 'a regular container (spec.containers) sets restartPolicy',
  why: 'up to Kubernetes 1.34 the API server rejects restartPolicy on regular containers ("may not be set for non-init containers"); from 1.35 it is accepted, but a regular container with restartPolicy: Always is still not a native sidecar: it gets no startup or shutdown ordering',
  fix: 'remove restartPolicy from the container; to make a native sidecar, move it to initContainers with restartPolicy: Always',
  source: 'validateContainers, validateContainerRestartPolicy (pkg/apis/core/validation/validation.go); KEP-5307',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, APP_LISTS, RESTART_FIELDS)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const newRules = containerRestartRulesEnabled(context.version);
    for (const entry of containerEntries(context.spec, APP_LISTS)) {
      const value = entry.container.restartPolicy;
      if (isSet(value)) {
        if (!newRules) {
          findings.push(finding(at(entry, 'restartPolicy'),
            `${entry.label} sets restartPolicy ${show(value)}, which may not be set for non-init containers on Kubernetes ${context.version.text} (accepted from 1.35, but even there a regular container with restartPolicy is not a sidecar)`,
            `remove restartPolicy from ${nameOrPath(entry)}, or move it to initContainers with restartPolicy: Always to make it a native sidecar`));
        } else if (typeof value === 'string' && !CONTAINER_RESTART_POLICIES.includes(value)) {
          findings.push(finding(at(entry, 'restartPolicy'),
            `${entry.label} sets restartPolicy ${show(value)}; supported values: "Always", "OnFailure", "Never" (and a regular container with restartPolicy is still not a sidecar)`,
            `use Always, OnFailure or Never, or remove restartPolicy; to make ${nameOrPath(entry)} a native sidecar, move it to initContainers with restartPolicy: Always`));
        }
      }
      const ruleFindings = restartPolicyRulesFindings(entry, context.version);
      if (ruleFindings.length > 0) pushAll(findings, ruleFindings);
    }
    return findings;
  },
};
