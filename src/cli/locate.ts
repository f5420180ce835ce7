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
  while (i < path.length) {
    if (path.charCodeAt(i) === 0x5b /* [ */) {
      const close = path.indexOf(']', i + 1);
      const inner = close === -1 ? path.slice(i + 1) : path.slice(i + 1, close);
      segments.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = close === -1 ? path.length : close + 1;
      continue;
    }
    // A key runs to the next `.` or `[`; empty keys (`a..b`) are skipped.
    let end = i;
    while (end < path.length && path.charCodeAt(end) !== 0x2e /* . */ && path.charCodeAt(end) !== 0x5b /* [ */) end++;
    if (end > i) segments.push(path.slice(i, end));
    i = path.charCodeAt(end) === 0x2e ? end + 1 : end;
  }
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
    const keep = paths.length > DIRECT_PATHS;
    if (this.scanner === undefined || (keep && !this.scanner.keeps)) this.scanner = new BlockScanner(this.document.text, keep);
    const scanner = this.scanner;
    return paths.map(path => this.locate(scanner, path));
  }

  private locate(scanner: BlockScanner, path: ReadonlyArray<PathSegment>): Position {
    const found = scanner.find(path, this.document.value);
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

/** A mapping entry as first read: where its key is and where its value starts on that line. */
interface RawEntry {
  readonly line: number;
  readonly column: number;
  readonly valueColumn: number;
}

/**
 * Up to this many paths per document, each step of a path scans its collection afresh; beyond it,
 * each collection is read once and kept. Most documents have one or two findings.
 */
const DIRECT_PATHS = 8;

/** The scanner gave up: the document is not plain block YAML where the path runs. */
const UNSUPPORTED = Symbol('unsupported');

/**
 * Indentation-based search of block YAML. It never parses values; it reads keys and `-` items at
 * the indentation where they must be, and returns undefined when it is unsure so that the exact
 * parser decides. A document usually has one or two findings, so each step of a path scans the
 * lines of its collection directly and reads only the matching entry's value; with many findings
 * each collection is read once and kept instead.
 */
class BlockScanner {
  private readonly lines: string[];
  /** Indentation of each line; -1 for blank and comment lines, -2 for tab-indented lines. */
  private readonly indents: Int32Array;
  private readonly root: BlockNode | typeof UNSUPPORTED | undefined;
  /** The entries of each collection read so far, by `line:column`; only when many paths are looked up. */
  private readonly mappings?: Map<string, Map<string, RawEntry> | typeof UNSUPPORTED>;
  private readonly sequences?: Map<string, BlockEntry[] | typeof UNSUPPORTED>;

  /**
   * @param keep read each collection once and keep its entries: a document with many findings
   * (a `List` of thousands of items) is then searched in one pass, not once per finding
   */
  constructor(text: string, keep: boolean) {
    if (keep) {
      this.mappings = new Map();
      this.sequences = new Map();
    }
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    for (let i = 0; i < this.lines.length; i++) this.indents[i] = indentOf(this.lines[i]);
    this.root = this.findRoot();
  }

  /** Whether collections are read once and kept (see the constructor). */
  public get keeps(): boolean {
    return this.mappings !== undefined;
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
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const exists = hasSegment(data, segment);
      if (node === undefined) return exists ? undefined : deepest;
      const entry: BlockEntry | undefined | typeof UNSUPPORTED = typeof segment === 'number' ? this.item(node, segment) : this.entry(node, segment);
      if (entry === UNSUPPORTED || entry === undefined) return exists ? undefined : deepest;
      deepest = entry.at;
      node = entry.opaque ? undefined : entry.value;
      data = exists ? data[segment] : undefined;
    }
    return deepest;
  }

  /**
   * The entry `key` of the block mapping starting at `node`: the first entry is at the node, the
   * rest at its column below. Every entry is read, as a key the scanner cannot read makes the
   * whole mapping unsure, and with duplicate keys the last one wins, as when parsing.
   */
  private entry(node: BlockNode, key: string): BlockEntry | undefined | typeof UNSUPPORTED {
    if (this.mappings !== undefined) {
      const entries = this.mappingAt(node, this.mappings);
      if (entries === UNSUPPORTED) return UNSUPPORTED;
      const found = entries.get(key);
      return found === undefined ? undefined : this.valueEntry(found, found.line, found.valueColumn, found.column);
    }
    let found = -1;
    let foundColumn = 0;
    let foundValueColumn = 0;
    for (let line = node.line; line !== -1; line = this.nextLineAt(node, line, false)) {
      const column = line === node.line ? node.column : this.indents[line];
      const read = readKey(this.lines[line], column);
      if (read === undefined) return UNSUPPORTED;
      if (read.key === key) {
        found = line;
        foundColumn = column;
        foundValueColumn = read.valueColumn;
      }
    }
    if (found === -1) return undefined;
    return this.valueEntry({ line: found, column: foundColumn }, found, foundValueColumn, foundColumn);
  }

  /** Every entry of the block mapping at `node`, read once: the kept form of `entry`. */
  private mappingAt(node: BlockNode, kept: Map<string, Map<string, RawEntry> | typeof UNSUPPORTED>): Map<string, RawEntry> | typeof UNSUPPORTED {
    const cacheKey = `${node.line}:${node.column}`;
    let entries = kept.get(cacheKey);
    if (entries !== undefined) return entries;
    entries = new Map();
    for (let line = node.line; line !== -1; line = this.nextLineAt(node, line, false)) {
      const column = line === node.line ? node.column : this.indents[line];
      const read = readKey(this.lines[line], column);
      if (read === undefined) {
        entries = UNSUPPORTED;
        break;
      }
      // Duplicate keys: the last one wins, as when parsing.
      entries.set(read.key, { line, column, valueColumn: read.valueColumn });
    }
    kept.set(cacheKey, entries);
    return entries;
  }

  /** Item `index` of the block sequence starting at `node`; an item the scanner cannot read makes it unsure. */
  private item(node: BlockNode, index: number): BlockEntry | undefined | typeof UNSUPPORTED {
    if (this.sequences !== undefined) {
      const cacheKey = `${node.line}:${node.column}`;
      let items = this.sequences.get(cacheKey);
      if (items === undefined) {
        items = this.sequenceAt(node);
        this.sequences.set(cacheKey, items);
      }
      return items === UNSUPPORTED ? UNSUPPORTED : items[index];
    }
    if (!isDashAt(this.lines[node.line], node.column)) return undefined;
    let found: BlockEntry | undefined;
    let count = 0;
    for (let line = node.line; line !== -1; line = this.nextLineAt(node, line, true)) {
      const column = line === node.line ? node.column : this.indents[line];
      const item = this.readSequenceItem(line, column);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      if (count++ === index) found = item;
    }
    return found;
  }

  /** Every item of the block sequence at `node`: the kept form of `item`. */
  private sequenceAt(node: BlockNode): BlockEntry[] | typeof UNSUPPORTED {
    const items: BlockEntry[] = [];
    if (!isDashAt(this.lines[node.line], node.column)) return items;
    for (let line = node.line; line !== -1; line = this.nextLineAt(node, line, true)) {
      const item = this.readSequenceItem(line, line === node.line ? node.column : this.indents[line]);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      items.push(item);
    }
    return items;
  }

  /**
   * The next line after `line` holding an entry of the collection at `node`, or -1: each later
   * line indented exactly as the node, until one is indented less. In a mapping, `-` lines at the
   * same indentation are the compact sequence value of the entry above; a sequence ends at a line
   * that is not a `-` item.
   */
  private nextLineAt(node: BlockNode, line: number, sequence: boolean): number {
    for (let next = line + 1; next < this.lines.length; next++) {
      const indent = this.indents[next];
      if (indent === -1) continue;
      if (indent === -2 || indent < node.column) return -1;
      if (indent > node.column) continue;
      const dash = isDashAt(this.lines[next], indent);
      if (sequence && !dash) return -1;
      if (!sequence && dash) continue;
      return next;
    }
    return -1;
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
  // A native search, not a loop over the spaces: most lines are indented, and only documents with
  // findings get here, too few for V8 to compile a loop.
  const i = line.search(NOT_SPACE);
  if (i === -1) return -1;
  const c = line[i];
  if (c === '\r' || c === '#') return -1;
  if (c === '\t') {
    let j = i;
    while (line[j] === ' ' || line[j] === '\t') j++;
    const next = line[j];
    return next === undefined || next === '\r' || next === '#' ? -1 : -2;
  }
  return i;
}

const NOT_SPACE = /[^ ]/;

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
