/**
 * The three lint reports: text for people, JSON for scripts (a documented, versioned shape), and
 * SARIF 2.1.0 for code-scanning UIs.
 */
import { Colors } from './colors';
import { escapeUnsafe } from './escape';
import { STDIN_NAME } from './io';
import { LintFinding, LintReport, resourceName } from './lint';
import { packageVersion } from './package-version';
import { ruleCatalog } from '../rules/catalog';
import { Severity } from '../rules/violation';

/** Where the rules and the project live; SARIF viewers link to them. */
export const INFORMATION_URI = 'https://github.com/cdk8s-sidecars/cdk8s-sidecars';
export const RULES_URI = `${INFORMATION_URI}/blob/main/RULES.md`;

/** What the text report shows beyond the findings. */
export interface TextOptions {
  /** List each skipped file with its reason, not only their number. */
  readonly verbose?: boolean;
}

/**
 * Text grouped by resource:
 *
 *   web.yaml:3 Deployment shop/web
 *     error   SC102 spec.template.spec.initContainers[0].startupProbe (line 24): ...
 *       fix: ...
 *
 * Findings of one cause repeated across containers (the same rule, fix and message but for the
 * container's name) are one entry with a line listing the other places. Names, paths and
 * messages from the input are escaped so that they cannot forge lines or move the cursor.
 */
export function formatText(report: LintReport, colors: Colors, options: TextOptions = {}): string {
  const out: string[] = [];
  for (const resource of report.resources) {
    out.push(colors.bold(`${escapeUnsafe(resource.file)}:${resource.line} ${escapeUnsafe(resource.kind)} ${escapeUnsafe(resourceName(resource))}`));
    for (const group of groupFindings(resource.findings)) {
      const finding = group[0];
      const severity = colors[finding.severity](finding.severity.padEnd(7));
      out.push(`  ${severity} ${finding.ruleId} ${placeOf(finding)}: ${escapeUnsafe(finding.message)}`);
      if (group.length > 1) {
        out.push(`    the same in ${group.length - 1} more place${group.length === 2 ? '' : 's'}: ${group.slice(1).map(placeOf).join(', ')}`);
      }
      if (finding.fix) out.push(colors.dim(`    fix: ${escapeUnsafe(finding.fix)}`));
    }
    out.push('');
  }
  if (options.verbose) {
    for (const skipped of report.skipped) out.push(`skipped ${escapeUnsafe(skipped.file)}: ${skipped.reason}`);
  }
  const notes = notesOf(report, options);
  if (options.verbose && report.skipped.length > 0) out.push('');
  out.push(summaryLine(report), ...notes);
  return out.join('\n') + '\n';
}

/** `spec.containers[0].env[1] (line 12)`, or `(line 12)` for a finding without a path. */
function placeOf(finding: LintFinding): string {
  return finding.path ? `${escapeUnsafe(finding.path)} (line ${finding.line})` : `(line ${finding.line})`;
}

/** The quoted name after "container" or "sidecar" (and "init container"): what differs between repeats of one cause. */
const CONTAINER_NAME = /\b(container|sidecar)s? "(?:[^"\\]|\\.)*"/g;

/**
 * Findings in their order, those of one cause together: the same rule, severity and fix, and the
 * same message once container names are set aside. The first of each group keeps its place.
 */
