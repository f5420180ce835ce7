import { isAlias, isMap, visit, YAMLMap, YAMLSeq } from 'yaml';
import { detectHelper, KnownHelper } from '../lifecycle/helper-images';
import { ContainerBehaviour, containerBehaviour, LongRunning } from '../lifecycle/long-running';
import { ISTIO_NATIVE_ANNOTATION, LINKERD_NATIVE_ANNOTATIONS } from '../mesh/facts';
import { isAtLeast } from '../version';
import { declaredPorts, describeHandler, helperFacts, knownStartupProbe, notServed } from './known';
import { hasStartupProbe, MigrationSettings, NativeSidecar, PodTarget, quoted, Recorder } from './model';
import { insertAfter, insertBefore, mapAt, plain, seqAt, stringScalars } from './nodes';
import { placeSidecars } from './placement';

import { basename } from '../lifecycle/quit-calls';

export { basename };

/** A regular container picked to become a native sidecar. */
interface Candidate {
  readonly node: YAMLMap;
  readonly index: number;
  readonly name?: string;
  readonly container: any;
  readonly helper?: KnownHelper;
  /** Named with `--sidecar` (rather than only recognised by its image or what it does). */
  readonly named: boolean;
  /** What its command does that only a long-running helper does, when its image is not catalogued. */
  readonly behaviour?: string;
}

/** postStart hooks that only wait for the helper to be ready; a startupProbe does that in native mode. */
const WAIT_HOOKS: Array<{ readonly product: string; readonly program: string; readonly subcommand?: string; readonly what: string }> = [
  { product: 'istio-proxy', program: 'pilot-agent', subcommand: 'wait', what: 'holdApplicationUntilProxyStarts' },
  { product: 'linkerd-proxy', program: 'linkerd-await', what: 'Linkerd\'s proxy-await' },
];

/**
 * Move the pod's legacy sidecars from `containers` to `initContainers` with
 * `restartPolicy: Always`, add a startupProbe where the helper's readiness is known, and drop
 * postStart hooks that only waited for it. Returns every native sidecar of the pod afterwards.
 */
export function moveLegacySidecars(target: PodTarget, settings: MigrationSettings, record: Recorder): NativeSidecar[] {
  const candidates = pickCandidates(target, settings, record);
  if (candidates.length > 0 && !isAtLeast(settings.version, 29)) {
    for (const candidate of candidates) {
      record.concern(candidate.node, `container ${label(candidate)} looks like a legacy sidecar but was not moved: native sidecars need Kubernetes 1.29 or later and the target is ${settings.version.text}; migrate when the cluster is upgraded [SC901]`,
        `${target.specPath}.containers[${candidate.index}]`);
    }
    return [];
  }
  const anchored = candidates.length > 0 && usesAnchors(target);
  if (anchored) {
    for (const candidate of candidates) {
      record.concern(candidate.node, `container ${label(candidate)} looks like a legacy sidecar but was not moved: the pod's containers use YAML anchors or aliases, which moving containers could leave pointing backwards; migrate it by hand`,
        `${target.specPath}.containers[${candidate.index}]`);
    }
  }
  const moved = candidates.length > 0 && !anchored ? move(target, candidates, record) : [];
  const initSeq = seqAt(target.spec, 'initContainers');
  const natives: NativeSidecar[] = [];
  for (const item of initSeq?.items ?? []) {
    if (!isMap(item) || item.get('restartPolicy') !== 'Always') continue;
    const movedEntry = moved.find(entry => entry.node === item);
    if (movedEntry !== undefined) {
      natives.push(movedEntry);
      continue;
    }
    const container = plain(target.doc, item);
    natives.push({ node: item, ...(typeof container.name === 'string' ? { name: container.name } : {}), facts: helperFacts(container), moved: false });
  }
  for (const sidecar of moved) {
    addStartupProbe(target, sidecar, record);
    removeWaitHook(sidecar, record);
  }
  return natives;
}

