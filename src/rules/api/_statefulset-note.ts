/**
 * Before 1.34 the API server does not validate a StatefulSet's pod template when the StatefulSet is
 * created: `ValidatePodTemplateSpecForStatefulSet` checks its labels and annotations only, and
 * `ValidateStatefulSetSpec` its restartPolicy and activeDeadlineSeconds (kubernetes#131790 added
 * the pod spec in 1.34). The StatefulSet is stored, and the error comes back each time the
 * controller tries to create a pod. The SC1xx errors stay errors; their message says so.
 */
import { isAtLeast } from '../../version';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { isSet, podRestartPolicy } from './_util';

/** The first minor whose API server validates a StatefulSet's pod spec on create. */
export const STATEFULSET_TEMPLATE_VALIDATED_MINOR = 34;

/** The template fields apps validation checks on create in every version: errors there reject the StatefulSet. */
const CHECKED_ON_CREATE = new Set(['restartPolicy', 'activeDeadlineSeconds']);

/**
 * The rule, with a note on each of its errors about a StatefulSet that a pre-1.34 API server
 * accepts. The check itself is unchanged.
 */
export function withStatefulSetNote(rule: Rule): Rule {
  return {
    ...rule,
    check(context: RuleContext): Finding[] {
      const findings = rule.check(context);
      if (findings.length === 0 || !acceptedUnchecked(context)) return findings;
      const note = `; a ${context.version.text} API server accepts the StatefulSet without checking its pod template (1.${STATEFULSET_TEMPLATE_VALIDATED_MINOR} does), and the StatefulSet controller then fails to create each of its pods with this error`;
      return findings.map(finding => (finding.severity ?? rule.severity) === Severity.ERROR && !CHECKED_ON_CREATE.has(finding.path ?? '')
        ? { ...finding, message: finding.message + note }
        : finding);
    },
  };
}

/** A StatefulSet whose template a pre-1.34 API server takes without looking into its pod spec. */
function acceptedUnchecked(context: RuleContext): boolean {
  return context.kind === 'StatefulSet'
    && !isAtLeast(context.version, STATEFULSET_TEMPLATE_VALIDATED_MINOR)
    && podRestartPolicy(context.spec) === 'Always'
    && !isSet(context.spec.activeDeadlineSeconds);
}
