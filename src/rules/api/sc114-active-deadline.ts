import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { finding, isSet, MAX_INT32 } from './_util';

/** Controllers whose template may not carry activeDeadlineSeconds, and the name upstream uses in its message. */
const NO_DEADLINE_KINDS = new Map<string, string>([
  ['Deployment', 'ReplicaSet'],
  ['ReplicaSet', 'ReplicaSet'],
  ['StatefulSet', 'StatefulSet'],
  ['DaemonSet', 'DaemonSet'],
  ['ReplicationController', 'ReplicationController'],
]);

/**
 * SC114 — `activeDeadlineSeconds` (S6): it must be 1..2147483647, and long-running controllers
 * refuse it in their pod template. (A negative terminationGracePeriodSeconds, which the API server
 * accepts, is SC123.)
 */
export const activeDeadlineRule: Rule = {
  id: 'SC114',
  severity: Severity.ERROR,
  title: 'activeDeadlineSeconds is out of range, or set in a Deployment, ReplicaSet, StatefulSet or DaemonSet template',
  why: 'activeDeadlineSeconds outside 1..2147483647 is rejected, and Deployment, ReplicaSet, StatefulSet and DaemonSet templates may not set it at all: their pods are meant to run until replaced',
  fix: 'set activeDeadlineSeconds only on Pods and Jobs, between 1 and 2147483647',
  source: 'ValidatePodSpec (pkg/apis/core/validation/validation.go); ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec (pkg/apis/apps/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const deadline = context.spec.activeDeadlineSeconds;
    if (!isSet(deadline)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const controller = NO_DEADLINE_KINDS.get(context.kind);
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
    return findings;
  },
};
