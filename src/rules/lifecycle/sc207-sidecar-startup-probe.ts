import { detectHelper } from '../../lifecycle/helper-images';
import { HelperListener, helperListener } from '../../lifecycle/helper-listeners';
import { sidecarGate, StartGate } from '../../lifecycle/plan';
import { containerEntries, ContainerEntry, INIT_THEN_APP, nameOrPath, sidecarEntries } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/** How many of the containers started after the sidecar a message names before it says "and N more". */
const NAMED_FOLLOWERS = 3;

/**
 * SC207: a sidecar that serves something (it declares ports) is only "started" when its process
 * runs, so everything after it may start before it listens.
 */
export const sidecarStartupProbeRule: Rule = {
  id: 'SC207',
  severity: Severity.WARNING,
  title: 'a sidecar that listens (it declares ports, or is a database or auth proxy the app dials), with containers started after it, has no startupProbe',
  why: 'the kubelet starts the next container once a sidecar is started: its startupProbe has passed, or without one as soon as its process runs (and its postStart hook, if any, returns); a readinessProbe never gates startup, so the containers after it may connect before it listens and fail or crash-loop',
  fix: 'add a startupProbe that passes once the sidecar serves (its health endpoint, or tcpSocket on the port it listens on)',
  quiet: 'info, not a warning, when no container after the sidecar is shown to connect to it (none names localhost or 127.0.0.1 with one of its ports, and it is not a database or auth proxy that exists to be dialed); silent when a postStart hook holds the next container back',
  source: 'KEP-753 startup ordering; kubelet startup of restartable init containers',
  check(context: RuleContext): Finding[] {
    // Most pods give every sidecar a startupProbe; then the start sequence need not be built.
    if (!sidecarEntries(context.spec).some(entry => sidecarGate(entry.container) === StartGate.STARTED)) return NO_FINDINGS;
    return startupProbeFindings(context);
  },
};

/** SC207's whole check, without the shortcut for pods whose sidecars all have a startupProbe. */
export function startupProbeFindings(context: RuleContext): Finding[] {
  const startup = context.plan.startup;
  let findings: Finding[] | undefined;
  let byPath: Map<string, ContainerEntry> | undefined;
  for (let position = 0; position < startup.length; position++) {
    const step = startup[position];
    // Sidecars with a startupProbe gate on it, and the last container has nobody after it.
    if (step.role !== 'sidecar' || step.gate !== StartGate.STARTED || position === startup.length - 1) continue;
    byPath ??= new Map(containerEntries(context.spec, INIT_THEN_APP).map(entry => [entry.path, entry]));
    const sidecar = byPath.get(step.path);
    // A blocking postStart hook also holds back the next container (Linkerd's linkerd-await
    // pattern); whoever wrote one chose their own gate.
    if (sidecar === undefined || hasPostStart(sidecar.container)) continue;
    const ports = containerPorts(sidecar.container);
    const listener = helperListener(sidecar.container);
    if (ports.length === 0 && listener === undefined) continue;
    const followers: ContainerEntry[] = [];
    for (const later of startup.slice(position + 1)) {
      const entry = byPath.get(later.path);
      if (entry !== undefined) followers.push(entry);
    }
    if (followers.length === 0) continue;
    const serves = listener !== undefined
      ? `is a ${listener.product} that the containers after it (${listFollowers(followers)}) dial on ${listener.listensOn}`
      : `exposes ${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}`;
    const base = `${sidecar.label} ${serves} but has no startupProbe, so the kubelet starts ${listener !== undefined ? 'them' : `the containers after it (${listFollowers(followers)})`} as soon as its process runs, possibly before it listens`;
    const dialers = listener !== undefined ? followers : followers.filter(entry => dialsLoopbackPort(entry.container, ports));
    (findings ??= []).push(dialers.length > 0
      ? {
        path: sidecar.path,
        message: listener !== undefined ? base : `${base}; ${listFollowers(dialers)} ${dialers.length === 1 ? 'connects' : 'connect'} to it on localhost`,
        fix: startupProbeFix(sidecar, ports, listener),
      }
      : {
        path: sidecar.path,
        severity: Severity.INFO,
        message: `${base}; no container after it is shown to connect to it on localhost, so this matters only if one does at start`,
        fix: startupProbeFix(sidecar, ports, listener),
      });
  }
  return findings ?? NO_FINDINGS;
}

/**
 * Whether a container's environment or command names a loopback address and one of `ports`: the
 * sign that it connects to a sidecar there (`localhost:5432`, or `DB_HOST=127.0.0.1` with `DB_PORT=5432`).
 */
function dialsLoopbackPort(container: Record<string, any>, ports: readonly number[]): boolean {
  const texts: string[] = [];
  for (const field of ['command', 'args']) {
    for (const item of Array.isArray(container[field]) ? container[field] : []) if (typeof item === 'string') texts.push(item);
  }
  for (const variable of Array.isArray(container.env) ? container.env : []) {
    if (variable !== null && typeof variable === 'object' && typeof variable.value === 'string') texts.push(variable.value);
  }
  if (!texts.some(text => LOOPBACK.test(text))) return false;
  return ports.some(port => texts.some(text => mentionsNumber(text, String(port))));
}

const LOOPBACK = /localhost|127\.0\.0\.1|\[::1\]/;

/** Whether `number` occurs in `text` with no digit on either side. */
function mentionsNumber(text: string, number: string): boolean {
  for (let at = text.indexOf(number); at >= 0; at = text.indexOf(number, at + 1)) {
    if (!isDigit(text.charCodeAt(at - 1)) && !isDigit(text.charCodeAt(at + number.length))) return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The distinct integer `containerPort`s a container declares, in declaration order. Malformed
 * entries are skipped: reporting them is SC107's business.
 */
export function containerPorts(container: any): number[] {
  const ports = container?.ports;
  if (!Array.isArray(ports)) return [];
  const numbers: number[] = [];
  for (const port of ports) {
    const value = port !== null && typeof port === 'object' ? port.containerPort : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && !numbers.includes(value)) numbers.push(value);
  }
  return numbers;
}

function hasPostStart(container: Record<string, any>): boolean {
  const lifecycle = container.lifecycle;
  return lifecycle !== null && typeof lifecycle === 'object' && lifecycle.postStart !== undefined && lifecycle.postStart !== null;
}

function listFollowers(followers: ContainerEntry[]): string {
  const named = followers.slice(0, NAMED_FOLLOWERS).map(entry => entry.label);
  const more = followers.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

function startupProbeFix(sidecar: ContainerEntry, ports: number[], listener: HelperListener | undefined): string {
  const who = nameOrPath(sidecar);
  const image = sidecar.container.image;
  const readiness = typeof image === 'string' ? detectHelper(image)?.readiness : undefined;
  const probe = listener !== undefined
    ? listener.startupProbe
    : readiness !== undefined ? `httpGet ${readiness.path} on port ${readiness.port}, its health endpoint` : `e.g. tcpSocket on port ${ports[0]}`;
  return `add a startupProbe to ${who} that passes once it serves (${probe}), so the containers after it start only when it is listening`;
}
