/**
 * Which containers run for the pod's whole life, judged by what they do as well as by image, and
 * whether a pod that should run to completion really completes: a long-running helper among its
 * regular containers keeps it running, unless a workaround in the main containers that really runs
 * stops it (a quit call, a kill, a shared-file signal the helper watches).
 *
 * Evidence is graded. Strong: a catalogued helper image used as the helper, or a command that
 * cannot end (`tail -f`, `sleep infinity`, a `while true` loop with no exit, a server started in
 * the foreground). Weak: declared ports and no command known to end, or a wait for a file that no
 * container is seen to create. Weak evidence is never enough for an error or an automatic move.
 */
import { argvOf, declaredPorts, HelperFacts, helperFacts } from './helper-facts';
import { detectHelper, KnownHelper } from './helper-images';
import { containerList, isSidecar } from './pod-spec';
import { basename, recogniseQuitCall } from './quit-calls';
import { Endless, endlessCommand, endlessReason, parseScript, reachedActions, ScriptAction, shellInvocation, watchedFile } from './script';

export type Strength = 'strong' | 'weak';

/** Why a container runs for the pod's whole life. */
export interface LongRunning {
  /** `helper`: only a helper does this; `server`: a server, which may be the pod's own workload. */
  readonly kind: 'helper' | 'server';
  readonly strength: Strength;
  /** As the end of a sentence about the container: `runs "tail -F /x", which follows the file and never exits`. */
  readonly reason: string;
  /** The catalogue entry, when the image is a known helper. */
  readonly helper?: KnownHelper;
  /** A file whose appearance makes it exit (a shared-file stop signal), as its script writes it. */
  readonly watchedFile?: string;
}

/** A catalogued helper image used for a command that exits by itself. */
export interface OneShotUse {
  readonly helper: KnownHelper;
  /** How it is used: `"vault kv put ..." (not vault agent)`. */
  readonly use: string;
}

/** What a container's image and command say about how long it runs. */
export interface ContainerBehaviour {
  readonly longRunning?: LongRunning;
  readonly oneShot?: OneShotUse;
}

/** How long a container runs, from its image and its command (plain JS, as parsed). */
export function containerBehaviour(container: any): ContainerBehaviour {
  if (container === null || typeof container !== 'object') return {};
  const image = typeof container.image === 'string' ? container.image : undefined;
  const helper = image !== undefined ? detectHelper(image) : undefined;
  const argv = argvOf(container);
  const invocation = shellInvocation(argv);
  const nodes = invocation !== undefined ? parseScript(invocation.script) : undefined;
  const watched = nodes !== undefined ? watchedFile(nodes) : undefined;
  const watching = watched !== undefined ? { watchedFile: watched } : {};

  if (helper !== undefined) {
    const use = catalogueUse(helper, argv);
    if (use.oneShot !== undefined) return { oneShot: { helper, use: use.oneShot } };
    if (use.server !== undefined) return { longRunning: { kind: 'server', strength: 'strong', reason: use.server, helper } };
    return { longRunning: { kind: 'helper', strength: 'strong', reason: `runs ${image} (${helper.product}), a long-running ${helper.role.replace('-', ' ')}`, helper, ...watching } };
  }
  if (watched !== undefined) {
    return { longRunning: { kind: 'helper', strength: 'strong', reason: `runs until the file ${watched} appears (a shared-file stop signal)`, ...watching } };
  }
  const endless: Endless | undefined = invocation !== undefined ? nodes && endlessReason(nodes) : endlessCommand(argv);
  if (endless !== undefined) return { longRunning: { kind: endless.server ? 'server' : 'helper', strength: 'strong', reason: endless.reason } };
  const ports = declaredPorts(container);
  if (ports.length > 0) {
    return { longRunning: { kind: 'server', strength: 'weak', reason: `declares port${ports.length === 1 ? '' : 's'} ${ports.join(', ')} (it serves) and runs no command known to end` } };
  }
  return {};
}

/** A long-running regular container of a pod that should run to completion, and what becomes of it. */
export interface HelperVerdict {
  /** Position in `containers`. */
  readonly index: number;
  /** Its name (`''` when it has none). */
  readonly name: string;
  readonly image?: string;
  readonly evidence: LongRunning;
  /** How a main container stops it, when a workaround that really runs does: `container "job" calls "curl ..." in its command`. */
  readonly stoppedBy?: string;
  /** The stop runs only when the main command succeeds (`&&`, `set -e`) or only on some branch. */
  readonly stopConditional?: boolean;
  /** Why an attempt to stop it does nothing: a `pkill` without shareProcessNamespace, an endpoint that is off. */
  readonly stopFails?: string;
}

