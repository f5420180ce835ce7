/**
 * Probe and lifecycle-hook handlers (`validateHandler` and the per-action checks), shared by
 * SC108 (probes) and SC109 (lifecycle hooks).
 */
import { isAtLeast, KubeVersion } from '../../version';
import { Finding } from '../rule';
import { finding, intField, intOrStringPortError, isPlainObject, isSet, isValidPortNumber, listField, pushAll, show, stringField } from './_util';

/** Handler actions in the order `validateHandler` visits them; a later extra one is the one flagged. */
export type HandlerAction = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep';

export interface HandlerOptions {
  /** The actions this handler kind has (probes: exec/httpGet/tcpSocket/grpc; hooks: exec/httpGet/tcpSocket/sleep). */
  readonly actions: readonly HandlerAction[];
  /** The pod's grace period after defaulting, for `sleep`; `undefined` skips the range check. */
  readonly gracePeriodSeconds?: number;
  /** The grace period as written, when the API server validates another value (a Pod's negative one becomes 1). */
  readonly gracePeriodAsWritten?: number;
  /** PodLifecycleSleepActionAllowZero (on from 1.33): `sleep.seconds: 0` is accepted. */
  readonly sleepZeroAllowed?: boolean;
}

const ORDER: readonly HandlerAction[] = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'];
const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;

/**
 * Findings for one handler object at `path` (e.g. `containers[0].livenessProbe`); `subject` names
 * it in messages (`container "app" livenessProbe`).
 */
export function handlerFindings(handler: Record<string, any>, path: string, subject: string, options: HandlerOptions): Finding[] {
  const actions = actionsInOrder(options.actions);
  // An action that is not an object cannot be decoded at all; judge nothing rather than guess.
  for (const action of actions) {
    if (isSet(handler[action]) && !isPlainObject(handler[action])) return [];
  }
  const findings: Finding[] = [];
  let seen: HandlerAction | undefined;
  for (const action of actions) {
    if (!isSet(handler[action])) continue;
    if (seen !== undefined) {
      findings.push(finding(`${path}.${action}`,
        `${subject} sets both ${seen} and ${action}; a handler may not specify more than 1 handler type`,
        `keep one of ${seen} and ${action}`));
      continue;
    }
    seen = action;
    // `sleep` reads as a verb in messages (`preStop sleeps 31 seconds`); the others as nouns.
    const actionSubject = action === 'sleep' ? subject : `${subject} ${action}`;
    pushAll(findings, actionFindings(action, handler[action], `${path}.${action}`, actionSubject, options));
  }
  if (seen === undefined) {
    findings.push(finding(path,
      `${subject} has no handler; it must specify one of ${actions.join(', ')}`,
      `add exactly one of ${actions.join(', ')}, or remove the empty ${path.split('.').pop()}`));
  }
  return findings;
}

/** A handler kind's actions in `validateHandler`'s order; the rules pass constant lists, so each is sorted once. */
function actionsInOrder(allowed: readonly HandlerAction[]): readonly HandlerAction[] {
  let ordered = ORDERED.get(allowed);
  if (ordered === undefined) {
    ordered = ORDER.filter(action => allowed.includes(action));
    if (ORDERED.size >= 64) ORDERED.clear();
    ORDERED.set(allowed, ordered);
  }
  return ordered;
}

const ORDERED = new Map<readonly HandlerAction[], readonly HandlerAction[]>();

/** PodLifecycleSleepAction is beta (on) from 1.30; before that the sleep action is dropped. */
export const SLEEP_ACTION_MINOR = 30;

/**
 * `lifecycle` as validation sees it, after `dropDisabledFields`: `stopSignal` is dropped
 * (ContainerStopSignals off), and before 1.30 so is the `sleep` action — a hook left without an
 * action is removed, and a lifecycle left empty becomes null. Returns `undefined` when nothing
 * reaches validation (absent, dropped, or not an object at all).
 */
export function effectiveLifecycle(lifecycle: unknown, version: KubeVersion): Record<string, any> | undefined {
  if (!isPlainObject(lifecycle)) return undefined;
  const copy: Record<string, any> = { ...lifecycle };
  const hadStopSignal = isSet(copy.stopSignal);
  const hadSleep = ['preStop', 'postStart'].some(hook => isPlainObject(copy[hook]) && isSet(copy[hook].sleep));
  if (!isAtLeast(version, SLEEP_ACTION_MINOR)) {
    for (const hook of ['preStop', 'postStart']) {
      const handler = copy[hook];
      if (!isPlainObject(handler) || !isSet(handler.sleep)) continue;
      const rest: Record<string, any> = { ...handler, sleep: undefined };
      copy[hook] = isSet(rest.exec) || isSet(rest.httpGet) || isSet(rest.tcpSocket) ? rest : undefined;
    }
  }
  delete copy.stopSignal;
  const emptied = !isSet(copy.preStop) && !isSet(copy.postStart);
  if (emptied && (hadStopSignal || (hadSleep && !isAtLeast(version, SLEEP_ACTION_MINOR)))) return undefined;
  return copy;
}

