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

/** Init containers (plain and sidecars) only. */
export const INIT_LISTS: readonly ContainerListField[] = ['initContainers'];
/** Regular containers only. */
export const APP_LISTS: readonly ContainerListField[] = ['containers'];
/** Ephemeral containers only. */
export const EPHEMERAL_LISTS: readonly ContainerListField[] = ['ephemeralContainers'];
/** Init containers, then regular containers: the start order. */
export const INIT_THEN_APP: readonly ContainerListField[] = ['initContainers', 'containers'];
/** Regular containers, then init containers: the order the API server validates them in. */
export const APP_THEN_INIT: readonly ContainerListField[] = ['containers', 'initContainers'];
/** Every list: regular, init, then ephemeral containers. */
export const ALL_LISTS: readonly ContainerListField[] = ['containers', 'initContainers', 'ephemeralContainers'];

const ROLE_WORDS: Record<ContainerRole, string> = {
  container: 'container',
  init: 'init container',
  sidecar: 'sidecar',
  ephemeral: 'ephemeral container',
};

/**
 * The containers of a pod spec in list order (regular, then init, then ephemeral by default).
 * Entries that are not objects are passed over: the API server cannot even decode them, and
 * that is not something a field rule can point at. Pass one of the list constants above: inside
 * `withSharedEntries` the answer for each constant is built once per pod spec.
 */
export function containerEntries(spec: any, lists: readonly ContainerListField[] = ALL_LISTS): ContainerEntry[] {
  const cache = shared;
  if (cache === undefined || spec === null || typeof spec !== 'object') return listEntries(spec, lists);
  if (cache.spec !== spec) {
    cache.spec = spec;
    cache.byLists = [];
  }
  const byLists = cache.byLists;
  for (let i = 0; i < byLists.length; i += 2) {
    if (byLists[i] === lists) return byLists[i + 1] as ContainerEntry[];
  }
  const entries = lists.length === 1 ? listEntries(spec, lists) : lists.flatMap(list => containerEntries(spec, listConstant(list)));
  byLists.push(lists, entries);
  return entries;
}

/**
 * Share `containerEntries` results between the rules checking one object: about thirty rules ask
 * for the same lists. The cache lives only for the duration of `check`, so an object changed
 * between two engine runs is never read from it.
 */
export function withSharedEntries<T>(check: () => T): T {
  const outer = shared;
  shared = { spec: undefined, byLists: [] };
  try {
    return check();
  } finally {
    shared = outer;
  }
}

/** The lists asked for and their entries, side by side: `[lists, entries, lists, entries, ...]` (at most a dozen). */
let shared: { spec: unknown; byLists: unknown[] } | undefined;

function listConstant(list: ContainerListField): readonly ContainerListField[] {
  if (list === 'containers') return APP_LISTS;
  return list === 'initContainers' ? INIT_LISTS : EPHEMERAL_LISTS;
}

function listEntries(spec: any, lists: readonly ContainerListField[]): ContainerEntry[] {
  const entries: ContainerEntry[] = [];
  for (const list of lists) {
    const containers = containerList(spec, list);
    for (let index = 0; index < containers.length; index++) {
      const container = containers[index];
      if (container === null || typeof container !== 'object' || Array.isArray(container)) continue;
      const role = roleOf(list, container);
      const path = `${list}[${index}]`;
      const name = typeof container.name === 'string' && container.name !== '' ? container.name : undefined;
      const label = name !== undefined ? `${ROLE_WORDS[role]} "${name}"` : `${ROLE_WORDS[role]} at ${path}`;
      entries.push({ container, list, index, path, role, name, label });
    }
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
