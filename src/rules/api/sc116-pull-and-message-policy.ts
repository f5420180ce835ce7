import { containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, show, stringField } from './_util';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/**
 * SC116 — `imagePullPolicy` and `terminationMessagePolicy` values (K3, K4). An empty value is
 * defaulted first (pull policy from the image tag, message policy to File), so only a non-empty
 * unknown value fails.
 */
export const pullAndMessagePolicyRule: Rule = {
  id: 'SC116',
  severity: Severity.ERROR,
  title: 'imagePullPolicy or terminationMessagePolicy has an unsupported value',
  why: 'the API server accepts only Always, IfNotPresent or Never for imagePullPolicy and File or FallbackToLogsOnError for terminationMessagePolicy (values are case-sensitive)',
  fix: 'use one of the supported values, spelled exactly, or leave the field out to get the default',
  source: 'validatePullPolicy, validateContainerCommon (pkg/apis/core/validation/validation.go); SetDefaults_Container (pkg/apis/core/v1/defaults.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const pull = stringField(entry.container.imagePullPolicy);
      if (pull !== undefined && pull !== '' && !PULL_POLICIES.includes(pull)) {
        findings.push(finding(at(entry, 'imagePullPolicy'),
          `${entry.label} has imagePullPolicy ${show(pull)}; supported values: "Always", "IfNotPresent", "Never"`,
          'use Always, IfNotPresent or Never, or leave imagePullPolicy out'));
      }
      const message = stringField(entry.container.terminationMessagePolicy);
      if (message !== undefined && message !== '' && !MESSAGE_POLICIES.includes(message)) {
        findings.push(finding(at(entry, 'terminationMessagePolicy'),
          `${entry.label} has terminationMessagePolicy ${show(message)}; supported values: "File", "FallbackToLogsOnError"`,
          'use File or FallbackToLogsOnError, or leave terminationMessagePolicy out'));
      }
    }
    return findings;
  },
};
