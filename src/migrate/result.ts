/** Options of `migrateText`. */
export interface MigrateOptions {
  /**
   * Names of regular containers to treat as sidecars even when their image is not a known helper
   * (`--sidecar NAME`, repeatable).
   * @default - only well-known helper images are moved
   */
  readonly sidecars?: string[];
  /**
   * The file name used in report lines and error messages.
   * @default '<stdin>'
   */
  readonly fileName?: string;
  /**
   * The Kubernetes minor version the manifests are meant for, e.g. `'1.33'`. Below 1.29 nothing is
   * moved (native sidecars are off); it also picks the rule set the output is validated with.
   * @default - the oldest Kubernetes minor supported upstream when the release was cut ('1.35')
   */
  readonly kubernetesVersion?: string;
}

/** One edit the migration made. */
export interface MigrationChange {
  readonly file: string;
  /** 1-based line in the input. */
  readonly line: number;
  /** `kind` of the object edited. */
  readonly kind: string;
  /** `metadata.name` of the object edited (`<unnamed>` when it has none). */
  readonly name: string;
  /** What was done and why, in one line. */
  readonly description: string;
}

/** Something the migration left for a person to check. */
export interface MigrationConcern {
  readonly file: string;
  /** 1-based line in the input. */
  readonly line: number;
  readonly kind: string;
  readonly name: string;
  readonly description: string;
  /** Kubernetes field path from the object's root, in the output, when there is one. */
  readonly path?: string;
}

/** The outcome of migrating one file. */
export interface MigrateResult {
  /** The migrated text; equal to the input when nothing changed. */
  readonly output: string;
  readonly changed: boolean;
  readonly changes: MigrationChange[];
  readonly concerns: MigrationConcern[];
}
