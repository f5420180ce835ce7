import { Rule } from '../rule';
import { graceBudgetRule } from './grace-budget';
import { jobHelperRule } from './job-helper';
import { sidecarStartupProbeRule } from './sc207-sidecar-startup-probe';
import { sidecarReadinessProbeRule } from './sc208-sidecar-readiness-probe';
import { sidecarPreStopRule } from './sc209-sidecar-pre-stop';
import { initBeforeNeededSidecarRule } from './sc210-init-before-needed-sidecar';

export {
  jobHelperRule, graceBudgetRule, sidecarStartupProbeRule, sidecarReadinessProbeRule, sidecarPreStopRule,
  initBeforeNeededSidecarRule,
};

/**
 * SC2xx that run on rendered manifests: Jobs, shutdown, startup gating and ordering. In id order.
 * (SC201–SC204 check the typed dependency API and live in the constructs.)
 */
export const LIFECYCLE_RULES: Rule[] = [
  jobHelperRule,
  graceBudgetRule,
  sidecarStartupProbeRule,
  sidecarReadinessProbeRule,
  sidecarPreStopRule,
  initBeforeNeededSidecarRule,
];
