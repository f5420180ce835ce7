import { parseQuantity } from '../../lifecycle/quantity';
import { ALL_LISTS, APP_LISTS, containerEntries, ContainerEntry, EPHEMERAL_LISTS, INIT_LISTS, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, intField, isPlainObject, listField, show, stringField } from './_util';

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
  check(context: RuleContext): Finding[] {
    let findings: Finding[] | undefined;
    const add = (found: Finding) => (findings ??= []).push(found);
    // The API server visits init containers, then regular, then ephemeral containers.
    const { spec } = context;
    const groups = [containerEntries(spec, INIT_LISTS), containerEntries(spec, APP_LISTS), containerEntries(spec, EPHEMERAL_LISTS)];
    const envSet = setsAnyField(context.spec, ALL_LISTS, ENV_FIELDS);
    let ports: Map<string, DeclaredPort[]> | undefined;
    for (let g = 0; g < groups.length; g++) {
      const entries = groups[g];
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[e];
        ports = portWarnings(context, entry, ports, add);
        if (envSet) envWarnings(entry, add);
        const resources = entry.container.resources;
        if (isPlainObject(resources)) {
          byteWarnings(`${entry.path}.resources.limits`, resources.limits, add);
          byteWarnings(`${entry.path}.resources.requests`, resources.requests, add);
        }
      }
    }
    byteWarnings('overhead', context.spec.overhead, add);
    return findings ?? NO_FINDINGS;
  },
};

interface DeclaredPort {
  readonly path: string;
  readonly hostIP: string;
  readonly hostPort: number;
}

/**
 * The port warnings for one container; `declared` holds the ports of the containers visited before
 * it (created on the first port, and returned for the next container).
 */
function portWarnings(context: RuleContext, entry: ContainerEntry, declared: Map<string, DeclaredPort[]> | undefined,
  add: (found: Finding) => void): Map<string, DeclaredPort[]> | undefined {
  const ports = listField(entry.container.ports);
  if (ports === undefined) return declared;
  for (let k = 0; k < ports.length; k++) {
    const port = ports[k];
    if (!isPlainObject(port)) continue;
    const containerPort = intField(port.containerPort);
    let hostPort = intField(port.hostPort);
    const hostIP = stringField(port.hostIP);
    const protocol = stringField(port.protocol);
    // A field of the wrong type is SC107's error; the API server would not get this far.
    if (containerPort === undefined || hostPort === undefined || hostIP === undefined || protocol === undefined) continue;
    // SetDefaults_Pod (bare Pods only): with hostNetwork a missing hostPort becomes containerPort.
    if (context.isPod && context.spec.hostNetwork === true && entry.role !== 'ephemeral' && hostPort === 0) hostPort = containerPort;
    const path = `${entry.path}.ports[${k}]`;
    if (hostIP !== '' && hostPort === 0) {
      add(finding(path, `${entry.label} sets hostIP ${show(hostIP)} on port ${containerPort} without a hostPort, so hostIP does nothing`, 'set hostPort as well, or remove hostIP'));
    }
    const key = `${containerPort}/${protocol === '' ? 'TCP' : protocol}`;
    const here: DeclaredPort = { path, hostIP, hostPort };
    const same = (declared ??= new Map()).get(key);
    if (same === undefined) {
      declared.set(key, [here]);
      continue;
    }
    for (const other of same) {
      const kind = clash(here, other);
      if (kind === undefined) continue;
      add(finding(path,
        `${entry.label} declares port ${key}, which is already declared at ${context.specPath}.${other.path} (${kind}); the containers of a pod share one network, so only one process can listen there`,
        'give each container its own port, or declare the port once, on the container that listens'));
    }
    same.push(here);
  }
  return declared;
}

/** How upstream words a second declaration of the same port and protocol, or undefined when it says nothing. */
function clash(port: DeclaredPort, other: DeclaredPort): string | undefined {
  if (port.hostIP === other.hostIP && port.hostPort === other.hostPort) return 'a duplicate port definition';
  if (port.hostPort === 0 || other.hostPort === 0) return 'an overlapping port definition';
  if (port.hostPort === other.hostPort && (port.hostIP === '') !== (other.hostIP === '')) return 'a dangerously ambiguous port definition';
  return undefined;
}

/**
 * A later entry with the same name replaces the earlier one; upstream lets it pass only when it is
 * a plain value that refers to the earlier one as `$(NAME)` (and is not just that reference).
 */
function envWarnings(entry: ContainerEntry, add: (found: Finding) => void): void {
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
    add(finding(at(entry, `env[${i}]`),
      `${entry.label} defines env var ${show(name)} again, hiding the earlier definition (kubectl apply may drop one of them)`,
      `keep one definition of ${name}, or refer to the earlier value as ${reference} inside a longer value`));
  }
}

/** Memory and ephemeral-storage quantities of one resource list (`limits`, `requests`, the pod's `overhead`). */
function byteWarnings(path: string, values: unknown, add: (found: Finding) => void): void {
  if (!isPlainObject(values)) return;
  for (const name of BYTE_RESOURCES) {
    const raw = values[name];
    if (raw === undefined || raw === null) continue;
    const nanos = parseQuantity(raw);
    // Upstream's test: MilliValue() (rounded up) is not a multiple of 1000.
    if (nanos === undefined || nanos < 0n || ((nanos + 999_999n) / 1_000_000n) % 1000n === 0n) continue;
    add(finding(`${path}[${name}]`, `${name} ${show(String(raw))} is a fractional number of bytes, which the API server warns is invalid`, `write ${name} in whole bytes, e.g. 128Mi`));
  }
}
