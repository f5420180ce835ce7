/**
 * Resource requirements (`validateResourceRequirements` and friends), shared by SC110 (containers)
 * and SC120 (pod-level `spec.resources`). Quantities go through the exact parser in
 * `lifecycle/quantity.ts`, rounded up to milli-units as `SetDefaults_ResourceList` does.
 */
import { formatQuantity, Nanos, parseQuantity, parseQuantityExact, roundUpToMilli } from '../../lifecycle/quantity';
import { Finding } from '../rule';
import { finding, isPlainObject, pushAll, qualifiedNameErrors, show } from './_util';

const NANO = 1_000_000_000n;

/** One entry of a resource list as read from the manifest. */
export interface ResourceValue {
  readonly raw: unknown;
  /** Exact value, rounded up to a milli-unit; `undefined` when it is not a quantity. */
  readonly nanos?: Nanos;
}

export interface Requirements {
  readonly limits: Map<string, ResourceValue>;
  readonly requests: Map<string, ResourceValue>;
}

/** Which name rules apply: containers accept cpu/memory/ephemeral-storage/hugepages/extended; pods cpu/memory/hugepages. */
export type ResourceScope = 'container' | 'pod';

/**
 * Read `resources` (a container's or the pod's). `defaultRequests` applies `SetDefaults_Pod`:
 * a bare Pod's missing request is copied from its limit (templates are not defaulted).
 */
export function readRequirements(resources: Record<string, any>, defaultRequests: boolean): Requirements {
  const limits = readList(resources.limits);
  const requests = readList(resources.requests);
  if (defaultRequests) {
    for (const [name, value] of limits) if (!requests.has(name)) requests.set(name, value);
  }
  return { limits, requests };
}

/**
 * The common case decided without building the maps: a container's limits and requests name only
 * cpu, memory and ephemeral-storage, hold non-negative quantities, and request no more than they
 * limit. Nothing `requirementFindings` checks can fail then (copying a bare Pod's limits into its
 * missing requests cannot either), so the caller may skip it. False means "look closely", not "bad".
 */
export function containerRequirementsClearlyFine(resources: Record<string, any>): boolean {
  const limits = resources.limits;
  const requests = resources.requests;
  if (!plainOrAbsent(limits) || !plainOrAbsent(requests)) return false;
  if (isPlainObject(limits) && !namesAndAmountsFine(limits)) return false;
  if (!isPlainObject(requests)) return true;
  if (!namesAndAmountsFine(requests)) return false;
  if (!isPlainObject(limits)) return true;
  const names = Object.keys(requests);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const request = requests[name];
    const limit = limits[name];
    if (request === undefined || limit === undefined || !Object.prototype.hasOwnProperty.call(limits, name)) continue;
    if (fineAmount(request)! > fineAmount(limit)!) return false;
  }
  return true;
}

function plainOrAbsent(value: unknown): boolean {
  return value === undefined || value === null || isPlainObject(value);
}

function namesAndAmountsFine(list: Record<string, any>): boolean {
  const names = Object.keys(list);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const raw = list[name];
    if (raw === undefined) continue;
    if (name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage') return false;
    if (fineAmount(raw) === undefined) return false;
  }
  return true;
}

/**
 * A quantity as `readList` stores it (rounded up to a milli-unit; null is zero), or undefined when
 * it is not a quantity or is negative. Remembered per text: rounding is bigint arithmetic, and a
 * few texts (`100m`, `64Mi`) fill thousands of resource lists.
 */
function fineAmount(raw: unknown): Nanos | undefined {
  if (raw === null) return 0n;
  if (typeof raw !== 'string') return nonNegativeAmount(raw);
  let amount = AMOUNTS.get(raw);
  if (amount === undefined) {
    amount = nonNegativeAmount(raw) ?? NOT_FINE;
    if (AMOUNTS.size >= AMOUNTS_LIMIT) AMOUNTS.clear();
    AMOUNTS.set(raw, amount);
  }
  return amount === NOT_FINE ? undefined : amount;
}

function nonNegativeAmount(raw: unknown): Nanos | undefined {
  const parsed = parseQuantity(raw);
  return parsed === undefined || parsed < 0n ? undefined : roundUpToMilli(parsed);
}

/** Stands for "not a quantity, or negative" in `AMOUNTS`, so that one look-up answers. */
const NOT_FINE = -1n;
const AMOUNTS = new Map<string, Nanos>();
const AMOUNTS_LIMIT = 4096;

/** The quantity a ResourceValue holds, for messages. */
export function showQuantity(value: ResourceValue): string {
  return value.nanos !== undefined ? formatQuantity(value.nanos) : show(value.raw);
}

/**
 * Findings for one requirements block at `path` (`containers[0].resources`, `resources`);
 * `subject` names its owner in messages (`container "app"`, `the pod`).
 */
