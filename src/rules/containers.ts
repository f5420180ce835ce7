import { containerList, isSidecar } from '../lifecycle/pod-spec';

/**
 * What a container is in its pod: a regular container, a run-once init container, a native
 * sidecar (an init container with `restartPolicy: Always`) or an ephemeral debug container.
 */
export type ContainerRole = 'container' | 'init' | 'sidecar' | 'ephemeral';

/** The pod-spec lists that hold containers. */
export type ContainerListField = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container of a pod spec, with where it sits and how to name it in a message. */
export interface ContainerEntry {
  /** The container object as rendered (only plain objects are listed). */
  readonly container: Record<string, any>;
  readonly list: ContainerListField;
  /** Position in its own list. */
  readonly index: number;
  /** Path relative to the pod spec, e.g. `initContainers[1]`. */
  readonly path: string;
  readonly role: ContainerRole;
  /** The name when it is a non-empty string. */
  readonly name?: string;
  /** How messages refer to it: `sidecar "envoy"`, `init container at initContainers[2]`. */
  readonly label: string;
}

const ALL_LISTS: readonly ContainerListField[] = ['containers', 'initContainers', 'ephemeralContainers'];

const ROLE_WORDS: Record<ContainerRole, string> = {
  container: 'container',
  init: 'init container',
  sidecar: 'sidecar',
  ephemeral: 'ephemeral container',
};

/**
 * The containers of a pod spec in list order (regular, then init, then ephemeral by default).
 * Entries that are not objects are passed over: the API server cannot even decode them, and
 * that is not something a field rule can point at.
 */
export function containerEntries(spec: any, lists: readonly ContainerListField[] = ALL_LISTS): ContainerEntry[] {
  const key = lists.join(',');
  const cached = runCache?.get(spec)?.get(key);
  if (cached) return cached;
  const entries = listEntries(spec, lists);
  if (runCache && spec !== null && typeof spec === 'object') {
    const bySpec = runCache.get(spec) ?? new Map<string, ContainerEntry[]>();
    bySpec.set(key, entries);
    runCache.set(spec, bySpec);
  }
  return entries;
}

/**
 * Share `containerEntries` results between the rules checking one object: about thirty rules ask
 * for the same lists. The cache lives only for the duration of `check`, so an object changed
 * between two engine runs is never read from it.
 */
export function withSharedEntries<T>(check: () => T): T {
  const outer = runCache;
  runCache = new Map();
  try {
    return check();
  } finally {
    runCache = outer;
  }
}

let runCache: Map<object, Map<string, ContainerEntry[]>> | undefined;

function listEntries(spec: any, lists: readonly ContainerListField[]): ContainerEntry[] {
  const entries: ContainerEntry[] = [];
  for (const list of lists) {
    containerList(spec, list).forEach((container, index) => {
      if (container === null || typeof container !== 'object' || Array.isArray(container)) return;
      const role = roleOf(list, container);
      const path = `${list}[${index}]`;
      const name = typeof container.name === 'string' && container.name !== '' ? container.name : undefined;
      const label = name !== undefined ? `${ROLE_WORDS[role]} "${name}"` : `${ROLE_WORDS[role]} at ${path}`;
      entries.push({ container, list, index, path, role, ...(name !== undefined ? { name } : {}), label });
    });
  }
  return entries;
}

/** How a message names a container's name: `"envoy"`, or its path when it has none. */
export function nameOrPath(entry: ContainerEntry): string {
  return entry.name !== undefined ? `"${entry.name}"` : `the container at ${entry.path}`;
}

function roleOf(list: ContainerListField, container: any): ContainerRole {
  if (list === 'containers') return 'container';
  if (list === 'ephemeralContainers') return 'ephemeral';
  return isSidecar(container) ? 'sidecar' : 'init';
}
