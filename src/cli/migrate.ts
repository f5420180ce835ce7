/**
 * `cdk8s-sidecars migrate`: the command-line door of src/migrate. The input first goes through
 * the same guards as lint and explain (size, UTF-8, YAML syntax, nesting, alias bombs); the
 * migration itself is `migrateText`.
 */
import * as fs from 'node:fs';
import { formatReport, migrateText, MigrateResult } from '../migrate';
import { parseKubeVersion } from '../version';
import { checkDocuments } from './documents';
import { ExitCode, InputError, UsageError } from './errors';
import { CliIo } from './io';
import { readInput, resolveInputs, SourceText } from './sources';

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
With --write, files are rewritten in place and the report goes to stdout.

options:
  --sidecar NAME                     also treat container NAME as a sidecar (repeatable)
  -w, --write                        rewrite the files in place (not with -)
  --check                            change nothing; exit 1 if anything would change
  -k, --kubernetes-version X.Y       target Kubernetes version (default: 1.33)
  -h, --help                         show this help

exit codes: 0 done (or nothing to change with --check), 1 changes needed (--check only),
2 unusable input or arguments
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
  const inputs = resolveInputs(positionals, io);
  if (values.write && inputs.some(input => input.absolutePath === undefined)) {
    throw new UsageError('--write cannot rewrite stdin; drop --write to print the result');
  }
  if (!values.write && !values.check && inputs.length > 1) {
    throw new UsageError(`${inputs.length} inputs given; migrate prints one input, or rewrites files with --write`);
  }
  const sidecars = values.sidecar ?? [];
  const results: Array<{ source: SourceText; result: MigrateResult }> = [];
  for (const input of inputs) {
    const source = await readInput(input, io);
    // The lint guards first: a bomb or a syntax error is reported the same way by every command.
    checkDocuments(source);
    results.push({ source, result: migrate(source, sidecars, kubernetesVersion) });
  }
  const report = formatReport(results.map(r => r.result));
  if (values.check) {
    io.stdout(report);
    return results.some(r => r.result.changed) ? ExitCode.ERRORS_FOUND : ExitCode.OK;
  }
  if (values.write) {
    for (const { source, result } of results) {
      if (result.changed) writeBack(source, result.output);
    }
    io.stdout(report);
    return ExitCode.OK;
  }
  io.stdout(results[0].result.output);
  io.stderr(report);
  return ExitCode.OK;
}

function migrate(source: SourceText, sidecars: string[], kubernetesVersion: string | undefined): MigrateResult {
  try {
    return migrateText(source.text, { sidecars, fileName: source.displayName, ...(kubernetesVersion ? { kubernetesVersion } : {}) });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    // migrateText reports unusable YAML as `file:line:col: message`.
    if (message.startsWith(`${source.displayName}:`)) throw new InputError(message);
    throw error;
  }
}

function writeBack(source: SourceText, output: string): void {
  try {
    fs.writeFileSync(source.absolutePath!, output);
  } catch (error) {
    throw new InputError(`cannot write ${source.displayName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