/** The containers to move, after the one-regular-container and restartPolicy checks. */
function pickCandidates(target: PodTarget, settings: MigrationSettings, record: Recorder): Candidate[] {
  const containers = seqAt(target.spec, 'containers');
  if (containers === undefined) return [];
  const entries: Array<{ item: YAMLMap; index: number; container: any; name?: string; behaviour: ContainerBehaviour }> = [];
  let regular = 0;
  containers.items.forEach((item, index) => {
    if (isAlias(item)) {
      regular++;
      return;
    }
    if (!isMap(item)) return;
    regular++;
    const container = plain(target.doc, item);
    const name = typeof container.name === 'string' && container.name !== '' ? container.name : undefined;
    entries.push({ item, index, container, ...(name !== undefined ? { name } : {}), behaviour: containerBehaviour(container) });
  });
  // In a pod that runs to completion the work is what has no sign of running forever; weakly
  // evidenced containers are the work when nothing else is.
  const anyFree = entries.some(entry => entry.behaviour.longRunning === undefined);
  const annotations = plainAnnotations(target);
  const all: Candidate[] = [];
  for (const { item, index, container, name, behaviour } of entries) {
    const named = name !== undefined && settings.sidecarNames.has(name);
    const path = `${target.specPath}.containers[${index}]`;
    const who = quoted(name, `containers[${index}]`);
    const longRunning = behaviour.longRunning;
    if (!named) {
      if (behaviour.oneShot !== undefined) {
        const { helper, use } = behaviour.oneShot;
        record.concern(item, `container ${who} runs ${container.image} (${helper.product}) as ${use}, which exits by itself; not moved, since a native sidecar is restarted whenever it exits — name it with --sidecar if it really is a long-running helper`, path);
        continue;
      }
      if (longRunning === undefined) continue;
      // Outside a Job every container runs for the pod's life, and a server there is the workload itself.
      if (!target.runsToCompletion && longRunning.kind === 'server') continue;
      if (longRunning.strength === 'weak') {
        if (target.runsToCompletion && anyFree) {
          record.concern(item, `container ${who} ${longRunning.reason}, so it probably never exits, which would keep this ${target.kind} from completing; not moved because the evidence is weak — name it with --sidecar if it is a helper`, path);
        }
        continue;
      }
      const optOut = nativeOptOut(longRunning, annotations);
      if (optOut !== undefined) {
        record.concern(item, `container ${who} (${longRunning.helper!.product}) was not moved: the pod opts out of native sidecars with ${optOut}; remove that annotation first if it should become one`, path);
        continue;
      }
      const dataPlane = !target.runsToCompletion ? servesPodPorts(container, longRunning, entries.map(entry => entry.container)) : undefined;
      if (dataPlane !== undefined) {
        record.concern(item, `container ${who} runs ${container.image} (${longRunning.helper!.product}) but ${dataPlane}, so it is most likely the pod's own data plane, not a helper; not moved — name it with --sidecar if it is a helper`, path);
        continue;
      }
    }
    const candidate: Candidate = {
      node: item,
      index,
      container,
      named,
      ...(name !== undefined ? { name } : {}),
      ...(!named && longRunning?.helper ? { helper: longRunning.helper } : {}),
      ...(!named && longRunning !== undefined && longRunning.helper === undefined ? { behaviour: longRunning.reason } : {}),
    };
    if (container.restartPolicy !== undefined && container.restartPolicy !== 'Always') {
      record.concern(item, `container ${label(candidate)} sets restartPolicy: ${String(container.restartPolicy)}, which a native sidecar cannot keep; not moved — decide whether it is a sidecar and move it by hand`,
        `${path}.restartPolicy`);
      continue;
    }
    all.push(candidate);
  }
  if (all.length < regular) return all;

  // Every regular container is a candidate. A pod needs one: helpers recognised only by image or
  // behaviour are then most likely the workload itself (a gateway, a log-shipping DaemonSet);
  // named ones are moved while one container remains.
  const kept = all.filter(candidate => !candidate.named);
  const moved = all.filter(candidate => candidate.named);
  if (kept.length === 0) kept.push(moved.pop()!);
  for (const candidate of kept) {
    record.concern(candidate.node, `container ${label(candidate)} ${identity(candidate, 'runs')} but was not moved: a pod needs at least one regular container and no other would remain, so this is probably the workload itself; if it really is a sidecar, add the application container first`,
      `${target.specPath}.containers[${candidate.index}]`);
  }
  return moved;
}

