/**
 * How serious a violation is.
 */
export enum Severity {
  /** The API server would reject the manifest, or the workload will hang or fail. */
  ERROR = 'error',
  /** Accepted by Kubernetes, but most likely a bug. */
  WARNING = 'warning',
  /** Advice. */
  INFO = 'info',
}

/**
 * One finding of the rule engine on a rendered manifest.
 */
export interface Violation {
  /** Stable rule id, e.g. `SC102`; see RULES.md. */
  readonly ruleId: string;
  /** How serious the finding is. */
  readonly severity: Severity;
  /** What is wrong, naming the container, the field and the value. */
  readonly message: string;
  /** The `kind` of the offending object (`<unknown>` when it has none). */
  readonly kind: string;
  /** The `metadata.name` of the offending object (`<unnamed>` when it has none). */
  readonly name: string;
  /**
   * The `metadata.namespace` of the offending object.
   * @default - the object has no namespace
   */
  readonly namespace?: string;
  /**
   * The Kubernetes field path from the object's root, exactly as the API server prints it,
   * e.g. `spec.template.spec.initContainers[0].readinessProbe`.
   */
  readonly path: string;
  /**
   * How to fix it.
   * @default - no fix is suggested
   */
  readonly fix?: string;
}

/**
 * Options for `ManifestValidator.validate`.
 */
export interface ValidationOptions {
  /**
   * The Kubernetes minor version the manifests are meant for, e.g. `'1.33'`.
   * Some verdicts change with the version (native sidecars need 1.29+, container restart
   * rules are accepted from 1.35, pod-level resources from 1.34).
   * @default - the oldest Kubernetes minor supported upstream when the release was cut ('1.35')
   */
  readonly kubernetesVersion?: string;

  /**
   * An upper bound for each workload's effective pod requests (KEP-753 formula), per resource,
   * e.g. `{ cpu: '2', memory: '4Gi' }`. Exceeding it is an error (SC302).
   * @default - no budget
   */
  readonly requestBudget?: { [resource: string]: string };

  /**
   * Custom resource kinds whose objects hold a pod spec, checked like workloads. Well-known ones
   * are built in (Argo Rollouts `Rollout`, OpenKruise `CloneSet` and `BroadcastJob`, KEDA
   * `ScaledJob`, Knative Serving `Service`, `Configuration` and `Revision`); name others here.
   * @default - only the built-in kinds
   */
  readonly customWorkloads?: CustomWorkloadKind[];

  /**
   * Rules turned off or given another severity for the whole run, each with a reason. Rules that
   * report what the API server rejects may only be raised.
   * @default - every rule at its own severity
   */
  readonly rules?: RuleSetting[];
}

/**
 * A custom resource kind whose objects hold a pod spec (a pod template's `spec`, or a pod spec
 * itself) at a fixed field path.
 */
export interface CustomWorkloadKind {
  /** The object's `kind`, e.g. `Rollout`. */
  readonly kind: string;

  /**
   * The API group of the object's `apiVersion`, e.g. `argoproj.io` (`''` for the core group).
   * @default - objects of this kind in any group
   */
  readonly group?: string;

  /** The dotted field path from the object's root to the pod spec, e.g. `spec.template.spec`. */
  readonly podSpecPath: string;

  /**
   * Whether the pods run to completion, as a Job's do (a long-running helper among the regular
   * containers then keeps them from ever completing, SC205).
   * @default false
   */
  readonly runsToCompletion?: boolean;
}

/**
 * A rule turned off, or given another severity, for a whole run (a repository's
 * `.cdk8s-sidecars.yaml`, the validation plugin's properties, `ValidationOptions.rules`).
 */
export interface RuleSetting {
  /** The rule id, e.g. `SC208`. */
  readonly ruleId: string;

  /** `off`, `error`, `warning` or `info`: the severity every finding of the rule gets, or none. */
  readonly severity: string;

  /**
   * Why the rule does not fit here, for whoever reads the setting later: at least 10 characters
   * that say something, as for a suppression.
   */
  readonly reason: string;
}
