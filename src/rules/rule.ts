import { DeclaredStops } from '../lifecycle/declared-stops';
import { LifecyclePlan, ResourceTotals } from '../lifecycle/plan';
import { LocatedPodSpec } from '../lifecycle/pod-spec';
import { KubeVersion } from '../version';
import { Severity, ValidationOptions } from './violation';

/**
 * What a rule sees: one workload manifest and its pod spec. Rules are pure functions of this.
 */
export interface RuleContext extends LocatedPodSpec {
  /**
   * `spec` is the pod spec as the target version's API server validates it (see
   * `specAsValidated`: before 1.29 init containers lose `restartPolicy`); this is the spec as
   * written, for the rules about what the target version drops.
   */
  readonly sourceSpec: any;
  /** The whole manifest as rendered (never mutated by rules). */
  readonly manifest: any;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The target Kubernetes version. */
  readonly version: KubeVersion;
  /**
   * True when the manifest was rendered by this library's constructs (typed intent was
   * declared), false for plain YAML. Some lifecycle rules are stricter for typed input.
   */
  readonly fromConstructs: boolean;
  /** The caller's options (request budget and so on). */
  readonly options: ValidationOptions;
  /** The stop times the object's annotations declare, read once per object. */
  readonly declaredStops: DeclaredStops;
  /**
   * The lifecycle plan of this pod spec with the stop times declared in its annotations,
   * computed once per object on first use and shared by every rule.
   */
  readonly plan: LifecyclePlan;
  /** Effective pod requests and limits (KEP-753), computed once per object on first use. */
  readonly effective: ResourceTotals;
  /**
   * A fact derived from this object that several rules need (the meshes of the pod, say):
   * computed by the first rule that asks, under `key`, and shared with the others.
   */
  shared<T>(key: symbol, compute: () => T): T;
}

/**
 * One finding of a rule. `path` is relative to the pod spec (`initContainers[0].startupProbe`,
 * `restartPolicy`); the engine prefixes the pod spec's own path. A finding about a field outside
 * the pod spec sets `objectPath` (from the object root) instead.
 */
export interface Finding {
  readonly path?: string;
  readonly objectPath?: string;
  readonly message: string;
  readonly fix?: string;
  /** Overrides the rule's default severity for this finding. */
  readonly severity?: Severity;
}

/** What a rule returns when it finds nothing: one frozen array, so a clean object allocates none. */
export const NO_FINDINGS: Finding[] = Object.freeze([]) as unknown as Finding[];

/** A rule: an id, a default severity, documentation, and a pure check. */
export interface Rule {
  /** `SC` + three digits; the family is the first digit (see RULES.md). */
  readonly id: string;
  readonly severity: Severity;
  /** Cause, one line: what the rule looks for (RULES.md "Cause"). */
  readonly title: string;
  /** Why it matters (RULES.md "Why"). */
  readonly why: string;
  /** How to fix it, in general (RULES.md "Fix"). */
  readonly fix: string;
  /**
   * When the rule stays silent or reports only `info` on purpose (RULES.md "Quiet when"): cases
   * where the finding would be wrong or not the manifest owner's to act on.
   * @default - never, beyond what every rule gets: warnings about a field a mesh injector's template
   * decided are reported as info
   */
  readonly quiet?: string;
  /** Where the behaviour is defined: an API-server function, a KEP or a doc (RULES.md "Source"). */
  readonly source: string;
  /**
   * Whether a suppression may silence the rule, when its family says otherwise: SC1xx rules
   * describe what the API server rejects and cannot be suppressed, but one that reports what the
   * API server only warns about (SC121) can.
   * @default the family's: SC0xx and SC1xx no, the others yes
   */
  readonly suppressible?: boolean;
  check(context: RuleContext): Finding[];
}
