import { containerEntries, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { declares, isPlainObject, show } from './_resource-lists';

/** The resources every sidecar should request. */
const EXPECTED = ['cpu', 'memory'];

/** SC301: a sidecar without cpu or memory requests is invisible to the scheduler. */
export const sidecarRequestsRule: Rule = {
  id: 'SC301',
  severity: Severity.WARNING,
  title: 'a sidecar has no cpu or no memory request (and no limit for it to be defaulted from)',
  why: 'a sidecar runs for the pod\'s whole life and counts in every phase of the pod\'s effective request (KEP-753), but without a request the scheduler places the pod as if the helper were free: the node is overcommitted, the helper gets no guaranteed share, and under memory pressure it is among the first to be killed, cutting the app off; a limit without a request is fine, because defaulting copies it into the request',
  fix: 'set resources.requests.cpu and resources.requests.memory on the sidecar to what it uses at steady state',
  source: 'KEP-753 resource calculation; SetDefaults_Pod (pkg/apis/core/v1/defaults.go); scheduler NodeResourcesFit',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec, INIT_LISTS);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      if (entry.role !== 'sidecar') continue;
      const resources = isPlainObject(entry.container.resources) ? entry.container.resources : {};
      let missing: string[] | undefined;
      for (let i = 0; i < EXPECTED.length; i++) {
        if (!declares(resources.requests, EXPECTED[i]) && !declares(resources.limits, EXPECTED[i])) (missing ??= []).push(EXPECTED[i]);
      }
      if (missing === undefined) continue;
      const requests = resources.requests === undefined || resources.requests === null ? 'not set' : show(resources.requests);
      findings.push({
        path: `${entry.path}.resources`,
        message: `${entry.label} has no ${missing.join(' or ')} request: resources.requests is ${requests} and no ${missing.join(' or ')} limit supplies a default`,
        fix: `set ${missing.map(name => `resources.requests.${name}`).join(' and ')} on ${nameOrPath(entry)} to what it uses at steady state`,
      });
    }
    return findings;
  },
};
