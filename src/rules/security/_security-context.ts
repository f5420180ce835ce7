/**
 * Readers shared by the SC5xx rules. Only plain objects count as a security context: anything
 * else is a decoding error another rule reports, never a reason to throw.
 */
/** The native sidecars of a pod spec, with their paths and labels. */
export { sidecarEntries } from '../containers';

/** A container's or pod's `securityContext`, or `{}` when it is absent or not an object. */
export function securityContextOf(owner: unknown): Record<string, any> {
  const context = isPlainObject(owner) ? owner.securityContext : undefined;
  return isPlainObject(context) ? context : {};
}

/** Whether a field is set: JSON `null` decodes to the Go zero value, exactly like an absent field. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
