/**
 * The three explain reports: text, JSON (the plan as data) and Mermaid (a diagram per workload,
 * in Markdown fences so that it renders where it is pasted: GitHub, GitLab, most doc sites).
 */
import { Annotations } from '../annotations';
import { Colors } from './colors';
import { escapeUnsafe } from './escape';
import { BlockingHelper, WorkloadLifecycle } from './explain';
import { resourceName } from './lint';
import { maxOf, pushAll } from '../arrays';
import { RestartAllTrigger, ShutdownStep, StartGate, StartupStep, StuckInit } from '../lifecycle/plan';
import { formatTotals } from '../lifecycle/resources';

/** Plain text, one block per workload. */
export function formatExplainText(workloads: readonly WorkloadLifecycle[], colors: Colors): string {
  if (workloads.length === 0) return 'no workloads found\n';
  return workloads.map(workload => workloadText(workload, colors).join('\n')).join('\n\n') + '\n';
}

function workloadText(workload: WorkloadLifecycle, plainColors: Colors): string[] {
  const { plan, declared } = workload;
  // Names and commands come from the input: each line is escaped before it is coloured, so none can forge a line.
  const colors = escapingColors(plainColors);
  const out: string[] = [];
  const push = (...lines: string[]) => pushAll(out, lines.map(escapeUnsafe));
  out.push(colors.bold(`${workload.kind} ${resourceName(workload)} (${workload.file}:${workload.line})`));

  const stuck = new Map(plan.stuckInits.map(init => [init.path, init]));
  const startupRows = startupGroups(plan.startup).map((group, i): Row => {
    const never = stuck.get(group[0].path);
    const gate = never !== undefined ? `never completes: it ${never.reason}, so the steps after it never start${dropped(never) ? ' (SC901)' : ''}` : startupGate(group, workload.postStartPaths);
    return [`${i + 1}. ${startupLabel(group)}`, gate];
  });
  const shutdown = shutdownGroups(plan.shutdown);
  const shutdownRows = shutdown.map((group, i): Row => [`${i + 1}. ${shutdownLabel(group)}`, shutdownText(group, i === 0 ? undefined : shutdown[i - 1], workload)]);
  // One column width for both sections, so the two sequences read as one table.
  const width = Math.max(0, ...[...startupRows, ...shutdownRows].map(([left]) => left.length));

  if (startupRows.length === 0) {
    push('  startup: no containers');
  } else {
    push('  startup:');
    pushAll(out, table(startupRows, width).map(escapeUnsafe));
  }

  if (shutdownRows.length > 0) {
    push(`  shutdown (grace period ${plan.gracePeriodSeconds}s):`);
    pushAll(out, table(shutdownRows, width).map(escapeUnsafe));
    const sidecars = plan.shutdown.filter(step => step.role === 'sidecar');
    const anyDeclared = declared.appStopSeconds !== undefined || Object.keys(declared.drainSeconds).length > 0;
    if (plan.shutdownNeedsSeconds > plan.gracePeriodSeconds) {
      out.push(colors.warning(`    warning: the declared stops need ${plan.shutdownNeedsSeconds}s but the grace period is ${plan.gracePeriodSeconds}s; the sidecars stopped last are killed before they drain (SC206)`));
    } else if (anyDeclared) {
      push(`    the declared stops need ${plan.shutdownNeedsSeconds}s of the ${plan.gracePeriodSeconds}s grace period`);
    } else if (sidecars.length > 0) {
      out.push(colors.dim(`    no stop times declared; annotate ${Annotations.DRAIN_SECONDS} and ${Annotations.APP_STOP_SECONDS} to check the budget`));
    }
  }

  for (const trigger of plan.restartAllTriggers) push(`  ${restartAllText(trigger, plan.startup)}`);

  if (workload.runsToCompletion) {
    const verdict = completionVerdict(workload);
    out.push(verdict.severity === 'error' ? colors.error(`  ${verdict.text}`) : verdict.severity === 'warning' ? colors.warning(`  ${verdict.text}`) : escapeUnsafe(`  ${verdict.text}`));
  }

  push(`  effective requests: ${quantities(formatTotals(plan.effective).requests)}; limits: ${limitsText(workload)}`);
  for (const problem of declared.problems) out.push(colors.warning(`  note: ${problem}`));
  return out;
}

