/**
 * The heart of lint, shared by the main thread and the worker threads: parse documents, run the
 * rule engine on each object, and place every finding at its line and column.
 */
import { DocumentObject, documentObjects, IndexedChunk, ParsedDocument, parseChunk } from './documents';
import { DocumentLocator, parseFieldPath, PathSegment } from './locate';
import { locatePodSpec, uncheckedWorkload, WorkloadKinds } from '../lifecycle/pod-spec';
import { validateManifests } from '../rules/engine';
import { CustomWorkloadKind, Severity, ValidationOptions, Violation } from '../rules/violation';

/** What the rules judge against: the target version and the custom workload kinds named. */
export interface CheckOptions {
  readonly kubernetesVersion: string;
  readonly customWorkloads?: CustomWorkloadKind[];
}

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

/** The findings of one source (or a slice of its documents), whatever their severity. */
export interface SourceFindings {
  readonly resources: LintResource[];
  readonly workloads: number;
  /** Objects with a string `kind`: none means the source holds no Kubernetes objects. */
  readonly objects: number;
  /** Custom resources that may run pods but hold no pod spec the linter knows, by kind in first-seen order. */
  readonly unchecked: UncheckedKind[];
}

/** Lint documents of one source, in order. */
export function lintDocuments(documents: Iterable<ParsedDocument>, options: CheckOptions): SourceFindings {
  const resources: LintResource[] = [];
  const validation: ValidationOptions = options.customWorkloads !== undefined
    ? { kubernetesVersion: options.kubernetesVersion, customWorkloads: options.customWorkloads }
    : { kubernetesVersion: options.kubernetesVersion };
  const kinds = WorkloadKinds.of(options.customWorkloads);
  const unchecked = new Map<string, { kindName: string; count: number; reason?: string; suggestedPath?: string }>();
  let workloads = 0;
  let objects = 0;
  for (const document of documents) {
    const flagged: Array<{ object: DocumentObject; violations: Violation[] }> = [];
    for (const object of documentObjects(document)) {
      if (typeof object.value?.kind === 'string') objects++;
      if (locatePodSpec(object.value, kinds) !== undefined) {
        workloads++;
      } else {
        const missed = uncheckedWorkload(object.value);
        if (missed !== undefined) {
          const known = unchecked.get(missed.kindName);
          if (known !== undefined) known.count++;
          else unchecked.set(missed.kindName, { ...missed, count: 1 });
        }
      }
      const violations = validateManifests([object.value], validation);
      if (violations.length > 0) flagged.push({ object, violations });
    }
    const placed = flagged.length > 0 ? placeFindings(document, flagged) : [];
    if (document.notes !== undefined) addNotes(document, placed);
    resources.push(...placed);
  }
  return { resources, workloads, objects, unchecked: [...unchecked.values()] };
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

/** Parse and lint a slice of a YAML stream's documents: what each worker thread runs. */
export function lintChunks(file: string, chunks: readonly IndexedChunk[], options: CheckOptions): SourceFindings {
  return lintDocuments(parsedChunks(file, chunks), options);
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

