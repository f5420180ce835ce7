import { containerEntries, INIT_LISTS, nameOrPath, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/** Longest command text a message quotes before cutting it short. */
const MAX_COMMAND_TEXT = 60;

const READINESS_FIELD = ['readinessProbe'];

/** SC208: a sidecar's readinessProbe couples the pod's readiness to the helper. */
export const sidecarReadinessProbeRule: Rule = {
  id: 'SC208',
  severity: Severity.WARNING,
  title: 'a sidecar has a readinessProbe',
  why: 'a sidecar\'s readiness counts toward the pod\'s Ready condition, so a failing or slow helper takes the whole pod out of Service endpoints; and readiness never gates startup, so it does not make the containers after the sidecar wait for it',
  fix: 'remove the readinessProbe; use a startupProbe to make later containers wait and a livenessProbe to restart a stuck helper; suppress SC208 with a reason when traffic must stop while the helper is unready',
  source: 'KEP-753 (readiness of restartable init containers); kubelet pod Ready condition',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, INIT_LISTS, READINESS_FIELD)) return NO_FINDINGS;
    const findings: Finding[] = [];
    for (const entry of containerEntries(context.spec, INIT_LISTS)) {
      if (entry.role !== 'sidecar') continue;
      const probe = entry.container.readinessProbe;
      if (!isPlainObject(probe)) continue;
      const handler = describeHandler(probe);
      findings.push({
        path: `${entry.path}.readinessProbe`,
        message: `${entry.label} has a readinessProbe${handler ? ` (${handler})` : ''}: it counts toward the pod's Ready condition, so while it fails the pod leaves Service endpoints, and it never holds back the containers after ${nameOrPath(entry)}`,
        fix: `remove the readinessProbe from ${nameOrPath(entry)}; to make later containers wait for it, give it a startupProbe instead`,
      });
    }
    return findings;
  },
};

/**
 * A probe or lifecycle handler in a few words: `httpGet /ready on port 8080`, `exec "sleep 5"`,
 * `sleep 5s`. `undefined` when the object has no handler this can read.
 */
export function describeHandler(handler: Record<string, any>): string | undefined {
  const { exec, httpGet, tcpSocket, grpc, sleep } = handler;
  if (isPlainObject(exec)) {
    const command = Array.isArray(exec.command) ? exec.command.filter((part: unknown) => typeof part === 'string').join(' ') : '';
    return command ? `exec "${shorten(command)}"` : 'exec';
  }
  if (isPlainObject(httpGet)) {
    const path = typeof httpGet.path === 'string' && httpGet.path !== '' ? httpGet.path : '/';
    return `httpGet ${path}${portText(httpGet.port)}`;
  }
  if (isPlainObject(tcpSocket)) return `tcpSocket${portText(tcpSocket.port)}`;
  if (isPlainObject(grpc)) return `grpc${portText(grpc.port)}`;
  if (isPlainObject(sleep)) return typeof sleep.seconds === 'number' ? `sleep ${sleep.seconds}s` : 'sleep';
  return undefined;
}

function portText(port: unknown): string {
  return typeof port === 'number' || (typeof port === 'string' && port !== '') ? ` on port ${port}` : '';
}

function shorten(text: string): string {
  return text.length <= MAX_COMMAND_TEXT ? text : `${text.slice(0, MAX_COMMAND_TEXT - 3)}...`;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
