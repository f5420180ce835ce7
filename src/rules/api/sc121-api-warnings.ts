import { isWholeUnits, parseQuantity, roundUpToMilli } from '../../lifecycle/quantity';
import { ALL_LISTS, APP_LISTS, containerEntries, ContainerEntry, EPHEMERAL_LISTS, INIT_LISTS, nameOrPath, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, listField, show, stringField } from './_util';
import { Port, readPorts } from './sc107-ports';

/** The resources whose quantities are bytes: a fraction of a byte draws a warning. */
const BYTE_RESOURCES = ['memory', 'ephemeral-storage'];
const ENV_FIELDS = ['env'];

/**
 * SC121 — what the API server accepts but answers with a `Warning:` header (warningsForPodSpecAndMeta,
 * the parts about containers): the same containerPort and protocol declared twice in the pod
 * (sidecars included: all containers share one network namespace), hostIP without hostPort, an
 * env var that hides an earlier one of the same name, and a fraction of a byte in a memory or
 * ephemeral-storage quantity.
 */
export const apiWarningsRule: Rule = {
  id: 'SC121',
  severity: Severity.WARNING,
  title: 'the API server accepts the pod spec with a warning: a port two containers declare, a port name two containers use, hostIP without hostPort, an env var hiding an earlier one, a fractional byte quantity',
  why: 'all containers of a pod, sidecars included, share one network namespace, so two of them declaring the same port and protocol usually means one cannot listen (a run-once init container has exited before the containers after it start, so there the warning is only noise); Services and probes that select a port by name use the first container that declares the name; hostIP without hostPort does nothing; a repeated env name silently replaces the earlier value and may be dropped by kubectl apply; a memory quantity such as "100m" asks for a tenth of a byte',
  fix: 'give each container its own ports and port names, set hostPort with hostIP or drop hostIP, name each env var once (or refer to the earlier value as $(NAME)), and write memory in whole bytes (Mi, Gi)',
  source: 'warningsForPodSpecAndMeta (pkg/api/pod/warnings.go)',
  quiet: 'one finding per port or port name, however many containers repeat it (the API server warns once per pair)',
  // The API server accepts these manifests, and so may a reviewer.
  suppressible: true,
  check(context: RuleContext): Finding[] {
    const spec = context.spec;
    const envSet = setsAnyField(spec, ALL_LISTS, ENV_FIELDS);
    const state: WarningState = { findings: undefined, ports: undefined, names: undefined };
    // The API server visits init containers, then regular, then ephemeral containers.
    for (let g = 0; g < VISIT_ORDER.length; g++) {
      const lists = VISIT_ORDER[g];
      if (spec[lists[0]] === undefined) continue;
      const entries = containerEntries(spec, lists);
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e];
        const container = entry.container;
        if (Array.isArray(container.ports) && container.ports.length > 0) portWarnings(context, entry, state);
        if (envSet) envWarnings(entry, state);
        const resources = container.resources;
        if (isPlainObject(resources)) {
          // SetDefaults_Pod (bare Pods only) copies a limit into a missing request, so the server warns at both.
          const copiedTo = context.isPod && entry.role !== 'ephemeral' ? (isPlainObject(resources.requests) ? resources.requests : {}) : undefined;
          if (isPlainObject(resources.limits)) byteWarnings(resources.limits, entry, 'limits', state, copiedTo);
          if (isPlainObject(resources.requests)) byteWarnings(resources.requests, entry, 'requests', state);
        }
      }
    }
    portGroupFindings(context, state);
    portNameFindings(context, state);
    if (isPlainObject(spec.overhead)) byteWarnings(spec.overhead, undefined, 'overhead', state);
    return state.findings ?? NO_FINDINGS;
  },
};

const VISIT_ORDER = [INIT_LISTS, APP_LISTS, EPHEMERAL_LISTS];

/** What the checks of one pod share: the findings so far, and the ports declared so far. */
interface WarningState {
  findings: Finding[] | undefined;
  ports: Map<string, PortGroup> | undefined;
  names: Map<string, NameGroup> | undefined;
}

function add(state: WarningState, found: Finding): void {
  (state.findings ??= []).push(found);
}

interface DeclaredPort {
  readonly entry: ContainerEntry;
  readonly port: Port;
}

/**
 * The declarations of one containerPort and protocol (`8080/TCP`), indexed so that each new one
 * finds an earlier declaration it clashes with in constant time, as upstream's pairwise test would.
 */
interface PortGroup {
  readonly first: DeclaredPort;
  /** The first declaration of each hostIP and hostPort pair. */
  readonly byHost: Map<string, DeclaredPort>;
  /** The first declaration without a hostPort. */
  withoutHostPort?: DeclaredPort;
  /** Per hostPort, the first declaration without a hostIP and the first with one. */
  readonly withoutHostIp: Map<number, DeclaredPort>;
  readonly withHostIp: Map<number, DeclaredPort>;
  /** The first clash found, and every declaration that clashes with an earlier one. */
  clash?: { readonly here: DeclaredPort; readonly other: DeclaredPort; readonly kind: string };
  readonly clashing: DeclaredPort[];
}

