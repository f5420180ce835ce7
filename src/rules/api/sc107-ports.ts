import { containerEntries, ContainerEntry } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, intField, isPlainObject, isPortName, isValidPortNumber, listField, portNameErrors, pushAll, show, stringField } from './_util';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** One container port after the v1 defaulting the API server runs first. */
export interface Port {
  readonly index: number;
  readonly raw: Record<string, any>;
  /** `undefined` when the field has the wrong type. */
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly protocol?: string;
  readonly hostIP?: string;
}

/**
 * SC107 — container ports: IANA port names unique within the container (K5, K6), containerPort
 * required and in range (K7, K8), hostPort in range when set (K8), protocol TCP/UDP/SCTP (K9),
 * host-port clashes across regular containers (K10) and inside each init container (I8, reported
 * at `initContainers[0]` whatever the index, as upstream does), and `hostNetwork` requiring
 * hostPort == containerPort on regular containers (K11).
 */
export const portsRule: Rule = {
  id: 'SC107',
  severity: Severity.ERROR,
  title: 'a container port is invalid, or host ports clash',
  why: 'the API server rejects invalid port names and numbers, unknown protocols, the same protocol/hostIP/hostPort twice among regular containers (or within one init container), and with hostNetwork a hostPort that differs from containerPort',
  fix: 'give each port a containerPort between 1 and 65535, a unique lower-case name of at most 15 characters, and distinct host ports',
  source: 'validateContainerPorts, checkHostPortConflicts, AccumulateUniqueHostPorts, validatePodHostNetworkDeps (pkg/apis/core/validation/validation.go); SetDefaults_Pod (pkg/apis/core/v1/defaults.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const hostNetwork = context.spec.hostNetwork === true;
    let regularHostPorts: Set<string> | undefined;
    const entries = containerEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      // SetDefaults_Pod (Pods only, not templates): with hostNetwork a missing hostPort becomes containerPort.
      const defaultHostPorts = context.isPod && hostNetwork && entry.role !== 'ephemeral';
      const ports = readPorts(entry, defaultHostPorts);
      if (ports.length === 0) continue;
      const fieldFindings = portFieldFindings(entry, ports);
      if (fieldFindings.length > 0) pushAll(findings, fieldFindings);
      if (entry.role === 'container') {
        if (hasHostPorts(ports)) pushAll(findings, hostPortClashes(entry, ports, regularHostPorts ??= new Set<string>(), entry.path));
        if (hostNetwork) pushAll(findings, hostNetworkFindings(entry, ports));
      } else if ((entry.role === 'init' || entry.role === 'sidecar') && hasHostPorts(ports)) {
        // checkHostPortConflicts([]core.Container{ctr}, fldPath): a one-element list, so index 0.
        pushAll(findings, hostPortClashes(entry, ports, new Set<string>(), 'initContainers[0]'));
      }
    }
    return findings;
  },
};

/**
 * A container's ports after the v1 defaulting (shared with SC121): protocol "" is TCP, and with
 * `defaultHostPorts` (bare Pods with hostNetwork, not ephemeral containers) a missing hostPort
 * is containerPort.
 */
export function readPorts(entry: ContainerEntry, defaultHostPorts: boolean): Port[] {
  const list = listField(entry.container.ports);
  if (list === undefined || list.length === 0) return NO_PORTS;
  const ports: Port[] = [];
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    if (!isPlainObject(raw)) continue;
    const containerPort = intField(raw.containerPort);
    let hostPort = intField(raw.hostPort);
    if (defaultHostPorts && hostPort === 0 && containerPort !== undefined) hostPort = containerPort;
    const protocol = stringField(raw.protocol);
    // SetDefaults: "" protocol becomes TCP. Fields of the wrong type stay undefined.
    ports.push({ index, raw, containerPort, hostPort, protocol: protocol === '' ? 'TCP' : protocol, hostIP: stringField(raw.hostIP) });
  }
  return ports;
}

const NO_PORTS: Port[] = [];

