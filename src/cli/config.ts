/**
 * The repository's settings for the command: `.cdk8s-sidecars.yaml`, found by walking up from the
 * working folder, or named with `--config`. Flags given on the command line win over it.
 *
 * ```yaml
 * kubernetesVersion: "1.35"
 * rules:
 *   - { ruleId: SC209, severity: info, reason: "our proxies drain on their preStop by design" }
 * ignore:
 *   - "charts/*\/templates/**"
 * workloadKinds:
 *   - { kind: MyApp, group: example.com, podSpecPath: spec.template.spec }
 * ```
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as PicomatchModule from 'picomatch';
import type * as YamlModule from 'yaml';
import { WorkloadKinds } from '../lifecycle/pod-spec';
import { resolveRuleSettings } from '../rules/settings';
import { CustomWorkloadKind, RuleSetting } from '../rules/violation';
import { parseKubeVersion } from '../version';
import { UsageError } from './errors';

/** The file name looked for in the working folder and each folder above it. */
export const CONFIG_FILE_NAME = '.cdk8s-sidecars.yaml';

/** The settings of a config file, checked. */
export interface RepoConfig {
  /** The file they were read from. */
  readonly file: string;
  readonly kubernetesVersion?: string;
  readonly rules?: RuleSetting[];
  /** Glob patterns of paths to leave out, relative to the config file's folder. */
  readonly ignore?: string[];
  readonly workloadKinds?: CustomWorkloadKind[];
}

const KEYS = ['kubernetesVersion', 'rules', 'ignore', 'workloadKinds'];

/** The config file that applies in `cwd`: the nearest `.cdk8s-sidecars.yaml` at or above it. */
export function findConfig(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Read and check a config file. Every problem is a `UsageError` (exit 2) naming the file, the line
 * and the key: an unknown key, a value of the wrong type, a rule setting without a reason.
 */
export function loadConfig(file: string): RepoConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // Loaded only when there is a config file: most runs have none, and lint does not need the parser otherwise.
  const { isMap, isSeq, LineCounter, parseDocument } = require('yaml') as typeof YamlModule;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (node: YamlModule.Node | undefined | null) => `${file}:${node?.range ? lineCounter.linePos(node.range[0]).line : 1}`;
  if (doc.errors.length > 0) {
    const { line } = lineCounter.linePos(doc.errors[0].pos[0]);
    throw new UsageError(`${file}:${line}: ${doc.errors[0].message.split('\n')[0]}`);
  }
  if (doc.contents === null) return { file };
  if (!isMap(doc.contents)) throw new UsageError(`${at(doc.contents)}: the config file must be a mapping of ${KEYS.join(', ')}`);
  for (const pair of doc.contents.items) {
    const key = String((pair.key as any)?.value ?? pair.key);
    if (!KEYS.includes(key)) throw new UsageError(`${at(pair.key as YamlModule.Node)}: unknown key "${key}" in ${CONFIG_FILE_NAME}; the keys are ${KEYS.join(', ')}`);
  }
  const contents = doc.contents;
  const value = (key: string) => (isMap(contents) ? contents.get(key, true) as YamlModule.Node | undefined : undefined);
  const plain = doc.toJS() as Record<string, unknown>;
  const config: { -readonly [K in keyof RepoConfig]: RepoConfig[K] } = { file };

  const version = plain.kubernetesVersion;
  if (version !== undefined) {
    if (typeof version !== 'string') {
      throw new UsageError(`${at(value('kubernetesVersion'))}: kubernetesVersion must be a quoted version such as "1.35"${typeof version === 'number' ? ` (YAML reads ${version} unquoted as a number)` : ''}`);
    }
    config.kubernetesVersion = checked(at(value('kubernetesVersion')), () => parseKubeVersion(version, 'kubernetesVersion').text);
  }
  if (plain.rules !== undefined) {
    if (!isSeq(value('rules'))) throw new UsageError(`${at(value('rules'))}: rules must be a list of { ruleId, severity, reason }`);
    const rules = plain.rules as RuleSetting[];
    checked(at(value('rules')), () => resolveRuleSettings(rules, 'rules'));
    config.rules = rules;
  }
  if (plain.ignore !== undefined) {
    const ignore = plain.ignore;
    if (!Array.isArray(ignore) || ignore.some(pattern => typeof pattern !== 'string' || pattern === '')) {
      throw new UsageError(`${at(value('ignore'))}: ignore must be a list of path patterns such as "charts/*/templates/**"`);
    }
    config.ignore = ignore;
  }
  if (plain.workloadKinds !== undefined) {
    const kinds = plain.workloadKinds as CustomWorkloadKind[];
    checked(at(value('workloadKinds')), () => WorkloadKinds.of(kinds, 'workloadKinds: entry'));
    config.workloadKinds = kinds;
  }
  return config;
}

/**
 * A test of whether a path (absolute, or relative to `cwd`) is one the config's `ignore` patterns
 * leave out; patterns are relative to the config file's folder, matched as globs (`**` for any
 * number of folders).
 */
export function ignoredPaths(config: RepoConfig | undefined, cwd: string): ((file: string) => boolean) | undefined {
  if (config?.ignore === undefined || config.ignore.length === 0) return undefined;
  const base = path.dirname(path.resolve(config.file));
  const picomatch = require('picomatch') as typeof PicomatchModule.default;
  const matches = picomatch(config.ignore, { dot: true });
  return file => {
    const relative = path.relative(base, path.resolve(cwd, file)).split(path.sep).join('/');
    return !relative.startsWith('../') && matches(relative);
  };
}

function checked<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
}
