/**
 * Where a Kubernetes field path (`spec.template.spec.initContainers[0].startupProbe`) sits in a
 * document's text, as a line and column of the source.
 *
 * Only documents with findings get here, but on real streams that can be most of them, so the
 * common case is made cheap: block-style YAML (what Helm, Kustomize and cdk8s write) is searched
 * line by line by indentation; JSON and YAML flow collections (`{a: 1, b: [x]}`, one-line
 * documents) by one token scan per collection, for every path that enters it. Anything the
 * scanners do not understand (explicit keys, anchors, aliases, tags) or a field they cannot find
 * although the parsed object has it goes to the `yaml` package, which parses the document exactly,
 * up to EXACT_PARSE_LIMIT characters. When a field is absent (a finding about a missing probe),
 * the deepest part of the path that exists is given. Every step is linear in the document's size
 * and the number of paths.
 */
import type { Node as YamlNode, Document as YamlDocument } from 'yaml';
import { ParsedDocument } from './documents';

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

/**
 * Above this many characters a document the scanners cannot read is not parsed exactly: its
 * findings are placed at the document's first line. The `yaml` package needs about 35 bytes of
 * memory per character of a flow document (a 50 MB one-line Pod took 1.8 GB and 20 s).
 */
export const EXACT_PARSE_LIMIT = 4 * 1024 * 1024;

/** Finds the positions of field paths in one document; build it once per document with findings. */
export class DocumentLocator {
  private scanner?: BlockScanner;
  private exact?: ExactLocator | null;
  private lineStarts?: LineStarts;

  constructor(private readonly document: ParsedDocument) {}

  /** The position of each path (deepest existing part), in the order given. */
  public locateAll(paths: ReadonlyArray<ReadonlyArray<PathSegment>>): Position[] {
    const positions: Position[] = new Array(paths.length);
    const flows = new FlowScans();
    if (this.document.json) {
      const start = skipFlowSpace(this.document.text, 0);
      for (let i = 0; i < paths.length; i++) flows.add(start, paths[i], 0, start, i);
    } else {
      const keep = paths.length > DIRECT_PATHS;
      if (this.scanner === undefined || (keep && !this.scanner.keeps)) this.scanner = new BlockScanner(this.document.text, keep);
      for (let i = 0; i < paths.length; i++) {
        const found = this.scanner.find(paths[i], this.document.value);
        if (typeof found === 'object') flows.add(found.flow, paths[i], found.from, found.deepest, i);
        else positions[i] = this.position(found ?? this.exactFind(paths[i]));
      }
    }
    flows.run(this.document.text, (index, offset) => {
      positions[index] = this.position(offset ?? this.exactFind(paths[index]));
    });
    return positions;
  }

  private position(offset: number | undefined): Position {
    if (offset === undefined) return { line: this.document.line, column: 1 };
    const at = (this.lineStarts ??= new LineStarts(this.document.text)).offsetToLineColumn(offset);
    return { line: this.document.startLine + at.line, column: at.column + 1 };
  }

  private exactFind(path: ReadonlyArray<PathSegment>): number | undefined {
    if (this.exact === undefined) this.exact = this.document.text.length <= EXACT_PARSE_LIMIT ? new ExactLocator(this.document.text) : null;
    return this.exact?.find(path);
  }
}

/** Where each line of a text starts, to turn offsets into lines and columns by binary search. */
class LineStarts {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line and column of an offset. */
  public offsetToLineColumn(offset: number): Offset {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, column: offset - this.starts[low] };
  }
}

/**
 * The paths that continue into flow collections, grouped by collection: each collection is
 * scanned once for all of them.
 */
class FlowScans {
  private readonly scans = new Map<number, { readonly trie: PathTrie; readonly waiting: FlowWaiting[] }>();

