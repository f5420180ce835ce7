/**
 * Putting the untouched items of a changed `List` back byte for byte. The migration rewrites a
 * changed document as a whole, in the file's style; an item it did not change may still come out
 * slightly different (comment spacing, flow brackets). Here each such item's lines are taken from
 * the input instead, and the result is kept only if it reads back to the same value as the
 * migration's own output.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isSeq, Node, parseAllDocuments } from 'yaml';

/** A quick test before any parse: a document without `items` holds no List. */
const MAY_HOLD_ITEMS = /items['"]?[ \t]*:/;

/**
 * The migrated text of one document with every top-level `List` item whose value the migration
 * did not change copied from `original`; `migrated` itself when that is not possible.
 */
export function keepUntouchedItems(original: string, migrated: string): string {
  if (!MAY_HOLD_ITEMS.test(original)) return migrated;
  const before = singleDocument(original);
  const after = singleDocument(migrated);
  if (before === undefined || after === undefined) return migrated;
  const beforeItems = listItems(before);
  const afterItems = listItems(after);
  if (beforeItems === undefined || afterItems === undefined || beforeItems.length !== afterItems.length) return migrated;
  const beforeSpans = itemSpans(original, beforeItems);
  const afterSpans = itemSpans(migrated, afterItems);
  if (beforeSpans === undefined || afterSpans === undefined) return migrated;

  const pieces: string[] = [];
  let position = 0;
  let restored = false;
  for (let i = 0; i < afterItems.length; i++) {
    const [afterStart, afterEnd] = afterSpans[i];
    const [beforeStart, beforeEnd] = beforeSpans[i];
    pieces.push(migrated.slice(position, afterStart));
    position = afterEnd;
    const originalText = original.slice(beforeStart, beforeEnd);
    const migratedText = migrated.slice(afterStart, afterEnd);
    const untouched = originalText !== migratedText
      && sameIndent(original, beforeItems[i], migrated, afterItems[i])
      && isDeepStrictEqual(beforeItems[i].toJS(before), afterItems[i].toJS(after));
    pieces.push(untouched ? originalText : migratedText);
    restored ||= untouched;
  }
  if (!restored) return migrated;
  pieces.push(migrated.slice(position));
  const result = pieces.join('');
  // Only a text that reads back to the migration's own output is kept.
  const check = singleDocument(result);
  return check !== undefined && isDeepStrictEqual(check.toJS(), after.toJS()) ? result : migrated;
}

function singleDocument(text: string): Document | undefined {
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(documents) || documents.length !== 1 || documents[0].errors.length > 0) return undefined;
  return documents[0];
}

/** The items of a `List` document (a map with a kind ending in `List` and an `items` sequence). */
function listItems(document: Document): Node[] | undefined {
  const contents = document.contents;
  if (!isMap(contents)) return undefined;
  const kind = contents.get('kind');
  const items = contents.get('items', true);
  if (typeof kind !== 'string' || !kind.endsWith('List') || !isSeq(items)) return undefined;
  const nodes = items.items as unknown[];
  return nodes.every(node => node !== null && typeof node === 'object' && (node as Node).range) ? nodes as Node[] : undefined;
}

/**
 * Each item's whole lines: from the line after the previous item (so the comments between two
 * items go with the second) to the end of its own last line. Undefined when two items share a line.
 */
function itemSpans(text: string, items: Node[]): Array<[number, number]> | undefined {
  const spans: Array<[number, number]> = [];
  let previousEnd = -1;
  for (const item of items) {
    const [start, valueEnd] = item.range!;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (lineStart < previousEnd) return undefined;
    const end = valueEnd > 0 && text[valueEnd - 1] === '\n' ? valueEnd : lineEndAfter(text, valueEnd);
    spans.push([previousEnd === -1 ? lineStart : previousEnd, end]);
    previousEnd = end;
  }
  return spans;
}

function lineEndAfter(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** Whether the item's first line starts alike (`  - `) in both texts, so its lines fit in place. */
function sameIndent(original: string, beforeItem: Node, migrated: string, afterItem: Node): boolean {
  const prefix = (text: string, start: number) => text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
  return prefix(original, beforeItem.range![0]) === prefix(migrated, afterItem.range![0]);
}
