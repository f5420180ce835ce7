/**
 * SC120's part for 1.37 and later: a pod-level request above the pod-level limit the API server
 * defaults from the container limits (PodLevelResourcesFixDefaulting, kubernetes/kubernetes#140514).
 * Validation then rejects the request as above its limit, like a limit written by hand.
 */
import { formatQuantity } from '../../lifecycle/quantity';
import { defaultedPodLimits } from '../../lifecycle/resources';
import { KubeVersion } from '../../version';
import { Finding } from '../rule';
import { Requirements, showQuantity } from './_resources';
import { finding } from './_util';

export function defaultedLimitFindings(spec: any, requirements: Requirements, version: KubeVersion): Finding[] {
  const findings: Finding[] = [];
  for (const [name, limit] of defaultedPodLimits(spec, version)) {
    const request = requirements.requests.get(name);
    if (request?.nanos === undefined || request.nanos <= limit) continue;
    const shown = formatQuantity(limit);
    // Upstream reports a request above its limit at `requests`, without the key.
    findings.push(finding('resources.requests',
      `the pod requests ${name} ${showQuantity(request)} at pod level but sets no pod-level ${name} limit, so Kubernetes ${version.text} defaults that limit to ${shown}, the containers' ${name} limits added up (every container limits ${name}); the request must be less than or equal to the limit`,
      `set resources.limits.${name} at pod level to at least ${showQuantity(request)}, raise the container ${name} limits, or lower the pod-level request to at most ${shown}`));
  }
  return findings;
}
