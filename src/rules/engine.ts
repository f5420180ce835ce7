import { withSharedEntries } from './containers';
import { DeclaredStops, readDeclaredStops } from '../lifecycle/declared-stops';
import { LifecyclePlan, planLifecycle, ResourceTotals } from '../lifecycle/plan';
import { LocatedPodSpec, locatePodSpec, specAsValidated, WorkloadKinds } from '../lifecycle/pod-spec';
import { KubeVersion, parseKubeVersionAgain } from '../version';
import { injectorChoice } from './injected';
import { RULES } from './pack';
import { Finding, Rule, RuleContext } from './rule';
import { resolveRuleSettings } from './settings';
import { resolveSuppressions, SuppressionInput } from './suppressions';
import { Severity, ValidationOptions, Violation } from './violation';

/** Rule id for input the engine cannot read as a Kubernetes object. */
export const UNUSABLE_INPUT_RULE_ID = 'SC100';
/** Rule id for malformed suppressions. */
export const SUPPRESSION_RULE_ID = 'SC001';

/** Options only the library's own doors use. */
export interface EngineOptions {
  /** The manifests come from this library's constructs (typed intent), not plain YAML. */
  readonly fromConstructs?: boolean;
  /** Run only these rules (tests); defaults to the whole pack. */
  readonly rules?: readonly Rule[];
  /** Suppressions declared on the construct that rendered the manifests. */
  readonly suppressions?: readonly SuppressionInput[];
  /**
   * Tests only: run every rule's whole check, as if every container had every field (rules
   * otherwise return at once when no container has the fields they look at; see `setsAnyField`).
   */
  readonly everyFieldSet?: boolean;
}

/**
 * Validates rendered Kubernetes manifests against the rule pack: what the v1.33 API server
 * rejects (SC1xx), lifecycle traps (SC2xx), resources (SC3xx), mesh (SC4xx), security (SC5xx)
 * and version guards (SC9xx). Pure: the manifests are never modified.
 */
export class ManifestValidator {
  /**
   * Validate manifests (plain JSON objects as parsed from YAML, `List` objects included).
   * Kinds without a pod spec are passed over (custom resources too, unless well known or named
   * in `options.customWorkloads`); input that is not a usable object yields a violation rather
   * than an exception.
   *
   * @param manifests the objects to check
   * @param options the target Kubernetes version
   * @returns every violation found, in manifest order
   */
  public static validate(manifests: any[], options: ValidationOptions = {}): Violation[] {
    return validateManifests(manifests, options);
  }

  private constructor() {}
}

/**
 * The engine behind `ManifestValidator.validate`, with the options the constructs and the CLI
 * need on top of the public ones.
 */
export function validateManifests(manifests: any[], options: ValidationOptions = {}, engine: EngineOptions = {}): Violation[] {
  const settings = resolveRuleSettings(options.rules, 'ValidationOptions.rules');
  const rules = engine.rules ?? RULES;
  const run: EngineRun = {
    version: parseKubeVersionAgain(options.kubernetesVersion),
    kinds: WorkloadKinds.of(options.customWorkloads),
    options,
    rules: settings.off.size > 0 ? rules.filter(rule => !settings.off.has(rule.id)) : rules,
    severities: settings.severities,
    fromConstructs: engine.fromConstructs ?? false,
    suppressions: engine.suppressions ?? [],
    everyFieldSet: engine.everyFieldSet ?? false,
  };
  const violations: Violation[] = [];
  const list = Array.isArray(manifests) ? manifests : [manifests];
  for (const manifest of list) validateExpanded(manifest, run, violations);
  return violations;
}

/** What stays the same for every object of one `validateManifests` call. */
interface EngineRun {
  readonly version: KubeVersion;
  readonly kinds: WorkloadKinds;
  readonly options: ValidationOptions;
  readonly rules: readonly Rule[];
  readonly fromConstructs: boolean;
  readonly suppressions: readonly SuppressionInput[];
  readonly everyFieldSet: boolean;
  /** The severity each finding of a rule gets instead of its own (`ValidationOptions.rules`). */
  readonly severities: ReadonlyMap<string, Severity>;
}

/** Validate an object, or each item of a `List` (recursively), in order. */
function validateExpanded(manifest: any, run: EngineRun, out: Violation[]): void {
  if (isPlainObject(manifest) && typeof manifest.kind === 'string' && manifest.kind.endsWith('List') && Array.isArray(manifest.items)) {
    for (const item of manifest.items) validateExpanded(item, run, out);
    return;
  }
  checkObject(manifest, run, out);
}

/**
 * The context the rules of one object share. A class, so that every rule reads the same
 * fixed-shape object; the plan, the container lists and other derived facts are worked out on
 * first use and kept for the other rules of this object only.
 */
class ObjectContext implements RuleContext {
  public readonly spec: any;
  public readonly sourceSpec: any;
  public readonly specPath: string;
  public readonly isPod: boolean;
  public readonly runsToCompletion: boolean;
  private planned: LifecyclePlan | undefined;
  private declared: DeclaredStops | undefined;
  private readonly memos = new Map<symbol, unknown>();

