/**
 * Helpers shared by the SC1xx rules: defensive readers for rendered JSON, the apimachinery
 * name/port checks the API server applies, and the defaulting the v1 defaulters run before
 * validation. Everything here is pure and never throws.
 */
import { isAtLeast, KubeVersion } from '../../version';
import { ContainerEntry } from '../containers';
import { Finding } from '../rule';

/** Kubernetes' `math.MaxInt32`, the upper bound of several int32/int64 fields. */
export const MAX_INT32 = 2147483647;

/** `terminationGracePeriodSeconds` after `SetDefaults_PodSpec` when the field is absent. */
export const DEFAULT_GRACE_PERIOD_SECONDS = 30;

export function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `record[key]` when the record itself holds `key`: a key from the manifest (a resource named
 * `constructor`, a kind named `toString`) must never find what every object inherits.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Whether a field is set: JSON `null` decodes to the Go zero value, exactly like an absent field. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A string field's value; `''` for absent/null (Go zero value); `undefined` for the wrong type. */
export function stringField(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : undefined;
}

/** An integer field's value; `0` for absent/null; `undefined` for the wrong type or a fraction. */
export function intField(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** A list field's entries; `[]` for absent/null; `undefined` when it is not a list. */
export function listField(value: unknown): any[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : undefined;
}

/** Render a value for a message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a value is an RFC 1123 label: `dns1123LabelErrors(value)` is empty, without building it. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** apimachinery `IsDNS1123Label`: the reasons a value is not an RFC 1123 label (empty when it is). */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    errors.push(DNS1123_SUBDOMAIN.test(value)
      ? 'must not contain dots'
      : 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character');
  }
  return errors;
}

/** apimachinery `IsDNS1123Subdomain`. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) errors.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push('a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character');
  }
  return errors;
}

const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** apimachinery `IsQualifiedName`: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map(message => `prefix part ${message}`));
  } else {
    return ['a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')'];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
    errors.push('name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character');
  }
  return errors;
}

/** Whether `portNameErrors(value)` is empty, in one regular-expression test. */
export function isPortName(value: string): boolean {
  return PORT_NAME.test(value);
}
const PORT_NAME = /^(?=.{1,15}$)(?=[^a-z]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** apimachinery `IsValidPortName` (IANA_SVC_NAME). */
export function portNameErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 15) errors.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(value)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errors.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errors.push('must not contain consecutive hyphens');
  if (value.length > 0 && (value.startsWith('-') || value.endsWith('-'))) errors.push('must not begin or end with a hyphen');
  return errors;
}

/** apimachinery `IsValidPortNum`. */
export function isValidPortNumber(value: number): boolean {
  return value >= 1 && value <= 65535;
}

/**
 * A number-or-name port (`intstr.IntOrString`) as `ValidatePortNumOrName` judges it: a JSON number
 * is a port number, a JSON string is a port *name* (so `"8080"` fails: a name needs a letter).
 * Returns the reason it is invalid, or `undefined` when it is fine or cannot be judged.
 */
export function intOrStringPortError(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'must be between 1 and 65535, inclusive';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined;
    return isValidPortNumber(value) ? undefined : 'must be between 1 and 65535, inclusive';
  }
  if (typeof value === 'string') {
    const errors = portNameErrors(value);
    return errors.length > 0 ? errors.join('; ') : undefined;
  }
  return undefined;
}

/**
 * From 1.27 a Pod's negative `terminationGracePeriodSeconds` is stored as 1 before it is validated
 * (`Convert_v1_Pod_To_core_Pod`, kubernetes#115606); a pod template keeps the value as written.
 */
export const NEGATIVE_GRACE_BECOMES_ONE_MINOR = 27;

/**
 * The pod's `terminationGracePeriodSeconds` as the API server validates it: absent → 30; on a Pod
 * from 1.27, negative → 1. `undefined` if unreadable.
 */
export function gracePeriodSeconds(spec: any, isPod: boolean, version: KubeVersion): number | undefined {
  const value = spec?.terminationGracePeriodSeconds;
  if (!isSet(value)) return DEFAULT_GRACE_PERIOD_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  return value < 0 && isPod && isAtLeast(version, NEGATIVE_GRACE_BECOMES_ONE_MINOR) ? 1 : value;
}

/** The pod's `restartPolicy` after defaulting (`''`/absent → Always); `undefined` if not a string. */
export function podRestartPolicy(spec: any): string | undefined {
  const value = stringField(spec?.restartPolicy);
  if (value === undefined) return undefined;
  return value === '' ? 'Always' : value;
}

/** Prefix a container's relative field path: `containers[0]` + `ports[1].hostPort`. */
export function at(entry: ContainerEntry, field: string): string {
  return `${entry.path}.${field}`;
}

export { pushAll } from '../../arrays';

/** Shorthand for a finding. */
export function finding(path: string, message: string, fix?: string): Finding {
  return fix === undefined ? { path, message } : { path, message, fix };
}
