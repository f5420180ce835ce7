/**
 * A YAML stream (or a JSON file) split into documents, each parsed on its own with the line it
 * starts on. js-yaml parses (it is several times faster than `yaml`); the positions of fields are
 * found later, and only for documents that have findings (see locate.ts).
 *
 * Hostile input is bounded here: nesting deeper than MAX_NESTING levels and aliases that expand a
 * document beyond MAX_EXPANDED_NODES are refused with a one-line error naming the line.
 */
import * as jsyaml from 'js-yaml';
import { InputError } from './errors';
import { InputNote } from './io';
import { SourceText } from './sources';

/** Rule id of a key repeated in one mapping: read with the last value, reported, never fatal. */
export const DUPLICATE_KEY_RULE_ID = 'SC002';

/** Collections may nest this deep; Kubernetes objects need a few dozen levels at most. */
export const MAX_NESTING = 256;

/**
 * Aliases may expand a document to at most this many values (or ten per character of its text,
 * when that is more). A YAML "billion laughs" document is a few hundred bytes that expands to
 * 10^9 values; js-yaml shares aliased values by reference, so walking them is what would explode.
 */
export const MAX_EXPANDED_NODES = 100_000;

/** One document of a source, parsed. */
export interface ParsedDocument {
  /** The source's display name. */
  readonly file: string;
  /** 0-based position among the source's documents (empty documents included). */
  readonly index: number;
  /** The document's own text: what locate.ts searches. */
  readonly text: string;
  /** 1-based line in the source where `text` begins. */
  readonly startLine: number;
  /** 1-based line of the document's first content (after markers, comments and directives). */
  readonly line: number;
  /** True when the text is JSON (a `.json` file). */
  readonly json: boolean;
  /** The parsed value; never null or undefined (empty documents are dropped). */
  readonly value: unknown;
  /** Problems of the document's text that do not stop the run (a repeated key). */
  readonly notes?: InputNote[];
}

/** One object a document holds: the document itself, or an item of a `List`. */
export interface DocumentObject {
  readonly document: ParsedDocument;
  /** The object. */
  readonly value: any;
  /** Where the object sits in the document: `[]`, or `['items', 3]` for a List item. */
  readonly itemPath: ReadonlyArray<string | number>;
}

/** A stretch of a YAML stream holding one document. */
export interface DocumentChunk {
  readonly text: string;
  /** 1-based line of the chunk's first line. */
  readonly startLine: number;
}

/** A chunk with its position among the source's documents. */
export interface IndexedChunk extends DocumentChunk {
  /** 0-based position among the source's documents (empty ones included). */
  readonly index: number;
}

/**
 * Parse the documents of a source one at a time, in order; empty documents are skipped. A
 * generator, so that a caller done with a document lets it go before the next is parsed.
 */
export function* parseDocuments(source: SourceText): Generator<ParsedDocument> {
  if (source.skipped !== undefined) return;
  if (source.json) {
    yield parseJson(source);
    return;
  }
  for (const chunk of indexedChunks(source.text)) {
    const document = parseChunk(chunk, source.displayName);
    if (document === undefined) continue;
    if (document.notes !== undefined && source.onInputNote !== undefined) document.notes.forEach(source.onInputNote);
    yield document;
  }
}

/** The documents of a YAML stream, unparsed, numbered in order. */
export function indexedChunks(text: string): IndexedChunk[] {
  return splitDocuments(text).map((chunk, index) => ({ text: chunk.text, startLine: chunk.startLine, index }));
}

/** Parse one document of a YAML stream; undefined when it is empty. */
export function parseChunk(chunk: IndexedChunk, file: string): ParsedDocument | undefined {
  const { value, note } = loadYaml(chunk, file);
  if (value === null || value === undefined) return undefined;
  return {
    file,
    index: chunk.index,
    text: chunk.text,
    startLine: chunk.startLine,
    line: chunk.startLine + firstContentLine(chunk.text),
    json: false,
    value,
    ...(note !== undefined ? { notes: [note] } : {}),
  };
}

