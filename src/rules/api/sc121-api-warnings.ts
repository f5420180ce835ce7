import { isWholeUnits, parseQuantity, roundUpToMilli } from '../../lifecycle/quantity';
import { ALL_LISTS, APP_LISTS, containerEntries, ContainerEntry, EPHEMERAL_LISTS, INIT_LISTS, setsAnyField } from '../containers';
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
  title: 'the API server accepts the pod spec with a warning: a port two containers declare, hostIP without hostPort, an env var hiding an earlier one, a fractional byte quantity',
  why: 'all containers of a pod, sidecars included, share one network namespace, so two of them declaring the same port and protocol usually means one cannot listen; hostIP without hostPort does nothing; a repeated env name silently replaces the earlier value and may be dropped by kubectl apply; a memory quantity such as "100m" asks for a tenth of a byte',
  fix: 'give each container its own ports, set hostPort with hostIP or drop hostIP, name each env var once (or refer to the earlier value as $(NAME)), and write memory in whole bytes (Mi, Gi)',
  source: 'warningsForPodSpecAndMeta (pkg/api/pod/warnings.go)',
  // The API server accepts these manifests, and so may a reviewer.
  suppressible: true,
  check(context: RuleContext): Finding[] {
    const spec = context.spec;
    const envSet = setsAnyField(spec, ALL_LISTS, ENV_FIELDS);
    const state: WarningState = { findings: undefined, ports: undefined };
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
          if (isPlainObject(resources.limits)) byteWarnings(resources.limits, entry, 'limits', state);
          if (isPlainObject(resources.requests)) byteWarnings(resources.requests, entry, 'requests', state);
        }
      }
    }
    if (isPlainObject(spec.overhead)) byteWarnings(spec.overhead, undefined, 'overhead', state);
    return state.findings ?? NO_FINDINGS;
  },
};

const VISIT_ORDER = [INIT_LISTS, APP_LISTS, EPHEMERAL_LISTS];

/** What the checks of one pod share: the findings so far, and the ports declared so far. */
interface WarningState {
  findings: Finding[] | undefined;
  ports: DeclaredPort[] | undefined;
}

function add(state: WarningState, found: Finding): void {
  (state.findings ??= []).push(found);
}

interface DeclaredPort {
  readonly entry: ContainerEntry;
  readonly port: Port;
  /** `8080/TCP`, after defaulting the protocol. */
  readonly key: string;
}

/** The port warnings for one container, against the ports of the containers visited before it. */
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
    const here: DeclaredPort = { entry, port, key: `${containerPort}/${protocol}` };
    const declared = state.ports ??= [];
    // Pods declare a handful of ports: comparing with each earlier one is cheaper than a map.
    for (let d = 0; d < declared.length; d++) {
      const other = declared[d];
      if (other.key !== here.key) continue;
      const kind = clash(port, other.port);
      if (kind === undefined) continue;
      add(state, finding(`${entry.path}.ports[${port.index}]`,
        `${entry.label} declares port ${here.key}, which is already declared at ${context.specPath}.${other.entry.path}.ports[${other.port.index}] (${kind}); the containers of a pod share one network, so only one process can listen there`,
        'give each container its own port, or declare the port once, on the container that listens'));
    }
    declared.push(here);
  }
}

/** How upstream words a second declaration of the same port and protocol, or undefined when it says nothing. */
function clash(port: Port, other: Port): string | undefined {
  if (port.hostIP === other.hostIP && port.hostPort === other.hostPort) return 'a duplicate port definition';
  if (port.hostPort === 0 || other.hostPort === 0) return 'an overlapping port definition';
  if (port.hostPort === other.hostPort && (port.hostIP === '') !== (other.hostIP === '')) return 'a dangerously ambiguous port definition';
  return undefined;
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
function byteWarnings(values: Record<string, any>, entry: ContainerEntry | undefined, list: string, state: WarningState): void {
  for (let n = 0; n < BYTE_RESOURCES.length; n++) {
    const name = BYTE_RESOURCES[n];
    const raw = values[name];
    if (raw === undefined || raw === null || !fractionalBytes(raw)) continue;
    const path = entry === undefined ? `${list}[${name}]` : `${entry.path}.resources.${list}[${name}]`;
    add(state, finding(path, `${name} ${show(String(raw))} is a fractional number of bytes, which the API server warns is invalid`,
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