  /**
   * `path` from segment `from` on lies inside the flow collection at `start`; `deepest` is the
   * offset to report when even its first segment there is missing. `index` is the caller's.
   */
  public add(start: number, path: ReadonlyArray<PathSegment>, from: number, deepest: number, index: number): void {
    let scan = this.scans.get(start);
    if (scan === undefined) {
      scan = { trie: { children: new Map() }, waiting: [] };
      this.scans.set(start, scan);
    }
    let node = scan.trie;
    const nodes: PathTrie[] = [];
    for (let i = from; i < path.length; i++) {
      const key = String(path[i]);
      let child = node.children.get(key);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      nodes.push(child);
      node = child;
    }
    scan.waiting.push({ index, nodes, deepest });
  }

  /** Scan each collection and report each path's offset (undefined when the scanner could not read it). */
  public run(text: string, report: (index: number, offset: number | undefined) => void): void {
    for (const [start, scan] of this.scans) {
      const read = scanFlow(text, start, scan.trie);
      for (const waiting of scan.waiting) {
        if (!read) {
          report(waiting.index, undefined);
          continue;
        }
        let offset = waiting.deepest;
        for (const node of waiting.nodes) {
          if (node.offset === undefined) break;
          offset = node.offset;
        }
        report(waiting.index, offset);
      }
    }
  }
}

interface FlowWaiting {
  readonly index: number;
  /** The trie nodes of the path's segments inside the collection, in order. */
  readonly nodes: readonly PathTrie[];
  readonly deepest: number;
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
  /** Where the value's flow collection (`{` or `[`) starts, when it is one. */
  readonly flow?: Offset;
}

