import { isMap, LineCounter, Node, parseAllDocuments, YAMLMap } from 'yaml';
import { locatePodSpec } from '../lifecycle/pod-spec';
import { validateManifests } from '../rules/engine';
import { Severity } from '../rules/violation';
import { isAtLeast, parseKubeVersion } from '../version';
import { parseSource, repeatedKey, SourceDocument, stringifyChanged } from './document';
import { MigrationSettings, NativeSidecar, PodTarget, Recorder } from './model';
import { mapAt, nodeAtPath, plain, seqAt, stringAt } from './nodes';
import { MigrateOptions, MigrateResult, MigrationChange, MigrationConcern } from './result';
import { moveLegacySidecars } from './sidecars';
import { removeWorkarounds } from './workarounds';
import { pushAll } from '../arrays';

/** Rules whose warnings on a moved sidecar repeat a concern this migration already reports. */
const REPORTED_BY_MIGRATION = new Set(['SC208', 'SC209']);

/**
 * Migrate the legacy sidecars of every workload in a YAML text (one or more documents) to native
 * sidecars, and remove the workarounds that makes redundant where that is certain. Documents
 * without a change come out byte for byte; changed ones keep their comments and key order.
 *
 * @throws Error `FILE:LINE:COLUMN: message` when the text is not valid YAML
 */
export function migrateText(text: string, options: MigrateOptions = {}): MigrateResult {
  const file = options.fileName ?? '<stdin>';
  const version = parseKubeVersion(options.kubernetesVersion);
  const settings: MigrationSettings = { sidecarNames: new Set(options.sidecars ?? []), version };
  const source = parseSource(text, file);
  const changes: MigrationChange[] = [];
  const concerns: MigrationConcern[] = [];
  const pieces: string[] = [];

  for (const document of source.documents) {
    const firstChange = changes.length;
    const firstConcern = concerns.length;
    const repeated = repeatedKey(document.doc);
    if (repeated !== undefined) {
      const contents = isMap(document.doc.contents) ? document.doc.contents : undefined;
      const line = lineOf(repeated.node, source.lineCounter) ?? 1;
      const kind = stringAt(contents, 'kind') ?? '';
      const name = stringAt(mapAt(contents, 'metadata'), 'name') || '<unnamed>';
      concerns.push({ file, line, kind, name, description: `key "${repeated.key}" appears twice in one mapping, which kubectl and Helm refuse (SC002); this document was left unchanged: remove the repeated key and migrate again` });
      pieces.push(document.source);
      continue;
    }
    try {
      const changed = migrateDocument(document, source.lineCounter, file, settings, options, changes, concerns);
      pieces.push(changed ? stringifyChanged(document) : document.source);
    } catch (error) {
      // An edit left the document in a state that cannot be read back (an alias without its
      // anchor, say): keep the document as it was and say so, rather than fail the whole file.
      // Its other findings described edits that are not in the output: drop them too.
      const dropped = changes.splice(firstChange);
      concerns.splice(firstConcern);
      const contents = document.doc.contents;
      const line = (contents ? lineOf(contents as Node, source.lineCounter) : undefined) ?? 1;
      const object = isMap(contents) ? contents : undefined;
      const kind = dropped[0]?.kind ?? stringAt(object, 'kind') ?? '';
      const name = dropped[0]?.name ?? (stringAt(mapAt(object, 'metadata'), 'name') || '<unnamed>');
      const first = dropped.length > 0 ? `; the first change would have been: ${dropped[0].description}` : '';
      concerns.push({ file, line, kind, name, description: `this document was left unchanged because migrating it failed (${(error as Error).message}); migrate it by hand${first}` });
      pieces.push(document.source);
    }
  }
  const output = pieces.join('') + source.trailer;
  if (output !== text) assertParses(output, file);
  return { output, changed: output !== text, changes, concerns };
}

/** Migrate every workload of one document in place; returns whether anything changed. */
function migrateDocument(document: SourceDocument, lineCounter: LineCounter, file: string, settings: MigrationSettings, options: MigrateOptions,
  changes: MigrationChange[], concerns: MigrationConcern[]): boolean {
  const { doc } = document;
  let changed = false;
  for (const object of objectsOf(doc.contents, '', concerns, file, lineCounter)) {
    const recorder = new ObjectRecorder(file, object, lineCounter, changes, concerns);
    const located = locatePodSpec({ kind: object.kind });
    if (located === undefined) continue;
    const segments = located.specPath.split('.');
    const spec = nodeAtPath(object.node, segments);
    if (!isMap(spec)) continue;
    const metadata = nodeAtPath(object.node, [...segments.slice(0, -1), 'metadata']);
    const jobSpec = located.runsToCompletion ? nodeAtPath(object.node, segments.slice(0, -2)) : undefined;
    const target: PodTarget = {
      doc,
      kind: object.kind,
      spec,
      specPath: object.prefix + located.specPath,
      ...(isMap(metadata) ? { metadata } : {}),
      runsToCompletion: located.runsToCompletion,
      ...(isMap(jobSpec) ? { jobSpec, jobSpecPath: object.prefix + segments.slice(0, -2).join('.') } : {}),
    };
    const natives = moveLegacySidecars(target, settings, recorder);
    if (isAtLeast(settings.version, 29)) removeWorkarounds(target, natives, settings, recorder);
    if (recorder.changed) {
      changed = true;
      validateObject(target, object, natives, options, recorder);
    }
  }
  return changed;
}