/**
 * What a RestartAllContainers rule does (KEP-5532): the kubelet stops every container, sidecars
 * included, and runs the pod again in place: init containers and sidecars in their order, then the app.
 */
function restartAllText(trigger: RestartAllTrigger, startup: readonly StartupStep[]): string {
  const codes = trigger.exitCodes.join(', ');
  const when = trigger.operator === 'NotIn' ? `with an exit code other than ${codes || 'none listed'}` : `with exit code ${codes || '(none listed)'}`;
  const inits = startup.filter(step => step.role !== 'main').map(step => `${step.role === 'sidecar' ? 'sidecar' : 'init container'} "${step.name}"`);
  const order = inits.length > 0 ? `${inits.join(', then ')}, then the regular containers` : 'the regular containers';
  return `restart all: when "${trigger.name}" exits ${when} (${trigger.path}.${trigger.rule}: RestartAllContainers), the kubelet stops every container of the pod, sidecars included, and starts the pod again in place: ${order}`;
}

/** The plan as data; bigint quantities (nano-units) as strings, and formatted quantities beside them. */
export function formatExplainJson(workloads: readonly WorkloadLifecycle[], kubernetesVersion: string): string {
  const data = {
    version: 1,
    kubernetesVersion,
    workloads: workloads.map(workload => ({
      file: workload.file,
      line: workload.line,
      kind: workload.kind,
      name: workload.name,
      ...(workload.namespace !== undefined ? { namespace: workload.namespace } : {}),
      runsToCompletion: workload.runsToCompletion,
      // Only pods that run to completion can complete; for the others the question does not arise.
      ...(workload.runsToCompletion ? {
        jobCanComplete: workload.plan.jobCanComplete,
        blockingHelpers: workload.blockingHelpers,
        possibleBlockers: workload.possibleBlockers,
        stoppedHelpers: workload.stoppedHelpers,
      } : {}),
      stuckInits: workload.plan.stuckInits,
      gracePeriodSeconds: workload.plan.gracePeriodSeconds,
      shutdownNeedsSeconds: workload.plan.shutdownNeedsSeconds,
      declaredStops: workload.declared,
      startup: workload.plan.startup,
      shutdown: workload.plan.shutdown,
      effective: formatTotals(workload.plan.effective),
      effectiveNanos: workload.plan.effective,
      unboundedLimits: workload.plan.unboundedLimits,
      ...(workload.plan.restartAllTriggers.length > 0 ? { restartAllContainers: workload.plan.restartAllTriggers } : {}),
    })),
  };
  return JSON.stringify(data, (_key, value) => typeof value === 'bigint' ? value.toString() : value, 2) + '\n';
}

/**
 * A Mermaid flowchart per workload: the startup chain with each gate on its arrow, then the
 * shutdown chain with the grace-period budget. Node ids are `w<n>_s<i>` / `w<n>_t<i>` and every
 * label is quoted with `"` and `#` escaped, so names from the input cannot break the diagram.
 */
export function formatExplainMermaid(workloads: readonly WorkloadLifecycle[]): string {
  if (workloads.length === 0) return 'no workloads found\n';
  return workloads.map((workload, index) => workloadMermaid(workload, `w${index + 1}`).join('\n')).join('\n\n') + '\n';
}