/** The rest of a path lies in a flow collection: `flow` is its offset, `from` the first segment inside it. */
interface FlowHandoff {
  readonly flow: number;
  readonly from: number;
  /** The offset of the entry holding the collection: the answer when nothing inside it matches. */
  readonly deepest: number;
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
  /** Offset in the text where each line starts. */
  private readonly lineOffsets: Float64Array;
  /** The document's top node: a block collection, a flow collection, or neither. */
  private readonly root: BlockNode | { readonly flow: Offset } | typeof UNSUPPORTED | undefined;
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
    this.lineOffsets = new Float64Array(this.lines.length);
    for (let i = 0, offset = 0; i < this.lines.length; offset += this.lines[i].length + 1, i++) {
      this.indents[i] = indentOf(this.lines[i]);
      this.lineOffsets[i] = offset;
    }
    this.root = this.findRoot();
  }

  /** Whether collections are read once and kept (see the constructor). */
  public get keeps(): boolean {
    return this.mappings !== undefined;
  }

  /**
   * The text offset of the deepest part of `path` that exists; where a flow collection takes over
   * the rest of the path; or undefined when the scanner cannot tell (the caller then asks the
   * exact parser).
   */
  public find(path: ReadonlyArray<PathSegment>, value: unknown): number | FlowHandoff | undefined {
    const root = this.root;
    if (root === UNSUPPORTED || root === undefined) return undefined;
    if (!('line' in root)) return { flow: this.offsetOf(root.flow), from: 0, deepest: this.offsetOf(root.flow) };
    let node: BlockNode | undefined = root;
    let data: any = value;
    let deepest: Offset = { line: root.line, column: root.column };
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const exists = hasSegment(data, segment);
      if (node === undefined) return exists ? undefined : this.offsetOf(deepest);
      const entry: BlockEntry | undefined | typeof UNSUPPORTED = typeof segment === 'number' ? this.item(node, segment) : this.entry(node, segment);
      if (entry === UNSUPPORTED || entry === undefined) return exists ? undefined : this.offsetOf(deepest);
      deepest = entry.at;
      if (entry.flow !== undefined && i + 1 < path.length) return { flow: this.offsetOf(entry.flow), from: i + 1, deepest: this.offsetOf(deepest) };
      node = entry.opaque ? undefined : entry.value;
      data = exists ? data[segment] : undefined;
    }
    return this.offsetOf(deepest);
  }

  private offsetOf(at: Offset): number {
    return this.lineOffsets[at.line] + at.column;
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
    const first = valueStartAt(text, content);
    if (first === -1) {
      const next = this.nextContentLine(line);
      if (next !== undefined && this.indents[next] > column) {
        const at = { line: next, column: this.indents[next] };
        return { at, value: at, opaque: false };
      }
      return { at: { line, column: content }, opaque: false };
    }
    const at = { line, column: content };
    const c = text[first];
    if (c === '&' || c === '!') return UNSUPPORTED;
    if (c === '{' || c === '[') return { at, opaque: true, flow: at };
    if (c === '*') return { at, opaque: true };
    if (c === '|' || c === '>') return { at, opaque: false };
    // A mapping or a nested sequence can start right after the dash; a scalar has no entries.
    return { at, value: at, opaque: false };
  }

  /** The value after `key:` on `line`: on the same line (a scalar or a flow collection) or on the lines below. */
  private valueEntry(at: Offset, line: number, valueColumn: number, keyColumn: number): BlockEntry {
    const text = this.lines[line];
    const first = valueStartAt(text, skipProperties(text, valueColumn));
    if (first === -1) {
      const next = this.nextContentLine(line);
      if (next === undefined) return { at, opaque: false };
      const indent = this.indents[next];
      if (indent > keyColumn || (indent === keyColumn && isDashAt(this.lines[next], indent))) {
        return { at, value: { line: next, column: indent }, opaque: false };
      }
      return { at, opaque: false };
    }
    const c = text[first];
    if (c === '{' || c === '[') return { at, opaque: true, flow: { line, column: first } };
    return { at, opaque: c === '*' };
  }

  private nextContentLine(line: number): number | undefined {
    for (let next = line + 1; next < this.lines.length; next++) {
      if (this.indents[next] !== -1) return this.indents[next] === -2 ? undefined : next;
    }
    return undefined;
  }

  private findRoot(): BlockNode | { readonly flow: Offset } | typeof UNSUPPORTED | undefined {
    for (let line = 0; line < this.lines.length; line++) {
      const indent = this.indents[line];
      if (indent === -1) continue;
      if (indent === -2) return UNSUPPORTED;
      const content = this.lines[line].slice(indent).replace(/\r$/, '');
      if (indent === 0 && (content.startsWith('%') || /^---\s*(#.*)?$/.test(content))) continue;
      if (/^(---|\.\.\.)(\s|$)/.test(content)) return UNSUPPORTED;
      if (content[0] === '{' || content[0] === '[') return { flow: { line, column: indent } };
      if (/^[?&!*|>]/.test(content)) return UNSUPPORTED;
      return { line, column: indent };
    }
    return undefined;
  }
}

/** Leading spaces of a line; -1 when blank or a comment, -2 when a tab comes before the content. */
function indentOf(line: string): number {
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

/**
 * Where the value starting at or after `column` begins on its line, or -1 when the rest of the line
 * is blank or a comment. Only the start is read, so a long line costs nothing more.
 */
function valueStartAt(line: string, column: number): number {
  let i = column;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const c = line[i];
  return c === undefined || c === '\r' || c === '#' ? -1 : i;
}

/** Past the anchors and tags (`&name`, `!tag`) that may come before a value. */
function skipProperties(line: string, column: number): number {
  let i = valueStartAt(line, column);
  while (i !== -1 && (line[i] === '&' || line[i] === '!')) {
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '\r') i++;
    i = valueStartAt(line, i);
  }
  return i === -1 ? line.length : i;
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
  private readonly document: YamlDocument.Parsed;
  private targets?: Map<unknown, unknown>;

  constructor(text: string) {
    this.document = yamlLib().parseDocument(text, { uniqueKeys: false, merge: true, prettyErrors: false, strict: false });
  }

  /** The text offset of the deepest part of `path` that exists. */
  public find(path: ReadonlyArray<PathSegment>): number | undefined {
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
    return deepest;
  }

  private resolve(node: unknown): unknown {
    const { isAlias } = yamlLib();
    for (let hops = 0; isAlias(node) && hops < 100; hops++) {
      node = this.aliasTargets().get(node);
    }
    return node;
  }

  /**
   * What each alias refers to: the last node before it with its anchor, as `Alias.resolve` finds
   * it, from one walk of the document. (`Alias.resolve` walks the whole document on each call: a
   * `List` of 20,000 aliased items took 70 s.)
   */
  private aliasTargets(): Map<unknown, unknown> {
    if (this.targets !== undefined) return this.targets;
    const { isAlias, visit } = yamlLib();
    const latest = new Map<string, unknown>();
    const targets = new Map<unknown, unknown>();
    visit(this.document, {
      Node: (_key, node) => {
        if (isAlias(node)) targets.set(node, latest.get(node.source));
        else if (node.anchor !== undefined) latest.set(node.anchor, node);
      },
    });
    this.targets = targets;
    return targets;
  }
}

/** A trie of the paths wanted in a flow collection, filled with the offsets found by one scan. */
interface PathTrie {
  readonly children: Map<string, PathTrie>;
  offset?: number;
}

interface FlowFrame {
  readonly mapping: boolean;
  readonly trie: PathTrie | undefined;
  index: number;
}

/**
 * Walk the flow collection (JSON, or YAML flow style) at `start` without recursion, setting
 * `offset` on the trie nodes met: a mapping entry's key, a sequence item's start. Returns false
 * at anything it does not read (anchors, tags, aliases, explicit keys, YAML-only escapes,
 * multi-line keys), leaving the path to the exact parser.
 */
function scanFlow(text: string, start: number, root: PathTrie): boolean {
  const frames: FlowFrame[] = [];
  let trie: PathTrie | undefined = root;
  let i = start;
  // Loop invariant: `i` is at (or at white space before) a value whose trie node is `trie`.
  for (;;) {
    i = skipFlowSpace(text, i);
    const c = text[i];
    if (c === '{' || c === '[') {
      const frame: FlowFrame = { mapping: c === '{', trie, index: 0 };
      i = skipFlowSpace(text, i + 1);
      if (text[i] === (frame.mapping ? '}' : ']')) {
        i++;
      } else {
        frames.push(frame);
        const entered = enterFlowEntry(text, i, frame);
        if (entered === undefined) return false;
        i = entered.valueStart;
        trie = entered.trie;
        continue;
      }
    } else if (c !== ',' && c !== '}' && c !== ']') {
      // A scalar; before `,` or a closing bracket the value is empty.
      i = flowScalarEnd(text, i);
      if (i === -1) return false;
    }
    // A value ended: move to the next entry of the enclosing collections.
    for (;;) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) return true;
      i = skipFlowSpace(text, i);
      const close = frame.mapping ? '}' : ']';
      if (text[i] === ',') {
        i = skipFlowSpace(text, i + 1);
        // A trailing comma before the closing bracket is allowed.
        if (text[i] === close) {
          frames.pop();
          i++;
          continue;
        }
        frame.index++;
        const entered = enterFlowEntry(text, i, frame);
        if (entered === undefined) return false;
        i = entered.valueStart;
        trie = entered.trie;
        break;
      }
      if (text[i] !== close) return false;
      frames.pop();
      i++;
    }
  }
}