/** Why a candidate is one, as the middle of a report line. */
function identity(candidate: Candidate, verb: 'runs' | 'recognised'): string {
  if (candidate.helper !== undefined) return verb === 'runs' ? `runs ${candidate.container.image} (${candidate.helper.product})` : `image recognised as ${candidate.helper.product}`;
  if (candidate.behaviour !== undefined) return verb === 'runs' ? candidate.behaviour : `it ${candidate.behaviour}`;
  return verb === 'runs' ? 'was named with --sidecar' : 'named with --sidecar';
}

/** The pod annotation that opts a mesh proxy out of native sidecars (`sidecar.istio.io/nativeSidecar: "false"`), or `undefined`. */
function nativeOptOut(longRunning: LongRunning, annotations: Record<string, unknown>): string | undefined {
  const product = longRunning.helper?.product;
  const keys = product === 'istio-proxy' ? [ISTIO_NATIVE_ANNOTATION] : product === 'linkerd-proxy' ? LINKERD_NATIVE_ANNOTATIONS : [];
  const key = keys.find(candidate => String(annotations[candidate]).toLowerCase() === 'false');
  return key !== undefined ? `${key}: "false"` : undefined;
}

/**
 * How a catalogued traffic proxy is the pod's front door: it declares the pod's only ports
 * (contour's envoy serving 8080 and 8443), or `undefined`. Mesh proxies capture traffic for the
 * app through iptables, and agents or collectors declare ports for the app to call, so neither counts.
 */
function servesPodPorts(container: any, longRunning: LongRunning, all: any[]): string | undefined {
  if (longRunning.helper?.role !== 'proxy') return undefined;
  const ports = declaredPorts(container);
  // Alone, it is the workload anyway (see pickCandidates).
  if (ports.length === 0 || all.length < 2 || all.some(other => other !== container && declaredPorts(other).length > 0)) return undefined;
  return `serves the pod's declared port${ports.length === 1 ? '' : 's'} (${ports.join(', ')}) and no other container declares any`;
}

function plainAnnotations(target: PodTarget): Record<string, unknown> {
  const annotations = target.metadata !== undefined ? plain(target.doc, target.metadata)?.annotations : undefined;
  return annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations) ? annotations : {};
}

function move(target: PodTarget, candidates: Candidate[], record: Recorder): NativeSidecar[] {
  const { doc, spec } = target;
  const containers = seqAt(spec, 'containers')!;
  let initSeq = seqAt(spec, 'initContainers');
  const initPlain: any[] = initSeq ? initSeq.items.map(item => plain(doc, item)) : [];
  const facts = candidates.map(candidate => helperFacts(candidate.container));
  const requests = candidates.map((candidate, i) => ({ facts: facts[i], ...(candidate.name !== undefined ? { name: candidate.name } : {}) }));
  const placements = placeSidecars(initPlain, requests);

  // A comment between `containers:` and its first item belongs to that item.
  if (candidates[0].index === 0 && containers.commentBefore) {
    candidates[0].node.commentBefore = joinComments(containers.commentBefore, candidates[0].node.commentBefore ?? undefined);
    containers.commentBefore = undefined;
  }
  for (const candidate of [...candidates].reverse()) containers.items.splice(candidate.index, 1);
  if (initSeq === undefined) {
    initSeq = new YAMLSeq();
    insertBefore(doc, spec, 'initContainers', initSeq, 'containers');
  }
  initSeq.flow = false;

  const moved: NativeSidecar[] = [];
  candidates.forEach((candidate, i) => {
    const placement = placements[i];
    const newIndex = placement.slot + i;
    initSeq!.items.splice(newIndex, 0, candidate.node);
    if (!candidate.node.has('restartPolicy')) insertAfter(doc, candidate.node, 'restartPolicy', 'Always', ['image', 'name']);
    record.change(candidate.node, `moved container ${label(candidate)} (${identity(candidate, 'recognised')}) from containers[${candidate.index}] to initContainers[${newIndex}] with restartPolicy: Always, ${placement.reason}`);
    if (placement.conflict !== undefined) {
      record.concern(candidate.node, `sidecar ${label(candidate)}: ${placement.conflict}; reorder by hand if the preparer does not need to run first`, `${target.specPath}.initContainers[${newIndex}]`);
    }
    moved.push({ ...requests[i], node: candidate.node, moved: true });
  });
  return moved;
}

