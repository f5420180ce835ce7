/**
 * Derive a start order from "must start after" edges: a stable topological sort that keeps
 * declaration order wherever the dependencies leave a choice (at every step, the earliest-declared
 * ready entry goes next), so adding a dependency moves as little as possible.
 */
export interface OrderingResult {
  /** Entry indices in start order (declaration order when there is a cycle). */
  readonly order: number[];
  /** Each cycle found, as entry indices `[a, b, ..., a]`; empty when the graph is acyclic. */
  readonly cycles: number[][];
}

/**
 * @param count number of entries, identified by declaration index 0..count-1
 * @param after `after[i]` lists the entries that must start before entry `i`
 */
export function startupOrder(count: number, after: readonly (readonly number[])[]): OrderingResult {
  // Most workloads declare no dependencies at all: declaration order, no cycles.
  if (after.every(edges => edges === undefined || edges.length === 0)) return { order: declarationOrder(count), cycles: [] };
  const dependents: number[][] = Array.from({ length: count }, () => []);
  const waiting = new Array<number>(count).fill(0);
  for (let i = 0; i < count; i++) {
    for (const target of new Set(after[i] ?? [])) {
      dependents[target].push(i);
      waiting[i]++;
    }
  }
  const order: number[] = [];
  const ready = new MinQueue();
  for (let i = 0; i < count; i++) if (waiting[i] === 0) ready.push(i);
  while (ready.size > 0) {
    const next = ready.pop();
    order.push(next);
    for (const dependent of dependents[next]) {
      if (--waiting[dependent] === 0) ready.push(dependent);
    }
  }
  if (order.length === count) return { order, cycles: [] };
  return { order: declarationOrder(count), cycles: findCycles(count, after, new Set(order)) };
}

/** 0, 1, … count-1 (a plain loop: `Array.from` with a mapping function is several times slower). */
function declarationOrder(count: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < count; i++) order.push(i);
  return order;
}

/** One representative cycle per strongly connected group of unresolved entries. */
function findCycles(count: number, after: readonly (readonly number[])[], resolved: Set<number>): number[][] {
  const cycles: number[][] = [];
  const reported = new Set<number>();
  for (let start = 0; start < count; start++) {
    if (resolved.has(start) || reported.has(start)) continue;
    const cycle = cycleThrough(start, after, resolved);
    if (!cycle) continue;
    if (cycle.some(i => reported.has(i))) continue;
    cycle.forEach(i => reported.add(i));
    cycles.push(cycle);
  }
  return cycles;
}

/** Walk "must start after" edges from `start` until a node repeats; returns the loop. */
function cycleThrough(start: number, after: readonly (readonly number[])[], resolved: Set<number>): number[] | undefined {
  const path: number[] = [];
  const onPath = new Map<number, number>();
  let node: number | undefined = start;
  while (node !== undefined) {
    if (onPath.has(node)) {
      const loop = path.slice(onPath.get(node));
      // Report the loop in "depends on" direction starting from its earliest-declared entry.
      const first = loop.indexOf(Math.min(...loop));
      const rotated = [...loop.slice(first), ...loop.slice(0, first)];
      return [...rotated, rotated[0]];
    }
    onPath.set(node, path.length);
    path.push(node);
    node = (after[node] ?? []).find(target => !resolved.has(target));
  }
  return undefined;
}

/** A small binary min-heap of indices. */
class MinQueue {
  private readonly items: number[] = [];

  public get size(): number {
    return this.items.length;
  }

  public push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      if (items[parent] <= items[i]) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  public pop(): number {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && items[left] < items[smallest]) smallest = left;
        if (right < items.length && items[right] < items[smallest]) smallest = right;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i], items[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
