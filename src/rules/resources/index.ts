import { Rule } from '../rule';
import { sidecarRequestsRule } from './sc301-sidecar-requests';
import { requestBudgetRule } from './sc302-request-budget';
import { podLimitsBelowRequestsRule } from './sc303-pod-limits-below-requests';

export { sidecarRequestsRule, requestBudgetRule, podLimitsBelowRequestsRule };

/** SC3xx: sidecar requests, the effective pod requests against a budget, pod limits against requests. In id order. */
export const RESOURCE_RULES: Rule[] = [
  sidecarRequestsRule,
  requestBudgetRule,
  podLimitsBelowRequestsRule,
];
