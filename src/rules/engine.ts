import { withSharedEntries } from './containers';
import { readDeclaredStops } from '../lifecycle/declared-stops';
import { LifecyclePlan, planLifecycle } from '../lifecycle/plan';
import { locatePodSpec } from '../lifecycle/pod-spec';
import { KubeVersion, parseKubeVersion } from '../version';
import { RULES } from './pack';
import { Finding, Rule, RuleContext } from './rule';
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
}

/**
 * Validates rendered Kubernetes manifests against the rule pack: what the v1.33 API server
 * rejects (SC1xx), lifecycle traps (SC2xx), resources (SC3xx), mesh (SC4xx), security (SC5xx)
 * and version guards (SC9xx). Pure: the manifests are never modified.
 */
export class ManifestValidator {
  /**
   * Validate manifests (plain JSON objects as parsed from YAML, `List` objects included).
   * Kinds without a pod spec are passed over; input that is not a usable object yields a
   * violation rather than an exception.
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
  const version = parseKubeVersion(options.kubernetesVersion);
  const rules = engine.rules ?? RULES;
  const violations: Violation[] = [];
  const list = Array.isArray(manifests) ? manifests : [manifests];
  for (const manifest of list) {
    for (const object of expandLists(manifest)) {
      validateObject(object, version, options, rules, engine, violations);
    }
  }
  return violations;
}

function* expandLists(manifest: any): Generator<any> {
  if (isPlainObject(manifest) && typeof manifest.kind === 'string' && manifest.kind.endsWith('List') && Array.isArray(manifest.items)) {
    for (const item of manifest.items) yield* expandLists(item);
    return;
  }
  yield manifest;
}

function validateObject(object: any, version: KubeVersion, options: ValidationOptions, rules: readonly Rule[],
  engine: EngineOptions, out: Violation[]): void {
  withSharedEntries(() => checkObject(object, version, options, rules, engine, out));
}

function checkObject(object: any, version: KubeVersion, options: ValidationOptions, rules: readonly Rule[],
  engine: EngineOptions, out: Violation[]): void {
  if (!isPlainObject(object)) {
    out.push(unusable('<unknown>', '<unnamed>', `expected a Kubernetes object, got ${describeValue(object)}`));
    return;
  }
  const name = typeof object.metadata?.name === 'string' && object.metadata.name ? object.metadata.name : '<unnamed>';
  if (typeof object.kind !== 'string' || object.kind === '') {
    out.push(unusable('<unknown>', name, 'object has no kind'));
    return;
  }
  const located = locatePodSpec(object);
  if (!located) return;
  const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
  let plan: LifecyclePlan | undefined;
  const context: RuleContext = {
    ...located,
    manifest: object,
    kind: object.kind,
    name,
    namespace,
    version,
    fromConstructs: engine.fromConstructs ?? false,
    options,
    get plan(): LifecyclePlan {
      if (plan === undefined) {
        const declared = readDeclaredStops(object);
        plan = planLifecycle(located.spec, version, {
          drainSeconds: declared.drainSeconds,
          appStopSeconds: declared.appStopSeconds,
          runsToCompletion: located.runsToCompletion,
        });
      }
      return plan;
    },
    get effective() {
      return this.plan.effective;
    },
  };
  const suppressions = resolveSuppressions(object, engine.suppressions ?? []);
  const report = (ruleId: string, severity: Severity, finding: Finding) => {
    out.push({
      ruleId,
      severity: finding.severity ?? severity,
      message: finding.message,
      kind: context.kind,
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      path: finding.objectPath ?? joinPath(located.specPath, finding.path ?? ''),
      ...(finding.fix !== undefined ? { fix: finding.fix } : {}),
    });
  };
  for (const problem of suppressions.problems) report(SUPPRESSION_RULE_ID, Severity.ERROR, problem);
  for (const rule of rules) {
    if (suppressions.ruleIds.has(rule.id)) continue;
    let findings: Finding[];
    try {
      findings = rule.check(context);
    } catch (error) {
      findings = [{ path: '', message: `rule ${rule.id} could not check this object: ${(error as Error).message}` }];
    }
    for (const finding of findings) report(rule.id, rule.severity, finding);
  }
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