/** Parse every document and drop it: the guards of parseDocuments, for commands that parse by other means. */
export function checkDocuments(source: SourceText): void {
  const documents = parseDocuments(source);
  while (!documents.next().done) {
    // Each step parses and checks one document.
  }
}

/**
 * The objects of a document in order, `List` objects expanded (as the rule engine does:
 * a kind ending in `List` with an `items` array).
 */
export function documentObjects(document: ParsedDocument): DocumentObject[] {
  const objects: DocumentObject[] = [];
  const pending: Array<{ value: any; itemPath: Array<string | number> }> = [{ value: document.value, itemPath: [] }];
  while (pending.length > 0) {
    const { value, itemPath } = pending.pop()!;
    if (isList(value)) {
      for (let i = value.items.length - 1; i >= 0; i--) pending.push({ value: value.items[i], itemPath: [...itemPath, 'items', i] });
    } else {
      objects.push({ document, value, itemPath });
    }
  }
  return objects;
}

function isList(value: any): value is { kind: string; items: unknown[] } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/** A document marker at the start of a line: `---` or `...`, then a space, a tab or the end of the line. */
const MARKER = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
/** A line with something other than a comment or a directive. */
const CONTENT_LINE = /^[ \t]*[^\s#%]|^[ \t]+%/m;

/**
 * Split a YAML stream at its document markers, keeping each chunk's starting line. A `---` line
 * begins a chunk (content may follow it on the same line); a `...` line ends one. Comments and
 * directives before a `---` stay with the document that follows. Markers are recognised only at
 * the start of a line, where YAML forbids them inside any scalar, so the split agrees with a parser.
 */
export function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  let chunkStart = 0;
  let chunkStartLine = 1;
  let scanned = 0;
  let line = 1;
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match !== null; match = MARKER.exec(text)) {
    const at = match.index;
    line += countNewlines(text, scanned, at);
    scanned = at;
    if (match[1] === '---') {
      if (at > chunkStart && CONTENT_LINE.test(text.slice(chunkStart, at))) {
        chunks.push({ text: text.slice(chunkStart, at), startLine: chunkStartLine });
        chunkStart = at;
        chunkStartLine = line;
      }
    } else {
      const newline = text.indexOf('\n', at);
      const end = newline === -1 ? text.length : newline + 1;
      chunks.push({ text: text.slice(chunkStart, end), startLine: chunkStartLine });
      chunkStart = end;
      chunkStartLine = newline === -1 ? line : line + 1;
      MARKER.lastIndex = end;
    }
  }
  if (chunkStart < text.length) chunks.push({ text: text.slice(chunkStart), startLine: chunkStartLine });
  return chunks;
}

/** js-yaml 4 exports its built-in types, but @types/js-yaml does not declare them. */
type TypeName = 'null' | 'bool' | 'int' | 'float' | 'merge' | 'binary' | 'omap' | 'pairs' | 'set' | 'timestamp';
const YAML_TYPES = (jsyaml as unknown as { types: Record<TypeName, jsyaml.Type> }).types;

/**
 * Plain scalars that start with a letter other than n, t or f (either case) are strings under every
 * implicit type below: null is `~`/`null`, booleans are `true`/`false`, numbers start with a digit,
 * a sign or a dot, and a merge key is `<<`. Tried first, this one answers for most keys and values
 * (`name`, `image`, `registry.example/app:1.0`) instead of each of the others failing in turn.
 */
const PLAIN_WORD = new jsyaml.Type('tag:yaml.org,2002:str', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && data.length > 0 && isPlainWordStart(data.charCodeAt(0)),
  construct: (data: string) => data,
});

function isPlainWordStart(code: number): boolean {
  return code < 128 && PLAIN_WORD_STARTS[code] === 1;
}

