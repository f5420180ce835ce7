import { isAtLeast } from '../../version';
import { ALL_LISTS, containerEntries, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, listField, show, stringField } from './_util';

/** RelaxedEnvironmentVariableValidation is beta (on) from 1.32. */
const RELAXED_ENV_MINOR = 32;
const C_IDENTIFIER_ISH = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const ENV_FIELDS = ['env', 'envFrom'];

/**
 * SC115 — environment variable names (K12, K13) and envFrom prefixes. On 1.32+ any printable
 * ASCII except `=` is accepted; before that the strict `[-._a-zA-Z][-._a-zA-Z0-9]*` rule applies.
 */
export const envNamesRule: Rule = {
  id: 'SC115',
  severity: Severity.ERROR,
  title: 'an environment variable has no name, or an invalid one',
  why: 'the API server requires a name on every env entry; with RelaxedEnvironmentVariableValidation (on from 1.32) it must be printable ASCII without "=", before that letters, digits, "_", "-" and "." not starting with a digit',
  fix: 'name every env var, using printable ASCII without "=" (portable: A-Z, 0-9 and _)',
  source: 'ValidateEnv, ValidateEnvFrom (pkg/apis/core/validation/validation.go); IsRelaxedEnvVarName, IsEnvVarName (apimachinery)',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, ALL_LISTS, ENV_FIELDS)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const relaxed = isAtLeast(context.version, RELAXED_ENV_MINOR);
    for (const entry of containerEntries(context.spec)) {
      (listField(entry.container.env) ?? []).forEach((variable, index) => {
        if (!isPlainObject(variable)) return;
        const name = stringField(variable.name);
        if (name === undefined) return;
        const path = at(entry, `env[${index}].name`);
        if (name === '') {
          findings.push(finding(path, `${entry.label} has an env var without a name; a name is required`, 'name the variable, e.g. LOG_LEVEL'));
          return;
        }
        const error = envNameError(name, relaxed);
        if (error !== undefined) {
          findings.push(finding(path, `${entry.label} has env var name ${show(name)}: ${error}`, 'rename the variable using letters, digits and "_"'));
        }
      });
      (listField(entry.container.envFrom) ?? []).forEach((source, index) => {
        if (!isPlainObject(source)) return;
        const prefix = stringField(source.prefix);
        if (prefix === undefined || prefix === '') return;
        const error = envNameError(prefix, relaxed);
        if (error !== undefined) {
          findings.push(finding(at(entry, `envFrom[${index}].prefix`), `${entry.label} has envFrom prefix ${show(prefix)}: ${error}`, 'use a prefix of letters, digits and "_"'));
        }
      });
    }
    return findings;
  },
};

function envNameError(name: string, relaxed: boolean): string | undefined {
  if (relaxed) {
    for (const char of name) {
      const code = char.codePointAt(0) ?? 0;
      if (code < 0x20 || code > 0x7e || char === '=') {
        return 'a valid environment variable name must consist only of printable ASCII characters other than \'=\'';
      }
    }
    return undefined;
  }
  const errors: string[] = [];
  if (!C_IDENTIFIER_ISH.test(name)) {
    errors.push('a valid environment variable name must consist of alphabetic characters, digits, \'_\', \'-\', or \'.\', and must not start with a digit');
  }
  if (name === '.') errors.push('must not be \'.\'');
  else if (name === '..') errors.push('must not be \'..\'');
  else if (name.startsWith('..')) errors.push('must not start with \'..\'');
  return errors.length > 0 ? errors.join('; ') : undefined;
}
