/**
 * The `cdk8s-sidecars` command: argument parsing and dispatch. Every failure becomes one line on
 * stderr and exit code 2; findings are exit code 1; a clean run is 0.
 */
import * as path from 'node:path';
import { parseArgs, ParseArgsConfig } from 'node:util';
import type * as PodSpecModule from '../lifecycle/pod-spec';
import { CustomWorkloadKind, Severity } from '../rules/violation';
import { DEFAULT_KUBERNETES_VERSION, KubeVersion, NEWEST_MODELLED_MINOR, OLDEST_MODELLED_MINOR, parseKubeVersion } from '../version';
import { colorsFor } from './colors';
import type * as ConfigModule from './config';
import { errorLine, ExitCode, UsageError } from './errors';
import { escapeUnsafe } from './escape';
import type * as ExplainModule from './explain';
import type * as ExplainReportModule from './explain-report';
import { CliIo, InputNote } from './io';
import type * as LintModule from './lint';
import type * as LintReportModule from './lint-report';
import type * as MigrateModule from './migrate';
import { packageVersion } from './package-version';
import { resolveInputs } from './sources';
import type * as VersionsModule from './versions';

// Each command's modules load only when it runs: `--help` loads none of them, lint does not load
// explain's or migrate's, and explain does not load the rule engine. Literal paths in plain
// require calls, so that the compiled command resolves them as any other module.
/* eslint-disable @typescript-eslint/no-require-imports */
const loadLint = () => require('./lint') as typeof LintModule;
const loadLintReport = () => require('./lint-report') as typeof LintReportModule;
const loadExplain = () => require('./explain') as typeof ExplainModule;
const loadExplainReport = () => require('./explain-report') as typeof ExplainReportModule;
const loadMigrate = () => require('./migrate') as typeof MigrateModule;
const loadPodSpec = () => require('../lifecycle/pod-spec') as typeof PodSpecModule;
const loadVersions = () => require('./versions') as typeof VersionsModule;
const loadConfigModule = () => require('./config') as typeof ConfigModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const VERSION_RANGE = `1.${OLDEST_MODELLED_MINOR} to 1.${NEWEST_MODELLED_MINOR}`;

const USAGE = `usage: cdk8s-sidecars <command> [options] [PATH...|-]

Native-sidecar rules, lifecycle pictures and migration for any Kubernetes YAML.

commands:
  lint      check manifests against the rule pack (RULES.md)
  explain   show each workload's startup and shutdown sequence and effective resources
  migrate   move legacy sidecars (helpers in containers) to native sidecars

PATH is a file, or a folder searched recursively for *.yaml, *.yml and *.json (files
there without apiVersion and kind are skipped); - reads stdin
(helm template my-release ./chart | cdk8s-sidecars lint -).

Run "cdk8s-sidecars <command> --help" for the options of a command.
exit codes: 0 no errors, 1 errors found, 2 unusable input or arguments
`;

const LINT_HELP = `usage: cdk8s-sidecars lint [options] PATH...|-

Check Kubernetes manifests against the native-sidecar rule pack.

options:
  -f, --format text|json|sarif       report format (default: text)
  -k, --kubernetes-version X.Y       target Kubernetes version, ${VERSION_RANGE} (default: ${DEFAULT_KUBERNETES_VERSION})
  -s, --severity error|warning|info  report findings at or above this severity (default: info)
  --workload-kind KIND[.GROUP]=PATH[,runs-to-completion]
                                     also check this custom resource kind, whose pod spec is
                                     at the dotted PATH (repeatable), e.g.
                                     --workload-kind MyApp.example.com=spec.podTemplate.spec
  -c, --config FILE                  repository settings (default: the nearest .cdk8s-sidecars.yaml
                                     at or above the working folder); flags win over it
  -v, --verbose                      list the files a folder run skipped
  --list-versions                    list the modelled Kubernetes versions, the default and upstream support
  -h, --help                         show this help

Files found in folders that hold no Kubernetes objects are skipped and counted.
Suppress a finding with the cdk8s-sidecars.io/suppress annotation ("SC208: reason").
exit codes: 0 no errors, 1 errors found, 2 unusable input or arguments
`;