/** An object of the input: a top-level document, or an item of a `List`. */
interface SourceObject {
  readonly node: YAMLMap;
  readonly kind: string;
  readonly name: string;
  /** Path prefix of the object inside its document: `''`, or `items[2].`. */
  readonly prefix: string;
}

function objectsOf(contents: unknown, prefix: string, concerns: MigrationConcern[], file: string, lineCounter: LineCounter): SourceObject[] {
  if (!isMap(contents)) return [];
  const kind = stringAt(contents, 'kind') ?? '';
  const name = stringAt(mapAt(contents, 'metadata'), 'name') || '<unnamed>';
  const items = seqAt(contents, 'items');
  if (kind.endsWith('List') && items !== undefined) {
    const objects: SourceObject[] = [];
    items.items.forEach((item, index) => {
      if (isMap(item)) {
        pushAll(objects, objectsOf(item, `${prefix}items[${index}].`, concerns, file, lineCounter));
      } else if (item !== null && item !== undefined) {
        const line = lineOf(item as Node, lineCounter) ?? lineOf(contents, lineCounter) ?? 1;
        concerns.push({ file, line, kind, name, description: `items[${index}] of this ${kind} is not an object this migration can read (a YAML alias?); check it by hand`, path: `${prefix}items[${index}]` });
      }
    });
    return objects;
  }
  return [{ node: contents, kind, name, prefix }];
}

/** Records for one object, locating nodes by their line in the input. */
class ObjectRecorder implements Recorder {
  public changed = false;
  private readonly line: number;

  public constructor(private readonly file: string, private readonly object: SourceObject, private readonly lineCounter: LineCounter,
    private readonly changes: MigrationChange[], private readonly concerns: MigrationConcern[]) {
    this.line = lineOf(object.node, lineCounter) ?? 1;
  }

  public change(at: Node | undefined, description: string): void {
    this.changed = true;
    this.changes.push({ file: this.file, line: this.lineAt(at), kind: this.object.kind, name: this.object.name, description });
  }

  public concern(at: Node | undefined, description: string, path?: string): void {
    const line = this.lineAt(at);
    if (this.concerns.some(concern => concern.line === line && concern.description === description && concern.file === this.file)) return;
    const { kind, name } = this.object;
    this.concerns.push({ file: this.file, line, kind, name, description, ...(path !== undefined ? { path } : {}) });
  }

  private lineAt(node: Node | undefined): number {
    return (node !== undefined ? lineOf(node, this.lineCounter) : undefined) ?? this.line;
  }
}

/**
 * Lint the migrated object: every error left, and the warnings on the moved sidecars that the
 * migration did not already report, become concerns.
 */
function validateObject(target: PodTarget, object: SourceObject, natives: NativeSidecar[], options: MigrateOptions, recorder: Recorder): void {
  const manifest = plain(target.doc, object.node);
  const inits = seqAt(target.spec, 'initContainers')?.items ?? [];
  const relative = target.specPath.slice(object.prefix.length);
  const movedPaths = natives.filter(sidecar => sidecar.moved).map(sidecar => `${relative}.initContainers[${inits.indexOf(sidecar.node)}]`);
  const violations = validateManifests([manifest], options.kubernetesVersion !== undefined ? { kubernetesVersion: options.kubernetesVersion } : {});
  for (const violation of violations) {
    const onMoved = movedPaths.find(path => violation.path === path || violation.path.startsWith(`${path}.`));
    if (violation.severity !== Severity.ERROR && (onMoved === undefined || REPORTED_BY_MIGRATION.has(violation.ruleId))) continue;
    const moved = onMoved !== undefined ? natives.find(sidecar => sidecar.moved && `${relative}.initContainers[${inits.indexOf(sidecar.node)}]` === onMoved) : undefined;
    const fix = violation.fix ? `; ${violation.fix}` : '';
    recorder.concern(moved?.node, `${violation.severity} after migration: ${violation.message}${fix} [${violation.ruleId}]`, object.prefix + violation.path);
  }
}

function lineOf(node: Node, lineCounter: LineCounter): number | undefined {
  const offset = node.range?.[0];
  return offset !== undefined ? lineCounter.linePos(offset).line : undefined;
}

function assertParses(output: string, file: string): void {
  const docs = parseAllDocuments(output, { uniqueKeys: false });
  const errors = (Array.isArray(docs) ? docs : []).flatMap(doc => doc.errors);
  if (errors.length > 0) throw new Error(`${file}: internal error: the migrated YAML does not parse (${errors[0].message.split('\n')[0]}); please report it`);
}
