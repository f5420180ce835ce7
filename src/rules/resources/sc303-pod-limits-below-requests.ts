import { formatQuantity } from '../../lifecycle/quantity';
import { isAtLeast } from '../../version';
import { containerEntries, INIT_THEN_APP } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { amountOf, declaredNames, isPlainObject, ownResources } from './_resource-lists';

/** Pod-level `spec.resources` replaces the container aggregate from 1.34 (PodLevelResources beta). */
const POD_LEVEL_RESOURCES_MINOR = 34;

/**
 * SC303: the pod's limit total is below its request total because sidecars request a resource
 * without limiting it, while every other container is limited.
 *
 * The aggregation is monotone: when every container declares a limit at or above its own
 * request, the pod limit cannot fall below the pod request. So a pod-level gap with every
 * container limited always comes from a container whose request exceeds its own limit, which
 * SC110 reports. The gap only sidecars can open is a sidecar that requests a resource with no
 * limit for it: its request joins the running phase and every init phase declared after it, its
 * limit adds nothing.
 */
export const podLimitsBelowRequestsRule: Rule = {
  id: 'SC303',
  severity: Severity.WARNING,
  title: 'the effective pod limit (KEP-753 aggregation) of a resource is below the effective pod request, because sidecars request it without a limit while every other container is limited',
  why: 'limits aggregate like requests (a sidecar counts in the running phase and under every run-once init container declared after it), so a sidecar that requests without a limit adds to the request total but not to the limit total: ResourceQuota limits.* rejects the pod (it wants a limit on every container), LimitRange and tools that read pod limits (Kueue, VPA, cost reports) see less than the pod requests, and the pod cgroup runs unlimited; a single container whose request exceeds its own limit is SC110\'s, and pod-level resources are SC120\'s',
  fix: 'give the sidecars a limit for the resource at or above their request, matching the rest of the pod',
  source: 'KEP-753 resource calculation; component-helpers PodRequests/PodLimits; ResourceQuota and LimitRanger admission',
  check(context: RuleContext): Finding[] {
    const spec = context.spec;
    const entries = containerEntries(spec, INIT_THEN_APP);
    if (entries.length === 0 || !mayOpenGap(entries)) return [];
    const effective = context.effective;
    const podLevel = isAtLeast(context.version, POD_LEVEL_RESOURCES_MINOR) && isPlainObject(spec.resources)
      ? new Set([...declaredNames(spec.resources.requests), ...declaredNames(spec.resources.limits)])
      : new Set<string>();
    const findings: Finding[] = [];
    let own: Map<unknown, ReturnType<typeof ownResources>> | undefined;
    for (const name of Object.keys(effective.requests)) {
      if (podLevel.has(name)) continue;
      const requested = amountOf(effective.requests, name);
      const limited = amountOf(effective.limits, name);
      if (limited >= requested) continue;
      own ??= new Map(entries.map(entry => [entry, ownResources(entry.container, context.version)]));
      const unlimitedSidecars: string[] = [];
      let allOthersLimited = true;
      let requestAboveOwnLimit = false;
      for (const entry of entries) {
        const resources = own.get(entry)!;
        const hasLimit = Object.prototype.hasOwnProperty.call(resources.limits, name);
        if (hasLimit && amountOf(resources.requests, name) > resources.limits[name]) requestAboveOwnLimit = true;
        if (hasLimit) continue;
        if (entry.role !== 'sidecar') allOthersLimited = false;
        else if (amountOf(resources.requests, name) > 0n) unlimitedSidecars.push(`${entry.label} (${formatQuantity(amountOf(resources.requests, name))})`);
      }
      if (requestAboveOwnLimit || !allOthersLimited || unlimitedSidecars.length === 0) continue;
      const subject = unlimitedSidecars.length === 1 ? `${unlimitedSidecars[0]} requests` : `${unlimitedSidecars.join(', ')} request`;
      findings.push({
        path: '',
        message: `effective pod ${name} limit is ${formatQuantity(limited)}, below the effective ${name} request of ${formatQuantity(requested)}: ${subject} ${name} with no ${name} limit, while every other container declares one`,
        fix: `set resources.limits.${name} on ${unlimitedSidecars.length === 1 ? 'that sidecar' : 'those sidecars'} at or above ${unlimitedSidecars.length === 1 ? 'its' : 'their'} request`,
      });
    }
    return findings;
  },
};

/**
 * A cheap look at the declared fields before any quantity is summed: the gap needs a sidecar that
 * requests a resource it does not limit, while every other container limits that resource.
 */
function mayOpenGap(entries: ReturnType<typeof containerEntries>): boolean {
  for (const entry of entries) {
    if (entry.role !== 'sidecar') continue;
    const resources = entry.container.resources;
    const requests = resources?.requests;
    if (!isPlainObject(requests)) continue;
    for (const name of Object.keys(requests)) {
      if (hasKey(resources.limits, name)) continue;
      let othersLimited = true;
      for (const other of entries) {
        if (other.role !== 'sidecar' && !hasKey(other.container.resources?.limits, name)) {
          othersLimited = false;
          break;
        }
      }
      if (othersLimited) return true;
    }
  }
  return false;
}

/** Whether a map has the key at all (whatever its value). */
function hasKey(map: unknown, key: string): boolean {
  return isPlainObject(map) && Object.prototype.hasOwnProperty.call(map, key);
}
