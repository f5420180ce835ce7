import { containerEntries, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { describeHandler } from './sc208-sidecar-readiness-probe';

/** SC209: a sidecar's preStop hook runs when termination starts, not after the app has stopped. */
export const sidecarPreStopRule: Rule = {
  id: 'SC209',
  severity: Severity.WARNING,
  title: 'a sidecar has a preStop hook',
  why: 'preStop hooks of all containers, sidecars included, run at the start of pod termination, concurrently with the app\'s; only SIGTERM is ordered (sidecars get it after every regular container has exited, in reverse order), so a sidecar preStop that drains or sleeps cuts the helper off while the app still uses it, and its time comes out of the shared grace period',
  fix: 'remove the preStop hook and drain on SIGTERM instead, which reaches the sidecar only after the app has exited; declare the drain time so terminationGracePeriodSeconds covers it',
  quiet: 'info when the hook is one a mesh injector\'s template adds (Istio\'s drain hook on its native proxy), as for every warning about what an injector decides; a hook the owner set through proxy.istio.io/overrides stays a warning',
  source: 'KEP-753 termination ordering; kubelet killContainer and preStop handling (pkg/kubelet/kuberuntime)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const entry of containerEntries(context.spec, INIT_LISTS)) {
      if (entry.role !== 'sidecar') continue;
      const lifecycle = entry.container.lifecycle;
      if (lifecycle === null || typeof lifecycle !== 'object' || Array.isArray(lifecycle)) continue;
      const preStop = lifecycle.preStop;
      if (preStop === null || typeof preStop !== 'object' || Array.isArray(preStop)) continue;
      const handler = describeHandler(preStop);
      findings.push({
        path: `${entry.path}.lifecycle.preStop`,
        message: `${entry.label} has a lifecycle.preStop hook${handler ? ` (${handler})` : ''}: it runs at the start of pod termination, concurrently with the app's, not after the app has stopped`,
        fix: `remove the preStop hook from ${nameOrPath(entry)} and drain on SIGTERM, which it receives only after the app's containers have exited`,
      });
    }
    return findings;
  },
};
