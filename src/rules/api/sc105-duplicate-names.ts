import { APP_LISTS, containerEntries, ContainerEntry, EPHEMERAL_LISTS, INIT_LISTS } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, stringField } from './_util';

/**
 * SC105 — container names must be unique across regular, init (sidecar) and ephemeral containers.
 * Mirrors upstream exactly: regular containers are checked against earlier regular containers;
 * every init container against ALL regular containers (even ones later in the document) and
 * earlier init containers; ephemeral containers against everything.
 */
export const duplicateNamesRule: Rule = {
  id: 'SC105',
  severity: Severity.ERROR,
  title: 'two containers of the pod share a name',
  why: 'names identify containers in status, logs, exec and probes; the API server rejects a pod whose regular, init or sidecar containers repeat a name (reported on the init container when it collides with any regular container)',
  fix: 'rename one of the containers',
  source: 'validateContainers, validateInitContainers, validateEphemeralContainers (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    // Every finding pairs two containers with the same name; when no two share one, nothing to walk.
    if (namesAllDistinct(containerEntries(context.spec))) return NO_FINDINGS;
    const findings: Finding[] = [];
    const regular = containerEntries(context.spec, APP_LISTS);
    const regularNames = new Map<string, ContainerEntry>();
    for (const entry of regular) {
      const name = stringField(entry.container.name);
      if (name === undefined) continue;
      const first = regularNames.get(name);
      if (first !== undefined) findings.push(duplicate(entry, name, first));
      else regularNames.set(name, entry);
    }
    // validateInitContainers starts from every regular name and adds only non-empty init names.
    const allNames = new Map(regularNames);
    for (const entry of containerEntries(context.spec, INIT_LISTS)) {
      const name = stringField(entry.container.name);
      if (name === undefined) continue;
      const first = allNames.get(name);
      if (first !== undefined) findings.push(duplicate(entry, name, first));
      else if (name !== '') allNames.set(name, entry);
    }
    // validateEphemeralContainers starts from every regular and init name.
    const everyName = new Map(regularNames);
    for (const entry of containerEntries(context.spec, INIT_LISTS)) {
      const name = stringField(entry.container.name);
      if (name !== undefined && !everyName.has(name)) everyName.set(name, entry);
    }
    for (const entry of containerEntries(context.spec, EPHEMERAL_LISTS)) {
      const name = stringField(entry.container.name);
      if (name === undefined) continue;
      const first = everyName.get(name);
      if (first !== undefined) findings.push(duplicate(entry, name, first));
      else everyName.set(name, entry);
    }
    return findings;
  },
};

/** Pods with up to this many containers compare names pairwise; larger ones use a set (linear). */
const PAIRWISE_LIMIT = 8;

function namesAllDistinct(entries: readonly ContainerEntry[]): boolean {
  if (entries.length > PAIRWISE_LIMIT) {
    const seen = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      const name = stringField(entries[i].container.name);
      if (name === undefined) continue;
      if (seen.has(name)) return false;
      seen.add(name);
    }
    return true;
  }
  for (let i = 0; i < entries.length; i++) {
    const name = stringField(entries[i].container.name);
    if (name === undefined) continue;
    for (let j = i + 1; j < entries.length; j++) {
      if (stringField(entries[j].container.name) === name) return false;
    }
  }
  return true;
}

function duplicate(entry: ContainerEntry, name: string, first: ContainerEntry): Finding {
  const where = first.list === entry.list
    ? `an earlier ${describeRole(first)} (${first.path})`
    : `${describeRole(first)} at ${first.path}`;
  const shown = name === '' ? 'an empty name' : `the name "${name}"`;
  return finding(at(entry, 'name'),
    `${entry.label} repeats ${shown}, already used by ${where}; container names must be unique across containers, init containers and sidecars`,
    `rename ${entry.path} or ${first.path}`);
}

function describeRole(entry: ContainerEntry): string {
  switch (entry.role) {
    case 'container': return 'regular container';
    case 'init': return 'init container';
    case 'sidecar': return 'sidecar';
    case 'ephemeral': return 'ephemeral container';
  }
}
