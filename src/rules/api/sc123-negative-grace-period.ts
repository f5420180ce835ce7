import { isAtLeast } from '../../version';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { NEGATIVE_GRACE_BECOMES_ONE_MINOR } from './_util';

/**
 * SC123 — a negative `terminationGracePeriodSeconds` (S5). The API server accepts it: from 1.27 a
 * Pod's is stored as 1 before validation, silently; a pod template keeps it and gets a warning,
 * and every Pod created from it is stored with 1. Either way the app and every sidecar share one
 * second to shut down. A warning, suppressible like the API server's other warnings (SC121).
 */
export const negativeGracePeriodRule: Rule = {
  id: 'SC123',
  severity: Severity.WARNING,
  title: 'terminationGracePeriodSeconds is negative',
  why: 'the API server accepts a negative grace period but treats it as 1 second (a Pod is stored with 1, a pod template gets a warning), so the app and every sidecar get one second to shut down between them',
  fix: 'use 0 or more seconds; leave room for the app and every sidecar to shut down',
  source: 'Convert_v1_Pod_To_core_Pod (pkg/apis/core/v1/conversion.go, kubernetes#115606); warningsForPodSpecAndMeta (pkg/api/pod/warnings.go)',
  suppressible: true,
  check(context: RuleContext): Finding[] {
    const grace = context.spec.terminationGracePeriodSeconds;
    if (typeof grace !== 'number' || !Number.isInteger(grace) || grace >= 0) return NO_FINDINGS;
    const since127 = isAtLeast(context.version, NEGATIVE_GRACE_BECOMES_ONE_MINOR);
    const what = !since127
      ? 'the API server accepts it, and the pod is given 1 second when it is deleted'
      : context.isPod
        ? 'the API server stores a negative grace period as 1 second, without a warning'
        : 'the API server accepts the template with a warning (must be >= 0; negative values are invalid and will be treated as 1), and stores each pod created from it with 1 second';
    return [{
      path: 'terminationGracePeriodSeconds',
      message: `${context.isPod ? 'the pod' : `the ${context.kind} pod template`} sets terminationGracePeriodSeconds ${grace}; ${what}, so the app and every sidecar get 1 second to shut down`,
      fix: 'use 0 or more seconds; leave room for the app and every sidecar to shut down',
    }];
  },
};