export function requirementFindings(requirements: Requirements, path: string, subject: string, scope: ResourceScope): Finding[] {
  const findings: Finding[] = [];
  let hugePages = false;
  let cpuOrMemory = false;
  for (let which = 0; which < 2; which++) {
    const list = which === 0 ? 'limits' : 'requests';
    for (const [name, value] of which === 0 ? requirements.limits : requirements.requests) {
      if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
      else if (isHugePages(name)) hugePages = true;
      // The common case: a valid name (ephemeral-storage is not one at pod level) with a fine quantity.
      if (quantityIsFine(name, value) && (scope === 'container' || name !== 'ephemeral-storage')) continue;
      const nameError = scope === 'container' ? containerResourceNameError(name) : podResourceNameError(name);
      if (nameError !== undefined) {
        findings.push(finding(`${path}.${list}[${name}]`, `${subject} ${list} ${show(name)}: ${nameError}`,
          scope === 'container'
            ? 'use cpu, memory, ephemeral-storage, hugepages-<size>, or a fully qualified extended resource such as example.com/gpu'
            : 'set only cpu, memory and hugepages-<size> at pod level'));
      }
      pushAll(findings, quantityFindings(name, value, `${path}.${list}[${name}]`, `${subject} ${list} ${name}`));
    }
  }
  for (const [name, request] of requirements.requests) {
    const limit = requirements.limits.get(name);
    if (limit === undefined) {
      if (!isOvercommitAllowed(name)) {
        findings.push(finding(`${path}.limits`,
          `${subject} requests ${name} without a limit; a limit must be set for non-overcommitable resources (extended resources and hugepages)`,
          `set limits.${name} equal to the request`));
      }
      continue;
    }
    if (request.nanos === undefined || limit.nanos === undefined) continue;
    // Upstream reports both at `requests`, without the key.
    if (!isOvercommitAllowed(name) && request.nanos !== limit.nanos) {
      findings.push(finding(`${path}.requests`,
        `${subject} requests ${name} ${showQuantity(request)} but limits it to ${showQuantity(limit)}; the request must be equal to the ${name} limit for non-overcommitable resources`,
        `set requests.${name} and limits.${name} to the same value`));
    } else if (request.nanos > limit.nanos) {
      findings.push(finding(`${path}.requests`,
        `${subject} requests ${name} ${showQuantity(request)}, more than its limit of ${showQuantity(limit)}; it must be less than or equal to the ${name} limit`,
        `lower requests.${name} to at most ${showQuantity(limit)}, or raise the limit`));
    }
  }
  if (hugePages && !cpuOrMemory) {
    findings.push(finding(path, `${subject} asks for hugepages without cpu or memory; HugePages require cpu or memory`,
      'add a cpu or memory request or limit next to the hugepages'));
  }
  return findings;
}

export function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** `IsNativeResource`: no domain, or a `kubernetes.io/` domain. */
function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** `IsOvercommitAllowed`: native and not hugepages; extended resources must request exactly their limit. */
function isOvercommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

/** `IsExtendedResourceName`. */
function isExtended(name: string): boolean {
  return !isNative(name) && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
}

function readList(list: unknown): Map<string, ResourceValue> {
  const values = new Map<string, ResourceValue>();
  if (!isPlainObject(list)) return values;
  for (const name of Object.keys(list)) {
    const raw = list[name];
    if (raw === undefined) continue;
    // JSON null decodes to a zero quantity.
    const parsed = raw === null ? 0n : parseQuantity(raw);
    values.set(name, { raw, nanos: parsed !== undefined ? roundUpToMilli(parsed) : undefined });
  }
  return values;
}

/** The common case, decided without building messages: a non-negative quantity of cpu, memory or ephemeral-storage. */
function quantityIsFine(name: string, value: ResourceValue): boolean {
  return value.nanos !== undefined && value.nanos >= 0n && (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage');
}

function quantityFindings(name: string, value: ResourceValue, path: string, subject: string): Finding[] {
  if (value.nanos === undefined) {
    return [finding(path, `${subject} is ${show(value.raw)}, which is not a resource quantity`,
      'write a quantity such as 500m, 2, 256Mi or 1Gi (binary suffixes end in "i"; "GB" and "MB" are not quantities)')];
  }
  const findings: Finding[] = [];
  if (value.nanos < 0n) {
    findings.push(finding(path, `${subject} is ${showQuantity(value)}, which must be greater than or equal to 0`, 'use a non-negative quantity'));
  }
  if (isExtended(name) && value.nanos % NANO !== 0n) {
    findings.push(finding(path, `${subject} is ${showQuantity(value)}, which must be an integer`, `request whole units of ${name}`));
  }
  if (isHugePages(name) && !hugePagesDivisible(name, value.nanos)) {
    findings.push(finding(path, `${subject} is ${showQuantity(value)}, which is not a positive integer multiple of the ${name.slice('hugepages-'.length)} page size`,
      `use a multiple of ${name.slice('hugepages-'.length)}`));
  }
  return findings;
}

/** `IsHugePageResourceValueDivisible` (the page size is the name's suffix: hugepages-2Mi). */
function hugePagesDivisible(name: string, nanos: Nanos): boolean {
  const page = parseQuantityExact(name.slice('hugepages-'.length));
  if (page === undefined || page <= 0n || page % NANO !== 0n) return false;
  const units = ceilDiv(nanos, NANO);
  return units % (page / NANO) === 0n;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** `validateContainerResourceName`: the reason a name is not a container resource, or `undefined`. */
function containerResourceNameError(name: string): string | undefined {
  if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') return undefined;
  const qualified = qualifiedNameErrors(name);
  if (!name.includes('/')) {
    if (qualified.length > 0) return qualified.join('; ');
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isHugePages(name)) return undefined;
    return 'must be a standard resource for containers';
  }
  if (qualified.length > 0) return qualified.join('; ');
  if (!isNative(name) && !isExtended(name)) return 'doesn\'t follow extended resource name standard';
  return undefined;
}

/** `validatePodResourceName`: cpu, memory and hugepages only. */
function podResourceNameError(name: string): string | undefined {
  if (name === 'cpu' || name === 'memory') return undefined;
  const qualified = qualifiedNameErrors(name);
  if (qualified.length > 0) return qualified.join('; ');
  if (name === 'cpu' || name === 'memory' || isHugePages(name)) return undefined;
  return 'supported values: "cpu", "hugepages-", "memory"';
}
