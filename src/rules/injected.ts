/**
 * Containers that a mesh's injection webhook put into the pod, and which of their fields the
 * manifest's owner chose. A warning about a field the injector's template decides is not the
 * owner's to act on: the engine reports it as `info`, with the reason (see `engine.ts`).
 *
 * Read from the rendered manifest alone, by what the containers are and do:
 * - the injector's own record on the pod template (Istio's `sidecar.istio.io/status` names the
 *   containers it added; Linkerd's `linkerd.io/proxy-version`, Kuma's `kuma.io/sidecar-injected`
 *   and Consul's `consul.hashicorp.com/connect-inject-status` say a proxy was injected);
 * - a run-once init container that writes the pod's iptables (it adds NET_ADMIN or NET_RAW and runs
 *   an iptables program) is the mesh's traffic-capture step, and the container running as the UID
 *   that step exempts from capture is the mesh's proxy;
 * - Linkerd's proxy carries its `LINKERD2_PROXY_` settings in its environment.
 * Fields the owner set through Istio's `proxy.istio.io/overrides` annotation stay the owner's.
 */
import { ContainerEntry, containerEntries, INIT_THEN_APP } from './containers';
import { podMetadata } from './mesh/_mesh';
import { RuleContext } from './rule';

/** A container the mesh injected. */
export interface InjectedContainer {
  /** Who injected it, for messages: `Istio's injector`, `the mesh injector`. */
  readonly injector: string;
  /** `proxy` for the long-running proxy, `init` for the mesh's run-once init containers. */
  readonly role: 'proxy' | 'init';
  /** Top-level container fields the owner set through an override annotation. */
  readonly ownerFields: ReadonlySet<string>;
}

/** The injected containers of the pod, by their path in the pod spec (`initContainers[1]`). */
export function injectedContainers(context: RuleContext): ReadonlyMap<string, InjectedContainer> {
  return context.shared(INJECTED, () => findInjected(context));
}

/**
 * The injected container a finding at `path` (relative to the pod spec) is about, when the field
 * it names was decided by the injector's template rather than by the owner.
 */
export function injectorChoice(context: RuleContext, path: string): InjectedContainer | undefined {
  const match = CONTAINER_FIELD.exec(path);
  if (match === null) return undefined;
  const injected = injectedContainers(context).get(match[1]);
  if (injected === undefined) return undefined;
  const field = match[2];
  return field !== undefined && injected.ownerFields.has(field) ? undefined : injected;
}

/** `initContainers[1].lifecycle.preStop` → `initContainers[1]` and `lifecycle`. */
const CONTAINER_FIELD = /^((?:initContainers|containers)\[\d+\])(?:\.([A-Za-z]+))?/;

const INJECTED = Symbol('injected containers');

const ISTIO_STATUS = 'sidecar.istio.io/status';
const ISTIO_OVERRIDES = 'proxy.istio.io/overrides';

/** Annotations an injector writes on the pods it injected a proxy into, and the injector's name. */
const INJECTOR_MARKS: ReadonlyArray<{ readonly key: string; readonly values?: readonly string[]; readonly injector: string }> = [
  { key: 'linkerd.io/proxy-version', injector: 'Linkerd\'s proxy injector' },
  { key: 'kuma.io/sidecar-injected', values: ['true', 'enabled'], injector: 'Kuma\'s injector' },
  { key: 'consul.hashicorp.com/connect-inject-status', values: ['injected'], injector: 'Consul\'s connect injector' },
];

const NONE: ReadonlyMap<string, InjectedContainer> = new Map();