/** Whether a pod that should run to completion does: the long-running regular containers, sorted by what becomes of them. */
export interface CompletionAnalysis {
  /** Strong evidence, nothing stops them: the pod never completes. */
  readonly blockers: HelperVerdict[];
  /** Weak evidence, nothing seen to stop them: the pod completes only if they exit after all. */
  readonly possibleBlockers: HelperVerdict[];
  /** Stopped by a workaround in a main container, so the pod completes. */
  readonly stopped: HelperVerdict[];
}

/** Nothing keeps the pod running: one shared, frozen answer. */
const COMPLETES: CompletionAnalysis = Object.freeze({ blockers: [], possibleBlockers: [], stopped: [] }) as unknown as CompletionAnalysis;

/**
 * The regular containers that keep a run-to-completion pod running. The main containers are the
 * ones with no evidence of running forever; when there are none, the weakly evidenced ones are the
 * work, and when every container runs forever there is no helper to blame (the pod's only
 * long-running container is its workload).
 */
export function analyseCompletion(spec: any): CompletionAnalysis {
  const containers = containerList(spec, 'containers');
  const behaviours: Array<LongRunning | undefined> = [];
  for (const container of containers) behaviours.push(containerBehaviour(container).longRunning);
  const anyFree = containers.some((container, i) => isObject(container) && behaviours[i] === undefined);
  const isMain = (i: number) => behaviours[i] === undefined || (!anyFree && behaviours[i]!.strength === 'weak');
  const mains = containers.map((container, index) => ({ container, index })).filter(({ container, index }) => isObject(container) && isMain(index));
  if (mains.length === 0 || mains.length === containers.filter(isObject).length) return COMPLETES;

  const mainActions: MainActions[] = mains.map(({ container }) => ({ container, name: nameOf(container), actions: actionsOf(container) }));
  const blockers: HelperVerdict[] = [];
  const possibleBlockers: HelperVerdict[] = [];
  const stopped: HelperVerdict[] = [];
  containers.forEach((container, index) => {
    const evidence = behaviours[index];
    if (!isObject(container) || evidence === undefined || isMain(index)) return;
    const base = { index, name: nameOf(container), ...(typeof container.image === 'string' ? { image: container.image } : {}), evidence };
    const stop = findStop(spec, container, evidence, mainActions);
    if (stop?.stoppedBy !== undefined) {
      stopped.push({ ...base, stoppedBy: stop.stoppedBy, ...(stop.conditional ? { stopConditional: true } : {}) });
      return;
    }
    const verdict = { ...base, ...(stop?.fails !== undefined ? { stopFails: stop.fails } : {}) };
    // A watcher whose file no container is seen to create may still be released by the main program itself.
    if (evidence.strength === 'strong' && evidence.watchedFile === undefined) blockers.push(verdict);
    else possibleBlockers.push(verdict);
  });
  return { blockers, possibleBlockers, stopped };
}

/**
 * Why an init container that is not a sidecar (as the target version runs it) never completes, so
 * the containers after it never start: it was written as a sidecar and the version drops
 * `restartPolicy` (give `sourceSpec`, the spec as written), or its command cannot end.
 * Catalogue images alone do not count here: the same images run one-shot set-up steps.
 */
export function stuckInitReason(container: any, written: any, versionText: string): string | undefined {
  if (isSidecar(container)) return undefined;
  if (written !== container && isSidecar(written)) {
    return `is written as a sidecar (restartPolicy: Always), but Kubernetes ${versionText} drops restartPolicy from init containers (native sidecars need 1.29), and runs as a plain init container, which the kubelet waits for to exit`;
  }
  const behaviour = containerBehaviour(container).longRunning;
  if (behaviour === undefined || behaviour.strength !== 'strong' || behaviour.helper !== undefined || behaviour.watchedFile !== undefined) return undefined;
  return behaviour.reason;
}

interface Stop {
  readonly stoppedBy?: string;
  readonly conditional?: boolean;
  readonly fails?: string;
}

/** A main container and what its command really does. */
interface MainActions {
  readonly container: any;
  readonly name: string;
  readonly actions: ScriptAction[];
}

