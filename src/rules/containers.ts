import { containerList, containerPath, isSidecar } from '../lifecycle/pod-spec';

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
  if (spec === null || typeof spec !== 'object') return [];
  const cache = shared;
  if (cache === undefined) return listsEntries(spec, lists, undefined);
  if (cache.spec !== spec) cache.reset(spec);
  // One field per list constant: about thirty rules ask per object.
  if (lists === INIT_THEN_APP) return cache.initThenApp ??= listsEntries(spec, lists, cache);
  if (lists === APP_THEN_INIT) return cache.appThenInit ??= listsEntries(spec, lists, cache);
  if (lists === ALL_LISTS) return cache.all ??= listsEntries(spec, lists, cache);
  if (lists.length === 1) return cache.list(lists[0]);
  return listsEntries(spec, lists, cache);
}

/** The native sidecars among the init containers, in order; shared like the lists. */
export function sidecarEntries(spec: any): ContainerEntry[] {
  const inits = containerEntries(spec, INIT_LISTS);
  const cache = shared;
  if (cache === undefined || cache.spec !== spec) return inits.filter(isSidecarEntry);
  return cache.sidecars ??= inits.filter(isSidecarEntry);
}

function isSidecarEntry(entry: ContainerEntry): boolean {
  return entry.role === 'sidecar';
}

/**
 * Share `containerEntries` results between the rules checking one object: about thirty rules ask
 * for the same lists. The cache lives only for the duration of `check`, so an object changed
 * between two engine runs is never read from it. With `everyFieldSet`, `setsAnyField` answers
 * true whatever the containers hold, so every rule runs its whole check (the tests compare the
 * two).
 */
export function withSharedEntries<T>(check: () => T, everyFieldSet = false): T {
  const outer = shared;
  shared = new SharedEntries(everyFieldSet);
  try {
    return check();
  } finally {
    shared = outer;
  }
}

/**
 * Whether any container in `lists` has one of `fields` (present, whatever its value), or, with
 * `securityContext`, has one of them in its `securityContext`. Several rules look only at fields
 * that few pods set (env, lifecycle, resizePolicy, capabilities ...) and return at once when no
 * container has them. The entries come from the shared cache.
 */
export function setsAnyField(spec: any, lists: readonly ContainerListField[], fields: readonly string[], securityContext = false): boolean {
  const cache = shared;
  if (cache !== undefined) {
    if (cache.everyFieldSet) return true;
    if (cache.spec !== spec) cache.reset(spec);
  }
  // A handful of direct look-ups: cheaper, for the few fields each rule names, than collecting
  // every container's keys once and sharing them.
  for (let l = 0; l < lists.length; l++) {
    const entries = cache !== undefined ? cache.list(lists[l]) : containerEntries(spec, [lists[l]]);
    for (let e = 0; e < entries.length; e++) {
      const container = entries[e].container;
      const owner = securityContext ? container.securityContext : container;
      if (owner === null || typeof owner !== 'object') continue;
      // Present means an own enumerable key, whatever its value: what `Object.keys` lists.
      for (let f = 0; f < fields.length; f++) if (isEnumerable.call(owner, fields[f])) return true;
    }
  }
  return false;
}

const isEnumerable = Object.prototype.propertyIsEnumerable;

/** The entries of one pod spec: each list, each multi-list constant and the sidecars. */
class SharedEntries {
  public spec: unknown = undefined;
  public containers: ContainerEntry[] | undefined = undefined;
  public initContainers: ContainerEntry[] | undefined = undefined;
  public ephemeralContainers: ContainerEntry[] | undefined = undefined;
  public initThenApp: ContainerEntry[] | undefined = undefined;
  public appThenInit: ContainerEntry[] | undefined = undefined;
  public all: ContainerEntry[] | undefined = undefined;
  public sidecars: ContainerEntry[] | undefined = undefined;

  public constructor(public readonly everyFieldSet: boolean) {}

  public reset(spec: unknown): void {
    this.spec = spec;
    this.containers = this.initContainers = this.ephemeralContainers = undefined;
    this.initThenApp = this.appThenInit = this.all = this.sidecars = undefined;
  }

  public list(list: ContainerListField): ContainerEntry[] {
    switch (list) {
      case 'containers': return this.containers ??= listEntries(this.spec, list);
      case 'initContainers': return this.initContainers ??= listEntries(this.spec, list);
      case 'ephemeralContainers': return this.ephemeralContainers ??= listEntries(this.spec, list);
    }
  }
}
let shared: SharedEntries | undefined;

function listsEntries(spec: any, lists: readonly ContainerListField[], cache: SharedEntries | undefined): ContainerEntry[] {
  // Pushed one by one: `slice` and `concat` cost more than the copying for lists this short.
  const entries: ContainerEntry[] = [];
  for (let l = 0; l < lists.length; l++) {
    const one = cache !== undefined ? cache.list(lists[l]) : listEntries(spec, lists[l]);
    for (let e = 0; e < one.length; e++) entries.push(one[e]);
  }
  return entries;
}

function listEntries(spec: any, list: ContainerListField): ContainerEntry[] {
  const entries: ContainerEntry[] = [];
  const containers = containerList(spec, list);
  for (let index = 0; index < containers.length; index++) {
    const container = containers[index];
    if (container === null || typeof container !== 'object' || Array.isArray(container)) continue;
    const name = typeof container.name === 'string' && container.name !== '' ? container.name : undefined;
    entries.push(new Entry(container, list, index, containerPath(list, index), roleOf(list, container), name));
  }
  return entries;
}

/** A container entry; its label is only built when a message needs it. */
class Entry implements ContainerEntry {
  private labelText: string | undefined;

  public constructor(
    public readonly container: Record<string, any>,
    public readonly list: ContainerListField,
    public readonly index: number,
    public readonly path: string,
    public readonly role: ContainerRole,
    public readonly name: string | undefined,
  ) {}

  public get label(): string {
    return this.labelText ??= this.name !== undefined ? `${ROLE_WORDS[this.role]} "${this.name}"` : `${ROLE_WORDS[this.role]} at ${this.path}`;
  }
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