/** The port warnings for one container; the clashes of the same port are reported once per port, by `groupFindings`. */
function portWarnings(context: RuleContext, entry: ContainerEntry, state: WarningState): void {
  // SetDefaults_Pod (bare Pods only): with hostNetwork a missing hostPort becomes containerPort.
  const ports = readPorts(entry, context.isPod && context.spec.hostNetwork === true && entry.role !== 'ephemeral');
  for (let k = 0; k < ports.length; k++) {
    const port = ports[k];
    const { containerPort, hostPort, hostIP, protocol } = port;
    // A field of the wrong type is SC107's error; the API server would not get this far.
    if (containerPort === undefined || hostPort === undefined || hostIP === undefined || protocol === undefined) continue;
    if (hostIP !== '' && hostPort === 0) {
      add(state, finding(`${entry.path}.ports[${port.index}]`, `${entry.label} sets hostIP ${show(hostIP)} on port ${containerPort} without a hostPort, so hostIP does nothing`,
        'set hostPort as well, or remove hostIP'));
    }
    const here: DeclaredPort = { entry, port };
    const groups = state.ports ??= new Map();
    const key = `${containerPort}/${protocol}`;
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, newGroup(here));
      continue;
    }
    const clash = earlierClash(group, port);
    if (clash !== undefined) {
      group.clash ??= { here, other: clash.other, kind: clash.kind };
      group.clashing.push(here);
    }
    remember(group, here);
  }
  if (entry.role === 'container' || entry.role === 'sidecar') portNames(entry, ports, state);
}

function newGroup(first: DeclaredPort): PortGroup {
  const group: PortGroup = { first, byHost: new Map(), withoutHostIp: new Map(), withHostIp: new Map(), clashing: [] };
  remember(group, first);
  return group;
}

function remember(group: PortGroup, declared: DeclaredPort): void {
  const { hostIP, hostPort } = declared.port as Required<Port>;
  const host = `${hostIP}|${hostPort}`;
  if (!group.byHost.has(host)) group.byHost.set(host, declared);
  if (hostPort === 0) group.withoutHostPort ??= declared;
  const byIp = hostIP === '' ? group.withoutHostIp : group.withHostIp;
  if (!byIp.has(hostPort)) byIp.set(hostPort, declared);
}

/** An earlier declaration of the same port that upstream warns about, and how it words the warning. */
function earlierClash(group: PortGroup, port: Port): { other: DeclaredPort; kind: string } | undefined {
  const { hostIP, hostPort } = port as Required<Port>;
  const exact = group.byHost.get(`${hostIP}|${hostPort}`);
  if (exact !== undefined) return { other: exact, kind: 'a duplicate port definition' };
  // A missing hostPort overlaps any other declaration of the port.
  const overlapping = hostPort === 0 ? group.first : group.withoutHostPort;
  if (overlapping !== undefined) return { other: overlapping, kind: 'an overlapping port definition' };
  const ambiguous = (hostIP === '' ? group.withHostIp : group.withoutHostIp).get(hostPort);
  if (ambiguous !== undefined) return { other: ambiguous, kind: 'a dangerously ambiguous port definition' };
  return undefined;
}

/** One finding per port that several containers declare, naming the first clash and counting the rest. */
function portGroupFindings(context: RuleContext, state: WarningState): void {
  if (state.ports === undefined) return;
  for (const [key, group] of state.ports) {
    const clash = group.clash;
    if (clash === undefined) continue;
    const { here, other, kind } = clash;
    const more = group.clashing.length - 1;
    const others = more > 0 ? `; ${more} more ${more === 1 ? 'declaration repeats' : 'declarations repeat'} it` : '';
    const together = listenAtOnce(here.entry, other.entry);
    const [done, next] = completesFirst(here.entry, other.entry) ? [here.entry, other.entry] : [other.entry, here.entry];
    const why = together
      ? 'the containers of a pod share one network, so only one process can listen there'
      : `${done.label} runs to completion before ${nameOrPath(next)} starts, so the two never listen at the same time; the API server warns anyway`;
    add(state, finding(`${here.entry.path}.ports[${here.port.index}]`,
      `${here.entry.label} declares port ${key}, which is already declared at ${context.specPath}.${other.entry.path}.ports[${other.port.index}] (${kind})${others}; ${why}`,
      together
        ? 'give each container its own port, or declare the port once, on the container that listens'
        : 'declare the port once, on the container that serves it, to silence the warning'));
  }
}

/**
 * Whether two containers can run at the same time. A run-once init container runs alone after the
 * containers before it in initContainers: only a sidecar started earlier runs beside it.
 */
function listenAtOnce(a: ContainerEntry, b: ContainerEntry): boolean {
  if (a.role !== 'init' && b.role !== 'init') return true;
  if (a.role === 'init' && b.role === 'init') return false;
  const [init, other] = a.role === 'init' ? [a, b] : [b, a];
  return other.role === 'ephemeral' || (other.role === 'sidecar' && other.index < init.index);
}

