import { containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, dns1123LabelErrors, finding, isDns1123Label, show, stringField } from './_util';

/**
 * SC104 — every container (regular, init, sidecar, ephemeral) needs a name, and the name must be
 * an RFC 1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
 */
export const containerNamesRule: Rule = {
  id: 'SC104',
  severity: Severity.ERROR,
  title: 'a container has no name, or its name is not a DNS-1123 label',
  why: 'the API server requires a name on every container and accepts only lower-case RFC 1123 labels (at most 63 characters, a-z, 0-9 and "-", alphanumeric at both ends)',
  fix: 'give the container a lower-case name such as "envoy" or "log-shipper"',
  source: 'validateContainerCommon, ValidateDNS1123Label (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const name = stringField(entry.container.name);
      if (name === undefined) continue;
      if (name === '') {
        findings.push(finding(at(entry, 'name'), `${entry.label} has no name; a name is required`, 'give the container a lower-case name such as "envoy"'));
        continue;
      }
      if (isDns1123Label(name)) continue;
      const errors = dns1123LabelErrors(name);
      if (errors.length > 0) {
        findings.push(finding(at(entry, 'name'),
          `${entry.label} has name ${show(name)}, which is not a DNS-1123 label: ${errors.join('; ')}`,
          `rename it to a lower-case label, e.g. ${show(suggestLabel(name))}`));
      }
    }
    return findings;
  },
};

/**
 * A lower-case label close to `name`: runs of other characters become one "-", then "-" is
 * trimmed from both ends, within 63 characters. One pass over the name: a regular expression
 * such as `/^-+|-+$/g` backtracks quadratically over a long run of dashes.
 */
export function suggestLabel(name: string): string {
  let label = '';
  let dash = false;
  const lower = name.toLowerCase();
  for (let i = 0; i < lower.length && label.length < 63; i++) {
    const c = lower.charCodeAt(i);
    const keep = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (keep) {
      if (dash && label !== '') label += '-';
      if (label.length < 63) label += lower[i];
      dash = false;
    } else {
      dash = true;
    }
  }
  if (label.endsWith('-')) label = label.slice(0, -1);
  return label === '' ? 'app' : label;
}