  public constructor(
    located: LocatedPodSpec,
    public readonly manifest: any,
    public readonly kind: string,
    public readonly name: string,
    public readonly namespace: string | undefined,
    public readonly version: KubeVersion,
    public readonly fromConstructs: boolean,
    public readonly options: ValidationOptions,
  ) {
    this.sourceSpec = located.spec;
    this.spec = specAsValidated(located.spec, version);
    this.specPath = located.specPath;
    this.isPod = located.isPod;
    this.runsToCompletion = located.runsToCompletion;
  }

  public get declaredStops(): DeclaredStops {
    return this.declared ??= readDeclaredStops(this.manifest);
  }

  public get plan(): LifecyclePlan {
    if (this.planned === undefined) {
      const declared = this.declaredStops;
      this.planned = planLifecycle(this.spec, this.version, {
        drainSeconds: declared.drainSeconds,
        appStopSeconds: declared.appStopSeconds,
        runsToCompletion: this.runsToCompletion,
      });
    }
    return this.planned;
  }

  public get effective(): ResourceTotals {
    return this.plan.effective;
  }

  public shared<T>(key: symbol, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }
}

function checkObject(object: any, run: EngineRun, out: Violation[]): void {
  if (!isPlainObject(object)) {
    out.push(unusable('<unknown>', '<unnamed>', `expected a Kubernetes object, got ${describeValue(object)}`));
    return;
  }
  const metadata = object.metadata;
  const name = typeof metadata?.name === 'string' && metadata.name ? metadata.name : '<unnamed>';
  if (typeof object.kind !== 'string' || object.kind === '') {
    out.push(unusable('<unknown>', name, 'object has no kind'));
    return;
  }
  const located = locatePodSpec(object, run.kinds);
  if (!located) return;
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
  const context = new ObjectContext(located, object, object.kind, name, namespace, run.version, run.fromConstructs, run.options);
  const suppressions = resolveSuppressions(object, run.suppressions);
  for (const problem of suppressions.problems) out.push(violationOf(context, SUPPRESSION_RULE_ID, Severity.ERROR, problem));
  const suppressed = suppressions.ruleIds.size > 0 ? suppressions.ruleIds : undefined;
  withSharedEntries(() => runRules(context, run, suppressed, out), run.everyFieldSet);
}

/** Each rule over one object, with the run's rule settings applied to its findings. */
function runRules(context: ObjectContext, run: EngineRun, suppressed: Set<string> | undefined, out: Violation[]): void {
  const rules = run.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (suppressed !== undefined && suppressed.has(rule.id)) continue;
    let findings: Finding[];
    try {
      findings = rule.check(context);
    } catch (error) {
      findings = [{ path: '', message: `rule ${rule.id} could not check this object: ${(error as Error).message}` }];
    }
    const set = run.severities.size > 0 ? run.severities.get(rule.id) : undefined;
    for (let i = 0; i < findings.length; i++) {
      const finding = ownersShare(context, rule, findings[i]);
      out.push(violationOf(context, rule.id, rule.severity, set === undefined ? finding : { ...finding, severity: set }));
    }
  }
}

/**
 * A warning about a field that a mesh injector's template decided, not the manifest's owner, is
 * reported as `info` with that reason: the owner cannot act on it in this manifest. Errors stay
 * errors: the API server rejects the pod whoever wrote the field.
 */
function ownersShare(context: ObjectContext, rule: Rule, finding: Finding): Finding {
  if ((finding.severity ?? rule.severity) !== Severity.WARNING || finding.path === undefined) return finding;
  const injected = injectorChoice(context, finding.path);
  if (injected === undefined) return finding;
  return {
    ...finding,
    severity: Severity.INFO,
    message: `${finding.message} (${injected.injector} sets this in the ${injected.role === 'proxy' ? 'proxy' : 'init container'} it injects; change it through the mesh's configuration, not this manifest)`,
  };
}

function violationOf(context: ObjectContext, ruleId: string, severity: Severity, finding: Finding): Violation {
  return {
    ruleId,
    severity: finding.severity ?? severity,
    message: finding.message,
    kind: context.kind,
    name: context.name,
    ...(context.namespace !== undefined ? { namespace: context.namespace } : {}),
    path: finding.objectPath ?? joinPath(context.specPath, finding.path ?? ''),
    ...(finding.fix !== undefined ? { fix: finding.fix } : {}),
  };
}

function unusable(kind: string, name: string, message: string): Violation {
  return { ruleId: UNUSABLE_INPUT_RULE_ID, severity: Severity.ERROR, message, kind, name, path: '', fix: 'give every document apiVersion, kind and metadata.name' };
}

/** Join a pod-spec path and a relative path: `spec` + `containers[0].name`. */
export function joinPath(base: string, relative: string): string {
  if (!relative) return base;
  if (!base) return relative;
  return relative.startsWith('[') ? base + relative : `${base}.${relative}`;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Render a violation as one line: `message; fix (at path) [id]`. */
export function formatViolation(violation: Violation): string {
  const fix = violation.fix ? `; ${violation.fix}` : '';
  const at = violation.path ? ` (at ${violation.path})` : '';
  return `${violation.message}${fix}${at} [${violation.ruleId}]`;
}
