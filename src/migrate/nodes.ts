import { Document, isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Small helpers over the `yaml` Document API. Edits go through nodes, never through plain
 * objects, so comments, key order and scalar styles of everything not edited survive.
 */

/** The map under `key`, or `undefined`. */
export function mapAt(parent: unknown, key: string): YAMLMap | undefined {
  if (!isMap(parent)) return undefined;
  const value = parent.get(key, true);
  return isMap(value) ? value : undefined;
}

/** The sequence under `key`, or `undefined`. */
export function seqAt(parent: unknown, key: string): YAMLSeq | undefined {
  if (!isMap(parent)) return undefined;
  const value = parent.get(key, true);
  return isSeq(value) ? value : undefined;
}

/** The string under `key`, or `undefined`. */
export function stringAt(parent: unknown, key: string): string | undefined {
  if (!isMap(parent)) return undefined;
  const value = parent.get(key);
  return typeof value === 'string' ? value : undefined;
}

/** The node at a path of keys, or `undefined`. */
export function nodeAtPath(root: unknown, keys: readonly string[]): Node | undefined {
  let node: unknown = root;
  for (const key of keys) {
    if (!isMap(node)) return undefined;
    node = node.get(key, true);
  }
  return node as Node | undefined;
}

/**
 * Insert `key: value` into a map right after the first of `afterKeys` it has (in priority order),
 * or at the end. Returns the new pair.
 */
export function insertAfter(doc: Document, map: YAMLMap, key: string, value: unknown, afterKeys: readonly string[]): Pair {
  const pair = new Pair(doc.createNode(key), isNodeLike(value) ? value : doc.createNode(value));
  for (const after of afterKeys) {
    const index = map.items.findIndex(item => keyOf(item) === after);
    if (index >= 0) {
      map.items.splice(index + 1, 0, pair);
      return pair;
    }
  }
  map.items.push(pair);
  return pair;
}

/** Insert `key: value` right before `beforeKey`, or at the end. */
export function insertBefore(doc: Document, map: YAMLMap, key: string, value: unknown, beforeKey: string): Pair {
  const pair = new Pair(doc.createNode(key), isNodeLike(value) ? value : doc.createNode(value));
  const index = map.items.findIndex(item => keyOf(item) === beforeKey);
  if (index >= 0) map.items.splice(index, 0, pair);
  else map.items.push(pair);
  return pair;
}

/** The key of a pair as a string, or `undefined`. */
export function keyOf(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return typeof key.value === 'string' ? key.value : undefined;
  return typeof key === 'string' ? key : undefined;
}

/** The string scalars of a sequence, or `undefined` when an item is anything else. */
export function stringScalars(seq: YAMLSeq | undefined): Scalar<string>[] | undefined {
  if (seq === undefined) return [];
  const scalars: Scalar<string>[] = [];
  for (const item of seq.items) {
    if (!isScalar(item) || typeof item.value !== 'string') return undefined;
    scalars.push(item as Scalar<string>);
  }
  return scalars;
}

/** Plain JS of a node (what the rule engine and the tables read). */
export function plain(doc: Document, node: unknown): any {
  if (node === null || node === undefined) return node;
  if (isMap(node) || isSeq(node) || isScalar(node)) return node.toJS(doc);
  return node;
}

function isNodeLike(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}