function findInjected(context: RuleContext): ReadonlyMap<string, InjectedContainer> {
  const annotations = podMetadata(context).annotations;
  const istio = istioStatus(annotations[ISTIO_STATUS]);
  const marked = INJECTOR_MARKS.find(mark => {
    const value = annotations[mark.key];
    return typeof value === 'string' && (mark.values === undefined || mark.values.includes(value));
  });
  if (istio === undefined && marked === undefined) return NONE;
  const entries = containerEntries(context.spec, INIT_THEN_APP);
  const injected = new Map<string, InjectedContainer>();
  if (istio !== undefined) {
    const overrides = istioOverrides(annotations[ISTIO_OVERRIDES]);
    for (const entry of entries) {
      const names = entry.list === 'initContainers' ? istio.initContainers : istio.containers;
      if (entry.name === undefined || !names.has(entry.name)) continue;
      injected.set(entry.path, {
        injector: 'Istio\'s injector',
        role: entry.role === 'init' ? 'init' : 'proxy',
        ownerFields: overrides.get(`${entry.list}/${entry.name}`) ?? NO_FIELDS,
      });
    }
    return injected;
  }
  const injector = marked!.injector;
  const exemptUids = new Set<number>();
  for (const entry of entries) {
    if (entry.role !== 'init' || !capturesTraffic(entry)) continue;
    injected.set(entry.path, { injector, role: 'init', ownerFields: NO_FIELDS });
    const uid = exemptUid(entry.container);
    if (uid !== undefined) exemptUids.add(uid);
  }
  for (const entry of entries) {
    if (entry.role === 'init') continue;
    const uid = entry.container.securityContext?.runAsUser;
    if ((typeof uid === 'number' && exemptUids.has(uid)) || hasLinkerdProxyEnv(entry.container)) {
      injected.set(entry.path, { injector, role: 'proxy', ownerFields: NO_FIELDS });
    }
  }
  return injected;
}

const NO_FIELDS: ReadonlySet<string> = new Set();

/** The container names Istio's `sidecar.istio.io/status` annotation records, or undefined. */
function istioStatus(raw: unknown): { initContainers: Set<string>; containers: Set<string> } | undefined {
  const status = parseJsonObject(raw);
  if (status === undefined) return undefined;
  return { initContainers: nameSet(status.initContainers), containers: nameSet(status.containers) };
}

function nameSet(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : []);
}

/** The fields `proxy.istio.io/overrides` sets, per `initContainers/<name>` and `containers/<name>`. */
function istioOverrides(raw: unknown): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  const overrides = parseJsonObject(raw);
  if (overrides === undefined) return fields;
  for (const list of ['initContainers', 'containers']) {
    const containers = overrides[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isRecord(container) || typeof container.name !== 'string') continue;
      fields.set(`${list}/${container.name}`, new Set(Object.keys(container).filter(key => key !== 'name')));
    }
  }
  return fields;
}

function parseJsonObject(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : undefined;
  } catch {
    // Not JSON: the annotation was not written by the injector.
    return undefined;
  }
}

/** A run-once init container that programs the pod's iptables: it adds NET_ADMIN or NET_RAW and runs an iptables program. */
export function capturesTraffic(entry: ContainerEntry): boolean {
  const added = entry.container.securityContext?.capabilities?.add;
  if (!Array.isArray(added) || !added.some(cap => typeof cap === 'string' && NET_CAPABILITIES.test(cap.trim()))) return false;
  return commandWords(entry.container).some(word => IPTABLES_WORD.test(word));
}

const NET_CAPABILITIES = /^(CAP_)?NET_(ADMIN|RAW)$/i;
/** `istio-iptables`, `iptables-nft`, `linkerd2-proxy-init`, `/usr/sbin/iptables-restore`, `--firewall-bin-path`. */
const IPTABLES_WORD = /iptables|proxy-init|firewall-bin-path/i;

/** The UID an iptables init container exempts from capture (`-u 1337`, `--proxy-uid 2102`, `--kuma-dp-uid=5678`). */
function exemptUid(container: Record<string, any>): number | undefined {
  const words = commandWords(container);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const joined = /^--?[a-z-]*uid=(\d+)$/i.exec(word);
    if (joined !== null) return Number(joined[1]);
    if ((word === '-u' || /^--[a-z-]*uid$/i.test(word)) && /^\d+$/.test(words[i + 1] ?? '')) return Number(words[i + 1]);
  }
  return undefined;
}

function hasLinkerdProxyEnv(container: Record<string, any>): boolean {
  const env = container.env;
  return Array.isArray(env) && env.some(variable => isRecord(variable) && typeof variable.name === 'string' && variable.name.startsWith('LINKERD2_PROXY_'));
}

/** The words of command and args, split on white space. */
function commandWords(container: Record<string, any>): string[] {
  const words: string[] = [];
  for (const field of ['command', 'args']) {
    const value = container[field];
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item !== 'string') continue;
      for (const word of item.split(/\s+/)) if (word !== '') words.push(word);
    }
  }
  return words;
}

function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
