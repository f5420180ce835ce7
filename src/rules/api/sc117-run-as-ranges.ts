import { ALL_LISTS, containerEntries, setsAnyField } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, listField, MAX_INT32 } from './_util';

/**
 * SC117 — user and group ids (K28): `runAsUser` and `runAsGroup` in container and pod security
 * contexts, and the pod's `fsGroup` and `supplementalGroups`, must be within 0..2147483647.
 */
export const runAsRangesRule: Rule = {
  id: 'SC117',
  severity: Severity.ERROR,
  title: 'a securityContext user or group id is outside 0..2147483647',
  why: 'the API server rejects negative user and group ids and ids above 2147483647, at pod and container level',
  fix: 'use an id between 0 and 2147483647, e.g. 65532 for a non-root user',
  source: 'ValidateSecurityContext, validatePodSpecSecurityContext (pkg/apis/core/validation/validation.go); IsValidUserID, IsValidGroupID (apimachinery)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const pod = context.spec.securityContext;
    if (isPlainObject(pod)) {
      // Every rendered pod has a security context, so only an id out of range builds a path.
      for (let i = 0; i < POD_ID_FIELDS.length; i++) {
        const field = POD_ID_FIELDS[i];
        if (outOfRange(pod[field])) findings.push(idFinding(pod[field], `securityContext.${field}`, `the pod securityContext ${field}`));
      }
      const groups = listField(pod.supplementalGroups) ?? [];
      for (let index = 0; index < groups.length; index++) {
        if (outOfRange(groups[index])) findings.push(idFinding(groups[index], `securityContext.supplementalGroups[${index}]`, 'the pod securityContext supplementalGroups'));
      }
    }
    if (!setsAnyField(context.spec, ALL_LISTS, CONTAINER_ID_FIELDS, true)) return findings;
    for (const entry of containerEntries(context.spec)) {
      const sc = entry.container.securityContext;
      if (!isPlainObject(sc)) continue;
      for (const field of CONTAINER_ID_FIELDS) {
        if (outOfRange(sc[field])) findings.push(idFinding(sc[field], at(entry, `securityContext.${field}`), `${entry.label} securityContext ${field}`));
      }
    }
    return findings;
  },
};

const POD_ID_FIELDS = ['runAsUser', 'runAsGroup', 'fsGroup'];
const CONTAINER_ID_FIELDS = ['runAsUser', 'runAsGroup'];

function outOfRange(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && (value < 0 || value > MAX_INT32);
}

/** The finding for an id `outOfRange` turned away. */
function idFinding(value: unknown, path: string, subject: string): Finding {
  return finding(path, `${subject} is ${value}, which must be between 0 and ${MAX_INT32}, inclusive`, 'use an id between 0 and 2147483647, e.g. 65532');
}