/** Add the startupProbe that makes later containers wait for the helper, when what it serves is known. */
function addStartupProbe(target: PodTarget, sidecar: NativeSidecar, record: Recorder): void {
  if (hasStartupProbe(sidecar.node)) return;
  const container = plain(target.doc, sidecar.node);
  const helper = typeof container.image === 'string' ? detectHelper(container.image) : undefined;
  const known = knownStartupProbe(container, helper);
  if (known === undefined) {
    const why = notServed(container, helper);
    if (why !== undefined) {
      const index = seqAt(target.spec, 'initContainers')!.items.indexOf(sidecar.node);
      record.concern(sidecar.node, `no startupProbe was added to sidecar ${quoted(sidecar.name, 'the moved sidecar')}: ${why}; add one on an endpoint it does serve if the containers after it need it ready`,
        `${target.specPath}.initContainers[${index}]`);
    }
    return;
  }
  let probe: YAMLMap;
  if (known.copyReadinessHandler !== undefined) {
    const handler = mapAt(mapAt(sidecar.node, 'readinessProbe'), known.copyReadinessHandler)!;
    probe = target.doc.createNode({ periodSeconds: known.probe.periodSeconds, failureThreshold: known.probe.failureThreshold }) as YAMLMap;
    probe.items.unshift(target.doc.createPair(known.copyReadinessHandler, handler.clone()) as any);
  } else {
    probe = target.doc.createNode(known.probe) as YAMLMap;
  }
  insertAfter(target.doc, sidecar.node, 'startupProbe', probe, ['readinessProbe', 'livenessProbe']);
  // A one-line `{name: ..., image: ...}` would grow a nested probe; block style keeps it readable.
  sidecar.node.flow = false;
  record.change(sidecar.node, `added startupProbe ${describeHandler(known.probe)} (periodSeconds ${known.probe.periodSeconds}, failureThreshold ${known.probe.failureThreshold}) to sidecar ${quoted(sidecar.name, 'the moved sidecar')}, from ${known.source}, so the containers after it start only once it serves`);
}

/** Drop a postStart hook that only waits for the helper itself, now that a startupProbe gates. */
function removeWaitHook(sidecar: NativeSidecar, record: Recorder): void {
  if (!hasStartupProbe(sidecar.node)) return;
  const lifecycle = mapAt(sidecar.node, 'lifecycle');
  const postStart = mapAt(lifecycle, 'postStart');
  if (lifecycle === undefined || postStart === undefined || postStart.items.length !== 1) return;
  const command = stringScalars(seqAt(mapAt(postStart, 'exec'), 'command'));
  if (command === undefined || command.length === 0) return;
  const argv = command.map(scalar => scalar.value);
  const hook = WAIT_HOOKS.find(candidate => candidate.product === sidecar.facts.product && basename(argv[0]) === candidate.program &&
    (candidate.subcommand === undefined || argv[1] === candidate.subcommand) &&
    argv.slice(candidate.subcommand === undefined ? 1 : 2).every(arg => /^--?[a-z-]+(=\S+)?$/.test(arg)));
  if (hook === undefined) return;
  lifecycle.delete('postStart');
  if (lifecycle.items.length === 0) sidecar.node.delete('lifecycle');
  record.change(postStart, `removed postStart hook "${argv.join(' ')}" from sidecar ${quoted(sidecar.name, 'the moved sidecar')}: it only waited for the proxy (${hook.what}), which its startupProbe now does before the containers after it start`);
}

/** Whether the container lists define or use an anchor (moving entries could put an alias before its anchor). */
function usesAnchors(target: PodTarget): boolean {
  let found = false;
  for (const list of ['initContainers', 'containers']) {
    const seq = seqAt(target.spec, list);
    if (seq === undefined) continue;
    visit(seq, {
      Node(_key, node) {
        if (isAlias(node) || node.anchor !== undefined) {
          found = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
  }
  return found;
}

function label(candidate: Candidate): string {
  return quoted(candidate.name, `containers[${candidate.index}]`);
}

function joinComments(first: string, second: string | undefined): string {
  return second ? `${first}\n${second}` : first;
}
