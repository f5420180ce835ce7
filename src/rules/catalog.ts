import { DEPENDENCY_RULES } from './dependencies';
import { RULES } from './pack';
import { Rule } from './rule';
import { Severity } from './violation';

/** The documentation of one rule id: a row of RULES.md. */
export interface RuleDoc extends Omit<Rule, 'check'> {
  /** Where the rule runs: on rendered manifests (every door) or on typed construct input only. */
  readonly scope: 'manifest' | 'typed API';
}

/** Rules about the typed dependency API: they need intent that a rendered manifest does not carry. */
export const TYPED_API_RULES: readonly RuleDoc[] = DEPENDENCY_RULES.map(({ check: _check, ...doc }) => ({ ...doc, scope: 'typed API' }));

/** Rules about the input itself. */
export const META_RULES: readonly RuleDoc[] = [
  {
    id: 'SC001',
    severity: Severity.ERROR,
    title: 'a suppression has no meaningful reason, names an unknown rule id, or names a rule that cannot be suppressed',
    why: 'a suppression is a decision someone must be able to read later; SC1xx findings are API-server rejections that no suppression can make acceptable',
    fix: 'give the rule id and a reason of at least 10 characters that says why the rule does not apply; fix SC1xx findings instead',
    source: 'cdk8s-sidecars suppressions (after cdk-nag)',
    scope: 'manifest',
  },
  {
    id: 'SC002',
    severity: Severity.ERROR,
    title: 'a YAML mapping repeats a key',
    why: 'kubectl, Helm, Argo CD and Flux refuse the document ("mapping key already defined"), and the API server keeps only the last value (a "duplicate field" warning, or an error under strict field validation, kubectl\'s default); the command reads the last value, reports the key and its line, and goes on',
    fix: 'remove one of the two keys, keeping the value you mean',
    source: 'YAML 1.2 (keys are unique); kubectl --validate=strict; apimachinery strict decoding (duplicate field)',
    scope: 'manifest',
  },
  {
    id: 'SC100',
    severity: Severity.ERROR,
    title: 'input is not a usable Kubernetes object (not an object, or no kind)',
    why: 'the API server rejects an object without kind; a linter that skipped it would hide the problem',
    fix: 'give every document apiVersion, kind and metadata.name',
    source: 'apimachinery object decoding',
    scope: 'manifest',
  },
];

/** Every rule id with its documentation, in id order. */
export function ruleCatalog(): RuleDoc[] {
  const manifestRules: RuleDoc[] = RULES.map(({ check: _check, suppressible: _suppressible, ...doc }) => ({ ...doc, scope: 'manifest' }));
  return [...META_RULES, ...manifestRules, ...TYPED_API_RULES].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Rule ids that may be suppressed. API-server rejections (SC1xx) and input problems (SC0xx) may
 * not, nor may typed-API rules: those describe dependencies no manifest can satisfy. A rule may
 * say otherwise for itself (`Rule.suppressible`): SC121, the API server's own warnings, may be.
 */
export function isSuppressible(ruleId: string): boolean {
  const declared = RULES.find(r => r.id === ruleId)?.suppressible;
  if (declared !== undefined) return declared;
  return !REJECTION_FAMILIES.test(ruleId) && !TYPED_API_RULES.some(r => r.id === ruleId);
}

/** SC0xx (input problems) and SC1xx (API-server rejections): not suppressible unless a rule says so. */
const REJECTION_FAMILIES = /^SC[01]\d\d$/;

/** The SC0xx and SC1xx rules that declare themselves suppressible, for RULES.md: `SC121`. */
function suppressibleApiRules(): string {
  return RULES.filter(r => REJECTION_FAMILIES.test(r.id) && r.suppressible === true).map(r => r.id).join(', ');
}

/** The text of RULES.md, generated so that it cannot drift from the code. */
export function renderRulesMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Rules',
    '',
    '<!-- Generated from src/rules by `npx projen rules-doc`; a test fails when this file is out of date. -->',
    '',
    'Every finding carries one of these ids. Families: SC0xx input and suppressions, SC1xx what the',
    'Kubernetes v1.33 API server rejects (version-aware), SC2xx lifecycle (ordering, gating, Jobs,',
    'shutdown), SC3xx resources, SC4xx mesh, SC5xx security, SC9xx Kubernetes version guard.',
    '"typed API" rules run only on constructs, because plain YAML does not carry the intent they check.',
    '',
    'Suppress a rule with a reason: `suppressions: [{ ruleId, reason }]` on a workload, or the',
    '`cdk8s-sidecars.io/suppress` annotation (`SC208: reason`, one per line) on a manifest.',
    `SC0xx, SC1xx (but ${suppressibleApiRules()}, which the API server only warns about) and the typed-API rules cannot be suppressed.`,
    '',
    'Findings must be the manifest owner\'s to act on. Every rule therefore reports a warning about a',
    'field that a mesh injector\'s template decided (a container Istio\'s `sidecar.istio.io/status` lists,',
    'or one that Linkerd, Kuma or Consul injected: the iptables init container and the proxy running as',
    'the UID it exempts) as `info`, saying so; a field the owner set through `proxy.istio.io/overrides`',
    'keeps its severity. Errors are never lowered: the API server rejects the pod whoever wrote the field.',
    '"Quiet when" lists what each rule leaves alone, or reports only as info, on purpose.',
    '',
    '| Rule | Severity | Scope | Cause | Why it matters | How to fix | Quiet when | Source |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ruleCatalog().map(r => `| ${r.id} | ${r.severity} | ${r.scope} | <a id="${r.id.toLowerCase()}"></a>${escape(r.title)} | ${escape(r.why)} | ${escape(r.fix)} | ${escape(r.quiet ?? '')} | ${escape(r.source)} |`),
    '',
  ];
  return lines.join('\n');
}
