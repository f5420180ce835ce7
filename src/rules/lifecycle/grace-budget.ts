import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/** SC206: the declared stop times do not fit into the pod's grace period. */
export const graceBudgetRule: Rule = {
  id: 'SC206',
  severity: Severity.ERROR,
  title: 'declared app stop time plus sidecar drain times exceed terminationGracePeriodSeconds',
  why: 'sidecars are stopped after the main containers, one after another in reverse order, inside one shared grace period; when it runs out the remaining sidecars are killed mid-drain',
  fix: 'raise terminationGracePeriodSeconds to the sum of the declared stops, or shorten the drains (cdk8s-sidecars derives it when you do not set it)',
  source: 'KEP-753 termination ordering; kubelet killContainer (pkg/kubelet/kuberuntime)',
  check(context: RuleContext): Finding[] {
    const declared = context.declaredStops;
    const drainNames = Object.keys(declared.drainSeconds);
    if (drainNames.length === 0) return NO_FINDINGS;
    const plan = context.plan;
    if (plan.shutdownNeedsSeconds <= plan.gracePeriodSeconds) return NO_FINDINGS;
    const parts = [
      ...(declared.appStopSeconds !== undefined ? [`app ${declared.appStopSeconds}s`] : []),
      ...plan.shutdown.filter(s => s.role === 'sidecar' && s.needsSeconds > 0).map(s => `"${s.name}" ${s.needsSeconds}s`),
    ];
    return [{
      path: 'terminationGracePeriodSeconds',
      message: `terminationGracePeriodSeconds is ${plan.gracePeriodSeconds}, but the declared stops need ${plan.shutdownNeedsSeconds}s (${parts.join(' + ')}); the sidecars stopped last would be killed before they drain`,
      fix: `set terminationGracePeriodSeconds to at least ${plan.shutdownNeedsSeconds}, or shorten the drain times`,
    }];
  },
};
