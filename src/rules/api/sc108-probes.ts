import { APP_THEN_INIT, containerEntries, ContainerEntry } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { handlerFindings, HandlerOptions } from './_handlers';
import { at, finding, isPlainObject, isSet, isValidPortNumber, pushAll } from './_util';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
export type ProbeField = typeof PROBES[number];
const PROBE_HANDLERS: HandlerOptions = { actions: ['exec', 'httpGet', 'tcpSocket', 'grpc'] };
const NON_NEGATIVE = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];

/**
 * SC108 — probe fields on regular containers and sidecars (P1–P12). Plain init containers are
 * SC102's: their probes are Forbidden outright. Defaulting runs first, so 0 thresholds/periods
 * are fine (0 → default) and only negative numbers fail; liveness and startup probes need
 * successThreshold 1 after defaulting; readiness may use more but may not set
 * terminationGracePeriodSeconds.
 */
export const probesRule: Rule = {
  id: 'SC108',
  severity: Severity.ERROR,
  title: 'a probe on a container or sidecar is invalid',
  why: 'the API server validates probes of regular containers and sidecars: exactly one handler, a non-empty exec command, valid ports and scheme, non-negative timings, successThreshold 1 for liveness and startup probes, and a positive probe-level grace period that readiness probes may not set',
  fix: 'give each probe exactly one handler with a valid port, non-negative timings, and successThreshold 1 (or 0/absent) on liveness and startup probes',
  source: 'validateProbe, validateLivenessProbe, validateReadinessProbe, validateStartupProbe, validateHandler (pkg/apis/core/validation/validation.go); SetDefaults_Probe (pkg/apis/core/v1/defaults.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec, APP_THEN_INIT);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      if (entry.role !== 'container' && entry.role !== 'sidecar') continue;
      for (let p = 0; p < PROBES.length; p++) {
        const field = PROBES[p];
        const probe = entry.container[field];
        if (isPlainObject(probe) && !probeClearlyFine(probe, field)) pushAll(findings, probeFindings(entry, field, probe));
      }
    }
    return findings;
  },
};

/**
 * The common case decided without building paths and messages: one exec (with a command),
 * httpGet or tcpSocket action with a port number and nothing unusual, non-negative timings, no
 * probe-level grace period, and a successThreshold of 1 (or 0/absent) where that is required.
 * Nothing `probeFindings` checks can fail then. False means "look closely", not "bad".
 */
export function probeClearlyFine(probe: Record<string, any>, field: ProbeField): boolean {
  if (probe.grpc !== undefined || probe.terminationGracePeriodSeconds !== undefined) return false;
  let actions = 0;
  const exec = probe.exec;
  if (exec !== undefined) {
    if (!isPlainObject(exec) || !Array.isArray(exec.command) || exec.command.length === 0) return false;
    actions++;
  }
  const httpGet = probe.httpGet;
  if (httpGet !== undefined) {
    if (!isPlainObject(httpGet) || !isPortNumber(httpGet.port) || httpGet.httpHeaders !== undefined) return false;
    const scheme = httpGet.scheme;
    if (scheme !== undefined && scheme !== 'HTTP' && scheme !== 'HTTPS') return false;
    actions++;
  }
  const tcpSocket = probe.tcpSocket;
  if (tcpSocket !== undefined) {
    if (!isPlainObject(tcpSocket) || !isPortNumber(tcpSocket.port)) return false;
    actions++;
  }
  if (actions !== 1) return false;
  for (const key of NON_NEGATIVE) {
    const value = probe[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) return false;
  }
  const threshold = probe.successThreshold;
  return field === 'readinessProbe' || threshold === undefined || threshold === 0 || threshold === 1;
}

function isPortNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && isValidPortNumber(value);
}

/** Everything SC108 checks in one probe (exported for the test of `probeClearlyFine`). */
export function probeFindings(entry: ContainerEntry, field: ProbeField, probe: Record<string, any>): Finding[] {
  const path = at(entry, field);
  const subject = `${entry.label} ${field}`;
  const findings = handlerFindings(probe, path, subject, PROBE_HANDLERS);
  for (const key of NON_NEGATIVE) {
    const value = probe[key];
    if (typeof value === 'number' && Number.isInteger(value) && value < 0) {
      findings.push(finding(`${path}.${key}`, `${subject} has ${key} ${value}, which must be greater than or equal to 0`, `use a non-negative ${key} (0 means the default)`));
    }
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && Number.isInteger(grace) && grace <= 0) {
    findings.push(finding(`${path}.terminationGracePeriodSeconds`,
      `${subject} has terminationGracePeriodSeconds ${grace}, which must be greater than 0`,
      'use a positive probe-level terminationGracePeriodSeconds, or remove it to use the pod\'s'));
  }
  if (field === 'readinessProbe') {
    if (isSet(grace)) {
      findings.push(finding(`${path}.terminationGracePeriodSeconds`,
        `${subject} sets terminationGracePeriodSeconds, which must not be set for readinessProbes`,
        'remove terminationGracePeriodSeconds from the readiness probe (a failing readiness probe never kills the container)'));
    }
  } else {
    const threshold = probe.successThreshold;
    // SetDefaults_Probe: 0 (or absent) becomes 1.
    const effective = isSet(threshold) ? threshold : 0;
    if (typeof effective === 'number' && Number.isInteger(effective) && effective !== 0 && effective !== 1) {
      findings.push(finding(`${path}.successThreshold`,
        `${subject} has successThreshold ${effective}, which must be 1 for ${field === 'livenessProbe' ? 'liveness' : 'startup'} probes`,
        'use successThreshold: 1 (or leave it out)'));
    }
  }
  return findings;
}
