/**
 * lint's place stage: the violations of a document's objects as findings at the file, line and
 * column of the offending field, plus the document's input notes (a repeated key).
 */
import { ParsedDocument } from './documents';
import { FlaggedObject } from './lint-check';
import { DocumentLocator, parseFieldPath, PathSegment } from './locate';
import { Severity } from '../rules/violation';

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

/** The objects of one document with their findings placed, in document order; input notes first. */
export function placeFindings(document: ParsedDocument, flagged: readonly FlaggedObject[]): LintResource[] {
  const placed = flagged.length > 0 ? locateFindings(document, flagged) : [];
  if (document.notes !== undefined) addNotes(document, placed);
  return placed;
}

/** Find the lines of a document's findings with one locator, so the document is searched (or parsed) once. */
function locateFindings(document: ParsedDocument, flagged: readonly FlaggedObject[]): LintResource[] {
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

/**
 * Input notes (a repeated key) as findings at their own line: on the document's object when it
 * already has findings, otherwise on a resource of their own, first in the document.
 */
function addNotes(document: ParsedDocument, placed: LintResource[]): void {
  const findings: LintFinding[] = document.notes!.map(note => ({
    ruleId: note.ruleId,
    severity: Severity.ERROR,
    message: note.message,
    fix: note.fix,
    path: '',
    line: note.line,
    column: note.column,
  }));
  if (placed.length > 0 && placed[0].line === document.line) {
    placed[0] = { ...placed[0], findings: [...findings, ...placed[0].findings] };
    return;
  }
  const root: any = document.value;
  const isObject = root !== null && typeof root === 'object' && !Array.isArray(root);
  const name = isObject && typeof root.metadata?.name === 'string' && root.metadata.name ? root.metadata.name : '<unnamed>';
  const namespace = isObject && typeof root.metadata?.namespace === 'string' ? root.metadata.namespace : undefined;
  placed.unshift({
    file: document.file,
    line: document.line,
    kind: isObject && typeof root.kind === 'string' && root.kind ? root.kind : '<unknown>',
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    findings,
  });
}
