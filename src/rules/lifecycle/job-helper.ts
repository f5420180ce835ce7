import { HelperVerdict } from '../../lifecycle/long-running';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/**
 * SC205: a long-running helper among the main containers of a pod that runs to completion (a Job,
 * a CronJob, or a bare Pod with restartPolicy Never or OnFailure) keeps it from completing.
 */
export const jobHelperRule: Rule = {
  id: 'SC205',
  severity: Severity.ERROR,
  title: 'a Job, CronJob or run-to-completion Pod (restartPolicy Never or OnFailure) runs a long-running helper (proxy, agent, log shipper, "tail -f", a server) as a regular container',
  why: 'a Job (or a bare Pod that does not restart always) completes only when all its regular containers exit; a proxy, an agent, a "tail -f" shipper or a server never exits, so it runs forever (the bug native sidecars were made to fix). Helpers are recognised by image and by what their command does: a catalogued proxy or agent, a command that cannot end ("tail -F", "sleep infinity", a loop without an exit, a server in the foreground)',
  quiet: 'a warning, not an error, on weak evidence (declared ports and no command known to end, a wait for a file nothing is seen to create); info when a workaround that really runs stops the helper (a quitquitquit or /shutdown call, a kill with shareProcessNamespace, a shared file the helper watches, reached in the main command\'s shell: not one a folded scalar turns into an argument or an && chain never reaches), a warning when that stop runs only if the main command succeeds; silent when every regular container runs forever, since then the only long-running container is the workload itself',
  fix: 'move the helper to initContainers with restartPolicy: Always (addSidecar in cdk8s-sidecars); it then stops by itself when the main containers finish, and the stop workaround can go',
  source: 'KEP-753 (sidecar containers), Job completion semantics',
  check(context: RuleContext): Finding[] {
    // The lifecycle model decides whether the pod can complete; this rule names what keeps it running.
    if (!context.runsToCompletion) return NO_FINDINGS;
    const { blockers, possibleBlockers, stopped } = context.plan.completion;
    if (blockers.length === 0 && possibleBlockers.length === 0 && stopped.length === 0) return NO_FINDINGS;
    const kind = context.kind;
    const findings: Finding[] = [];
    for (const helper of blockers) {
      const tried = helper.stopFails !== undefined ? ` (${helper.stopFails})` : '';
      findings.push({
        path: `containers[${helper.index}]`,
        message: `container "${helper.name}" ${helper.evidence.reason}; as a regular container of a ${kind} it never exits, so the ${kind} never completes${tried}`,
        fix: moveFix(helper),
      });
    }
    for (const helper of possibleBlockers) {
      const why = helper.evidence.watchedFile !== undefined
        ? `no container's command is seen to create ${helper.evidence.watchedFile}, so unless the main program does, it never exits`
        : 'so it probably never exits';
      const tried = helper.stopFails !== undefined ? ` (${helper.stopFails})` : '';
      findings.push({
        path: `containers[${helper.index}]`,
        message: `container "${helper.name}" ${helper.evidence.reason}, ${why}; as a regular container of a ${kind} it would keep the ${kind} from completing${tried}`,
        fix: `if "${helper.name}" is a helper, ${moveFix(helper)}; if it exits by itself, suppress this finding with the reason`,
        severity: Severity.WARNING,
      });
    }
    for (const helper of stopped) {
      if (helper.stopConditional) {
        findings.push({
          path: `containers[${helper.index}]`,
          message: `container "${helper.name}" ${helper.evidence.reason} and is stopped only when the main command gets that far: ${helper.stoppedBy}, but only if the commands before it succeed; otherwise "${helper.name}" keeps running and the ${kind} neither completes nor fails`,
          fix: moveFix(helper),
          severity: Severity.WARNING,
        });
        continue;
      }
      findings.push({
        path: `containers[${helper.index}]`,
        message: `container "${helper.name}" ${helper.evidence.reason} but is stopped by a workaround (${helper.stoppedBy}), so the ${kind} completes; a native sidecar stops by itself after the main containers exit, without the workaround`,
        fix: moveFix(helper),
        severity: Severity.INFO,
      });
    }
    return findings;
  },
};

function moveFix(helper: HelperVerdict): string {
  const workaround = helper.stoppedBy !== undefined ? ', then remove the stop workaround (cdk8s-sidecars migrate does both)' : '';
  return `move "${helper.name}" to initContainers with restartPolicy: Always (addSidecar() in cdk8s-sidecars) so it stops when the main containers finish${workaround}`;
}
