import { APP_THEN_INIT, containerEntries, ContainerEntry, EPHEMERAL_LISTS } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, isSet, listField, pushAll, stringField } from './_util';

/** EphemeralContainerCommon fields an ephemeral container may not set (not in the upstream allow-list). */
const FORBIDDEN_FIELDS = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/**
 * SC119 — ephemeral containers (S7–S9). They can only be added to a running Pod through the
 * `ephemeralcontainers` subresource: on Pod create they are Forbidden, in any pod template too.
 * Each one is also checked like upstream does: no ports, resources, probes, lifecycle, restart or
 * resize policy, no subPath/subPathExpr, and a targetContainerName that names a container.
 */
export const ephemeralContainersRule: Rule = {
  id: 'SC119',
  severity: Severity.ERROR,
  title: 'a manifest declares ephemeral containers',
  why: 'ephemeral containers cannot be set when a Pod is created and are not allowed in pod templates; they exist only for kubectl debug on a running pod, and may not carry ports, resources, probes, lifecycle or restart settings',
  fix: 'remove ephemeralContainers; use kubectl debug to attach one to a running pod, or make a sidecar (an init container with restartPolicy: Always)',
  source: 'ValidatePodCreate, ValidatePodTemplateSpec, validateEphemeralContainers (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const list = listField(context.spec.ephemeralContainers);
    if (list === undefined || list.length === 0) return [];
    const findings: Finding[] = [finding('ephemeralContainers',
      context.isPod
        ? 'the pod sets ephemeralContainers, which cannot be set on create'
        : `the ${context.kind} pod template sets ephemeralContainers, which are not allowed in pod templates`,
      'remove ephemeralContainers; attach debug containers to running pods with kubectl debug, or make a sidecar')];
    const targets = new Set<string>();
    for (const entry of containerEntries(context.spec, APP_THEN_INIT)) {
      const name = stringField(entry.container.name);
      if (name !== undefined) targets.add(name);
    }
    for (const entry of containerEntries(context.spec, EPHEMERAL_LISTS)) {
      pushAll(findings, fieldFindings(entry));
      const target = stringField(entry.container.targetContainerName);
      if (target !== undefined && target !== '' && !targets.has(target)) {
        findings.push(finding(at(entry, 'targetContainerName'),
          `${entry.label} targets container "${target}", which is not a container or init container of the pod`,
          'set targetContainerName to the name of a container or init container'));
      }
    }
    return findings;
  },
};

function fieldFindings(entry: ContainerEntry): Finding[] {
  const findings: Finding[] = [];
  for (const field of FORBIDDEN_FIELDS) {
    if (hasNonZeroValue(field, entry.container[field])) {
      findings.push(finding(at(entry, field), `${entry.label} sets ${field}, which cannot be set for an Ephemeral Container`, `remove ${field} from the ephemeral container`));
    }
  }
  (listField(entry.container.volumeMounts) ?? []).forEach((mount, index) => {
    if (!isPlainObject(mount)) return;
    for (const field of ['subPath', 'subPathExpr']) {
      const value = stringField(mount[field]);
      if (value !== undefined && value !== '') {
        findings.push(finding(at(entry, `volumeMounts[${index}].${field}`), `${entry.label} sets ${field} on a volume mount, which cannot be set for an Ephemeral Container`, `remove ${field}`));
      }
    }
  });
  return findings;
}

/**
 * Whether a field differs from its Go zero value: pointers and lists count as soon as they are
 * present (even `[]`); the `resources` struct only when one of its fields is present.
 */
function hasNonZeroValue(field: string, value: unknown): boolean {
  if (!isSet(value)) return false;
  if (field === 'resources' && isPlainObject(value)) return Object.values(value).some(isSet);
  return true;
}