/** 1 for the ASCII letters other than n, t and f (either case), which may begin null, true or false. */
const PLAIN_WORD_STARTS = (() => {
  const starts = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    const letter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (letter && !'nNtTfF'.includes(String.fromCharCode(code))) starts[code] = 1;
  }
  return starts;
})();

/**
 * The YAML 1.2 core schema plus `<<` merge keys, with the other YAML 1.1 types (timestamps,
 * binary, sets) recognised only when tagged. Kubernetes reads `creationTimestamp: 2024-01-01T...`
 * as a string, not a date; and resolving every plain scalar against the timestamp pattern is
 * about a quarter of js-yaml's time on a typical stream. The same values as `CORE_SCHEMA` plus
 * merge, with PLAIN_WORD in front.
 */
const KUBERNETES_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [PLAIN_WORD, YAML_TYPES.null, YAML_TYPES.bool, YAML_TYPES.int, YAML_TYPES.float, YAML_TYPES.merge],
  explicit: [YAML_TYPES.binary, YAML_TYPES.omap, YAML_TYPES.pairs, YAML_TYPES.set, YAML_TYPES.timestamp],
});

/**
 * A repeated key is an error here (js-yaml's default), so that it is found and reported; the
 * document is then read again with json: true, which keeps the last value as the API server does.
 * maxDepth (js-yaml 4.1.1+, not yet in its type definitions) bounds js-yaml's recursion, so deep
 * nesting is an error, not a stack overflow.
 */
const LOAD_OPTIONS = { json: false, schema: KUBERNETES_SCHEMA, maxDepth: MAX_NESTING + 1 } as jsyaml.LoadOptions;
const LOAD_LAST_KEY_WINS = { ...LOAD_OPTIONS, json: true } as jsyaml.LoadOptions;

function loadYaml(chunk: DocumentChunk, file: string): { value: unknown; note?: InputNote } {
  let value: unknown;
  let note: InputNote | undefined;
  try {
    value = jsyaml.load(chunk.text, LOAD_OPTIONS);
  } catch (error) {
    const duplicate = duplicateKeyNote(error, chunk, file);
    if (duplicate === undefined) throw yamlError(error, chunk, file);
    note = duplicate;
    try {
      value = jsyaml.load(chunk.text, LOAD_LAST_KEY_WINS);
    } catch (again) {
      throw yamlError(again, chunk, file);
    }
  }
  // Aliases are the only way a YAML document holds more values than its text; none, no walk needed.
  if (value !== null && typeof value === 'object' && chunk.text.indexOf('*') !== -1) {
    checkShape(value, chunk.text.length, `${file}:${chunk.startLine + firstContentLine(chunk.text)}`);
  }
  return note !== undefined ? { value, note } : { value };
}

