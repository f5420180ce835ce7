/**
 * Effective pod requests and limits: what the scheduler, kubelet admission, quota and cgroup
 * sizing see for a pod spec, computed exactly (bigint nano-units) with the KEP-753 formula.
 *
 * Per resource name r, independently:
 *
 *   Steady      = Σ regular containers + Σ all sidecars
 *   InitUse(i)  = plain init i:  R(i) + Σ sidecars declared before i
 *                 sidecar i:     Σ sidecars declared up to and including i
 *   Effective   = max(Steady, max_i InitUse(i)) + overhead
 *
 * Mirrors component-helpers `PodRequests` / `PodLimits` after the Pod defaulters have run.
 */
import { ResourceTotals } from './plan';
import { containerList, isSidecar } from './pod-spec';
import { formatQuantity, Nanos, parseQuantity, roundUpToMilli } from './quantity';
import { gateEnabled } from '../feature-gates';
import { isAtLeast, KubeVersion } from '../version';

/** PodLevelResources is beta and on by default from 1.34; before that `spec.resources` is dropped. */
const POD_LEVEL_RESOURCES_MINOR = 34;

/**
 * The effective requests and limits of the pod that `spec` will create on a cluster of `version`.
 *
 * Defaulting that runs before the pod exists is applied for every workload kind (we model the
 * Pod, not the template): a missing request is copied from the limit, and every value is rounded
 * up to a whole milli-unit. Malformed or negative quantities contribute nothing — reporting them
 * is another rule's business — and no input makes this throw.
 */
export function effectiveResources(spec: any, version: KubeVersion): ResourceTotals {
  const requests = new Map<string, Nanos>();
  const limits = new Map<string, Nanos>();
  const sidecarRequestsSoFar = new Map<string, Nanos>();
  const sidecarLimitsSoFar = new Map<string, Nanos>();
  const peakInitRequests = new Map<string, Nanos>();
  const peakInitLimits = new Map<string, Nanos>();

  for (const container of containerList(spec, 'containers')) {
    const own = containerResources(container);
    addInto(requests, own.requests);
    addInto(limits, own.limits);
  }

  for (const container of containerList(spec, 'initContainers')) {
    const own = containerResources(container);
    if (isSidecar(container)) {
      // A sidecar keeps running, so it counts in the steady state and under every later init container.
      addInto(requests, own.requests);
      addInto(limits, own.limits);
      addInto(sidecarRequestsSoFar, own.requests);
      addInto(sidecarLimitsSoFar, own.limits);
      maxInto(peakInitRequests, sidecarRequestsSoFar);
      maxInto(peakInitLimits, sidecarLimitsSoFar);
    } else {
      maxInto(peakInitRequests, sum(own.requests, sidecarRequestsSoFar));
      maxInto(peakInitLimits, sum(own.limits, sidecarLimitsSoFar));
    }
  }

  maxInto(requests, peakInitRequests);
  maxInto(limits, peakInitLimits);

  if (isAtLeast(version, POD_LEVEL_RESOURCES_MINOR)) {
    applyPodLevelResources(spec?.resources, requests, limits);
  }

  const overhead = readResourceList(spec?.overhead).values;
  addInto(requests, overhead);
  for (const [name, value] of overhead) {
    // A zero or absent limit means "unlimited" for the pod; overhead must not turn it into a limit.
    const limit = limits.get(name);
    if (limit !== undefined && limit !== 0n) limits.set(name, limit + value);
  }

  return { requests: sortedRecord(requests), limits: sortedRecord(limits) };
}

/**
 * The pod-level limits the API server of `version` fills in (PodLevelResourcesFixDefaulting, on
 * from 1.37, kubernetes/kubernetes#140514): for each cpu, memory or hugepages resource the pod
 * requests at pod level without a pod-level limit, when every container (init containers and
 * sidecars included) limits it, the pod limit becomes the containers' aggregate limit (the KEP-753
 * formula). Empty before 1.37 and when `spec.resources` is absent.
 */
