import { trimSpace } from '../../lifecycle/quantity';
import { containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, show, stringField } from './_util';

/**
 * SC106 — every container needs an image (K1). In a bare Pod (and in any ephemeral container) the
 * image may not have leading or trailing whitespace (K2); pod templates are not checked for that.
 * White space is Go's (`strings.TrimSpace`, as the API server trims): NEL counts, a byte-order mark does not.
 */
export const imageRule: Rule = {
  id: 'SC106',
  severity: Severity.ERROR,
  title: 'a container has no image, or (in a Pod) an image with leading or trailing whitespace',
  why: 'the API server requires an image on every container, and on Pod create rejects an image name padded with whitespace',
  fix: 'set image to a trimmed reference such as "envoyproxy/envoy:v1.31.0"',
  source: 'validateContainerCommon, validateContainerOnlyForPod (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const image = stringField(entry.container.image);
      if (image === undefined) continue;
      if (image === '') {
        findings.push(finding(at(entry, 'image'), `${entry.label} has no image; image is required`, 'set image to the container image reference'));
        continue;
      }
      const podOnly = context.isPod || entry.role === 'ephemeral';
      if (podOnly && trimSpace(image) !== image) {
        findings.push(finding(at(entry, 'image'),
          `${entry.label} has image ${show(image)}, which must not have leading or trailing whitespace`,
          `use image ${show(trimSpace(image))}`));
      }
    }
    return findings;
  },
};
