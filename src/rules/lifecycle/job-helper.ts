import { detectHelper } from '../../lifecycle/helper-images';
import { containerList } from '../../lifecycle/pod-spec';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/**
 * SC205: a long-running helper among the main containers of a pod that runs to completion (a Job,
 * a CronJob, or a bare Pod with restartPolicy Never or OnFailure) keeps it from completing.
 */
export const jobHelperRule: Rule = {
  id: 'SC205',
  severity: Severity.ERROR,
  title: 'a Job, CronJob or run-to-completion Pod (restartPolicy Never or OnFailure) runs a long-running helper (proxy, agent, log shipper) as a regular container',
  why: 'a Job (or a bare Pod that does not restart always) completes only when all its regular containers exit; a proxy or agent never exits, so it runs forever (the bug native sidecars were made to fix)',
  fix: 'move the helper to initContainers with restartPolicy: Always (addSidecar in cdk8s-sidecars); it then stops by itself when the main containers finish',
  source: 'KEP-753 (sidecar containers), Job completion semantics',
  check(context: RuleContext): Finding[] {
    // The lifecycle model decides whether the pod can complete (a helper image alone is a
    // one-shot command); this rule only names the helpers that keep it from completing.
    if (!context.runsToCompletion || context.plan.jobCanComplete) return [];
    const findings: Finding[] = [];
    containerList(context.spec, 'containers').forEach((container, i) => {
      const helper = typeof container?.image === 'string' ? detectHelper(container.image) : undefined;
      if (!helper) return;
      findings.push({
        path: `containers[${i}]`,
        message: `container "${container.name}" runs ${container.image} (${helper.product}), a long-running ${helper.role.replace('-', ' ')}; as a regular container of a ${context.kind} it never exits, so the ${context.kind} never completes`,
        fix: `move "${container.name}" to initContainers with restartPolicy: Always (addSidecar() in cdk8s-sidecars) so it stops when the main containers finish`,
      });
    });
    return findings;
  },
};
