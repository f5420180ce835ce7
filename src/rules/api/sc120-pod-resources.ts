import { formatQuantity, Nanos } from '../../lifecycle/quantity';
import { effectiveResources } from '../../lifecycle/resources';
import { isAtLeast } from '../../version';
import { APP_LISTS, containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { defaultedLimitFindings } from './_pod-limit-defaulting';
import { readRequirements, requirementFindings, ResourceValue, showQuantity } from './_resources';
import { finding, isPlainObject, isSet, ownValue, pushAll } from './_util';

/** PodLevelResources is beta (on) from 1.34; before that `spec.resources` is dropped unvalidated. */
const POD_LEVEL_RESOURCES_MINOR = 34;

/**
 * SC120 — pod-level `spec.resources` (S12). On 1.33 the PodLevelResources gate is off and the
 * field is dropped, so nothing is reported. From 1.34: only cpu, memory and hugepages; no
 * claims; valid quantities with requests within limits; each pod-level request at least the
 * containers' aggregate request (KEP-753 formula: sidecars count in the steady state and under
 * every later init container); and no regular container limit above the pod-level limit.
 */
export const podResourcesRule: Rule = {
  id: 'SC120',
  severity: Severity.ERROR,
  title: 'pod-level resources (spec.resources) are invalid or smaller than what the containers need',
  why: 'from 1.34 the API server validates pod-level resources: only cpu, memory and hugepages, no claims, requests within limits, every pod-level request at least the sidecar-aware aggregate of the container requests, and no container limit above the pod limit',
  fix: 'raise the pod-level request to at least the aggregate container request (sidecars included), or lower container requests and limits',
  source: 'validatePodResources, validatePodResourceConsistency (pkg/apis/core/validation/validation.go); AggregateContainerRequests (component-helpers resource)',
  check(context: RuleContext): Finding[] {
    if (!isAtLeast(context.version, POD_LEVEL_RESOURCES_MINOR)) return [];
    const resources = context.spec.resources;
    if (!isPlainObject(resources)) return [];
    const findings: Finding[] = [];
    if (isSet(resources.claims)) {
      findings.push(finding('resources.claims', 'the pod sets resources.claims, but claims cannot be set for resources at pod level', 'move the claims to the containers that use them'));
    }
    // The containers' aggregate (KEP-753 formula), without pod-level values or overhead.
    const aggregate = effectiveResources({ ...context.spec, resources: undefined, overhead: undefined }, context.version).requests;
    const requirements = readRequirements(resources, false);
    // Templates too: the template itself might pass, but every Pod created from it is defaulted and rejected.
    if (requirements.limits.size > 0) defaultPodRequests(requirements.requests, requirements.limits, aggregate);
    pushAll(findings, requirementFindings(requirements, 'resources', 'the pod', 'pod'));
    pushAll(findings, defaultedLimitFindings(context.spec, requirements, context.version));

    for (const [name, request] of requirements.requests) {
      const needed = ownValue(aggregate, name);
      if (request.nanos === undefined || needed === undefined || needed <= request.nanos) continue;
      findings.push(finding(`resources.requests[${name}]`,
        `the pod-level request for ${name} is ${showQuantity(request)}, but it must be greater than or equal to the aggregate container requests of ${formatQuantity(needed)} (sidecars count in the steady state and under every later init container)`,
        `raise resources.requests.${name} to at least ${formatQuantity(needed)}, or lower the container requests`));
    }
    for (const entry of containerEntries(context.spec, APP_LISTS)) {
      if (!isPlainObject(entry.container.resources)) continue;
      for (const [name, limit] of readRequirements(entry.container.resources, false).limits) {
        const podLimit = requirements.limits.get(name);
        if (podLimit?.nanos === undefined || limit.nanos === undefined || limit.nanos <= podLimit.nanos) continue;
        // Upstream builds this path from the pod-level path: resources.containers[i][<name>].limits.
        findings.push(finding(`resources.containers[${entry.index}][${name}].limits`,
          `${entry.label} limits ${name} to ${showQuantity(limit)}, which must be less than or equal to the pod limit of ${showQuantity(podLimit)}`,
          `lower the container's ${name} limit to at most ${showQuantity(podLimit)}, or raise the pod-level limit`));
      }
    }
    return findings;
  },
};

/**
 * SetDefaults_Pod with PodLevelResources (defaultPodRequests): when pod-level limits are set, a
 * missing pod-level cpu/memory request becomes the containers' aggregate request, and any other
 * missing supported request becomes the pod-level limit.
 */
function defaultPodRequests(requests: Map<string, ResourceValue>, limits: Map<string, ResourceValue>, aggregate: Record<string, Nanos>): void {
  for (const name of ['cpu', 'memory']) {
    const value = ownValue(aggregate, name);
    if (!requests.has(name) && value !== undefined) requests.set(name, { raw: formatQuantity(value), nanos: value });
  }
  for (const [name, value] of limits) {
    if (!requests.has(name) && (name === 'cpu' || name === 'memory' || name.startsWith('hugepages-'))) requests.set(name, value);
  }
}
