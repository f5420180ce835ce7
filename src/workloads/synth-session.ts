import { App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Synth sessions: the span of one synchronous cdk8s synth call (`App.synth`, `App.synthYaml`,
 * `Chart.toJson`, and so `Testing.synth`).
 *
 * cdk8s validates the whole app once per chart plus once per app, and renders every object after
 * that. Inside one synth call no user code runs, so a workload's rendered manifest and its
 * violations cannot change between those passes: they are computed once per session and reused,
 * instead of rendering and validating each workload C+2 times. Outside a session (a direct
 * `describeLifecycle()` or `violations()` call) nothing is cached, so a later mutation is never
 * hidden behind a stale render.
 */
let depth = 0;
let session = 0;

const WRAPPED = Symbol.for('cdk8s-sidecars.synth-session');

/** The id of the synth call in progress, or `undefined` outside any. */
export function currentSession(): number | undefined {
  return depth > 0 ? session : undefined;
}

/**
 * Make the synth entry points of the workload's app and chart open a session. Wraps those two
 * instances' own methods once (never a prototype), keeping their behaviour otherwise unchanged.
 */
export function enableSynthSessions(workload: IConstruct): void {
  const root = workload.node.root;
  if (root instanceof App) {
    wrap(root, 'synth');
    wrap(root, 'synthYaml');
  }
  const chart = enclosingChart(workload);
  if (chart) wrap(chart, 'toJson');
}

/** The nearest chart above a construct (the one cdk8s renders it in), if any. */
export function enclosingChart(construct: IConstruct): IConstruct | undefined {
  let scope: IConstruct | undefined = construct.node.scope;
  while (scope && !Chart.isChart(scope)) scope = scope.node.scope;
  return scope;
}

function wrap(target: any, method: string): void {
  const marks: Set<string> = target[WRAPPED] ?? new Set<string>();
  if (marks.has(method)) return;
  marks.add(method);
  Object.defineProperty(target, WRAPPED, { value: marks, configurable: true });
  const original = target[method];
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    value: function (this: any, ...args: any[]) {
      if (depth++ === 0) session++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    },
  });
}
