import { ContainerEntry, containerEntries, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { containerPorts } from './sc207-sidecar-startup-probe';

/**
 * A loopback address and a port, as commands write them: `localhost:8200`,
 * `http://127.0.0.1:15000/ready`, `[::1]:4140`, or `nc -z localhost 8200` (a space instead of
 * the colon). The look-behind keeps `mylocalhost:80` and `10.127.0.0.1:80` out.
 */
const LOOPBACK_PORT = /(?<![\w.-])(localhost|127\.0\.0\.1|\[::1\])(?::|\s+)(\d{1,5})(?!\d)/gi;

/** Words that make a container name or a command read as "wait for": `wait-for-proxy`, `until`. */
const WAIT_WORDS = new Set(['wait', 'await', 'waitfor', 'until', 'ready', 'check', 'healthcheck', 'ping']);

/**
 * SC210: a run-once init container needs a sidecar that is declared after it. Init containers
 * start strictly in order and a run-once one must complete first, so the sidecar is not running
 * yet: the init container's connection fails, or its wait loop waits forever.
 */
export const initBeforeNeededSidecarRule: Rule = {
  id: 'SC210',
  severity: Severity.WARNING,
  title: 'a run-once init container needs a sidecar declared after it (it calls the sidecar\'s port on localhost, or waits for it by name)',
  why: 'init containers start strictly in list order and a run-once init container must exit before the next one starts, so a sidecar declared after it is not running yet: its calls fail, or a wait loop never ends and the pod stays in Init; in plain YAML the need is inferred (loopback address with one of the sidecar\'s ports in command, args or env, or a wait-style name), so it is a warning there and an error on constructs',
  fix: 'declare the sidecar before the init container that needs it (with cdk8s-sidecars, declare the dependency and the order is derived), or stop the init container from calling it',
  source: 'KEP-753 startup ordering (init containers start in list order; run-once ones must complete)',
  check(context: RuleContext): Finding[] {
    const inits = containerEntries(context.spec, ['initContainers']);
    const findings: Finding[] = [];
    for (const init of inits) {
      if (init.role !== 'init') continue;
      const references = loopbackReferences(init.container);
      // Ports the init container serves itself, or that a sidecar already running before it
      // serves, are available when it runs.
      const available = new Set(containerPorts(init.container));
      for (const earlier of inits) {
        if (earlier.role === 'sidecar' && earlier.index < init.index) containerPorts(earlier.container).forEach(port => available.add(port));
      }
      for (const sidecar of inits) {
        if (sidecar.role !== 'sidecar' || sidecar.index < init.index) continue;
        const need = needOf(init, sidecar, references, available);
        if (need === undefined) continue;
        findings.push({
          path: init.path,
          message: `${withIndex(init)} ${need}, but runs before it: init containers start in order, so ${nameOrPath(sidecar)} starts only after ${nameOrPath(init)} has completed`,
          fix: `move ${nameOrPath(sidecar)} before ${nameOrPath(init)} in initContainers (with cdk8s-sidecars, make ${nameOrPath(init)} depend on it and the order is derived)`,
          ...(context.fromConstructs ? { severity: Severity.ERROR } : {}),
        });
      }
    }
    return findings;
  },
};

/** A loopback address with a port, found in one of the init container's fields. */
interface LoopbackReference {
  readonly port: number;
  /** The text as written, e.g. `127.0.0.1:15000`. */
  readonly text: string;
  /** Where it was found: `command`, `args`, `env DATABASE_URL`. */
  readonly field: string;
}

/** Why the init container needs this sidecar, as the middle of a message, or `undefined`. */
function needOf(init: ContainerEntry, sidecar: ContainerEntry, references: LoopbackReference[], available: Set<number>): string | undefined {
  const ports = containerPorts(sidecar.container);
  const reference = references.find(candidate => ports.includes(candidate.port) && !available.has(candidate.port));
  if (reference !== undefined) {
    return `connects to ${reference.text} (${reference.field}), a port of ${withIndex(sidecar)}`;
  }
  if (sidecar.name === undefined || sidecar.name === init.name) return undefined;
  if (init.name !== undefined && nameWaitsFor(init.name, sidecar.name)) {
    return `is named for waiting on ${withIndex(sidecar)}`;
  }
  const field = commandNaming(init.container, sidecar.name);
  return field !== undefined ? `waits for ${withIndex(sidecar)}, named in its ${field}` : undefined;
}

function loopbackReferences(container: Record<string, any>): LoopbackReference[] {
  const found: LoopbackReference[] = [];
  for (const [field, texts] of commandTexts(container)) {
    for (const text of texts) {
      for (const match of text.matchAll(LOOPBACK_PORT)) {
        const port = Number(match[2]);
        if (port > 0 && port <= 65535) found.push({ port, text: match[0].replace(/\s+/, ' '), field });
      }
    }
  }
  return found;
}

/** The string values of command, args and each env entry's value, labelled by field. */
function commandTexts(container: Record<string, any>): Array<[string, string[]]> {
  const strings = (value: unknown): string[] => Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const fields: Array<[string, string[]]> = [['command', strings(container.command)], ['args', strings(container.args)]];
  if (Array.isArray(container.env)) {
    for (const variable of container.env) {
      if (variable === null || typeof variable !== 'object' || typeof variable.value !== 'string') continue;
      fields.push([typeof variable.name === 'string' ? `env ${variable.name}` : 'env', [variable.value]]);
    }
  }
  return fields;
}

/**
 * Whether a container name reads as "wait for <sidecar>": the sidecar's name appears as whole
 * hyphen-separated segments and the rest of the name has a wait word (`wait-for-proxy`,
 * `proxy-ready`). Names such as `proxy-init` or `envoy-config` prepare a sidecar, and must run
 * before it, so they do not count.
 */
function nameWaitsFor(name: string, sidecarName: string): boolean {
  const segments = name.toLowerCase().split('-');
  const wanted = sidecarName.toLowerCase().split('-');
  for (let start = 0; start + wanted.length <= segments.length; start++) {
    if (!wanted.every((segment, offset) => segments[start + offset] === segment)) continue;
    const rest = [...segments.slice(0, start), ...segments.slice(start + wanted.length)];
    if (rest.some(segment => WAIT_WORDS.has(segment))) return true;
  }
  return false;
}

/**
 * `command` or `args` when they name the sidecar as a whole word and also read as a wait
 * (`wait-for --container proxy`, `until ... proxy ...`); `undefined` otherwise.
 */
function commandNaming(container: Record<string, any>, sidecarName: string): string | undefined {
  const wanted = sidecarName.toLowerCase();
  const tokens = (field: string): string[] => {
    const value = container[field];
    if (!Array.isArray(value)) return [];
    return value.filter((item): item is string => typeof item === 'string').flatMap(item => item.toLowerCase().split(/[\s=,;"'`]+/)).filter(Boolean);
  };
  const all = [...tokens('command'), ...tokens('args')];
  const waits = all.some(token => {
    const word = token.replace(/^-+/, '');
    return WAIT_WORDS.has(word) || word.startsWith('wait') || word.endsWith('wait');
  });
  if (!waits) return undefined;
  for (const field of ['args', 'command']) {
    if (tokens(field).includes(wanted)) return field;
  }
  return undefined;
}

/** `init container "migrate" (initContainers[0])`; an unnamed container's label already has its path. */
function withIndex(entry: ContainerEntry): string {
  return entry.name !== undefined ? `${entry.label} (${entry.path})` : entry.label;
}