function portFieldFindings(entry: ContainerEntry, ports: Port[]): Finding[] {
  let findings: Finding[] | undefined;
  let names: Set<string> | undefined;
  // Paths and messages are built only for a finding: most ports are fine.
  for (const port of ports) {
    const name = stringField(port.raw.name);
    if (name !== undefined && name !== '') {
      if (!isPortName(name)) {
        (findings ??= []).push(finding(`${portPath(entry, port)}.name`,
          `${entry.label} has port name ${show(name)}, which is not an IANA service name: ${portNameErrors(name).join('; ')}`,
          'use a lower-case name of at most 15 characters with at least one letter, e.g. "http" or "metrics"'));
      } else if (names?.has(name)) {
        (findings ??= []).push(finding(`${portPath(entry, port)}.name`,
          `${entry.label} declares port name "${name}" twice; port names must be unique within a container`,
          `rename one of the "${name}" ports`));
      } else if (ports.length > 1) {
        (names ??= new Set<string>()).add(name);
      }
    }
    if (port.containerPort === 0) {
      (findings ??= []).push(finding(`${portPath(entry, port)}.containerPort`, `${entry.label} has a port without containerPort; containerPort is required`, 'set containerPort to the port the process listens on'));
    } else if (port.containerPort !== undefined && !isValidPortNumber(port.containerPort)) {
      (findings ??= []).push(finding(`${portPath(entry, port)}.containerPort`,
        `${entry.label} has containerPort ${port.containerPort}, which must be between 1 and 65535, inclusive`,
        'use a port between 1 and 65535'));
    }
    if (port.hostPort !== undefined && port.hostPort !== 0 && !isValidPortNumber(port.hostPort)) {
      (findings ??= []).push(finding(`${portPath(entry, port)}.hostPort`,
        `${entry.label} has hostPort ${port.hostPort}, which must be between 1 and 65535, inclusive`,
        'use a host port between 1 and 65535, or remove hostPort'));
    }
    if (port.protocol !== undefined && port.protocol !== 'TCP' && !PROTOCOLS.includes(port.protocol)) {
      (findings ??= []).push(finding(`${portPath(entry, port)}.protocol`,
        `${entry.label} has port protocol ${show(port.protocol)}; supported values: "SCTP", "TCP", "UDP"`,
        'use protocol TCP, UDP or SCTP (upper case)'));
    }
  }
  return findings ?? NO_FINDINGS;
}

function portPath(entry: ContainerEntry, port: Port): string {
  return at(entry, `ports[${port.index}]`);
}

/** Whether any port sets a host port: only those take part in the clash checks. */
function hasHostPorts(ports: readonly Port[]): boolean {
  for (const port of ports) if (port.hostPort !== undefined && port.hostPort !== 0) return true;
  return false;
}

/** AccumulateUniqueHostPorts: protocol/hostIP/hostPort must not repeat within `seen`. */
function hostPortClashes(entry: ContainerEntry, ports: Port[], seen: Set<string>, reportedPath: string): Finding[] {
  const findings: Finding[] = [];
  for (const port of ports) {
    if (port.hostPort === undefined || port.hostPort === 0 || port.protocol === undefined) continue;
    const key = `${port.protocol}/${port.hostIP ?? ''}/${port.hostPort}`;
    if (seen.has(key)) {
      const scope = entry.role === 'container' ? 'across the regular containers' : `within ${entry.label}`;
      findings.push(finding(`${reportedPath}.ports[${port.index}].hostPort`,
        `${entry.label} uses host port ${key} a second time ${scope}; protocol/hostIP/hostPort must be unique`,
        'use a different hostPort, or drop hostPort and reach the container through a Service'));
    } else {
      seen.add(key);
    }
  }
  return findings;
}

/** validatePodHostNetworkDeps: with hostNetwork, a set hostPort must equal containerPort (regular containers only). */
function hostNetworkFindings(entry: ContainerEntry, ports: Port[]): Finding[] {
  const findings: Finding[] = [];
  for (const port of ports) {
    if (port.hostPort === undefined || port.containerPort === undefined) continue;
    // A Pod's hostPort was defaulted above; a template may leave it 0.
    if (port.hostPort !== 0 && port.hostPort !== port.containerPort) {
      findings.push(finding(at(entry, `ports[${port.index}].hostPort`),
        `${entry.label} has hostPort ${port.hostPort} but containerPort ${port.containerPort}; they must match when hostNetwork is true`,
        `set hostPort to ${port.containerPort} or remove it`));
    }
  }
  return findings;
}
