import { containerEntries, ContainerEntry, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { effectiveLifecycle } from './_handlers';
import { at, finding, isSet } from './_util';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/**
 * SC102 — probes and lifecycle hooks on a plain (run-once) init container are Forbidden: one
 * finding per field, and the body is not validated further (I2–I6).
 */
export const initProbesLifecycleRule: Rule = {
  id: 'SC102',
  severity: Severity.ERROR,
  title: 'a plain init container (no restartPolicy: Always) sets lifecycle, livenessProbe, readinessProbe or startupProbe',
  why: 'only restartable init containers (sidecars) may have probes and hooks; the API server rejects them on a run-once init container with "may not be set for init containers without restartPolicy=Always"',
  fix: 'remove the probe or hook, or make the init container a sidecar with restartPolicy: Always',
  source: 'validateInitContainers (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec, INIT_LISTS);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      if (entry.role !== 'init') continue;
      if (effectiveLifecycle(entry.container.lifecycle, context.version) !== undefined) {
        findings.push(forbidden(entry, 'lifecycle'));
      }
      for (const probe of PROBES) {
        if (isSet(entry.container[probe])) findings.push(forbidden(entry, probe));
      }
    }
    return findings;
  },
};

function forbidden(entry: ContainerEntry, field: string): Finding {
  return finding(at(entry, field),
    `${entry.label} sets ${field}, which may not be set for init containers without restartPolicy=Always`,
    `remove ${field}, or make ${nameOrPath(entry)} a sidecar with restartPolicy: Always`);
}
