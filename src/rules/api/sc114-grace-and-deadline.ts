import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { finding, isSet, MAX_INT32 } from './_util';

/** Controllers whose template may not carry activeDeadlineSeconds, and the name upstream uses in its message. */
const NO_DEADLINE_KINDS: Record<string, string> = {
  Deployment: 'ReplicaSet',
  ReplicaSet: 'ReplicaSet',
  StatefulSet: 'StatefulSet',
  DaemonSet: 'DaemonSet',
  ReplicationController: 'ReplicationController',
};

/**
 * SC114 — `terminationGracePeriodSeconds` and `activeDeadlineSeconds` (S4–S6). A negative grace
 * period is accepted with a warning and treated as 1 second, so it is a warning here too.
 * `activeDeadlineSeconds` must be 1..2147483647, and long-running controllers refuse it in their
 * pod template.
 */
export const graceAndDeadlineRule: Rule = {
  id: 'SC114',
  severity: Severity.ERROR,
  title: 'terminationGracePeriodSeconds is negative, or activeDeadlineSeconds is out of range or not allowed',
  why: 'a negative grace period is accepted but treated as 1 second, leaving sidecars no time to drain; activeDeadlineSeconds outside 1..2147483647 is rejected, and Deployment, ReplicaSet, StatefulSet and DaemonSet templates may not set it at all',
  fix: 'use a non-negative terminationGracePeriodSeconds that covers app and sidecar shutdown; set activeDeadlineSeconds only on Pods and Jobs, between 1 and 2147483647',
  source: 'ValidatePodSpec (pkg/apis/core/validation/validation.go); warningsForPodSpecAndMeta (pkg/api/pod/warnings.go); apps validation of pod templates',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const grace = context.spec.terminationGracePeriodSeconds;
    if (typeof grace === 'number' && Number.isInteger(grace) && grace < 0) {
      findings.push({
        path: 'terminationGracePeriodSeconds',
        message: `the pod sets terminationGracePeriodSeconds ${grace}; the API server accepts it with a warning (must be >= 0; negative values are invalid and will be treated as 1 second)`,
        fix: 'use 0 or more seconds; leave room for the app and every sidecar to shut down',
        severity: Severity.WARNING,
      });
    }
    const deadline = context.spec.activeDeadlineSeconds;
    if (isSet(deadline)) {
      const controller = NO_DEADLINE_KINDS[context.kind];
      if (controller !== undefined) {
        findings.push(finding('activeDeadlineSeconds',
          `a ${context.kind} pod template sets activeDeadlineSeconds, which is not supported in a ${controller}`,
          'remove activeDeadlineSeconds; it belongs on Pods and Jobs, not on long-running controllers'));
      }
      if (typeof deadline === 'number' && Number.isInteger(deadline) && (deadline < 1 || deadline > MAX_INT32)) {
        findings.push(finding('activeDeadlineSeconds',
          `the pod sets activeDeadlineSeconds ${deadline}, which must be between 1 and ${MAX_INT32}, inclusive`,
          'use a positive number of seconds, or remove activeDeadlineSeconds'));
      }
    }
    return findings;
  },
};
