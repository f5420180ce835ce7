import { declaredEdges, DependencyRule, isOwnTarget } from './graph';
import { effectiveCondition, DependencyCondition } from '../../dependency';
import { Finding } from '../rule';
import { Severity } from '../violation';

/** SC203 — a READY dependency on a sidecar that has no startupProbe. */
export const readyWithoutStartupProbeRule: DependencyRule = {
  id: 'SC203',
  severity: Severity.ERROR,
  title: 'a READY dependency on a sidecar without a startupProbe',
  why: 'the kubelet starts the next container once a sidecar is started: its startupProbe has passed, or without one as soon as the process runs; a readiness probe never gates startup',
  fix: 'add a startupProbe to the sidecar, or depend on it with condition STARTED',
  source: 'KEP-753; kubelet startup of restartable init containers',
  check(declared) {
    const findings: Finding[] = [];
    for (const { dependent, path, dependency } of declaredEdges(declared)) {
      const target = dependency.container;
      if (!isOwnTarget(declared, dependency) || !target.isSidecar || target.hasStartupProbe) continue;
      if (effectiveCondition(dependency) !== DependencyCondition.READY) continue;
      findings.push({
        path,
        message: `${dependent} waits for sidecar "${target.name}" to be READY, but "${target.name}" has no startupProbe and Kubernetes waits only for a startup probe, never a readiness probe`,
        fix: `add a startupProbe to "${target.name}" or use STARTED`,
      });
    }
    return findings;
  },
};