function workloadMermaid(workload: WorkloadLifecycle, id: string): string[] {
  const { plan } = workload;
  const totals = formatTotals(plan.effective);
  const lines = [
    escapeUnsafe(`### ${workload.kind} ${resourceName(workload)} (${workload.file}:${workload.line})`),
    '',
    '```mermaid',
    'flowchart TD',
  ];
  const startup = startupGroups(plan.startup);
  const shutdown = shutdownGroups(plan.shutdown);
  lines.push(`  subgraph ${id}_startup [${label('startup')}]`);
  if (startup.length === 0) lines.push(`    ${id}_s1[${label('no containers')}]`);
  startup.forEach((group, i) => lines.push(`    ${id}_s${i + 1}[${label(`${startupLabel(group, false)}<br/>${shortGate(group, workload.postStartPaths)}`, true)}]`));
  startup.slice(1).forEach((_group, i) => lines.push(`    ${id}_s${i + 1} -->|${label(gatePassed(startup[i][0].gate))}| ${id}_s${i + 2}`));
  lines.push('  end');
  if (shutdown.length > 0) {
    lines.push(`  subgraph ${id}_shutdown [${label(`shutdown: grace period ${plan.gracePeriodSeconds}s`)}]`);
    shutdown.forEach((group, i) => lines.push(`    ${id}_t${i + 1}[${label(`SIGTERM ${names(group, false)}<br/>${budgetText(group, workload, ', ')}`, true)}]`));
    shutdown.slice(1).forEach((_group, i) => lines.push(`    ${id}_t${i + 1} -->|${label('exited')}| ${id}_t${i + 2}`));
    lines.push('  end');
    // A Job's main containers exit by themselves; its sidecars are then stopped. Other pods stop when deleted.
    const jobEnds = workload.runsToCompletion && shutdown[0][0].role === 'main' && shutdown.length > 1;
    lines.push(`  ${id}_s${Math.max(startup.length, 1)} -.->|${label(jobEnds ? 'main containers exit' : 'pod terminating')}| ${id}_t${jobEnds ? 2 : 1}`);
  }
  if (workload.runsToCompletion) {
    const what = completingKind(workload);
    const stuck = plan.stuckInits.map(init => init.name);
    const helpers = workload.blockingHelpers.map(h => h.name);
    const verdict = plan.jobCanComplete
      ? `${what} can complete`
      : `${what} never completes: ${[...stuck, ...helpers].join(', ')} never ${stuck.length > 0 && helpers.length === 0 ? 'completes' : 'exits'}`;
    lines.push(`  ${id}_job([${label(verdict)}])`);
    lines.push(`  ${id}_s${Math.max(startup.length, 1)} --> ${id}_job`);
  }
  lines.push(`  %% effective requests: ${quantities(totals.requests)}; limits: ${limitsText(workload)}`);
  lines.push('```');
  return lines;
}

/** The "can complete" line of a pod that runs to completion: the same evidence SC205 and SC901 report. */
function completionVerdict(workload: WorkloadLifecycle): { text: string; severity?: 'error' | 'warning' } {
  const what = completingKind(workload);
  const { plan } = workload;
  const reasons: string[] = [];
  for (const init of plan.stuckInits) {
    reasons.push(`init container "${init.name}" never completes (it ${init.reason}), so the main containers never start${dropped(init) ? ' (SC901)' : ''}`);
  }
  for (const helper of workload.blockingHelpers) {
    const tried = helper.stopFails !== undefined ? ` (${helper.stopFails})` : '';
    reasons.push(`${helperText(helper)}${tried} (SC205)`);
  }
  if (reasons.length > 0) return { text: `${what} can complete: no; ${reasons.join('; ')}`, severity: 'error' };
  const conditional = workload.stoppedHelpers.filter(helper => helper.stopConditional);
  if (workload.possibleBlockers.length > 0 || conditional.length > 0) {
    const parts = [
      ...workload.possibleBlockers.map(helper => `container "${helper.name}" ${helper.reason}, so it probably never exits${helper.stopFails !== undefined ? ` (${helper.stopFails})` : ''}`),
      ...conditional.map(helper => `container "${helper.name}" ${helper.reason} and is stopped only if the main command succeeds: ${helper.stoppedBy}`),
    ];
    return { text: `${what} can complete: only if each of these ends: ${parts.join('; ')} (SC205)`, severity: 'warning' };
  }
  const stopped = workload.stoppedHelpers.map(helper => `${helper.stoppedBy}, which stops "${helper.name}" (${helper.reason})`);
  if (stopped.length > 0) return { text: `${what} can complete: yes, through a workaround: ${stopped.join('; ')}; a native sidecar would need none (SC205)` };
  return { text: `${what} can complete: yes` };
}

