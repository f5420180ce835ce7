/**
 * Append every item to `target` with a loop: `target.push(...items)` passes each item as an
 * argument and overflows the call stack when an input holds hundreds of thousands of them.
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
}

/** `Math.max(...values)` without spreading the values as arguments (-Infinity when there are none). */
export function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  return max;
}