function actionFindings(action: HandlerAction, body: Record<string, any>, path: string, subject: string, options: HandlerOptions): Finding[] {
  switch (action) {
    case 'exec': return execFindings(body, path, subject);
    case 'httpGet': return httpGetFindings(body, path, subject);
    case 'tcpSocket': return portFindings(body.port, `${path}.port`, subject);
    case 'grpc': return grpcFindings(body, path, subject);
    case 'sleep': return sleepFindings(body, path, subject, options);
  }
}

function execFindings(body: Record<string, any>, path: string, subject: string): Finding[] {
  const command = listField(body.command);
  if (command === undefined || command.length > 0) return [];
  return [finding(`${path}.command`, `${subject} has an empty command`, 'give exec a command, e.g. ["sh", "-c", "..."]')];
}

function httpGetFindings(body: Record<string, any>, path: string, subject: string): Finding[] {
  const findings = portFindings(body.port, `${path}.port`, subject);
  // SetDefaults_HTTPGetAction: "" scheme becomes HTTP, "" path becomes "/".
  const scheme = stringField(body.scheme);
  if (scheme !== undefined && scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS') {
    findings.push(finding(`${path}.scheme`,
      `${subject} has scheme ${show(scheme)}; supported values: "HTTP", "HTTPS"`,
      'use scheme: HTTP or scheme: HTTPS (upper case)'));
  }
  for (const header of listField(body.httpHeaders) ?? []) {
    if (!isPlainObject(header)) continue;
    const name = stringField(header.name);
    if (name === undefined || HTTP_HEADER_NAME.test(name)) continue;
    // Upstream reports header names at `httpHeaders`, without the index.
    findings.push(finding(`${path}.httpHeaders`,
      `${subject} has HTTP header name ${show(name)}; a valid HTTP header must consist of alphanumeric characters or '-'`,
      'use a header name of letters, digits and hyphens, e.g. X-Probe'));
  }
  return findings;
}

function portFindings(port: unknown, path: string, subject: string): Finding[] {
  const error = intOrStringPortError(port);
  if (error === undefined) return [];
  const shown = isSet(port) ? show(port) : 'no port';
  return [finding(path,
    `${subject} has port ${shown}: ${error}`,
    typeof port === 'string'
      ? 'use a port number (unquoted) or the name of a container port (IANA service name: lower case, a letter, at most 15 characters)'
      : 'use a port between 1 and 65535')];
}

function grpcFindings(body: Record<string, any>, path: string, subject: string): Finding[] {
  const port = intField(body.port);
  if (port === undefined || isValidPortNumber(port)) return [];
  return [finding(`${path}.port`,
    `${subject} has port ${port}: must be between 1 and 65535, inclusive`,
    'use the gRPC port number, between 1 and 65535')];
}

function sleepFindings(body: Record<string, any>, path: string, subject: string, options: HandlerOptions): Finding[] {
  const seconds = intField(body.seconds);
  const grace = options.gracePeriodSeconds;
  if (seconds === undefined || grace === undefined) return [];
  const written = options.gracePeriodAsWritten;
  const shown = written === undefined || written >= 0 || written === grace ? `${grace}` : `${grace}: the API server stores the pod's ${written} as ${grace}`;
  const lowest = options.sleepZeroAllowed ? 0 : 1;
  // A template's negative grace period is validated as written: no sleep fits under it.
  const fix = grace < lowest
    ? `make the pod's terminationGracePeriodSeconds at least ${Math.max(seconds, lowest)}; under ${grace} no sleep is valid`
    : `sleep between ${lowest} and ${grace} seconds, or raise the pod's terminationGracePeriodSeconds`;
  if (seconds >= lowest && seconds <= grace) return [];
  return [finding(path, options.sleepZeroAllowed
    ? `${subject} sleeps ${seconds} seconds; it must be non-negative and less than terminationGracePeriodSeconds (${shown})`
    : `${subject} sleeps ${seconds} seconds; it must be greater than 0 and less than terminationGracePeriodSeconds (${shown}) before Kubernetes 1.33`, fix)];
}