/** `container "proxy" (image) is a long-running proxy that never exits`, or the behaviour that keeps it running. */
function helperText(helper: BlockingHelper): string {
  if (helper.role !== undefined && helper.evidence === 'strong' && helper.reason.startsWith('runs ') && helper.reason.includes(`(${helper.product})`)) {
    return `container "${helper.name}" (${helper.image}) is a long-running ${helper.role} that never exits`;
  }
  return `container "${helper.name}" ${helper.reason}`;
}

/** A stuck init container that was written as a sidecar (what SC901 reports). */
function dropped(init: StuckInit): boolean {
  return init.reason.startsWith('is written as a sidecar');
}

/** Effective limits, with the resources the pod has no limit for because some container sets none. */
function limitsText(workload: WorkloadLifecycle): string {
  const limits = formatTotals(workload.plan.effective).limits;
  const unbounded = new Map(workload.plan.unboundedLimits.map(entry => [entry.resource, entry.unlimited]));
  const entries = Object.entries(limits).map(([name, value]) => {
    const unlimited = unbounded.get(name);
    if (unlimited === undefined) return `${name} ${value}`;
    return `${name} unbounded (${unlimited.map(container => `"${container}"`).join(', ')} set${unlimited.length === 1 ? 's' : ''} no ${name} limit, so the pod has none; the others add up to ${value})`;
  });
  return entries.length === 0 ? 'none' : entries.join(', ');
}

/** What completes: a Job (or CronJob's Job), or a bare Pod with restartPolicy Never or OnFailure. */
function completingKind(workload: WorkloadLifecycle): string {
  return workload.kind === 'Pod' ? 'pod' : 'job';
}

const MERMAID_ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', ';': '#59;', '<': '#lt;', '>': '#gt;' };

/**
 * A quoted Mermaid label: `#` (Mermaid's entity marker), `"`, `;` (a statement separator outside
 * quotes) and angle brackets are written as entity codes, which Mermaid renders as the characters;
 * control and bidi characters are escaped as everywhere else.
 */
function label(text: string, allowBreaks = false): string {
  const parts = allowBreaks ? text.split('<br/>') : [text];
  const escaped = parts.map(part => escapeUnsafe(part.replace(/[#";<>]/g, c => MERMAID_ENTITIES[c]).replace(/[\r\n\t]+/g, ' '))).join('<br/>');
  return `"${escaped}"`;
}

/** Startup steps grouped: each init container alone, the main containers together. */
function startupGroups(steps: readonly StartupStep[]): StartupStep[][] {
  const groups: StartupStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].step === step.step) last.push(step); else groups.push([step]);
  }
  return groups;
}

function shutdownGroups(steps: readonly ShutdownStep[]): ShutdownStep[][] {
  const groups: ShutdownStep[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].step === step.step) last.push(step); else groups.push([step]);
  }
  return groups;
}

function startupLabel(group: readonly StartupStep[], quoted = true): string {
  const role = group[0].role;
  if (role === 'main') return `${group.length === 1 ? 'container' : 'containers'} ${names(group, quoted)}`;
  return `${role === 'sidecar' ? 'sidecar' : 'init container'} ${names(group, quoted)}`;
}

/**
 * What a step must reach before the next one starts. A sidecar counts as started once its process
 * runs, its postStart hook (if any) has returned and its startup probe (if any) has passed; the
 * main containers start in list order without waiting for each other, except that a postStart
 * hook holds back the containers after it.
 */
function startupGate(group: readonly StartupStep[], postStart: ReadonlySet<string>): string {
  const hook = group.some(step => postStart.has(step.path));
  switch (group[0].gate) {
    case StartGate.COMPLETED: return 'must complete before the next step starts';
    case StartGate.STARTUP_PROBE: return `must ${hook ? 'finish its postStart hook and ' : ''}pass its startup probe before the next step starts`;
    case StartGate.STARTED: return hook
      ? 'must be running with its postStart hook finished before the next step starts (no startup probe)'
      : 'must only be running before the next step starts (no startup probe)';
    default: return group.length === 1 ? 'starts' : mainStart(group, postStart, true);
  }
}

