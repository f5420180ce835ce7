/**
 * Container-level restart policy and `restartPolicyRules` (KEP-5307, ContainerRestartRules:
 * alpha and off in 1.34, beta and on from 1.35). Shared by SC101 (init containers) and SC103
 * (regular containers).
 */
import { isAtLeast, KubeVersion } from '../../version';
import { ContainerEntry } from '../containers';
import { Finding, NO_FINDINGS } from '../rule';
import { at, finding, isPlainObject, isSet, listField, show, stringField } from './_util';

/** First minor where ContainerRestartRules is on by default. */
export const CONTAINER_RESTART_RULES_MINOR = 35;
/** First minor where the `RestartAllContainers` action is on by default (KEP-5532 beta). */
const RESTART_ALL_CONTAINERS_MINOR = 36;

/** Whether regular containers may carry `restartPolicy` and init containers `OnFailure`/`Never`. */
export function containerRestartRulesEnabled(version: KubeVersion): boolean {
  return isAtLeast(version, CONTAINER_RESTART_RULES_MINOR);
}

/** Container `restartPolicy` values the API server accepts with ContainerRestartRules on. */
export const CONTAINER_RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

/**
 * Findings for `restartPolicyRules` on one container. Before 1.35 the field does not exist: the
 * default strict field validation rejects it as an unknown field. From 1.35 it is validated.
 */
export function restartPolicyRulesFindings(entry: ContainerEntry, version: KubeVersion): Finding[] {
  const raw = entry.container.restartPolicyRules;
  if (!isSet(raw)) return NO_FINDINGS;
  const path = at(entry, 'restartPolicyRules');
  if (!containerRestartRulesEnabled(version)) {
    return [finding(path,
      `${entry.label} sets restartPolicyRules, which Kubernetes ${version.text} does not know (container restart rules need 1.35 or later): strict field validation rejects it as an unknown field`,
      'remove restartPolicyRules, or target Kubernetes 1.35 or later')];
  }
  const rules = listField(raw);
  if (rules === undefined) return [];
  const findings: Finding[] = [];
  if (rules.length > 0 && !isSet(entry.container.restartPolicy)) {
    findings.push(finding(at(entry, 'restartPolicy'),
      `${entry.label} sets restartPolicyRules without its own restartPolicy; the rules need restartPolicy on the same container`,
      'add restartPolicy (Always, OnFailure or Never) to the container that carries restartPolicyRules'));
  }
  if (rules.length > 20) {
    findings.push(finding(path, `${entry.label} has ${rules.length} restartPolicyRules; at most 20 are allowed`, 'merge the rules into at most 20'));
  }
  const actions = isAtLeast(version, RESTART_ALL_CONTAINERS_MINOR) ? ['Restart', 'RestartAllContainers'] : ['Restart'];
  rules.forEach((rule, index) => {
    if (!isPlainObject(rule)) return;
    const rulePath = `${path}[${index}]`;
    const action = stringField(rule.action);
    if (action !== undefined && !actions.includes(action)) {
      findings.push(finding(`${rulePath}.action`,
        `${entry.label} restartPolicyRules[${index}] has action ${show(action)}; supported values: ${actions.map(a => `"${a}"`).join(', ')}`,
        `use action: ${actions[0]}`));
    }
    if (!isSet(rule.exitCodes)) {
      findings.push(finding(`${rulePath}.exitCodes`,
        `${entry.label} restartPolicyRules[${index}] has no exitCodes; every restart rule must say which exit codes it matches`,
        'add exitCodes with operator In or NotIn and a list of values'));
      return;
    }
    if (!isPlainObject(rule.exitCodes)) return;
    const operator = stringField(rule.exitCodes.operator);
    if (operator !== undefined && operator !== 'In' && operator !== 'NotIn') {
      findings.push(finding(`${rulePath}.exitCodes.operator`,
        `${entry.label} restartPolicyRules[${index}] has exitCodes.operator ${show(operator)}; supported values: "In", "NotIn"`,
        'use operator: In or operator: NotIn'));
    }
    const values = listField(rule.exitCodes.values);
    if (values !== undefined && values.length > 255) {
      findings.push(finding(`${rulePath}.exitCodes.values`,
        `${entry.label} restartPolicyRules[${index}] lists ${values.length} exit codes; at most 255 are allowed`,
        'list at most 255 exit codes, or use NotIn with the complement'));
    }
  });
  return findings;
}
