/**
 * The heart of lint, shared by the main thread and the worker threads: parse documents, run the
 * rule engine on each object, and place every finding at its line and column.
 */
import { DocumentObject, documentObjects, IndexedChunk, ParsedDocument, parseChunk } from './documents';
import { DocumentLocator, parseFieldPath, PathSegment } from './locate';
import { locatePodSpec } from '../lifecycle/pod-spec';
import { validateManifests } from '../rules/engine';
import { Severity, Violation } from '../rules/violation';

/** One finding, placed in its source. */
export interface LintFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
  /** The Kubernetes field path from the object's root. */
  readonly path: string;
  /** 1-based line and column of the field (or of the deepest part of its path that exists). */
  readonly line: number;
  readonly column: number;
}

/** An object with findings. */
export interface LintResource {
  readonly file: string;
  /** 1-based line where the object starts. */
  readonly line: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly findings: LintFinding[];
}

/** The findings of one source (or a slice of its documents), whatever their severity. */
export interface SourceFindings {
  readonly resources: LintResource[];
  readonly workloads: number;
}

/** Lint documents of one source, in order. */
export function lintDocuments(documents: Iterable<ParsedDocument>, kubernetesVersion: string): SourceFindings {
  const resources: LintResource[] = [];
  let workloads = 0;
  for (const document of documents) {
    const flagged: Array<{ object: DocumentObject; violations: Violation[] }> = [];
    for (const object of documentObjects(document)) {
      if (locatePodSpec(object.value) !== undefined) workloads++;
      const violations = validateManifests([object.value], { kubernetesVersion });
      if (violations.length > 0) flagged.push({ object, violations });
    }
    if (flagged.length > 0) resources.push(...placeFindings(document, flagged));
  }
  return { resources, workloads };
}

/** Parse and lint a slice of a YAML stream's documents: what each worker thread runs. */
export function lintChunks(file: string, chunks: readonly IndexedChunk[], kubernetesVersion: string): SourceFindings {
  return lintDocuments(parsedChunks(file, chunks), kubernetesVersion);
}

function* parsedChunks(file: string, chunks: readonly IndexedChunk[]): Generator<ParsedDocument> {
  for (const chunk of chunks) {
    const document = parseChunk(chunk, file);
    if (document !== undefined) yield document;
  }
}

/** Find the lines of a document's findings with one locator, so the document is searched (or parsed) once. */
function placeFindings(document: ParsedDocument, flagged: Array<{ object: DocumentObject; violations: Violation[] }>): LintResource[] {
  const paths: PathSegment[][] = [];
  for (const { object, violations } of flagged) {
    paths.push([...object.itemPath]);
    for (const violation of violations) paths.push([...object.itemPath, ...parseFieldPath(violation.path)]);
  }
  const positions = new DocumentLocator(document).locateAll(paths);
  let next = 0;
  return flagged.map(({ object, violations }) => {
    const objectPosition = positions[next++];
    const first = violations[0];
    const findings = violations.map((violation): LintFinding => {
      const position = positions[next++];
      return {
        ruleId: violation.ruleId,
        severity: violation.severity,
        message: violation.message,
        ...(violation.fix !== undefined ? { fix: violation.fix } : {}),
        path: violation.path,
        line: position.line,
        column: position.column,
      };
    });
    return {
      file: document.file,
      line: object.itemPath.length === 0 ? document.line : objectPosition.line,
      kind: first.kind,
      name: first.name,
      ...(first.namespace !== undefined ? { namespace: first.namespace } : {}),
      findings,
    };
  });
}

