// The runner shared by the rule-family tests; the manifests come from test/manifests.ts.
import { validateManifests } from '../../src/rules/engine';
import { Rule } from '../../src/rules/rule';
import { ValidationOptions, Violation } from '../../src/rules/violation';

/** Run one rule on one manifest, as plain YAML unless `fromConstructs`. */
export function run(rule: Rule, manifest: any, options: ValidationOptions = {}, fromConstructs = false): Violation[] {
  return validateManifests([manifest], options, { rules: [rule], fromConstructs });
}

/** `ruleId severity path` per violation, in report order. */
export function found(rule: Rule, manifest: any, options: ValidationOptions = {}, fromConstructs = false): string[] {
  return run(rule, manifest, options, fromConstructs).map(v => `${v.ruleId} ${v.severity} ${v.path}`);
}
