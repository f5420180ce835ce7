import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments, ToStringOptions } from 'yaml';

/**
 * Reading a multi-document YAML file so that untouched documents can be written back byte for
 * byte, and changed ones re-stringified in the style the file already uses.
 */

/** One document of the input and the exact text it came from. */
export interface SourceDocument {
  readonly doc: Document;
  /** The input text this document owns: from the end of the previous one to its own end. */
  readonly source: string;
}

/** A parsed file. */
export interface SourceFile {
  readonly documents: SourceDocument[];
  /** Text after the last document (usually empty). */
  readonly trailer: string;
  readonly lineCounter: LineCounter;
}

/**
 * Parse every document of `text`. Throws an `Error` whose message starts with
 * `FILE:LINE:COLUMN:` at the first syntax error.
 */
export function parseSource(text: string, file: string): SourceFile {
  const lineCounter = new LineCounter();
  // Repeated keys are read (the last value wins, as the API server keeps it); `repeatedKey` finds them.
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error === undefined) continue;
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
    throw new Error(`${file}:${line}:${col}: ${message}`);
  }
  const documents: SourceDocument[] = [];
  let offset = 0;
  for (const doc of docs) {
    const end = doc.range?.[2] ?? text.length;
    documents.push({ doc, source: text.slice(offset, end) });
    offset = end;
  }
  return { documents, trailer: text.slice(offset), lineCounter };
}

const BASE_OPTIONS: ToStringOptions = { lineWidth: 0, minContentWidth: 0 };

/**
 * Re-stringify a changed document in the file's own style. The style (indent width, whether
 * block sequences are indented under their key, spaces inside flow brackets) is the candidate
 * that reproduces the document's original text best, found by stringifying a fresh parse of
 * that text with each candidate.
 */
export function stringifyChanged(document: SourceDocument): string {
  let text = isJson(document.source) ? jsonText(document) : document.doc.toString(styleOf(document.source));
  const crlf = document.source.includes('\r\n');
  if (!/\r?\n$/.test(document.source)) text = text.replace(/\n$/, '');
  if (crlf) text = text.replace(/\r?\n/g, '\r\n');
  return text;
}

/** A document written as JSON (`kubectl get -o json`) stays JSON. */
function isJson(source: string): boolean {
  if (!/^\s*\{/.test(source)) return false;
  try {
    JSON.parse(source);
    return true;
  } catch {
    return false;
  }
}

function jsonText(document: SourceDocument): string {
  const indent = /\n([ \t]+)"/.exec(document.source)?.[1];
  return JSON.stringify(document.doc.toJS(), null, indent) + '\n';
}

function styleOf(source: string): ToStringOptions {
  const normalised = source.replace(/\r\n/g, '\n');
  const fresh = parseAllDocuments(normalised, { uniqueKeys: false });
  const doc = Array.isArray(fresh) ? fresh[0] : undefined;
  let best: ToStringOptions = { ...BASE_OPTIONS, indent: 2, indentSeq: false, flowCollectionPadding: false };
  if (doc === undefined) return best;
  const originalLines = normalised.split('\n');
  let bestScore = Infinity;
  for (const indent of [2, 4]) {
    for (const indentSeq of [false, true]) {
      for (const flowCollectionPadding of [false, true]) {
        const candidate: ToStringOptions = { ...BASE_OPTIONS, indent, indentSeq, flowCollectionPadding };
        const score = lineDistance(originalLines, doc.toString(candidate).split('\n'));
        if (score < bestScore) {
          best = candidate;
          bestScore = score;
        }
        if (score === 0) return best;
      }
    }
  }
  return best;
}

/** How many lines of `a` have no equal line at the same position in `b`, plus the length difference. */
function lineDistance(a: string[], b: string[]): number {
  let distance = Math.abs(a.length - b.length);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) distance++;
  return distance;
}

/**
 * The first key a mapping of the document repeats, with the node of its second occurrence.
 * kubectl and Helm refuse such a document, and an edit here would find the first copy while the
 * API server keeps the last, so the migration leaves it as it is. Walked with a stack, not recursion.
 */
export function repeatedKey(doc: Document): { key: string; node: Node } | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          if (seen.has(key)) return { key, node: pair.key as Node };
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return undefined;
}
