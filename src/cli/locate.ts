/**
 * Where a Kubernetes field path (`spec.template.spec.initContainers[0].startupProbe`) sits in a
 * document's text, as a line and column of the source.
 *
 * Only documents with findings get here, but on real streams that can be most of them, so the
 * common case is made cheap: block-style YAML (what Helm, Kustomize and cdk8s write) is searched
 * line by line by indentation, JSON by one token scan per document. Anything the line scanner does
 * not understand (flow collections, explicit keys, aliases) or a field it cannot find although the
 * parsed object has it goes to the `yaml` package, which parses the document exactly. When a field
 * is absent (a finding about a missing probe), the deepest part of the path that exists is given.
 */
import type { LineCounter, Node as YamlNode, Document as YamlDocument } from 'yaml';
import { lineAndColumn, ParsedDocument } from './documents';

/** One segment of a field path: a key, or a list index. */
export type PathSegment = string | number;

/** A position in a source: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Split a field path as the API server prints it: `a.b[0].c`, and `metadata.annotations[x.io/y]`
 * where a bracket holds a key that may contain dots. Digits in brackets are list indexes.
 */
export function parseFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  let current = '';
  const flush = () => {
    if (current !== '') segments.push(current);
    current = '';
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const close = path.indexOf(']', i + 1);
      const inner = close === -1 ? path.slice(i + 1) : path.slice(i + 1, close);
      segments.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = close === -1 ? path.length : close + 1;
    } else {
      current += c;
      i++;
    }
  }
  flush();
  return segments;
}

/** Finds the positions of field paths in one document; build it once per document with findings. */
export class DocumentLocator {
  private scanner?: BlockScanner;
  private exact?: ExactLocator;

  constructor(private readonly document: ParsedDocument) {}

  /** The position of each path (deepest existing part), in the order given. */
  public locateAll(paths: ReadonlyArray<ReadonlyArray<PathSegment>>): Position[] {
    if (this.document.json) return locateJson(this.document, paths);
    return paths.map(path => this.locate(path));
  }

  private locate(path: ReadonlyArray<PathSegment>): Position {
    this.scanner ??= new BlockScanner(this.document.text);
    const found = this.scanner.find(path, this.document.value);
    const offset = found ?? this.exactLocator().find(path);
    if (offset === undefined) return { line: this.document.line, column: 1 };
    return { line: this.document.startLine + offset.line, column: offset.column + 1 };
  }

  private exactLocator(): ExactLocator {
    this.exact ??= new ExactLocator(this.document.text);
    return this.exact;
  }
}

/** A position inside a document: 0-based line and column. */
interface Offset {
  readonly line: number;
  readonly column: number;
}

/** A block node: it starts at this line and column (mid-line for the content of `- key: v`). */
interface BlockNode {
  readonly line: number;
  readonly column: number;
}

/** A mapping entry or sequence item found by the scanner: where it starts, and its value node. */
interface BlockEntry {
  readonly at: Offset;
  /** The value's node; undefined for scalars, empty values and anything the scanner does not read. */
  readonly value?: BlockNode;
  /** True when the value is something the scanner cannot descend into (flow collection, alias). */
  readonly opaque: boolean;
}

/** The scanner gave up: the document is not plain block YAML where the path runs. */
const UNSUPPORTED = Symbol('unsupported');

/**
 * Indentation-based search of block YAML. It never parses values; it reads keys and `-` items at
 * the indentation where they must be, and returns undefined when it is unsure so that the exact
 * parser decides.
 */
class BlockScanner {
  private readonly lines: string[];
  /** Indentation of each line; -1 for blank and comment lines, -2 for tab-indented lines. */
  private readonly indents: Int32Array;
  private readonly mappings = new Map<string, Map<string, BlockEntry> | typeof UNSUPPORTED>();
  private readonly sequences = new Map<string, BlockEntry[] | typeof UNSUPPORTED>();
  private readonly root: BlockNode | typeof UNSUPPORTED | undefined;