/** At an entry of a flow collection: record its offset when wanted and return where its value starts. */
function enterFlowEntry(text: string, start: number, frame: FlowFrame): { valueStart: number; trie: PathTrie | undefined } | undefined {
  if (!frame.mapping) {
    const child = frame.trie?.children.get(String(frame.index));
    if (child) child.offset = start;
    return { valueStart: start, trie: child };
  }
  const end = flowScalarEnd(text, start);
  if (end === -1) return undefined;
  let child: PathTrie | undefined;
  if (frame.trie !== undefined) {
    const key = flowKey(text.slice(start, end));
    if (key === undefined) return undefined;
    child = frame.trie.children.get(key);
    if (child !== undefined) {
      // A repeated key: the last one wins, as when parsing; forget what the earlier one held.
      if (child.offset !== undefined) forgetOffsets(child);
      child.offset = start;
    }
  }
  const after = skipFlowSpace(text, end);
  if (text[after] === ':') return { valueStart: after + 1, trie: child };
  // `{a, b: 1}`: a key without a value.
  if (text[after] === ',' || text[after] === '}') return { valueStart: after, trie: child };
  return undefined;
}

/** A flow mapping key as the parsed object has it, or undefined when the scanner cannot be sure. */
function flowKey(token: string): string | undefined {
  if (token.includes('\n') || token.includes('\r')) return undefined;
  const c = token[0];
  if (c === '"') {
    if (!token.includes('\\')) return token.slice(1, -1);
    try {
      // JSON's escapes are YAML's too; YAML-only ones (\x41, \e) make JSON.parse throw.
      return JSON.parse(token) as string;
    } catch {
      return undefined;
    }
  }
  if (c === '\'') return token.slice(1, -1).split('\'\'').join('\'');
  // Plain keys the YAML core schema reads as something else (numbers, booleans, null, merge keys).
  if (token === '' || token === '<<' || '0123456789+-.~'.includes(c) || CORE_SCHEMA_WORDS.has(token)) return undefined;
  return token;
}

