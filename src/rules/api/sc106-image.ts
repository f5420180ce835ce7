import { containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, show, stringField } from './_util';

/**
 * SC106 — every container needs an image (K1). In a bare Pod (and in any ephemeral container) the
 * image may not have leading or trailing whitespace (K2); pod templates are not checked for that.
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
      if (podOnly && goTrimSpace(image) !== image) {
        findings.push(finding(at(entry, 'image'),
          `${entry.label} has image ${show(image)}, which must not have leading or trailing whitespace`,
          `use image ${show(goTrimSpace(image))}`));
      }
    }
    return findings;
  },
};

/**
 * Go's `strings.TrimSpace`, which the API server uses: its white space (`unicode.IsSpace`) is not
 * JavaScript's. Go counts NEL (U+0085) and JavaScript does not; JavaScript counts the byte-order
 * mark (U+FEFF) and Go does not.
 */
function goTrimSpace(text: string): string {
  return text.replace(GO_SPACE_AT_ENDS, '');
}

/** `unicode.IsSpace`: the Latin-1 spaces (NEL and no-break space among them) and the other Unicode White_Space characters. */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_SPACE_AT_ENDS = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');