  constructor(text: string) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    this.lines.forEach((line, i) => {
      this.indents[i] = indentOf(line);
    });
    this.root = this.findRoot();
  }

  /**
   * The offset of the deepest part of `path` that exists, or undefined when the scanner cannot
   * tell (the caller then asks the exact parser).
   */
  public find(path: ReadonlyArray<PathSegment>, value: unknown): Offset | undefined {
    if (this.root === UNSUPPORTED || this.root === undefined) return undefined;
    let node: BlockNode | undefined = this.root;
    let data: any = value;
    let deepest: Offset = { line: this.root.line, column: this.root.column };
    for (const segment of path) {
      const exists = hasSegment(data, segment);
      if (node === undefined) return exists ? undefined : deepest;
      const entry: BlockEntry | undefined | typeof UNSUPPORTED = typeof segment === 'number' ? this.item(node, segment) : this.entry(node, segment);
      if (entry === UNSUPPORTED) return exists ? undefined : deepest;
      if (entry === undefined) return exists ? undefined : deepest;
      deepest = entry.at;
      if (entry.opaque) node = undefined; else node = entry.value;
      data = exists ? data[segment] : undefined;
    }
    return deepest;
  }

  private entry(node: BlockNode, key: string): BlockEntry | undefined | typeof UNSUPPORTED {
    const entries = this.mappingAt(node);
    return entries === UNSUPPORTED ? UNSUPPORTED : entries.get(key);
  }

  private item(node: BlockNode, index: number): BlockEntry | undefined | typeof UNSUPPORTED {
    const items = this.sequenceAt(node);
    return items === UNSUPPORTED ? UNSUPPORTED : items[index];
  }

  /** Every entry of the block mapping starting at `node`: the first at the node, the rest at its column below. */
  private mappingAt(node: BlockNode): Map<string, BlockEntry> | typeof UNSUPPORTED {
    const cacheKey = `${node.line}:${node.column}`;
    const cached = this.mappings.get(cacheKey);
    if (cached !== undefined) return cached;
    let result: Map<string, BlockEntry> | typeof UNSUPPORTED = new Map();
    for (const line of this.linesAt(node, false)) {
      const column = line === node.line ? node.column : this.indents[line];
      const entry = this.readMappingEntry(line, column);
      if (entry === UNSUPPORTED) {
        result = UNSUPPORTED;
        break;
      }
      // Duplicate keys: the last one wins, as when parsing.
      result.set(entry.key, entry.entry);
    }
    this.mappings.set(cacheKey, result);
    return result;
  }

  /** Every item of the block sequence starting at `node`. */
  private sequenceAt(node: BlockNode): BlockEntry[] | typeof UNSUPPORTED {
    const cacheKey = `${node.line}:${node.column}`;
    const cached = this.sequences.get(cacheKey);
    if (cached !== undefined) return cached;
    let result: BlockEntry[] | typeof UNSUPPORTED = [];
    for (const line of this.linesAt(node, true)) {
      const column = line === node.line ? node.column : this.indents[line];
      const item = this.readSequenceItem(line, column);
      if (item === UNSUPPORTED) {
        result = UNSUPPORTED;
        break;
      }
      result.push(item);
    }
    this.sequences.set(cacheKey, result);
    return result;
  }

  /**
   * The lines holding the entries of the collection at `node`: its own line, then each later line
   * indented exactly as the node until one is indented less. In a mapping, `-` lines at the same
   * indentation are the compact sequence value of the entry above; a sequence ends at a line that
   * is not a `-` item.
   */
  private linesAt(node: BlockNode, sequence: boolean): number[] {
    if (sequence && !isDashAt(this.lines[node.line], node.column)) return [];
    const lines = [node.line];
    for (let line = node.line + 1; line < this.lines.length; line++) {
      const indent = this.indents[line];
      if (indent === -1) continue;
      if (indent === -2 || indent < node.column) break;
      if (indent > node.column) continue;
      const dash = isDashAt(this.lines[line], indent);
      if (sequence && !dash) break;
      if (!sequence && dash) continue;
      lines.push(line);
    }
    return lines;
  }

  private readMappingEntry(line: number, column: number): { key: string; entry: BlockEntry } | typeof UNSUPPORTED {
    const text = this.lines[line];
    const key = readKey(text, column);
    if (key === undefined) return UNSUPPORTED;
    return { key: key.key, entry: this.valueEntry({ line, column }, line, key.valueColumn, column) };
  }

  private readSequenceItem(line: number, column: number): BlockEntry | typeof UNSUPPORTED {
    const text = this.lines[line];
    let content = column + 1;
    while (text[content] === ' ') content++;
    const rest = stripComment(text.slice(content));
    if (rest === '') {
      const next = this.nextContentLine(line);
      if (next !== undefined && this.indents[next] > column) {
        const at = { line: next, column: this.indents[next] };
        return { at, value: at, opaque: false };
      }
      return { at: { line, column: content }, opaque: false };
    }
    const at = { line, column: content };
    if (/^[&!]/.test(rest)) return UNSUPPORTED;
    if (/^[{[*]/.test(rest)) return { at, opaque: true };
    if (/^[|>]/.test(rest)) return { at, opaque: false };
    // A mapping or a nested sequence can start right after the dash; a scalar has no entries.
    return { at, value: at, opaque: false };
  }

  /** The value after `key:` on `line`: on the same line (a scalar or a flow collection) or on the lines below. */
  private valueEntry(at: Offset, line: number, valueColumn: number, keyColumn: number): BlockEntry {
    const rest = stripComment(this.lines[line].slice(valueColumn)).replace(/^(?:[&!][^\s]*\s*)+/, '');
    if (rest === '') {
      const next = this.nextContentLine(line);
      if (next === undefined) return { at, opaque: false };
      const indent = this.indents[next];
      if (indent > keyColumn || (indent === keyColumn && isDashAt(this.lines[next], indent))) {
        return { at, value: { line: next, column: indent }, opaque: false };
      }
      return { at, opaque: false };
    }
    return { at, opaque: /^[{[*]/.test(rest) };
  }

  private nextContentLine(line: number): number | undefined {
    for (let next = line + 1; next < this.lines.length; next++) {
      if (this.indents[next] !== -1) return this.indents[next] === -2 ? undefined : next;
    }
    return undefined;
  }

  private findRoot(): BlockNode | typeof UNSUPPORTED | undefined {
    for (let line = 0; line < this.lines.length; line++) {
      const indent = this.indents[line];
      if (indent === -1) continue;
      if (indent === -2) return UNSUPPORTED;
      const content = this.lines[line].slice(indent).replace(/\r$/, '');
      if (indent === 0 && (content.startsWith('%') || /^---\s*(#.*)?$/.test(content))) continue;
      if (/^(---|\.\.\.)(\s|$)/.test(content) || /^[{[?&!*|>]/.test(content)) return UNSUPPORTED;
      return { line, column: indent };
    }
    return undefined;
  }
}

/** Leading spaces of a line; -1 when blank or a comment, -2 when a tab comes before the content. */
function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  const c = line[i];
  if (c === undefined || c === '\r' || c === '#') return -1;
  if (c === '\t') {
    let j = i;
    while (line[j] === ' ' || line[j] === '\t') j++;
    const next = line[j];
    return next === undefined || next === '\r' || next === '#' ? -1 : -2;
  }
  return i;
}

function isDashAt(line: string, column: number): boolean {
  if (line[column] !== '-') return false;
  const next = line[column + 1];
  return next === undefined || next === ' ' || next === '\r';
}

/** A mapping key at `column`: plain, or quoted without escapes; undefined when it is anything else. */
function readKey(line: string, column: number): { key: string; valueColumn: number } | undefined {
  const c = line[column];
  if (c === '"' || c === '\'') {
    const close = line.indexOf(c, column + 1);
    if (close === -1) return undefined;
    const key = line.slice(column + 1, close);
    if ((c === '"' && key.includes('\\')) || (c === '\'' && line[close + 1] === '\'')) return undefined;
    if (line[close + 1] !== ':' || !endsToken(line, close + 2)) return undefined;
    return { key, valueColumn: close + 2 };
  }
  if (c === undefined || '?{[&!*|>#-\'"%@`,'.includes(c)) return undefined;
  for (let i = line.indexOf(':', column); i !== -1; i = line.indexOf(':', i + 1)) {
    if (endsToken(line, i + 1)) {
      const key = line.slice(column, i).trimEnd();
      if (key.includes(' #')) return undefined;
      return { key, valueColumn: i + 1 };
    }
  }
  return undefined;
}

function endsToken(line: string, index: number): boolean {
  const c = line[index];
  return c === undefined || c === ' ' || c === '\r' || c === '\t';
}

/** The value text of a line with a trailing comment removed (quotes are not inspected: callers only look at its start). */
function stripComment(text: string): string {
  const trimmed = text.replace(/\r$/, '').trim();
  if (trimmed.startsWith('#')) return '';
  const comment = trimmed.search(/\s#/);
  return comment === -1 ? trimmed : trimmed.slice(0, comment).trimEnd();
}

function hasSegment(data: any, segment: PathSegment): boolean {
  if (data === null || typeof data !== 'object') return false;
  if (typeof segment === 'number') return Array.isArray(data) && segment < data.length;
  return !Array.isArray(data) && Object.prototype.hasOwnProperty.call(data, segment);
}

/** The `yaml` package, loaded on first use: the scanner places most findings without it. */
let yamlPackage: typeof import('yaml') | undefined;

function yamlLib(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return yamlPackage ??= require('yaml') as typeof import('yaml');
}

/** The `yaml` package's parse, for what the scanner does not read; one parse per document. */
class ExactLocator {
  private readonly lineCounter: LineCounter;
  private readonly document: YamlDocument.Parsed;

  constructor(text: string) {
    const { LineCounter: Counter, parseDocument } = yamlLib();
    this.lineCounter = new Counter();
    this.document = parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: false, merge: true, prettyErrors: false, strict: false });
  }

  public find(path: ReadonlyArray<PathSegment>): Offset | undefined {
    const { isMap, isScalar, isSeq } = yamlLib();
    let node: unknown = this.document.contents;
    let deepest: number | undefined = (node as YamlNode | null)?.range?.[0];
    for (const segment of path) {
      node = this.resolve(node);
      let next: unknown;
      let at: number | undefined;
      if (isMap(node) && typeof segment === 'string') {
        // The last matching key wins, as when parsing with duplicate keys allowed.
        for (const pair of node.items) {
          const key = pair.key;
          if (isScalar(key) && String(key.value) === segment) {
            next = pair.value;
            at = key.range?.[0];
          }
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        at = (next as YamlNode | undefined)?.range?.[0];
      }
      if (at === undefined) break;
      deepest = at;
      node = next;
    }
    if (deepest === undefined) return undefined;
    const position = this.lineCounter.linePos(deepest);
    // linePos is 1-based; Offset is 0-based.
    return { line: position.line - 1, column: position.col - 1 };
  }

  private resolve(node: unknown): unknown {
    const { isAlias } = yamlLib();
    for (let hops = 0; isAlias(node) && hops < 100; hops++) {
      node = node.resolve(this.document);
    }
    return node;
  }
}

/** A trie of the paths wanted in a JSON document, filled with the offsets found by one scan. */
interface PathTrie {
  readonly children: Map<string, PathTrie>;
  offset?: number;
}

/**
 * Positions of field paths in a JSON document: one pass over the tokens (the text is known to be
 * valid JSON, as JSON.parse accepted it), recording the offset of each wanted key or item.
 */
function locateJson(document: ParsedDocument, paths: ReadonlyArray<ReadonlyArray<PathSegment>>): Position[] {
  const root: PathTrie = { children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      const key = String(segment);
      let child = node.children.get(key);
      if (!child) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
  }
  const text = document.text;
  root.offset = skipWhitespace(text, 0);
  scanJson(text, root);
  return paths.map(path => {
    let node = root;
    let offset = root.offset!;
    for (const segment of path) {
      const child = node.children.get(String(segment));
      if (!child || child.offset === undefined) break;
      offset = child.offset;
      node = child;
    }
    return lineAndColumn(text, offset);
  });
}

interface JsonFrame {
  readonly array: boolean;
  readonly trie: PathTrie | undefined;
  index: number;
}

/** Walk JSON tokens without recursion, setting `offset` on the trie nodes met. */
function scanJson(text: string, root: PathTrie): void {
  const frames: JsonFrame[] = [];
  let i = skipWhitespace(text, 0);
  let trie: PathTrie | undefined = root;
  // Loop invariant: `i` is at the start of a value whose trie node is `trie`.
  for (;;) {
    const c = text[i];
    if (c === '{' || c === '[') {
      const frame: JsonFrame = { array: c === '[', trie, index: 0 };
      i = skipWhitespace(text, i + 1);
      const close = frame.array ? ']' : '}';
      if (text[i] === close) {
        i++;
      } else {
        frames.push(frame);
        const entered = enterEntry(text, i, frame);
        i = entered.valueStart;
        trie = entered.trie;
        continue;
      }
    } else if (c === '"') {
      i = stringEnd(text, i);
    } else {
      while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
    }
    // A value ended: move to the next entry of the enclosing collections.
    for (;;) {
      const frame = frames[frames.length - 1];
      if (!frame) return;
      i = skipWhitespace(text, i);
      if (text[i] === ',') {
        frame.index++;
        const entered = enterEntry(text, skipWhitespace(text, i + 1), frame);
        i = entered.valueStart;
        trie = entered.trie;
        break;
      }
      frames.pop();
      i++;
    }
  }
}

/** At an entry of a collection: record its offset when wanted and return where its value starts. */
function enterEntry(text: string, start: number, frame: JsonFrame): { valueStart: number; trie: PathTrie | undefined } {
  if (frame.array) {
    const child = frame.trie?.children.get(String(frame.index));
    if (child) child.offset = start;
    return { valueStart: start, trie: child };
  }
  const end = stringEnd(text, start);
  let child: PathTrie | undefined;
  if (frame.trie) {
    const raw = text.slice(start + 1, end - 1);
    const key = raw.includes('\\') ? JSON.parse(text.slice(start, end)) as string : raw;
    child = frame.trie.children.get(key);
    if (child) child.offset = start;
  }
  const colon = skipWhitespace(text, end);
  return { valueStart: skipWhitespace(text, colon + 1), trie: child };
}

/** The index just after the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let j = quote - 1; text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}