const EXPLAIN_HELP = `usage: cdk8s-sidecars explain [options] PATH...|-

Show what the kubelet will do with each workload: startup order and gates, shutdown order and
grace-period budget, whether a Job can complete, and the effective pod requests and limits.

options:
  -f, --format text|mermaid|json     report format (default: text)
  -k, --kubernetes-version X.Y       target Kubernetes version, ${VERSION_RANGE} (default: ${DEFAULT_KUBERNETES_VERSION})
  -c, --config FILE                  repository settings (version, ignored paths; default: the nearest
                                     .cdk8s-sidecars.yaml at or above the working folder)
  -h, --help                         show this help

Files found in folders that hold no Kubernetes objects are skipped; stderr says how many.
exit codes: 0 explained, 2 unusable input or arguments
`;

const COMMON_OPTIONS = {
  'format': { type: 'string', short: 'f' },
  'kubernetes-version': { type: 'string', short: 'k' },
  'config': { type: 'string', short: 'c' },
  'help': { type: 'boolean', short: 'h' },
} as const;

/** Run the command with `argv` (without `node` and the script). Resolves to the exit code; never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr(errorLine(error));
    return ExitCode.UNUSABLE;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint': return lint(rest, io);
    case 'explain': return explain(rest, io);
    case 'migrate': return migrate(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return ExitCode.OK;
    case '--version':
    case '-V':
      io.stdout(`${packageVersion()}\n`);
      return ExitCode.OK;
    case undefined:
      throw new UsageError('no command given; use lint, explain or migrate (cdk8s-sidecars --help)');
    default:
      if (command.startsWith('-')) throw new UsageError(`unknown option '${command}' before the command; use lint, explain or migrate (cdk8s-sidecars --help)`);
      throw new UsageError(`unknown command "${command}"; use lint, explain or migrate (cdk8s-sidecars --help)`);
  }
}

const LINT_OPTIONS = {
  ...COMMON_OPTIONS,
  'severity': { type: 'string', short: 's' },
  'workload-kind': { type: 'string', multiple: true },
  'verbose': { type: 'boolean', short: 'v' },
  'list-versions': { type: 'boolean' },
} as const;

/**
 * The repository config that applies: the file `--config` names, or the nearest
 * `.cdk8s-sidecars.yaml` at or above the working folder.
 */
function repoConfig(value: string | boolean | undefined, io: CliIo): { config?: ConfigModule.RepoConfig; ignored?: (file: string) => boolean } {
  const { findConfig, ignoredPaths, loadConfig } = loadConfigModule();
  const file = typeof value === 'string' ? path.resolve(io.cwd, value) : findConfig(io.cwd);
  const config = file === undefined ? undefined : loadConfig(file);
  return { config, ignored: ignoredPaths(config, io.cwd) };
}

async function lint(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('lint', args, LINT_OPTIONS);
  if (values.help) {
    io.stdout(LINT_HELP);
    return ExitCode.OK;
  }
  if (values['list-versions']) {
    io.stdout(loadVersions().formatVersions(new Date().toISOString().slice(0, 10)));
    return ExitCode.OK;
  }
  const format = choice('lint', '--format', values.format, ['text', 'json', 'sarif'] as const, 'text');
  const threshold = choice('lint', '--severity', values.severity, [Severity.ERROR, Severity.WARNING, Severity.INFO] as const, Severity.INFO);
  const { config, ignored } = repoConfig(values.config, io);
  const version = kubernetesVersion('lint', values['kubernetes-version'] ?? config?.kubernetesVersion);
  const customWorkloads = [...config?.workloadKinds ?? [], ...workloadKinds(values['workload-kind'] ?? [])];
  const inputs = resolveInputs(positionals, io, ignored);
  const options = {
    kubernetesVersion: version.text,
    threshold,
    ...(customWorkloads.length > 0 ? { customWorkloads } : {}),
    ...(config?.rules !== undefined ? { rules: config.rules } : {}),
  };
  const report = await loadLint().lintInputs(inputs, options, io);
  const { formatJson, formatSarif, formatText } = loadLintReport();
  switch (format) {
    case 'json': io.stdout(formatJson(report)); break;
    case 'sarif': io.stdout(formatSarif(report)); break;
    default: io.stdout(formatText(report, colorsFor(io), { verbose: values.verbose === true }));
  }
  return report.counts.error > 0 ? ExitCode.ERRORS_FOUND : ExitCode.OK;
}

