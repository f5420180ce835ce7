/**
 * The three lint reports: text for people, JSON for scripts (a documented, versioned shape), and
 * SARIF 2.1.0 for code-scanning UIs.
 */
import { Colors } from './colors';
import { STDIN_NAME } from './io';
import { LintReport, resourceName } from './lint';
import { ruleCatalog } from '../rules/catalog';
import { Severity } from '../rules/violation';

/** Where the rules and the project live; SARIF viewers link to them. */
export const INFORMATION_URI = 'https://github.com/cdk8s-sidecars/cdk8s-sidecars';
export const RULES_URI = `${INFORMATION_URI}/blob/main/RULES.md`;

/**
 * Text grouped by resource:
 *
 *   web.yaml:3 Deployment shop/web
 *     error   SC102 spec.template.spec.initContainers[0].startupProbe (line 24): ...
 *       fix: ...
 */
export function formatText(report: LintReport, colors: Colors): string {
  const out: string[] = [];
  for (const resource of report.resources) {
    out.push(colors.bold(`${resource.file}:${resource.line} ${resource.kind} ${resourceName(resource)}`));
    for (const finding of resource.findings) {
      const severity = colors[finding.severity](finding.severity.padEnd(7));
      const path = finding.path ? `${finding.path} ` : '';
      out.push(`  ${severity} ${finding.ruleId} ${path}(line ${finding.line}): ${finding.message}`);
      if (finding.fix) out.push(colors.dim(`    fix: ${finding.fix}`));
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return out.join('\n') + '\n';
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
    helpUri: `${RULES_URI}#rules`,
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { source: rule.source, scope: rule.scope, tags: ['kubernetes', 'native-sidecars'] },
  }));
  const results = report.resources.flatMap(resource => resource.findings.map(finding => {
    const index = ruleIndex.get(finding.ruleId);
    const object = `${resource.kind} ${resourceName(resource)}`;
    return {
      ruleId: finding.ruleId,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: SARIF_LEVEL[finding.severity],
      message: { text: finding.fix ? `${finding.message}; ${finding.fix}` : finding.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: sarifUri(resource.file) },
          region: { startLine: finding.line, startColumn: finding.column },
        },
        logicalLocations: [{
          name: finding.path || resource.name,
          fullyQualifiedName: finding.path ? `${object}: ${finding.path}` : object,
          kind: finding.path ? 'property' : 'object',
          properties: {
            kind: resource.kind,
            name: resource.name,
            ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}),
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
      tool: { driver: { name: 'cdk8s-sidecars', informationUri: INFORMATION_URI, rules } },
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
