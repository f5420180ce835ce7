/**
 * `cdk8s-sidecars migrate`: the command-line door of src/migrate. The input first goes through
 * the same guards as lint and explain (size, UTF-8, YAML syntax, nesting, alias bombs); the
 * migration itself is `migrateText`, one document at a time (migrate-source.ts); `--write`
 * replaces files without ever leaving one half-written (write-files.ts).
 */
import { formatReport, MigrateResult } from '../migrate';
import { parseKubeVersion } from '../version';
import { checkDocuments } from './documents';
import { errorLine, ExitCode, UsageError } from './errors';
import { CliIo } from './io';
import { migrateSource, MigrateSourceOptions } from './migrate-source';
import { readInput, resolveInputs } from './sources';
import { NotWrittenError, readForWrite, replaceFile, writeTargets } from './write-files';

export const MIGRATE_OPTIONS = {
  'sidecar': { type: 'string', multiple: true },
  'write': { type: 'boolean', short: 'w' },
  'check': { type: 'boolean' },
  'kubernetes-version': { type: 'string', short: 'k' },
  'help': { type: 'boolean', short: 'h' },
} as const;

export const MIGRATE_HELP = `usage: cdk8s-sidecars migrate [options] PATH...|-

Move legacy sidecars (long-running helpers in containers) to native sidecars (initContainers with
restartPolicy: Always), and remove the workarounds that makes redundant where that is certain.
Comments, key order and untouched documents are kept byte for byte.

With one input, the migrated YAML goes to stdout and the report to stderr.
With --write, files are rewritten in place and the report goes to stdout. Each file is replaced
whole (written next to it, synced, renamed over it), or not at all: a file edited or deleted
while the command runs is left alone, and symbolic links out of the folder given are skipped.

options:
  --sidecar NAME                     also treat container NAME as a sidecar (repeatable)
  -w, --write                        rewrite the files in place (not with -)
  --check                            change nothing; exit 1 if anything would change
  -k, --kubernetes-version X.Y       target Kubernetes version (default: 1.33)
  -h, --help                         show this help

exit codes: 0 done (or nothing to change with --check), 1 changes needed (--check only),
2 unusable input or arguments, or a file --write could not write (the report of the files
written before it is still printed)
`;

interface MigrateValues {
  readonly 'sidecar'?: string[];
  readonly 'write'?: boolean;
  readonly 'check'?: boolean;
  readonly 'kubernetes-version'?: string;
}

/** Migrate the inputs; see MIGRATE_HELP for where output goes. */
export async function runMigrate(values: MigrateValues, positionals: readonly string[], io: CliIo): Promise<number> {
  const kubernetesVersion = values['kubernetes-version'];
  try {
    parseKubeVersion(kubernetesVersion, '--kubernetes-version');
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see cdk8s-sidecars migrate --help`);
  }
  if (values.write && values.check) throw new UsageError('--write and --check cannot be used together; see cdk8s-sidecars migrate --help');
  const options: MigrateSourceOptions = { sidecars: values.sidecar ?? [], ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}) };
  if (values.write) return writeInPlace(positionals, options, io);
  const inputs = resolveInputs(positionals, io);
  if (!values.check && inputs.length > 1) {
    throw new UsageError(`${inputs.length} inputs given; migrate prints one input, or rewrites files with --write`);
  }
  const results: MigrateResult[] = [];
  let output: readonly string[] = [];
  for (const input of inputs) {
    const source = await readInput(input, io);
    // migrateSource runs the lint guards on each document before migrating it: a bomb or a syntax
    // error is reported the same way by every command.
    const migrated = migrateSource(source, options);
    results.push(migrated.result);
    if (!values.check) output = migrated.pieces;
  }
  const report = formatReport(results);
  if (values.check) {
    io.stdout(report);
    return results.some(result => result.changed) ? ExitCode.ERRORS_FOUND : ExitCode.OK;
  }
  io.stdout(output.join(''));
  io.stderr(report);
  return ExitCode.OK;
}

/**
 * --write: every file is checked with the lint guards before the first is written, then read
 * again, migrated and replaced one at a time (write-files.ts). A file that changed meanwhile is
 * left alone and the others are still written; any other failure stops the run before the next
 * file. The report covers the files done, and any of these makes the exit code 2.
 */
function writeInPlace(operands: readonly string[], options: MigrateSourceOptions, io: CliIo): number {
  const { targets, skipped } = writeTargets(operands, io);
  for (const line of skipped) io.stderr(`cdk8s-sidecars: ${line}\n`);
  // Unusable input anywhere stops the run before anything is written. (With one file, the same
  // guards run just below, before its write.)
  if (targets.length > 1) {
    for (const target of targets) {
      try {
        checkDocuments(readForWrite(target).source);
      } catch (error) {
        // A file deleted meanwhile is said so below, in its turn.
        if (!(error instanceof NotWrittenError)) throw error;
      }
    }
  }
  const results: MigrateResult[] = [];
  let notWritten = 0;
  let failure: { error: unknown; index: number } | undefined;
  for (let index = 0; index < targets.length && failure === undefined; index++) {
    try {
      const file = readForWrite(targets[index]);
      const migrated = migrateSource(file.source, options);
      if (migrated.result.changed) replaceFile(file, migrated.pieces);
      results.push(migrated.result);
    } catch (error) {
      if (error instanceof NotWrittenError) {
        io.stderr(errorLine(error));
        notWritten++;
      } else {
        failure = { error, index };
      }
    }
  }
  if (failure === undefined || results.length > 0) io.stdout(formatReport(results));
  if (failure !== undefined) {
    const rest = targets.slice(failure.index + 1);
    const stopped = rest.length === 0 ? '' : `; stopped before ${rest[0].displayName}${rest.length > 1 ? ` and ${rest.length - 1} more file${rest.length > 2 ? 's' : ''}` : ''}`;
    io.stderr(`${errorLine(failure.error).trimEnd()}${stopped}\n`);
  }
  return failure !== undefined || notWritten > 0 ? ExitCode.UNUSABLE : ExitCode.OK;
}