const CORE_SCHEMA_WORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

function forgetOffsets(trie: PathTrie): void {
  const pending = [trie];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    node.offset = undefined;
    for (const child of node.children.values()) pending.push(child);
  }
}

/**
 * The end of the scalar at `start` in a flow collection: a double- or single-quoted string, or a
 * plain scalar (which ends at a flow indicator, at `: `, or before ` #`). -1 for what the scanner
 * does not read.
 */
function flowScalarEnd(text: string, start: number): number {
  const c = text[start];
  if (c === '"') return doubleQuotedEnd(text, start);
  if (c === '\'') return singleQuotedEnd(text, start);
  if (c === undefined || '&!*?|>%@`#'.includes(c)) return -1;
  if ((c === '-' || c === ':') && endsPlain(text[start + 1])) return -1;
  let i = start;
  for (;;) {
    const ch = text[i];
    if (ch === undefined || ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}') break;
    if (ch === ':' && endsPlain(text[i + 1])) break;
    if (ch === '#' && (text[i - 1] === ' ' || text[i - 1] === '\t')) break;
    if (ch === '\n' || ch === '\r') {
      // A plain scalar may go on over lines; the scanner only follows one that ends here.
      const next = text[skipFlowSpace(text, i)];
      if (next === ',' || next === ']' || next === '}' || next === ':' || next === undefined) break;
      return -1;
    }
    i++;
  }
  while (i > start && (text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\r')) i--;
  return i;
}

/** Whether a `:` (or a leading `-`) followed by this character ends a plain scalar in a flow collection. */
function endsPlain(next: string | undefined): boolean {
  return next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r'
    || next === ',' || next === '[' || next === ']' || next === '{' || next === '}';
}

/** The index just after the closing quote of the double-quoted string starting at `start`. */
function doubleQuotedEnd(text: string, start: number): number {
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

/** The index just after the closing quote of the single-quoted string starting at `start` (`''` is a quote inside). */
function singleQuotedEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('\'', i);
    if (quote === -1) return text.length;
    if (text[quote + 1] !== '\'') return quote + 1;
    i = quote + 2;
  }
}

/** Past white space, line breaks and comments between the tokens of a flow collection. */
function skipFlowSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
    } else if (c === 35 /* # */ && (i === 0 || ' \t\n\r'.includes(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else {
      break;
    }
  }
  return i;
}
