import { isSuppressible, ruleCatalog } from './catalog';
import { isMeaningfulReason, MIN_REASON_LENGTH } from './suppressions';
import { RuleSetting, Severity } from './violation';

/** Rule settings checked and ready for the engine. */
export interface ResolvedRuleSettings {
  /** Rules not to run. */
  readonly off: ReadonlySet<string>;
  /** The severity each finding of a rule gets instead of its own. */
  readonly severities: ReadonlyMap<string, Severity>;
}

export const NO_RULE_SETTINGS: ResolvedRuleSettings = { off: new Set(), severities: new Map() };

const LEVELS = ['off', Severity.INFO, Severity.WARNING, Severity.ERROR];

/**
 * Check rule settings: a known rule id, a known severity and a reason. A rule that cannot be
 * suppressed (what the API server rejects, SC0xx and SC1xx but SC121) cannot be turned off or
 * lowered either; any rule can be raised. Throws an error naming `where` and the entry.
 */
export function resolveRuleSettings(settings: readonly RuleSetting[] | undefined, where: string): ResolvedRuleSettings {
  if (settings === undefined || settings.length === 0) return NO_RULE_SETTINGS;
  if (!Array.isArray(settings)) throw new Error(`${where} must be a list of { ruleId, severity, reason }`);
  const defaults = new Map(ruleCatalog().map(rule => [rule.id, rule.severity]));
  const off = new Set<string>();
  const severities = new Map<string, Severity>();
  settings.forEach((setting, index) => {
    const at = `${where}[${index}]`;
    if (setting === null || typeof setting !== 'object') throw new Error(`${at} must be { ruleId, severity, reason }`);
    const { ruleId, severity, reason } = setting;
    const fallback = typeof ruleId === 'string' ? defaults.get(ruleId) : undefined;
    if (fallback === undefined) throw new Error(`${at} names rule ${JSON.stringify(ruleId)}, which does not exist (see RULES.md)`);
    if (typeof severity !== 'string' || !LEVELS.includes(severity)) {
      throw new Error(`${at} gives ${ruleId} the severity ${JSON.stringify(severity)}; use off, info, warning or error`);
    }
    if (typeof reason !== 'string' || !isMeaningfulReason(reason)) {
      throw new Error(`${at} changes ${ruleId} without a meaningful reason; say in at least ${MIN_REASON_LENGTH} characters why the rule does not fit here`);
    }
    if ((severity === 'off' || LEVELS.indexOf(severity) < LEVELS.indexOf(fallback)) && !isSuppressible(ruleId)) {
      throw new Error(`${at} turns ${ruleId} ${severity === 'off' ? 'off' : `down to ${severity}`}, but ${ruleId} cannot be suppressed or lowered (it reports what the API server rejects, or a problem with the input); it may only be raised`);
    }
    if (off.has(ruleId) || severities.has(ruleId)) throw new Error(`${at} sets ${ruleId} a second time`);
    if (severity === 'off') off.add(ruleId);
    else severities.set(ruleId, severity as Severity);
  });
  return { off, severities };
}