/** Whether `a` is a run-once init container that has exited before `b` starts. */
function completesFirst(a: ContainerEntry, b: ContainerEntry): boolean {
  return a.role === 'init' && (b.role !== 'init' || a.index < b.index);
}

/** The first port of each name among regular containers and sidecars, and the later ones that repeat it. */
interface NameGroup {
  readonly first: DeclaredPort;
  readonly repeats: DeclaredPort[];
}

function portNames(entry: ContainerEntry, ports: Port[], state: WarningState): void {
  for (let k = 0; k < ports.length; k++) {
    const name = stringField(ports[k].raw.name);
    if (name === undefined || name === '') continue;
    const names = state.names ??= new Map();
    const group = names.get(name);
    if (group === undefined) names.set(name, { first: { entry, port: ports[k] }, repeats: [] });
    // Two ports of one name in one container are SC107's error.
    else if (group.first.entry !== entry) group.repeats.push({ entry, port: ports[k] });
  }
}

/** One finding per port name that several containers use: Services and probes that select the name reach the first. */
function portNameFindings(context: RuleContext, state: WarningState): void {
  if (state.names === undefined) return;
  for (const [name, group] of state.names) {
    if (group.repeats.length === 0) continue;
    const [here] = group.repeats;
    const firstPath = `${context.specPath}.${group.first.entry.path}.ports[${group.first.port.index}]`;
    const more = group.repeats.length - 1;
    add(state, finding(`${here.entry.path}.ports[${here.port.index}]`,
      `${here.entry.label} names a port ${show(name)}, like ${firstPath}${more > 0 ? ` and ${more} more` : ''}; Services and probes that select the port by name will use ${firstPath}`,
      `give the port of ${nameOrPath(here.entry)} a name of its own`));
  }
}

/**
 * A later entry with the same name replaces the earlier one; upstream lets it pass only when it is
 * a plain value that refers to the earlier one as `$(NAME)` (and is not just that reference).
 */
function envWarnings(entry: ContainerEntry, state: WarningState): void {
  const env = listField(entry.container.env);
  if (env === undefined || env.length < 2) return;
  const seen = new Set<string>();
  for (let i = 0; i < env.length; i++) {
    const variable = env[i];
    if (!isPlainObject(variable)) continue;
    const name = stringField(variable.name);
    if (name === undefined) continue;
    if (!seen.has(name)) {
      seen.add(name);
      continue;
    }
    const value = typeof variable.value === 'string' ? variable.value : '';
    const reference = `$(${name})`;
    if (variable.valueFrom === undefined || variable.valueFrom === null) {
      if (value !== reference && value.includes(reference)) continue;
    }
    add(state, finding(at(entry, `env[${i}]`),
      `${entry.label} defines env var ${show(name)} again, hiding the earlier definition (kubectl apply may drop one of them)`,
      `keep one definition of ${name}, or refer to the earlier value as ${reference} inside a longer value`));
  }
}

/** Memory and ephemeral-storage quantities of a container's `limits` or `requests`, or of the pod's `overhead` (no entry). */
function byteWarnings(
  values: Record<string, any>, entry: ContainerEntry | undefined, list: string, state: WarningState, copiedTo?: Record<string, any>,
): void {
  for (let n = 0; n < BYTE_RESOURCES.length; n++) {
    const name = BYTE_RESOURCES[n];
    const raw = values[name];
    if (raw === undefined || raw === null || !fractionalBytes(raw)) continue;
    const path = entry === undefined ? `${list}[${name}]` : `${entry.path}.resources.${list}[${name}]`;
    const copied = copiedTo !== undefined && !Object.prototype.hasOwnProperty.call(copiedTo, name)
      ? ` (on a Pod it warns at resources.requests[${name}] too: the missing request is copied from this limit)`
      : '';
    add(state, finding(path, `${name} ${show(String(raw))} is a fractional number of bytes, which the API server warns is invalid${copied}`,
      `write ${name} in whole bytes, e.g. 128Mi`));
  }
}

/**
 * Upstream's test: MilliValue() (rounded up) is not a multiple of 1000. Remembered per text: a
 * stream repeats a few memory quantities thousands of times, and the test is bigint arithmetic.
 */
function fractionalBytes(raw: unknown): boolean {
  if (typeof raw !== 'string') return fractionalNanos(parseQuantity(raw));
  let known = FRACTIONAL.get(raw);
  if (known === undefined) {
    known = fractionalNanos(parseQuantity(raw));
    if (FRACTIONAL.size >= FRACTIONAL_LIMIT) FRACTIONAL.clear();
    FRACTIONAL.set(raw, known);
  }
  return known;
}

function fractionalNanos(nanos: bigint | undefined): boolean {
  // Not a quantity, or negative: SC110's error, not a warning.
  return nanos !== undefined && nanos >= 0n && !isWholeUnits(roundUpToMilli(nanos));
}

const FRACTIONAL = new Map<string, boolean>();
const FRACTIONAL_LIMIT = 1024;
