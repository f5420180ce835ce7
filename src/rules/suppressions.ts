import { Annotations } from '../annotations';
import { isSuppressible, ruleCatalog } from './catalog';
import { Finding } from './rule';

/** A suppression as given: on a construct, or parsed from the manifest annotation. */
export interface SuppressionInput {
  readonly ruleId: string;
  readonly reason: string;
}

/** The suppressions in force for one object, and the findings about malformed ones (SC001). */
export interface ResolvedSuppressions {
  readonly ruleIds: Set<string>;
  readonly problems: Finding[];
}

const ANNOTATION_PATH = `metadata.annotations[${Annotations.SUPPRESS}]`;
export const MIN_REASON_LENGTH = 10;
/** Reasons that say nothing, however long someone makes them. */
const PLACEHOLDER_REASONS = /^(todo|tbd|fixme|n\/?a|none|no reason|ignore|ignored|suppress(ed)?|wip|test(ing)?|temp(orary)?|later|fix later|false positive|x+|\.+|-+|\?+)$/i;

/**
 * Combine construct suppressions and the manifest's suppress annotation, checking each one.
 */
export function resolveSuppressions(manifest: any, fromConstruct: readonly SuppressionInput[]): ResolvedSuppressions {
  const annotated = parseAnnotation(manifest);
  if (fromConstruct.length === 0 && annotated.length === 0) return NONE;
  const known = knownRuleIds();
  const ruleIds = new Set<string>();
  const problems: Finding[] = [];
  const consider = (input: SuppressionInput, where: string, objectPath: string) => {
    const ruleId = String(input.ruleId ?? '').trim();
    const reason = String(input.reason ?? '').trim();
    let problem: string | undefined;
    if (!known.has(ruleId)) {
      problem = `${where} names rule "${ruleId}", which does not exist`;
    } else if (!isSuppressible(ruleId)) {
      problem = `${where} suppresses ${ruleId}, which cannot be suppressed: ${unsuppressibleBecause(ruleId)}`;
    } else if (!isMeaningfulReason(reason)) {
      problem = `${where} suppresses ${ruleId} without a meaningful reason (${reason ? `"${reason}"` : 'none given'})`;
    }
    if (problem) {
      problems.push({ objectPath, message: problem, fix: `write "${ruleId || 'SCxxx'}: <why this rule does not apply here>" with at least ${MIN_REASON_LENGTH} characters of reason, naming an existing rule id (see RULES.md)` });
    } else {
      ruleIds.add(ruleId);
    }
  };
  for (const input of fromConstruct) consider(input, 'a suppression on the construct', 'metadata');
  for (const input of annotated) consider(input, `the ${Annotations.SUPPRESS} annotation`, ANNOTATION_PATH);
  return { ruleIds, problems };
}

/** Whether a reason says something: long enough, and not a placeholder such as "todo". */
export function isMeaningfulReason(reason: string): boolean {
  const trimmed = reason.trim();
  return trimmed.length >= MIN_REASON_LENGTH && !PLACEHOLDER_REASONS.test(trimmed);
}

const NONE: ResolvedSuppressions = { ruleIds: new Set(), problems: [] };
let known: Set<string> | undefined;

function knownRuleIds(): Set<string> {
  return known ??= new Set(ruleCatalog().map(r => r.id));
}

/** Parse `SC208: reason` entries separated by newlines or `;`. */
function parseAnnotation(manifest: any): SuppressionInput[] {
  const value = manifest?.metadata?.annotations?.[Annotations.SUPPRESS];
  if (typeof value !== 'string') return [];
  return value.split(/[\n;]/).map(s => s.trim()).filter(Boolean).map(entry => {
    const colon = entry.indexOf(':');
    return colon < 0 ? { ruleId: entry, reason: '' } : { ruleId: entry.slice(0, colon), reason: entry.slice(colon + 1) };
  });
}

function unsuppressibleBecause(ruleId: string): string {
  if (ruleId.startsWith('SC1')) return 'the API server rejects the manifest whatever the reason';
  if (ruleId.startsWith('SC0')) return 'it reports a problem with the input itself';
  return 'the declared dependencies cannot be honoured by Kubernetes';
}