/** A js-yaml error as one line at the stream's line and column. */
function yamlError(error: unknown, chunk: DocumentChunk, file: string): unknown {
  if (!(error instanceof jsyaml.YAMLException)) return error;
  const mark = (error as any).mark as { line: number; column: number } | undefined;
  const reason: string = (error as any).reason ?? error.message;
  if (!mark && /found more/.test(reason)) {
    // Content after a `...` document end marker on its own line: only a comment may follow it.
    const after = /^\.\.\.[ \t]+(?=[^\s#])/m.exec(chunk.text);
    if (after) {
      const { line, column } = lineAndColumn(chunk.text, after.index + after[0].length);
      return new InputError(`${file}:${chunk.startLine + line - 1}:${column}: only a comment may follow the document end marker "..." on its line`);
    }
  }
  const where = mark ? `${file}:${chunk.startLine + mark.line}:${mark.column + 1}` : `${file}:${chunk.startLine + firstContentLine(chunk.text)}`;
  if (/maxDepth/.test(reason)) return tooDeep(where);
  const helm = chunk.text.indexOf('{{') !== -1 ? '; this looks like a Helm template: lint the output of helm template instead' : '';
  return new InputError(`${where}: ${reason}${helm}`);
}

/** The note for js-yaml's "duplicated mapping key" error, naming the key and its line; undefined for other errors. */
function duplicateKeyNote(error: unknown, chunk: DocumentChunk, file: string): InputNote | undefined {
  if (!(error instanceof jsyaml.YAMLException) || (error as any).reason !== 'duplicated mapping key') return undefined;
  const mark = (error as any).mark as { line: number; column: number; position: number } | undefined;
  if (!mark) return undefined;
  const key = keyAt(chunk.text, mark.position);
  const named = key !== undefined ? `key "${key}"` : 'a key';
  return {
    file,
    line: chunk.startLine + mark.line,
    column: mark.column + 1,
    ruleId: DUPLICATE_KEY_RULE_ID,
    message: `${named} appears twice in the same mapping: kubectl and Helm refuse the document ("mapping key already defined"), and the API server keeps only the last value (with a "duplicate field" warning, or an error under strict field validation); the checks here read the last value`,
    fix: `remove one of the two ${key !== undefined ? `"${key}" keys` : 'keys'}, keeping the value you mean`,
  };
}

/** The key written at `offset`: a plain or quoted scalar up to its `:`; undefined when it is anything else. */
function keyAt(text: string, offset: number): string | undefined {
  const lineEnd = text.indexOf('\n', offset);
  const rest = text.slice(offset, lineEnd === -1 ? Math.min(text.length, offset + 300) : Math.min(lineEnd, offset + 300));
  const match = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s:#,[\]{}][^:#]*?))[ \t]*:(?:[ \t]|$)/.exec(rest);
  if (!match) return undefined;
  return match[1] ?? match[2]?.replace(/''/g, "'") ?? match[3];
}

function parseJson(source: SourceText): ParsedDocument {
  const text = source.text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const { line, column } = lineAndColumn(text, offset);
    const reason = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    throw new InputError(`${source.displayName}:${line}:${column}: ${lowerFirst(reason)}`);
  }
  const line = lineAndColumn(text, text.search(/\S/) === -1 ? 0 : text.search(/\S/)).line;
  // JSON.parse has no depth limit of its own: the depth is checked on the result.
  if (value !== null && typeof value === 'object') checkShape(value, text.length, `${source.displayName}:${line}`);
  return { file: source.displayName, index: 0, text, startLine: 1, line, json: true, value };
}

/**
 * Walk a parsed value without recursion: refuse nesting deeper than MAX_NESTING, and stop as soon
 * as aliases have expanded it past the node budget, so a YAML bomb costs O(budget), not O(10^9).
 */
function checkShape(root: object, textLength: number, where: string): void {
  const budget = Math.max(MAX_EXPANDED_NODES, textLength * 10);
  const values: unknown[] = [root];
  const depths: number[] = [1];
  let visited = 0;
  while (values.length > 0) {
    const value = values.pop() as any;
    const depth = depths.pop()!;
    if (depth > MAX_NESTING) throw tooDeep(where);
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    visited += children.length;
    if (visited > budget) {
      throw new InputError(`${where}: YAML aliases expand this document beyond ${budget} values (a possible alias bomb); write the repeated parts out or split the document`);
    }
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
}

function tooDeep(where: string): InputError {
  return new InputError(`${where}: the document nests deeper than ${MAX_NESTING} levels`);
}

/** 0-based index of the first line that is not blank, a comment, a directive or a bare `---`. */
function firstContentLine(text: string): number {
  let line = 0;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const content = text.slice(start, end).trim();
    if (content !== '' && !content.startsWith('#') && !content.startsWith('%') && !/^---(\s+#.*)?$/.test(content)) return line;
    if (newline === -1) break;
    start = newline + 1;
    line++;
  }
  return 0;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  const line = countNewlines(text, 0, clamped) + 1;
  const lineStart = clamped === 0 ? 0 : text.lastIndexOf('\n', clamped - 1) + 1;
  return { line, column: clamped - lineStart + 1 };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
