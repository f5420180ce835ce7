import { MigrateResult, MigrationChange } from './result';
import { escapeUnsafe } from '../cli/escape';

type Entry = MigrationChange;

/**
 * The human-readable report of one or more migrated files: per file and object, a `changed:`
 * line for every edit, then a `check:` line for every concern (each in input line order), then a
 * summary line. Line numbers refer to the input.
 *
 * ```
 * deploy.yaml
 *   Deployment "web"
 *     changed: line 30: moved container "istio-proxy" ...
 *     check: line 41: sidecar "istio-proxy" kept its readinessProbe ...
 * summary: 4 changes in 1 of 1 file, 1 concern to check
 * ```
 */
export function formatReport(results: MigrateResult[]): string {
  const lines: string[] = [];
  const files = new Map<string, Map<string, { changed: Entry[]; check: Entry[] }>>();
  const objectEntries = (entry: Entry) => {
    let objects = files.get(entry.file);
    if (objects === undefined) files.set(entry.file, objects = new Map());
    const key = `${entry.kind || '<no kind>'} "${entry.name}"`;
    let entries = objects.get(key);
    if (entries === undefined) objects.set(key, entries = { changed: [], check: [] });
    return entries;
  };
  for (const result of results) {
    for (const change of result.changes) objectEntries(change).changed.push(change);
    for (const concern of result.concerns) objectEntries(concern).check.push(concern);
  }
  const byLine = (a: Entry, b: Entry) => a.line - b.line;
  for (const [file, objects] of files) {
    lines.push(file);
    for (const [object, entries] of objects) {
      lines.push(`  ${object}`);
      for (const [word, list] of [['changed', entries.changed], ['check', entries.check]] as const) {
        for (const entry of [...list].sort(byLine)) lines.push(`    ${word}: line ${entry.line}: ${entry.description}`);
      }
    }
  }
  const changes = results.reduce((sum, result) => sum + result.changes.length, 0);
  const concerns = results.reduce((sum, result) => sum + result.concerns.length, 0);
  const changedFiles = results.filter(result => result.changed).length;
  lines.push(`summary: ${plural(changes, 'change')} in ${changedFiles} of ${plural(results.length, 'file')}, ${plural(concerns, 'concern')} to check`);
  // File and object names and the commands quoted come from the input: escaped so that none can forge a line.
  return lines.map(escapeUnsafe).join('\n') + '\n';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
