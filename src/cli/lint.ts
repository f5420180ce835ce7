/**
 * `cdk8s-sidecars lint`: the rule engine over YAML and JSON files or stdin, each finding placed at
 * the file, line and column of the offending field. A pipeline of stages, one file each, in the
 * order the data flows:
 *
 *   read    sources.ts      paths to decoded text (files, folders, stdin), within the input limits
 *   parse   documents.ts    text to documents, one at a time, each with the line it starts on
 *   check   lint-check.ts   each object of a document through the rule engine
 *   place   lint-place.ts   violations to findings at the line and column of their field
 *   report  lint-report.ts  findings to text, JSON or SARIF
 *
 * This file runs the first four over every input and gathers what the report needs.
 */
import { parseDocuments } from './documents';
import { CliIo } from './io';
import { Checker, CheckOptions, UncheckedKind } from './lint-check';
import { LintResource, placeFindings } from './lint-place';
import { InputRef, readInput } from './sources';
import { pushAll } from '../arrays';
import { Severity } from '../rules/violation';

export type { UncheckedKind } from './lint-check';
export type { LintFinding, LintResource } from './lint-place';

/** What to check and what to report. */
export interface LintOptions extends CheckOptions {
  /** The target Kubernetes version, already validated (`1.33`). */
  readonly kubernetesVersion: string;
  /** Findings below this severity are counted but not reported. */
  readonly threshold: Severity;
}

/** A file a folder run passed over. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** Everything a report needs. */
export interface LintReport {
  readonly kubernetesVersion: string;
  readonly threshold: Severity;
  /** Objects with reported findings, in file order, document order, then engine order. */
  readonly resources: LintResource[];
  /** Reported findings per severity. */
  readonly counts: Record<Severity, number>;
  /** Findings below the threshold, not reported. */
  readonly hidden: number;
  /** Objects with a pod spec that were checked. */
  readonly workloads: number;
  /** Inputs read and checked (skipped ones not included). */
  readonly files: number;
  /** Files found in folders that hold no Kubernetes objects, in the order met. */
  readonly skipped: SkippedFile[];
  /** Custom resources that may run pods but were not checked, by kind. */
  readonly unchecked: UncheckedKind[];
}

const RANK: Record<Severity, number> = { [Severity.ERROR]: 3, [Severity.WARNING]: 2, [Severity.INFO]: 1 };

/** Whether `severity` is at or above `threshold`. */
export function meetsThreshold(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/**
 * Lint every input in order. Inputs are read one at a time and their documents parsed one at a
 * time; a bad one stops the run (exit 2). A file found in a folder that holds no Kubernetes
 * objects is skipped and listed, not linted.
 */
export async function lintInputs(inputs: readonly InputRef[], options: LintOptions, io: CliIo): Promise<LintReport> {
  const checker = new Checker(options);
  const resources: LintResource[] = [];
  const counts: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 0, [Severity.INFO]: 0 };
  const skipped: SkippedFile[] = [];
  let hidden = 0;
  for (const input of inputs) {
    const source = await readInput(input, io);
    if (source.skipped !== undefined) {
      skipped.push({ file: source.displayName, reason: source.skipped });
      continue;
    }
    const placed: LintResource[] = [];
    let objects = 0;
    for (const document of parseDocuments(source)) {
      const checked = checker.check(document);
      objects += checked.objects;
      pushAll(placed, placeFindings(document, checked.flagged));
    }
    if (source.fromFolder && objects === 0) {
      skipped.push({ file: source.displayName, reason: 'none of its documents has a kind' });
      continue;
    }
    for (const resource of placed) {
      const shown = resource.findings.filter(f => meetsThreshold(f.severity, options.threshold));
      hidden += resource.findings.length - shown.length;
      for (const finding of shown) counts[finding.severity]++;
      if (shown.length > 0) resources.push({ ...resource, findings: shown });
    }
  }
  return {
    kubernetesVersion: options.kubernetesVersion,
    threshold: options.threshold,
    resources,
    counts,
    hidden,
    workloads: checker.workloads,
    files: inputs.length - skipped.length,
    skipped,
    unchecked: checker.unchecked,
  };
}

/** `shop/web`, or `web` without a namespace. */
export function resourceName(resource: { readonly name: string; readonly namespace?: string }): string {
  return resource.namespace !== undefined ? `${resource.namespace}/${resource.name}` : resource.name;
}
