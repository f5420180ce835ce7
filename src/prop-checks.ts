/**
 * Type checks for props at the door: the constructor or `addXxx()` call that receives them.
 * TypeScript and the jsii languages check prop types before they reach us, but plain JavaScript
 * (and the loose spots of the other languages) can pass `name: 42`, `command: 'sh -c x'` or no
 * props at all; rendered as given, those make manifests the API server rejects, or fail later
 * inside synth with a TypeError and no construct path. Each check is a `typeof` test or two; the
 * error names the construct path and the call (`where`, built only for the error), the prop, the
 * value and what is allowed.
 */

import type { Duration } from 'cdk8s';

/** Names the place being checked, e.g. `[app/chart/web] sidecar "proxy"`; called only for an error. */
export type Where = () => string;

/** A prop check that failed: a plain error with the construct path, the prop, the value and what is allowed. */
export function propError(where: Where, prop: string, allowed: string, value: unknown, hint?: string): Error {
  return new Error(`${where()}: ${prop} must be ${allowed}, got ${describeValue(value)}${hint === undefined ? '' : `; ${hint}`}`);
}

/** The props (or options) object itself: missing props are named with an example of what to pass. */
export function checkPropsObject(where: Where, value: unknown, example: string): void {
  if (value === undefined || value === null) throw new Error(`${where()}: the props are missing; pass ${example}`);
  if (typeof value !== 'object' || Array.isArray(value)) throw propError(where, 'the props', example, value);
}

/** A string prop; `optional` lets `undefined` through. */
export function checkString(where: Where, prop: string, value: unknown, optional = false): void {
  if (typeof value === 'string' || (optional && value === undefined)) return;
  throw propError(where, prop, 'a string', value, typeof value === 'number' || typeof value === 'boolean' ? `quote it: '${String(value)}'` : undefined);
}

/** A boolean prop. */
export function checkBoolean(where: Where, prop: string, value: unknown, optional = false): void {
  if (typeof value === 'boolean' || (optional && value === undefined)) return;
  throw propError(where, prop, 'true or false', value);
}

/** A whole-number prop (ports, user ids): a number, not a numeric string, not a fraction, not NaN. */
export function checkWholeNumber(where: Where, prop: string, value: unknown, optional = false): void {
  if (Number.isInteger(value) || (optional && value === undefined)) return;
  const hint = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? `write ${value.trim()} without quotes` : undefined;
  throw propError(where, prop, 'a whole number', value, hint);
}

/** A list of strings (command, args): a single string would be rendered one character per item. */
export function checkStringList(where: Where, prop: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (!Array.isArray(value)) {
    throw propError(where, prop, 'a list of strings', value, typeof value === 'string' ? 'write one item per argument, e.g. [\'sh\', \'-c\', \'...\']' : undefined);
  }
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== 'string') checkString(where, `${prop}[${index}]`, value[index]);
  }
}

/** A list whose items are checked by `item` (given the item's prop name, e.g. `ports[1]`). */
export function checkList(where: Where, prop: string, value: unknown, item: (prop: string, value: unknown) => void, optional = false): void {
  if (optional && value === undefined) return;
  if (!Array.isArray(value)) throw propError(where, prop, 'a list', value);
  for (let index = 0; index < value.length; index++) item(`${prop}[${index}]`, value[index]);
}

/** A plain object prop (a struct such as `resources` or `securityContext`). */
export function checkObject(where: Where, prop: string, value: unknown, optional = false): value is Record<string, unknown> {
  if (optional && value === undefined) return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw propError(where, prop, 'an object', value);
  return true;
}

/** One of a fixed set of string values (an enum member). */
export function checkOneOf(where: Where, prop: string, value: unknown, allowed: readonly string[], optional = false): void {
  if ((optional && value === undefined) || (typeof value === 'string' && allowed.includes(value))) return;
  throw propError(where, prop, `one of ${allowed.map(v => `"${v}"`).join(', ')}`, value);
}

/** A `cdk8s.Duration`: an object with `toMilliseconds()` whose value is a finite, non-negative number. */
export function checkDuration(where: Where, prop: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  const toMilliseconds = (value as { toMilliseconds?: unknown } | null | undefined)?.toMilliseconds;
  if (typeof toMilliseconds !== 'function') throw propError(where, prop, 'a Duration, e.g. Duration.seconds(5)', value);
  // As the library reads durations (lifecycle/seconds.ts): fractions of a millisecond allowed.
  const milliseconds = (value as Duration).toMilliseconds({ integral: false });
  if (!Number.isFinite(milliseconds) || milliseconds < 0) {
    throw new Error(`${where()}: ${prop} must be a finite, non-negative Duration, got ${String(milliseconds)} ms; use e.g. Duration.seconds(5)`);
  }
}

/**
 * An instance of a library class, recognised by a member only it has (`isIt`): duck-typed, so
 * that two copies of a package in one app do not make a correct value fail.
 */
export function checkInstance(where: Where, prop: string, value: unknown, allowed: string, isIt: (value: any) => boolean, optional = false): void {
  if ((optional && value === undefined) || (value !== null && typeof value === 'object' && isIt(value))) return;
  throw propError(where, prop, allowed, value);
}

/** A value as an error message names it; `plainObject` is the words for a plain object. */
export function describeValue(value: unknown, plainObject = 'an object'): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  const type = value.constructor;
  return type !== Object && typeof type?.name === 'string' && type.name !== '' ? `a ${type.name}` : plainObject;
}