function shortGate(group: readonly StartupStep[], postStart: ReadonlySet<string>): string {
  const hook = group.some(step => postStart.has(step.path));
  switch (group[0].gate) {
    case StartGate.COMPLETED: return 'must complete';
    case StartGate.STARTUP_PROBE: return hook ? 'postStart hook, then startup probe must pass' : 'startup probe must pass';
    case StartGate.STARTED: return hook ? 'must be running, postStart hook done (no startup probe)' : 'must be running (no startup probe)';
    default: return group.length === 1 ? 'starts' : mainStart(group, postStart, false);
  }
}

/** Several main containers: together, unless a postStart hook (not the last container's) holds the rest back. */
function mainStart(group: readonly StartupStep[], postStart: ReadonlySet<string>, quoted: boolean): string {
  const holding = group.slice(0, -1).filter(step => postStart.has(step.path));
  if (holding.length === 0) return 'start together';
  return `start in list order: the postStart hook of ${names(holding, quoted)} holds back the containers after it`;
}

function gatePassed(gate: StartGate): string {
  switch (gate) {
    case StartGate.COMPLETED: return 'completed';
    case StartGate.STARTUP_PROBE: return 'startup probe passed';
    default: return 'started';
  }
}

function shutdownLabel(group: readonly ShutdownStep[]): string {
  const role = group[0].role;
  if (role === 'main') return `${group.length === 1 ? 'container' : 'containers'} ${names(group, true)}`;
  return `sidecar ${names(group, true)}`;
}

function shutdownText(group: readonly ShutdownStep[], previous: readonly ShutdownStep[] | undefined, workload: WorkloadLifecycle): string {
  const first = group[0];
  let when: string;
  if (previous === undefined) when = 'SIGTERM first';
  else if (previous[0].role === 'main') when = `SIGTERM after the ${previous.length === 1 ? 'container exits' : 'containers exit'}`;
  else when = `SIGTERM after ${names(previous, true)} exits`;
  const parts = [when, budgetText(group, workload)];
  if (group.some(step => step.hasPreStop)) {
    parts.push(first.role === 'main'
      ? 'preStop hook runs first, inside the grace period'
      : 'its preStop hook runs when termination starts, alongside the app\'s (SC209)');
  }
  return parts.join('; ');
}

/** `needs 5s (declared); 10s left`, and what happens when the budget runs out. */
function budgetText(group: readonly ShutdownStep[], workload: WorkloadLifecycle, separator = '; '): string {
  const first = group[0];
  const needs = maxOf(group.map(step => step.needsSeconds));
  const left = first.budgetLeftSeconds;
  const verb = group.length === 1 ? 'needs' : 'need';
  const declared = first.role === 'main'
    ? workload.declared.appStopSeconds !== undefined
    : group.some(step => Object.prototype.hasOwnProperty.call(workload.declared.drainSeconds, step.name));
  const need = declared ? `${verb} ${needs}s (declared)` : `no declared ${first.role === 'main' ? 'stop' : 'drain'} time`;
  // The kubelet still sends SIGTERM and allows a minimum of 2 seconds before SIGKILL.
  if (left === 0) return `${need}${separator}no time left: killed unless it exits within the kubelet's 2-second minimum`;
  if (declared && needs > left) return `${need}${separator}only ${left}s left: killed before it is done`;
  return `${need}${separator}${left}s left`;
}

function names(group: readonly { readonly name: string }[], quoted: boolean): string {
  return group.map(step => quoted ? `"${step.name}"` : step.name).join(', ');
}

function quantities(values: Record<string, string>): string {
  const entries = Object.entries(values);
  return entries.length === 0 ? 'none' : entries.map(([name, value]) => `${name} ${value}`).join(', ');
}

type Row = [string, string];

/** Two aligned columns, indented under a section heading. */
function table(rows: readonly Row[], width: number): string[] {
  return rows.map(([left, right]) => `    ${left.padEnd(width)}   ${right}`);
}

/** `colors` whose every style escapes the text it is given first. */
function escapingColors(colors: Colors): Colors {
  const wrap = (style: (text: string) => string) => (text: string) => style(escapeUnsafe(text));
  return { error: wrap(colors.error), warning: wrap(colors.warning), info: wrap(colors.info), bold: wrap(colors.bold), dim: wrap(colors.dim) };
}
