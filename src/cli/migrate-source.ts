/**
 * Migrating one input document by document: each document of a YAML stream is parsed with the
 * lint guards (documents.ts), and only one that holds a workload or a `List` goes through
 * `migrateText`, on its own, so the parse trees held at any time are those of one document, not
 * of the whole file; report lines and error positions are shifted back to the file's lines.
 * Untouched items of a changed `List` are then put back byte for byte (list-items.ts).
 */
import { locatePodSpec } from '../lifecycle/pod-spec';
import { migrateText, MigrateResult } from '../migrate';
import { IndexedChunk, indexedChunks, parseChunk, parseDocuments } from './documents';
import { InputError } from './errors';
import { keepUntouchedItems } from './list-items';
import { SourceText } from './sources';

/** Options of one migration run. */
export interface MigrateSourceOptions {
  readonly sidecars: readonly string[];
  readonly kubernetesVersion?: string;
}

/** The migration of one input: the result, and its output as pieces to write in order. */
export interface MigratedSource {
  /** The report entries; `output` is left empty, `pieces` hold the text. */
  readonly result: MigrateResult;
  /** The migrated text, in order; unchanged documents are slices of the input. */
  readonly pieces: readonly string[];
}

/**
 * Migrate every document of `source` in turn. A JSON file is one document. Throws InputError
 * when a document is unusable: `FILE:LINE:COLUMN: message` for invalid YAML, or what the lint
 * guards say (nesting, alias bombs).
 */
export function migrateSource(source: SourceText, options: MigrateSourceOptions): MigratedSource {
  const chunks: IndexedChunk[] = source.json ? [{ text: source.text, startLine: 1, index: 0 }] : indexedChunks(source.text);
  const result: { changes: MigrateResult['changes']; concerns: MigrateResult['concerns'] } = { changes: [], concerns: [] };
  const pieces: string[] = [];
  let changed = false;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    // The guards first, on this document: a bomb never reaches the migration's parser.
    const parsed = source.json ? parseDocuments(source).next().value : parseChunk(chunk, source.displayName);
    if (parsed === undefined || !mayChange(parsed.value)) {
      pieces.push(chunk.text);
      continue;
    }
    const migrated = migrateChunk(chunk.text, chunk.startLine, source.displayName, options);
    if (migrated.changed) {
      changed = true;
      const output = keepUntouchedItems(chunk.text, migrated.output);
      // A changed document must still end where the next one can begin.
      if (i < chunks.length - 1 && chunk.text.endsWith('\n') && !output.endsWith('\n')) {
        throw new Error(`${source.displayName}:${chunk.startLine}: the migrated document lost its final line break; please report it`);
      }
      pieces.push(output);
    } else {
      pieces.push(chunk.text);
    }
    const shift = chunk.startLine - 1;
    for (const change of migrated.changes) result.changes.push(shift === 0 ? change : { ...change, line: change.line + shift });
    for (const concern of migrated.concerns) result.concerns.push(shift === 0 ? concern : { ...concern, line: concern.line + shift });
  }
  return { result: { output: '', changed, changes: result.changes, concerns: result.concerns }, pieces };
}

/**
 * Whether the migration can have anything to do or say about a document: only a workload kind
 * with a pod spec, or a `List`, can change. Other documents (a Service, a ConfigMap) are passed
 * over without the migration's slower parse.
 */
function mayChange(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  if (typeof kind !== 'string') return false;
  return (kind.endsWith('List') && Array.isArray(items)) || locatePodSpec(value) !== undefined;
}

function migrateChunk(text: string, startLine: number, file: string, options: MigrateSourceOptions): MigrateResult {
  try {
    return migrateText(text, {
      sidecars: [...options.sidecars],
      fileName: file,
      ...(options.kubernetesVersion !== undefined ? { kubernetesVersion: options.kubernetesVersion } : {}),
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    // migrateText reports unusable YAML as `file:line:col: message`, with the line in this document.
    const prefix = `${file}:`;
    if (message.startsWith(prefix)) {
      const position = /^(\d+):(\d+): /.exec(message.slice(prefix.length));
      if (position === null) throw new InputError(message);
      const line = Number(position[1]) + startLine - 1;
      throw new InputError(`${file}:${line}:${position[2]}: ${message.slice(prefix.length + position[0].length)}`);
    }
    throw error;
  }
}
