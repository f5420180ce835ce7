import { containerEntries, INIT_LISTS, nameOrPath, setsAnyField } from '../containers';
import { injectedContainers } from '../injected';
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
  quiet: 'info, not a warning, when the sidecar also declares ports it may serve the pod\'s clients on (then leaving endpoints while it is unready is right); silent on a mesh proxy that captures the pod\'s traffic, since the pod cannot serve while its proxy is not ready',
  fix: 'remove the readinessProbe; use a startupProbe to make later containers wait and a livenessProbe to restart a stuck helper; suppress SC208 with a reason when traffic must stop while the helper is unready',
  source: 'KEP-753 (readiness of restartable init containers); kubelet pod Ready condition',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, INIT_LISTS, READINESS_FIELD)) return NO_FINDINGS;
    const findings: Finding[] = [];
    for (const entry of containerEntries(context.spec, INIT_LISTS)) {
      if (entry.role !== 'sidecar') continue;
      const probe = entry.container.readinessProbe;
      if (!isPlainObject(probe)) continue;
      // A mesh proxy captures all of the pod's inbound traffic: while it is not ready, the pod cannot serve.
      if (injectedContainers(context).get(entry.path)?.role === 'proxy') continue;
      const handler = describeHandler(probe);
      const message = `${entry.label} has a readinessProbe${handler ? ` (${handler})` : ''}: it counts toward the pod's Ready condition, so while it fails the pod leaves Service endpoints, and it never holds back the containers after ${nameOrPath(entry)}`;
      const fix = `remove the readinessProbe from ${nameOrPath(entry)}; to make later containers wait for it, give it a startupProbe instead`;
      const served = servedPorts(entry.container, probe);
      findings.push(served.length === 0
        ? { path: `${entry.path}.readinessProbe`, message, fix }
        : {
          path: `${entry.path}.readinessProbe`,
          severity: Severity.INFO,
          message: `${message}; it also declares ${served.length === 1 ? 'port' : 'ports'} ${served.join(', ')}, and if it serves the pod's clients there, taking the pod out of endpoints while it is unready is what you want`,
          fix: `keep the readinessProbe only if ${nameOrPath(entry)} serves the pod's clients; to make later containers wait for it, give it a startupProbe`,
        });
    }
    return findings;
  },
};

/**
 * The ports a sidecar declares other than the one its readiness probe checks (by number or name):
 * ports it may serve the pod's clients on.
 */
function servedPorts(container: Record<string, any>, probe: Record<string, any>): number[] {
  const handler = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
  const probed = isPlainObject(handler) ? handler.port : undefined;
  const served: number[] = [];
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (!isPlainObject(port) || typeof port.containerPort !== 'number') continue;
    if (port.containerPort === probed || (typeof probed === 'string' && port.name === probed)) continue;
    served.push(port.containerPort);
  }
  return served;
}

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
