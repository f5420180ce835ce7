/**
 * `cdk8s-sidecars lint`: the rule engine over YAML and JSON files or stdin, each finding placed at
 * the file, line and column of the offending field.
 */
import { indexedChunks, parseDocuments } from './documents';
import { CliIo } from './io';
import { CheckOptions, lintDocuments, UncheckedKind, type LintResource, type SourceFindings } from './lint-core';
import { joinFindings, lintChunksInParallel, parallelWorkers } from './lint-parallel';
import { InputRef, readInput, SourceText } from './sources';
import { CustomWorkloadKind, Severity } from '../rules/violation';

export type { LintFinding, LintResource, SourceFindings, UncheckedKind } from './lint-core';

/** What to check and what to report. */
export interface LintOptions {
  /** The target Kubernetes version, already validated (`1.33`). */
  readonly kubernetesVersion: string;
  /** Findings below this severity are counted but not reported. */
  readonly threshold: Severity;
  /** Custom resource kinds to check at a pod-spec path (--workload-kind). */
  readonly customWorkloads?: CustomWorkloadKind[];
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
 * Lint every input in order. Inputs are read one at a time; a bad one stops the run (exit 2).
 * A file found in a folder that holds no Kubernetes objects is skipped and listed, not linted.
 */
export async function lintInputs(inputs: readonly InputRef[], options: LintOptions, io: CliIo): Promise<LintReport> {
  const resources: LintResource[] = [];
  const counts: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 0, [Severity.INFO]: 0 };
  const skipped: SkippedFile[] = [];
  const unchecked: SourceFindings[] = [];
  let hidden = 0;
  let workloads = 0;
  for (const input of inputs) {
    const source = await readInput(input, io);
    if (source.skipped !== undefined) {
      skipped.push({ file: source.displayName, reason: source.skipped });
      continue;
    }
    const result = await lintSourceInParallel(source, options, io);
    if (source.fromFolder && result.objects === 0) {
      skipped.push({ file: source.displayName, reason: 'none of its documents has a kind' });
      continue;
    }
    workloads += result.workloads;
    if (result.unchecked.length > 0) unchecked.push(result);
    for (const resource of result.resources) {
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
    workloads,
    files: inputs.length - skipped.length,
    skipped,
    unchecked: joinFindings(unchecked).unchecked,
  };
}

/** Lint one source in this thread: every finding, whatever its severity. */
export function lintSource(source: SourceText, options: CheckOptions): SourceFindings {
  return lintDocuments(parseDocuments(source), checkOptions(options));
}

function checkOptions(options: CheckOptions): CheckOptions {
  return options.customWorkloads !== undefined && options.customWorkloads.length > 0
    ? { kubernetesVersion: options.kubernetesVersion, customWorkloads: options.customWorkloads }
    : { kubernetesVersion: options.kubernetesVersion };
}

/**
 * Lint one source, its documents spread over worker threads when it is big enough to gain from
 * it (see lint-parallel.ts); the findings are the same, in the same order, either way.
 */
export async function lintSourceInParallel(source: SourceText, options: CheckOptions, io: CliIo): Promise<SourceFindings> {
  const workers = parallelWorkers(source, io);
  if (workers < 2) return lintSource(source, options);
  return lintChunksInParallel(source.displayName, indexedChunks(source.text), checkOptions(options), workers);
}

/** `shop/web`, or `web` without a namespace. */
export function resourceName(resource: { readonly name: string; readonly namespace?: string }): string {
  return resource.namespace !== undefined ? `${resource.namespace}/${resource.name}` : resource.name;
}
