import { declaredEdges, DependencyRule, isOwnTarget } from './graph';
import { effectiveCondition, DependencyCondition } from '../../dependency';
import { Finding } from '../rule';
import { Severity } from '../violation';

/** SC204 — a COMPLETED dependency on a sidecar, which never completes. */
export const completedSidecarRule: DependencyRule = {
  id: 'SC204',
  severity: Severity.ERROR,
  title: 'a COMPLETED dependency on a sidecar',
  why: 'a sidecar (restartPolicy: Always) runs for the pod\'s life and is restarted when it exits; it never completes',
  fix: 'use READY (with a startupProbe on the sidecar) or STARTED; COMPLETED is for run-once init containers',
  source: 'KEP-753',
  check(declared) {
    const findings: Finding[] = [];
    for (const { dependent, path, dependency } of declaredEdges(declared)) {
      const target = dependency.container;
      if (!isOwnTarget(declared, dependency) || !target.isSidecar) continue;
      if (effectiveCondition(dependency) !== DependencyCondition.COMPLETED) continue;
      findings.push({
        path,
        message: `${dependent} waits for sidecar "${target.name}" to be COMPLETED, but a sidecar runs for the pod's life and never completes`,
        fix: `use READY (with a startupProbe on "${target.name}") or STARTED`,
      });
    }
    return findings;
  },
};
