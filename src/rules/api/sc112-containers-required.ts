import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { finding, listField } from './_util';

/**
 * SC112 — a pod needs at least one regular container (S1). Sidecars and init containers do not
 * count: a pod of only sidecars is rejected at `containers`.
 */
export const containersRequiredRule: Rule = {
  id: 'SC112',
  severity: Severity.ERROR,
  title: 'the pod has no regular container (spec.containers is empty)',
  why: 'the API server requires at least one entry in containers; init containers and sidecars do not count, so a pod of only sidecars is rejected',
  fix: 'add the application container to containers',
  source: 'validateContainers (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const containers = listField(context.spec.containers);
    if (containers === undefined || containers.length > 0) return [];
    const sidecars = listField(context.spec.initContainers)?.length ?? 0;
    return [finding('containers',
      sidecars > 0
        ? 'the pod has init containers or sidecars but no regular container; containers is required'
        : 'the pod has no containers; containers is required',
      'add the application container to containers (a sidecar alone cannot make a pod)')];
  },
};
