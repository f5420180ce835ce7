/**
 * lint's check stage: each object of a parsed document through the rule engine. Counts the
 * workloads checked and the custom resources that may run pods but hold no pod spec it knows.
 */
import { DocumentObject, documentObjects, ParsedDocument } from './documents';
import { locatePodSpec, uncheckedWorkload, WorkloadKinds } from '../lifecycle/pod-spec';
import { validateManifests } from '../rules/engine';
import { CustomWorkloadKind, RuleSetting, ValidationOptions, Violation } from '../rules/violation';

/** What the rules judge against: the target version, the custom workload kinds named and the rule settings. */
export interface CheckOptions {
  readonly kubernetesVersion: string;
  readonly customWorkloads?: CustomWorkloadKind[];
  readonly rules?: RuleSetting[];
}

/** Objects of one kind that may run pods but were not checked. */
export interface UncheckedKind {
  /** `Kind.group` (`Kind` in the core group). */
  readonly kindName: string;
  readonly count: number;
  /** Why the linter cannot check it, when it knows the kind (Argo Workflows). */
  readonly reason?: string;
  /** Where its `containers` list sits: the pod-spec path to name with --workload-kind. */
  readonly suggestedPath?: string;
}

/** An object of a document and what the engine found in it. */
export interface FlaggedObject {
  readonly object: DocumentObject;
  readonly violations: Violation[];
}

/** Runs the engine over documents, one at a time, and keeps the counts of a whole run. */
export class Checker {
  /** Objects with a pod spec that were checked. */
  public workloads = 0;
  private readonly validation: ValidationOptions;
  private readonly kinds: WorkloadKinds;
  private readonly missed = new Map<string, { kindName: string; count: number; reason?: string; suggestedPath?: string }>();

  constructor(options: CheckOptions) {
    const custom = options.customWorkloads !== undefined && options.customWorkloads.length > 0 ? options.customWorkloads : undefined;
    this.validation = {
      kubernetesVersion: options.kubernetesVersion,
      ...(custom !== undefined ? { customWorkloads: custom } : {}),
      ...(options.rules !== undefined && options.rules.length > 0 ? { rules: options.rules } : {}),
    };
    this.kinds = WorkloadKinds.of(custom);
  }

  /** Custom resources that may run pods but were not checked, by kind in first-seen order. */
  public get unchecked(): UncheckedKind[] {
    return [...this.missed.values()];
  }

  /**
   * The objects of one document that have violations, in document order, and the number of
   * objects with a string `kind` (none in a whole file means it holds no Kubernetes objects).
   */
  public check(document: ParsedDocument): { flagged: FlaggedObject[]; objects: number } {
    const flagged: FlaggedObject[] = [];
    let objects = 0;
    for (const object of documentObjects(document)) {
      if (typeof object.value?.kind === 'string') objects++;
      if (locatePodSpec(object.value, this.kinds) !== undefined) {
        this.workloads++;
      } else {
        this.countUnchecked(object.value);
      }
      const violations = validateManifests([object.value], this.validation);
      if (violations.length > 0) flagged.push({ object, violations });
    }
    return { flagged, objects };
  }

  private countUnchecked(value: unknown): void {
    const missed = uncheckedWorkload(value);
    if (missed === undefined) return;
    const known = this.missed.get(missed.kindName);
    if (known !== undefined) known.count++;
    else this.missed.set(missed.kindName, { ...missed, count: 1 });
  }
}
