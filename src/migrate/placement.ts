import { declaredPorts, HelperFacts } from './known';
import { detectHelper } from '../lifecycle/helper-images';
import { commandTexts, isWaitWord, loopbackReferences, nameWaitsFor } from '../lifecycle/sidecar-needs';

/**
 * Where a moved sidecar goes in `initContainers`.
 *
 * The rule: after the existing init containers, unless one of them needs the sidecar — then
 * right before the first one that does — and never before an init container that prepares it.
 *
 * - At the end by default, because every existing init container ran to completion before the
 *   legacy sidecar (a regular container) started; appending keeps that true. It also puts an
 *   Istio or Linkerd proxy right after `istio-init`/`linkerd-init`, the order their injectors use.
 * - Before the first init container that calls it (its port on a loopback address in command,
 *   args or env) or waits for it by name: that container could never have reached it before, and
 *   in native order it can.
 * - Never before a preparer (the mesh's iptables init container, an init container of the same
 *   helper image such as `vault-agent-init`, or `<name>-init`): when a needing container comes
 *   before a preparer, the preparer wins and the conflict is reported.
 * - Several moved sidecars keep their relative order: an earlier one is pulled in front of a later
 *   one's slot when needed.
 */
export interface Placement {
  /** Insertion slot among the original init containers: 0 = first, length = after all of them. */
  readonly slot: number;
  /** Why it goes there, as the end of a report line. */
  readonly reason: string;
  /** A needing init container that has to stay before it, reported for a person to check. */
  readonly conflict?: string;
}

/** A sidecar to place: its name and facts. */
export interface PlacementRequest {
  readonly name?: string;
  readonly facts: HelperFacts;
}

/**
 * A loopback address and a port, as commands write them: `localhost:8200`, `http://127.0.0.1:15000/ready`,
 * `[::1]:4140`, or `nc -z localhost 8200`. The look-behind keeps `mylocalhost:80` out.
 */
/** Words that make a name read as "wait for": `wait-for-proxy`, `proxy-ready`. */
/** Place moved sidecars (in their `containers` order) among the pod's init containers. */
export function placeSidecars(initContainers: any[], requests: PlacementRequest[]): Placement[] {
  const bounds = requests.map(request => boundsFor(initContainers, request));
  const slots = bounds.map(bound => bound.upper);
  // Keep their order: an earlier sidecar may not go after a later one.
  for (let i = slots.length - 2; i >= 0; i--) slots[i] = Math.min(slots[i], slots[i + 1]);
  const placements: Placement[] = [];
  requests.forEach((_request, i) => {
    const bound = bounds[i];
    let slot = slots[i];
    let conflict: string | undefined;
    if (slot < bound.lower) {
      conflict = `init container ${labelAt(initContainers, slot)} needs it but runs before ${labelAt(initContainers, bound.lower - 1)}, which prepares it; the sidecar stays after the preparer`;
      slot = bound.lower;
    }
    if (i > 0) slot = Math.max(slot, placements[i - 1].slot);
    placements.push({ slot, reason: reasonFor(initContainers, slot, bound, requests, i, slots), ...(conflict ? { conflict } : {}) });
  });
  return placements;
}

interface Bounds {
  /** First slot allowed: after the last preparer. */
  readonly lower: number;
  /** Slot of the first init container that needs it, or the end. */
  readonly upper: number;
  readonly need?: string;
}

function boundsFor(initContainers: any[], request: PlacementRequest): Bounds {
  let lower = 0;
  let upper = initContainers.length;
  let need: string | undefined;
  const available = new Set<number>();
  initContainers.forEach((init, index) => {
    if (init === null || typeof init !== 'object') return;
    if (isPreparer(init, request)) {
      lower = index + 1;
    } else if (upper === initContainers.length) {
      const found = initNeed(init, request, available);
      if (found !== undefined) {
        upper = index;
        need = found;
      }
    }
    // Ports an already-native sidecar serves are its, not the moved sidecar's.
    if (init.restartPolicy === 'Always') declaredPorts(init).forEach(port => available.add(port));
  });
  return { lower, upper, ...(need !== undefined ? { need } : {}) };
}

/** Whether an init container prepares the sidecar and so must stay before it. */
export function isPreparer(init: any, request: PlacementRequest): boolean {
  if (init.restartPolicy === 'Always') return false;
  const name = typeof init.name === 'string' ? init.name : '';
  if (request.facts.preparerNames.includes(name)) return true;
  if (request.name !== undefined && (name === `${request.name}-init` || name === `init-${request.name}`)) return true;
  const product = typeof init.image === 'string' ? detectHelper(init.image)?.product : undefined;
  return product !== undefined && product === request.facts.product;
}

/**
 * Why an init container needs the sidecar, as the end of a sentence ("connects to
 * localhost:15021 in its command"), or `undefined`. Ports in `available` are served by someone else.
 */
export function initNeed(init: any, request: PlacementRequest, available: ReadonlySet<number> = new Set()): string | undefined {
  for (const reference of loopbackReferences(init)) {
    if (request.facts.ports.includes(reference.port) && !available.has(reference.port)) return `connects to ${reference.text} in its ${reference.field}`;
  }
  const sidecarName = request.name;
  if (sidecarName === undefined || sidecarName === init.name) return undefined;
  if (typeof init.name === 'string' && nameWaitsFor(init.name, sidecarName)) return 'is named for waiting on it';
  const words = commandTexts(init).flatMap(([, text]) => text.toLowerCase().split(/[\s=,;"'`]+/)).filter(Boolean);
  const waits = words.some(isWaitWord);
  return waits && words.includes(sidecarName.toLowerCase()) ? 'waits for it by name' : undefined;
}

function reasonFor(initContainers: any[], slot: number, bound: Bounds, requests: PlacementRequest[], index: number, slots: number[]): string {
  if (initContainers.length === 0) return 'as the only init container';
  if (slot === initContainers.length) {
    const names = initContainers.map((init, i) => labelAt(initContainers, i, init)).join(', ');
    return `after the existing init containers (${names}), which ran before it when it was a regular container and still do`;
  }
  if (slot === bound.upper && bound.need !== undefined) {
    return `before init container ${labelAt(initContainers, slot)}, which ${bound.need}`;
  }
  if (slot === slots[index] && slot < bound.upper) {
    const later = requests.slice(index + 1).find((_request, offset) => slots[index + 1 + offset] === slot);
    return `before init container ${labelAt(initContainers, slot)}, to stay ahead of ${later?.name !== undefined ? `"${later.name}"` : 'the next moved sidecar'}`;
  }
  return `before init container ${labelAt(initContainers, slot)}`;
}

function labelAt(initContainers: any[], index: number, init: any = initContainers[index]): string {
  return typeof init?.name === 'string' ? `"${init.name}"` : `initContainers[${index}]`;
}
