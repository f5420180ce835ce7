import { isWaitWord, LoopbackReference, loopbackReferences, nameWaitsFor } from '../../lifecycle/sidecar-needs';
import { containerEntries, ContainerEntry, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { containerPorts } from './sc207-sidecar-startup-probe';

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
    const inits = containerEntries(context.spec, INIT_LISTS);
    const findings: Finding[] = [];
    for (const init of inits) {
      if (init.role !== 'init') continue;
      const references = loopbackReferences(init.container);
      // Ports the init container serves itself, or that a sidecar already running before it
      // serves, are available when it runs.
      let available: Set<number> | undefined;
      if (references.length > 0) {
        available = new Set(containerPorts(init.container));
        for (const earlier of inits) {
          if (earlier.role === 'sidecar' && earlier.index < init.index) containerPorts(earlier.container).forEach(port => available!.add(port));
        }
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

/** Why the init container needs this sidecar, as the middle of a message, or `undefined`. */
function needOf(
  init: ContainerEntry, sidecar: ContainerEntry, references: LoopbackReference[], available: Set<number> | undefined,
): string | undefined {
  if (references.length > 0) {
    const ports = containerPorts(sidecar.container);
    const reference = references.find(candidate => ports.includes(candidate.port) && !available?.has(candidate.port));
    if (reference !== undefined) {
      return `connects to ${reference.text} (${reference.field}), a port of ${withIndex(sidecar)}`;
    }
  }
  if (sidecar.name === undefined || sidecar.name === init.name) return undefined;
  if (init.name !== undefined && nameWaitsFor(init.name, sidecar.name)) {
    return `is named for waiting on ${withIndex(sidecar)}`;
  }
  const field = commandNaming(init.container, sidecar.name);
  return field !== undefined ? `waits for ${withIndex(sidecar)}, named in its ${field}` : undefined;
}

/**
 * `command` or `args` when they name the sidecar as a whole word and also read as a wait
 * (`wait-for --container proxy`, `until ... proxy ...`); `undefined` otherwise.
 */
function commandNaming(container: Record<string, any>, sidecarName: string): string | undefined {
  const wanted = sidecarName.toLowerCase();
  // The name must appear as a whole token, so first as a substring of some word of the command.
  if (!mentions(container.command, wanted) && !mentions(container.args, wanted)) return undefined;
  const tokens = (field: string): string[] => {
    const value = container[field];
    if (!Array.isArray(value)) return [];
    return value.filter((item): item is string => typeof item === 'string').flatMap(item => item.toLowerCase().split(/[\s=,;"'`]+/)).filter(Boolean);
  };
  const all = [...tokens('command'), ...tokens('args')];
  const waits = all.some(isWaitWord);
  if (!waits) return undefined;
  for (const field of ['args', 'command']) {
    if (tokens(field).includes(wanted)) return field;
  }
  return undefined;
}

/** Whether some string of `words` holds `wanted` (lowercase), ignoring case. A loop: it runs for every init container and sidecar pair. */
function mentions(words: unknown, wanted: string): boolean {
  if (!Array.isArray(words)) return false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (typeof word === 'string' && word.toLowerCase().includes(wanted)) return true;
  }
  return false;
}

/** `init container "migrate" (initContainers[0])`; an unnamed container's label already has its path. */
function withIndex(entry: ContainerEntry): string {
  return entry.name !== undefined ? `${entry.label} (${entry.path})` : entry.label;
}
