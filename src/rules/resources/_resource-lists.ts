/**
 * Small readers shared by the SC3xx rules. The arithmetic itself lives in the lifecycle model
 * (`effectiveResources`); these only read what a manifest declares. Nothing here throws.
 */
import { ResourceTotals } from '../../lifecycle/plan';
import { Nanos } from '../../lifecycle/quantity';
import { effectiveResources } from '../../lifecycle/resources';
import { KubeVersion } from '../../version';

import { isPlainObject } from '../api/_util';

export { isPlainObject, show } from '../api/_util';

/** Whether a requests/limits map declares `name` (null values are not declarations), without building a set. */
export function declares(list: unknown, name: string): boolean {
  if (!isPlainObject(list) || !Object.prototype.hasOwnProperty.call(list, name)) return false;
  const value = (list as Record<string, unknown>)[name];
  return value !== undefined && value !== null;
}

/** The resource names a requests/limits map declares (null values are not declarations). */
export function declaredNames(list: unknown): Set<string> {
  const names = new Set<string>();
  if (!isPlainObject(list)) return names;
  for (const [name, value] of Object.entries(list)) {
    if (value !== undefined && value !== null) names.add(name);
  }
  return names;
}

/**
 * One container's own requests and limits after the defaulting the API server applies (a missing
 * request copied from the limit, values rounded up to milli-units), read through the lifecycle
 * model by treating the container as a pod of its own.
 */
export function ownResources(container: unknown, version: KubeVersion): ResourceTotals {
  return effectiveResources({ containers: [container] }, version);
}

/** A value of a totals record, `0` when the resource is absent. */
export function amountOf(values: Record<string, Nanos>, name: string): Nanos {
  return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : 0n;
}