export function groupFindings(findings: readonly LintFinding[]): LintFinding[][] {
  const groups = new Map<string, LintFinding[]>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\u0000${finding.severity}\u0000${finding.fix ?? ''}\u0000${finding.message.replace(CONTAINER_NAME, '$1 *')}`;
    const group = groups.get(key);
    if (group !== undefined) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()];
}

/** The lines after the summary: files skipped, objects not checked. */
function notesOf(report: LintReport, options: TextOptions): string[] {
  const notes: string[] = [];
  if (report.skipped.length > 0) {
    const list = options.verbose ? '' : '; --verbose lists them';
    notes.push(`skipped ${plural(report.skipped.length, 'file')} that hold${report.skipped.length === 1 ? 's' : ''} no Kubernetes objects${list}`);
  }
  const unchecked = report.unchecked;
  if (unchecked.length > 0) {
    const total = unchecked.reduce((sum, kind) => sum + kind.count, 0);
    const unknown = unchecked.filter(kind => kind.reason === undefined);
    const known = unchecked.filter(kind => kind.reason !== undefined);
    const parts: string[] = [];
    if (unknown.length > 0) {
      const kinds = unknown.map(kind => `${escapeUnsafe(kind.kindName)} (containers under ${escapeUnsafe(kind.suggestedPath ?? '?')})`).join(', ');
      const first = unknown[0];
      parts.push(`custom resources with containers at a path the linter does not know: ${kinds}; name them with --workload-kind, e.g. --workload-kind ${escapeUnsafe(first.kindName)}=${escapeUnsafe(first.suggestedPath ?? 'spec.template.spec')}`);
    }
    for (const kind of known) parts.push(`${escapeUnsafe(kind.kindName)}: ${kind.reason}`);
    notes.push(`${plural(total, 'object')} not checked: ${parts.join('; ')}`);
  }
  return notes;
}

/** `2 errors, 1 warning, 0 info in 2 resources (5 workloads checked in 3 files)`. */
export function summaryLine(report: LintReport): string {
  const checked = `${plural(report.workloads, 'workload')} checked in ${plural(report.files, 'file')}`;
  const hidden = report.hidden > 0 ? `; ${plural(report.hidden, 'finding')} below --severity ${report.threshold} not shown` : '';
  const { error, warning, info } = report.counts;
  if (error + warning + info === 0) return `no problems found (${checked}${hidden})`;
  return `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info in ${plural(report.resources.length, 'resource')} (${checked}${hidden})`;
}

/** The JSON report, version 1 of its shape (documented in docs/cli.md). */
export function formatJson(report: LintReport): string {
  const results = report.resources.flatMap(resource => resource.findings.map(finding => ({
    file: resource.file,
    line: finding.line,
    column: finding.column,
    resourceLine: resource.line,
    kind: resource.kind,
    name: resource.name,
    ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}),
    ruleId: finding.ruleId,
    severity: finding.severity,
    path: finding.path,
    message: finding.message,
    ...(finding.fix !== undefined ? { fix: finding.fix } : {}),
  })));
  return JSON.stringify({
    version: 1,
    kubernetesVersion: report.kubernetesVersion,
    results,
    summary: {
      errors: report.counts.error,
      warnings: report.counts.warning,
      info: report.counts.info,
      resources: report.resources.length,
      workloads: report.workloads,
      files: report.files,
      belowThreshold: report.hidden,
      skippedFiles: report.skipped.length,
      notChecked: report.unchecked.reduce((sum, kind) => sum + kind.count, 0),
    },
  }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { [Severity.ERROR]: 'error', [Severity.WARNING]: 'warning', [Severity.INFO]: 'note' };

/** SARIF 2.1.0: one run, every rule of the catalogue as `tool.driver.rules`, one result per finding. */
export function formatSarif(report: LintReport): string {
  const catalog = ruleCatalog();
  const ruleIndex = new Map(catalog.map((rule, index) => [rule.id, index]));
  const rules = catalog.map(rule => ({
    id: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.why },
    help: { text: rule.fix, markdown: `**How to fix:** ${rule.fix}\n\n**Why:** ${rule.why}\n\n**Source:** ${rule.source}` },
    helpUri: `${RULES_URI}#${rule.id.toLowerCase()}`,
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { source: rule.source, scope: rule.scope, tags: ['kubernetes', 'native-sidecars'] },
  }));
  const results = report.resources.flatMap(resource => resource.findings.map(finding => {
    const index = ruleIndex.get(finding.ruleId);
    const object = escapeUnsafe(`${resource.kind} ${resourceName(resource)}`);
    return {
      ruleId: finding.ruleId,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: SARIF_LEVEL[finding.severity],
      message: { text: escapeUnsafe(finding.fix ? `${finding.message}; ${finding.fix}` : finding.message) },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: sarifUri(resource.file) },
          region: { startLine: finding.line, startColumn: finding.column },
        },
        logicalLocations: [{
          name: escapeUnsafe(finding.path || resource.name),
          fullyQualifiedName: finding.path ? `${object}: ${escapeUnsafe(finding.path)}` : object,
          kind: finding.path ? 'property' : 'object',
          properties: {
            kind: escapeUnsafe(resource.kind),
            name: escapeUnsafe(resource.name),
            ...(resource.namespace !== undefined ? { namespace: escapeUnsafe(resource.namespace) } : {}),
            resourceLine: resource.line,
          },
        }],
      }],
    };
  }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-sidecars', version: packageVersion(), informationUri: INFORMATION_URI, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  }, null, 2) + '\n';
}

/** A relative URI reference with forward slashes, each segment percent-encoded; stdin is `stdin`. */
function sarifUri(file: string): string {
  if (file === STDIN_NAME) return 'stdin';
  const drive = /^[A-Za-z]:\//.exec(file)?.[0] ?? '';
  const encoded = file.slice(drive.length).split('/').map(segment => encodeURIComponent(segment)).join('/');
  if (drive) return `file:///${drive}${encoded}`;
  return file.startsWith('/') ? `file://${encoded}` : encoded;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
