import { graceBudgetRule } from './lifecycle/grace-budget';
import { jobHelperRule } from './lifecycle/job-helper';
import { Rule } from './rule';
import { nativeSidecarVersionRule } from './version/native-sidecars';

/**
 * Every manifest rule, in id order. RULES.md has one row per entry; a test pins the two together.
 */
export const RULES: readonly Rule[] = [
  jobHelperRule,
  graceBudgetRule,
  nativeSidecarVersionRule,
];