function findStop(spec: any, container: any, evidence: LongRunning, mains: readonly MainActions[]): Stop | undefined {
  const facts = helperFacts(container);
  const served: HelperFacts = { ...facts, quitEndpoints: facts.quitEndpoints.filter(endpoint => endpoint.served) };
  let fails: string | undefined;
  for (const main of mains) {
    for (const action of main.actions) {
      if (action.type === 'write') {
        if (evidence.watchedFile !== undefined && sameFile(main.container, action.file, container, evidence.watchedFile)) {
          return { stoppedBy: `container "${main.name}" creates ${action.file} ("${action.text}"), the file it watches`, conditional: action.conditional };
        }
        continue;
      }
      const call = recogniseQuitCall(action.words, [{ facts: served }]);
      if (call === undefined) {
        if (recogniseQuitCall(action.words, [{ facts }]) !== undefined) fails ??= `container "${main.name}" calls "${action.text}", but that endpoint is turned off in this container's settings, so the call does nothing`;
        continue;
      }
      if (call.kills && spec?.shareProcessNamespace !== true) {
        fails ??= `container "${main.name}" runs "${action.text}", but without shareProcessNamespace: true it cannot see other containers' processes, so nothing is killed`;
        continue;
      }
      return { stoppedBy: `container "${main.name}" ${call.kills ? 'kills it with' : 'calls'} "${action.text}" in its command`, conditional: action.conditional };
    }
  }
  return fails !== undefined ? { fails } : undefined;
}

/** The calls and writes a main container's command really reaches. */
function actionsOf(container: any): ScriptAction[] {
  const argv = argvOf(container);
  const invocation = shellInvocation(argv);
  if (invocation !== undefined) return reachedActions(invocation);
  // `linkerd-await --shutdown -- CMD` calls the proxy's /shutdown once CMD exits.
  if (basename(argv[0]) === 'linkerd-await' && argv.slice(1, argv.indexOf('--')).some(arg => arg === '--shutdown' || arg === '-S')) {
    const words = ['curl', '-X', 'POST', 'http://localhost:4191/shutdown'].map((value, i) => ({ type: 'word' as const, value, start: i, end: i, dynamic: false, raw: value }));
    return [{ type: 'call', words, text: `${argv.slice(0, argv.indexOf('--')).join(' ')} (POST :4191/shutdown when the command exits)`, conditional: false }];
  }
  return [];
}

/**
 * Whether two containers' paths name one file: both on the same volume (the longest mount that
 * holds each path), at the same place in it. Paths on a container's own filesystem never meet.
 */
function sameFile(main: any, mainPath: string, helper: any, helperPath: string): boolean {
  const a = onVolume(main, mainPath);
  const b = onVolume(helper, helperPath);
  return a !== undefined && a === b;
}

function onVolume(container: any, path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const mounts = Array.isArray(container?.volumeMounts) ? container.volumeMounts : [];
  let best: { name: string; rest: string; length: number } | undefined;
  for (const mount of mounts) {
    const at = typeof mount?.mountPath === 'string' ? mount.mountPath.replace(/\/+$/, '') : undefined;
    if (at === undefined || typeof mount.name !== 'string') continue;
    if (path !== at && !path.startsWith(`${at}/`)) continue;
    if (best !== undefined && best.length >= at.length) continue;
    const sub = typeof mount.subPath === 'string' && mount.subPath !== '' ? `/${mount.subPath.replace(/^\/+|\/+$/g, '')}` : '';
    best = { name: mount.name, rest: sub + path.slice(at.length), length: at.length };
  }
  return best !== undefined ? `${best.name}:${best.rest}` : undefined;
}

/** How a catalogued image is used: as the helper, as a one-shot command, or as the product's own server. */
function catalogueUse(helper: KnownHelper, argv: readonly string[]): { oneShot?: string; server?: string } {
  const words = argv.flatMap(arg => arg.split(/\s+/)).filter(Boolean);
  const shown = `"${argv.join(' ')}"`;
  switch (helper.product) {
    case 'vault-agent':
      if (words.includes('agent')) {
        return words.some(word => /^--?exit-after-auth(=true)?$/.test(word)) ? { oneShot: `${shown} (vault agent -exit-after-auth, which exits once it has rendered the secrets)` } : {};
      }
      // The image's default command is `vault server -dev`.
      if (words.length === 0 || words.includes('server')) return { server: `runs ${words.length === 0 ? 'the image\'s default command (vault server -dev)' : shown}, the Vault server itself (not the agent), which serves until it is stopped` };
      return { oneShot: `${shown} (not vault agent)` };
    case 'envoy':
      return words.includes('--mode=validate') || words.join(' ').includes('--mode validate') ? { oneShot: 'a config validation (--mode validate)' } : {};
    case 'istio-proxy':
      return words.some(word => word === 'istio-iptables' || word === 'istio-clean-iptables') ? { oneShot: basename(words.find(word => word.includes('iptables'))) } : {};
    case 'linkerd-proxy':
      // The proxy image also carries the iptables and network-validation steps.
      return argv.length > 0 && /init|validator/.test(basename(argv[0])) ? { oneShot: basename(argv[0]) } : {};
    default:
      return {};
  }
}

function nameOf(container: any): string {
  return typeof container?.name === 'string' ? container.name : '';
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
