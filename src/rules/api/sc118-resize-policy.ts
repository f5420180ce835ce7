import { isAtLeast } from '../../version';
import { ALL_LISTS, containerEntries, ContainerEntry, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, listField, podRestartPolicy, pushAll, show, stringField } from './_util';

/** InPlacePodVerticalScaling is beta (on) from 1.33; before that resizePolicy is dropped from every container. */
const IN_PLACE_RESIZE_MINOR = 33;

const RESIZE_FIELD = ['resizePolicy'];

/**
 * SC118 — `resizePolicy` (I11, K24–K27). Entries must name cpu or memory once each (a repeat is
 * reported at `resizePolicy[k]`), with policy NotRequired or RestartContainer — and NotRequired
 * only when the pod's restartPolicy is Never, sidecars included. Upstream reports these at
 * `resizePolicy` without the index. From 1.33 (InPlacePodVerticalScaling beta) every container
 * kind may carry it, plain init containers included (I11). Before 1.33 the gate is off and
 * `dropDisabledFields` removes resizePolicy from every container before validation, so nothing is
 * reported — which also means I10 ("must not be set for init containers") cannot fire with
 * default feature gates.
 */
export const resizePolicyRule: Rule = {
  id: 'SC118',
  severity: Severity.ERROR,
  title: 'a container resizePolicy is invalid',
  why: 'the API server accepts resizePolicy entries only for cpu and memory, each once, with NotRequired or RestartContainer, and only NotRequired when the pod restartPolicy is Never (sidecars included, although they always restart); before 1.33 the field is dropped unvalidated',
  fix: 'list cpu and memory at most once each with restartPolicy NotRequired or RestartContainer; in a restartPolicy: Never pod use NotRequired',
  source: 'validateResizePolicy, validateInitContainers (pkg/apis/core/validation/validation.go); dropDisabledFields (pkg/api/pod/util.go)',
  check(context: RuleContext): Finding[] {
    // Gate off: dropDisabledFields removes resizePolicy from regular, init and ephemeral containers.
    if (!isAtLeast(context.version, IN_PLACE_RESIZE_MINOR)) return [];
    if (!setsAnyField(context.spec, ALL_LISTS, RESIZE_FIELD)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const podPolicy = podRestartPolicy(context.spec);
    for (const entry of containerEntries(context.spec)) {
      const policies = listField(entry.container.resizePolicy);
      if (policies !== undefined && policies.length > 0) pushAll(findings, policyFindings(entry, policies, podPolicy));
    }
    return findings;
  },
};

function policyFindings(entry: ContainerEntry, policies: any[], podPolicy: string | undefined): Finding[] {
  const findings: Finding[] = [];
  const path = at(entry, 'resizePolicy');
  const seen = new Set<string>();
  policies.forEach((policy, index) => {
    if (!isPlainObject(policy)) return;
    const resource = stringField(policy.resourceName);
    const restart = stringField(policy.restartPolicy);
    if (resource !== undefined) {
      if (seen.has(resource)) {
        findings.push(finding(`${path}[${index}]`, `${entry.label} lists resizePolicy for ${show(resource)} twice`, `keep one resizePolicy entry for ${show(resource)}`));
      }
      seen.add(resource);
      if (resource === '') {
        findings.push(finding(path, `${entry.label} has a resizePolicy entry without resourceName`, 'set resourceName to cpu or memory'));
      } else if (resource !== 'cpu' && resource !== 'memory') {
        findings.push(finding(path, `${entry.label} has resizePolicy resourceName ${show(resource)}; supported values: "cpu", "memory"`, 'use resourceName cpu or memory'));
      }
    }
    if (restart !== undefined) {
      if (restart === '') {
        findings.push(finding(path, `${entry.label} has a resizePolicy entry without restartPolicy`, 'set restartPolicy to NotRequired or RestartContainer'));
      } else if (restart !== 'NotRequired' && restart !== 'RestartContainer') {
        findings.push(finding(path, `${entry.label} has resizePolicy restartPolicy ${show(restart)}; supported values: "NotRequired", "RestartContainer"`, 'use NotRequired or RestartContainer'));
      }
      if (podPolicy === 'Never' && restart !== 'NotRequired') {
        findings.push(finding(path,
          `${entry.label} has resizePolicy restartPolicy ${show(restart)}, which must be 'NotRequired' when the pod restartPolicy is 'Never' (sidecars included, although they always restart)`,
          'use restartPolicy: NotRequired in the resizePolicy entries of a restartPolicy: Never pod'));
      }
    }
  });
  return findings;
}