export function defaultedPodLimits(spec: any, version: KubeVersion): Map<string, Nanos> {
  const defaulted = new Map<string, Nanos>();
  const podResources = isPlainObject(spec) ? spec.resources : undefined;
  if (!gateEnabled('PodLevelResourcesFixDefaulting', version) || !isPlainObject(podResources)) return defaulted;
  const requested = readResourceList(podResources.requests).declared;
  const limited = readResourceList(podResources.limits).declared;
  const containers = [...containerList(spec, 'initContainers'), ...containerList(spec, 'containers')];
  let aggregate: ResourceTotals | undefined;
  for (const name of requested) {
    if (!isPodLevelResource(name) || limited.has(name) || containers.length === 0) continue;
    if (!containers.every(container => containerResources(container).limits.has(name))) continue;
    aggregate ??= effectiveResources({ ...spec, resources: undefined, overhead: undefined }, version);
    const value = aggregate.limits[name];
    if (value !== undefined) defaulted.set(name, value);
  }
  return defaulted;
}

/** Render totals as quantity strings (`1100m`, `640Mi`), keys sorted, for messages and snapshots. */
export function formatTotals(totals: ResourceTotals): { requests: Record<string, string>; limits: Record<string, string> } {
  return { requests: formatRecord(totals.requests), limits: formatRecord(totals.limits) };
}

/** A resource list as read from a manifest. */
interface ReadResourceList {
  /** Well-formed, non-negative values, rounded up to whole milli-units as the API server stores them. */
  readonly values: Map<string, Nanos>;
  /** Every key that is present, including ones whose value is malformed (they still block defaulting). */
  readonly declared: Set<string>;
}

function containerResources(container: any): { requests: Map<string, Nanos>; limits: Map<string, Nanos> } {
  const resources = isPlainObject(container) ? container.resources : undefined;
  const requests = readResourceList(isPlainObject(resources) ? resources.requests : undefined);
  const limits = readResourceList(isPlainObject(resources) ? resources.limits : undefined);
  // SetDefaults_Pod: a limit without a request makes the request equal to the limit.
  const effectiveRequests = new Map(requests.values);
  for (const [name, value] of limits.values) {
    if (!requests.declared.has(name)) effectiveRequests.set(name, value);
  }
  return { requests: effectiveRequests, limits: limits.values };
}

/**
 * Pod-level `spec.resources` (cpu, memory, hugepages-*) replaces the container aggregate for the
 * resources it names. The defaulters fill a missing pod-level request from the aggregate container
 * request (overcommittable resources) or else from the pod-level limit, so that is the fallback order.
 */
function applyPodLevelResources(podResources: any, requests: Map<string, Nanos>, limits: Map<string, Nanos>): void {
  if (!isPlainObject(podResources)) return;
  const podRequests = readResourceList(podResources.requests);
  const podLimits = readResourceList(podResources.limits);

  for (const [name, value] of podLimits.values) {
    if (!isPodLevelResource(name)) continue;
    limits.set(name, value);
    if (podRequests.declared.has(name)) continue;
    const overcommittable = !isHugePages(name);
    if (!(overcommittable && requests.has(name))) requests.set(name, value);
  }
  for (const [name, value] of podRequests.values) {
    if (isPodLevelResource(name)) requests.set(name, value);
  }
}

function readResourceList(list: unknown): ReadResourceList {
  const values = new Map<string, Nanos>();
  const declared = new Set<string>();
  if (!isPlainObject(list)) return { values, declared };
  for (const [name, raw] of Object.entries(list)) {
    // An undefined value never reaches the API server (JSON drops it); everything else is a key.
    if (raw === undefined) continue;
    declared.add(name);
    const parsed = parseQuantity(raw);
    if (parsed === undefined || parsed < 0n) continue;
    values.set(name, roundUpToMilli(parsed));
  }
  return { values, declared };
}

function isPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || isHugePages(name);
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

function addInto(target: Map<string, Nanos>, source: Map<string, Nanos>): void {
  for (const [name, value] of source) target.set(name, (target.get(name) ?? 0n) + value);
}

function maxInto(target: Map<string, Nanos>, source: Map<string, Nanos>): void {
  for (const [name, value] of source) {
    const current = target.get(name);
    if (current === undefined || value > current) target.set(name, value);
  }
}

function sum(a: Map<string, Nanos>, b: Map<string, Nanos>): Map<string, Nanos> {
  const total = new Map(a);
  addInto(total, b);
  return total;
}

function sortedRecord(values: Map<string, Nanos>): Record<string, Nanos> {
  return Object.fromEntries([...values].sort(([a], [b]) => compareNames(a, b)));
}

function formatRecord(values: Record<string, Nanos>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(values).sort(compareNames).map((name) => [name, formatQuantity(values[name])]),
  );
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