/** `Kind[.group]=dotted.path[,runs-to-completion]`, each checked as the library checks `customWorkloads`. */
function workloadKinds(values: readonly string[]): CustomWorkloadKind[] {
  const kinds = values.map((value): CustomWorkloadKind => {
    const match = /^([^.=]+)(?:\.([^=]*))?=([^,]*)(?:,(.*))?$/.exec(value);
    if (!match || (match[4] !== undefined && match[4] !== 'runs-to-completion')) {
      throw new UsageError(`--workload-kind "${value}" is not KIND[.GROUP]=PATH[,runs-to-completion], e.g. MyApp.example.com=spec.template.spec; see cdk8s-sidecars lint --help`);
    }
    return {
      kind: match[1],
      ...(match[2] !== undefined ? { group: match[2] } : {}),
      podSpecPath: match[3],
      ...(match[4] !== undefined ? { runsToCompletion: true } : {}),
    };
  });
  try {
    loadPodSpec().WorkloadKinds.of(kinds, '--workload-kind');
  } catch (error) {
    const message = (error as Error).message.replace(/^--workload-kind\[(\d+)\]\.?/, (_, i) => `--workload-kind "${values[Number(i)]}": `);
    throw new UsageError(`${message}; see cdk8s-sidecars lint --help`);
  }
  return kinds;
}

/**
 * An io that collects what explain and migrate do not report themselves: files a folder run
 * skipped and input notes (a repeated key), printed on stderr once the command is done.
 */
function withInputNotices(io: CliIo): { io: CliIo; report: () => void } {
  const skipped: string[] = [];
  const notes: InputNote[] = [];
  return {
    io: { ...io, onSkipped: file => skipped.push(file), onInputNote: note => notes.push(note) },
    report: () => {
      for (const note of notes) {
        io.stderr(`${escapeUnsafe(note.file)}:${note.line}:${note.column}: error ${note.ruleId}: ${escapeUnsafe(note.message)}; ${escapeUnsafe(note.fix)}\n`);
      }
      if (skipped.length > 0) {
        io.stderr(`skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that hold${skipped.length === 1 ? 's' : ''} no Kubernetes objects: ${skipped.map(escapeUnsafe).join(', ')}\n`);
      }
    },
  };
}

async function explain(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('explain', args, COMMON_OPTIONS);
  if (values.help) {
    io.stdout(EXPLAIN_HELP);
    return ExitCode.OK;
  }
  const format = choice('explain', '--format', values.format, ['text', 'mermaid', 'json'] as const, 'text');
  const { config, ignored } = repoConfig(values.config, io);
  const version = kubernetesVersion('explain', values['kubernetes-version'] ?? config?.kubernetesVersion);
  const inputs = resolveInputs(positionals, io, ignored);
  const notices = withInputNotices(io);
  const { explainInputs } = loadExplain();
  const { formatExplainJson, formatExplainMermaid, formatExplainText } = loadExplainReport();
  const workloads = await explainInputs(inputs, version, notices.io);
  switch (format) {
    case 'json': io.stdout(formatExplainJson(workloads, version.text)); break;
    case 'mermaid': io.stdout(formatExplainMermaid(workloads)); break;
    default: io.stdout(formatExplainText(workloads, colorsFor(io)));
  }
  notices.report();
  return ExitCode.OK;
}

async function migrate(args: readonly string[], io: CliIo): Promise<number> {
  const { MIGRATE_HELP, MIGRATE_OPTIONS, runMigrate } = loadMigrate();
  const { values, positionals } = parse('migrate', args, MIGRATE_OPTIONS);
  if (values.help) {
    io.stdout(MIGRATE_HELP);
    return ExitCode.OK;
  }
  const notices = withInputNotices(io);
  const code = await runMigrate(values, positionals, notices.io);
  notices.report();
  return code;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, its errors turned into one readable usage line. */
function parse<T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error as Error & { code?: string })}; see cdk8s-sidecars ${command} --help`);
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const option = /'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(error.message)) return `option '${(option ?? '').replace(/ <value>$/, '')}' needs a value`;
      if (/does not take an argument/.test(error.message)) return `option '${option}' does not take a value`;
      return error.message.split('. ')[0];
    default:
      return error.message.split('. ')[0];
  }
}

function choice<T extends string>(command: string, flag: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} "${String(value)}" is not one of ${allowed.join(', ')}; see cdk8s-sidecars ${command} --help`);
}

function kubernetesVersion(command: string, value: string | boolean | undefined): KubeVersion {
  try {
    return parseKubeVersion(typeof value === 'string' ? value : undefined, '--kubernetes-version');
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see cdk8s-sidecars ${command} --help`);
  }
}
