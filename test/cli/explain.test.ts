import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectGolden, FIXTURES, runCli } from './run-cli';

const MANIFESTS = 'manifests';

describe('explain', () => {
  test('text: startup gates, shutdown budget, job completion and effective resources per workload', async () => {
    const run = await runCli(['explain', MANIFESTS]);
    expect(run).toMatchObject({ stderr: '', status: 0 });
    expectGolden('explain.txt', run.stdout);
    expect(run.stdout).toContain([
      'Deployment shop/web (manifests/app.yaml:2)',
      '  startup:',
      '    1. init container "migrate"   must complete before the next step starts',
      '    2. sidecar "envoy"            must only be running before the next step starts (no startup probe)',
      '    3. container "app"            starts',
      '  shutdown (grace period 30s):',
      '    1. container "app"            SIGTERM first; needs 30s (declared); 30s left',
      '    2. sidecar "envoy"            SIGTERM after the container exits; needs 5s (declared); no time left: killed unless it exits within the kubelet\'s 2-second minimum',
      '    warning: the declared stops need 35s but the grace period is 30s; the sidecars stopped last are killed before they drain (SC206)',
      '  effective requests: cpu 350m, memory 320Mi; limits: memory unbounded ("migrate", "envoy" set no memory limit, so the pod has none; the others add up to 512Mi)',
    ].join('\n'));
    expect(run.stdout).toContain('  job can complete: no; container "cloud-sql-proxy" (gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0) is a long-running proxy that never exits (SC205)');
    // Non-workloads (Service, ConfigMap, ServiceAccount) are not explained.
    expect(run.stdout).not.toMatch(/^(Service|ConfigMap|ServiceAccount) /m);
  });

  test('json: the plan as data, bigint quantities as strings', async () => {
    const run = await runCli(['explain', '--format', 'json', MANIFESTS]);
    expect(run.status).toBe(0);
    expectGolden('explain.json', run.stdout);
    const report = JSON.parse(run.stdout);
    expect(report.version).toBe(1);
    const web = report.workloads[0];
    expect(web).toMatchObject({
      file: 'manifests/app.yaml',
      line: 2,
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      gracePeriodSeconds: 30,
      shutdownNeedsSeconds: 35,
      declaredStops: { drainSeconds: { envoy: 5 }, appStopSeconds: 30, problems: [] },
      effective: { requests: { cpu: '350m', memory: '320Mi' }, limits: { memory: '512Mi' } },
      effectiveNanos: { requests: { cpu: '350000000' } },
    });
    expect(web.startup.map((s: any) => [s.name, s.role, s.gate])).toEqual([
      ['migrate', 'init', 'completed'], ['envoy', 'sidecar', 'started'], ['app', 'main', 'none'],
    ]);
    expect(web.shutdown.map((s: any) => [s.name, s.needsSeconds, s.budgetLeftSeconds])).toEqual([['app', 30, 30], ['envoy', 5, 0]]);
    expect(report.workloads.map((w: any) => `${w.kind}/${w.name}`)).toEqual([
      'Deployment/web', 'Job/export', 'Deployment/api', 'CronJob/release-shop-report', 'Deployment/release-shop', 'Pod/debug', 'Pod/worker', 'Pod/batch-runner',
    ]);
  });

  test('mermaid: a fenced flowchart per workload with safe ids and quoted labels', async () => {
    const run = await runCli(['explain', '-f', 'mermaid', MANIFESTS]);
    expect(run.status).toBe(0);
    expectGolden('explain.md', run.stdout);
    const diagrams = [...run.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1]);
    expect(diagrams).toHaveLength(8);
    for (const diagram of diagrams) expectWellFormedFlowchart(diagram);
  });

  test('mermaid labels survive hostile names', async () => {
    const input = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: "x\\"]; click A call alert(1) %%"', 'spec:',
      '  initContainers:', '    - name: "a\\"b#c<d>|e"', '      image: x', '      restartPolicy: Always',
      '  containers:', '    - name: "main]\\nnext"', '      image: y', '',
    ].join('\n');
    const run = await runCli(['explain', '-f', 'mermaid', '-'], { input });
    expect(run.status).toBe(0);
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(run.stdout)![1];
    expectWellFormedFlowchart(diagram);
    expect(diagram).toContain('sidecar a#quot;b#35;c#lt;d#gt;|e');
  });

  test('explain reads stdin and a List, and places List items at their own line', async () => {
    const list = fs.readFileSync(path.join(FIXTURES, MANIFESTS, 'list.yaml'), 'utf8');
    const run = await runCli(['explain', '-'], { input: list });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Pod debug (<stdin>:4)');
    expect(run.stdout).toContain('Pod worker (<stdin>:23)');
    expect(run.stdout).toContain('    no stop times declared; annotate cdk8s-sidecars.io/drain-seconds and cdk8s-sidecars.io/app-stop-seconds to check the budget');
  });

  test('a bare Pod with restartPolicy Never is checked for completion like a Job', async () => {
    const pod = (restartPolicy: string) => [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: once}', 'spec:', `  restartPolicy: ${restartPolicy}`, '  containers:',
      '    - {name: work, image: "work:1"}', '    - {name: proxy, image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"}', '',
    ].join('\n');
    const never = await runCli(['explain', '-'], { input: pod('Never') });
    expect(never.stdout).toContain('  pod can complete: no; container "proxy" (gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1) is a long-running proxy that never exits (SC205)');
    expect((await runCli(['explain', '-f', 'mermaid', '-'], { input: pod('Never') })).stdout).toContain('pod never completes: proxy never exits');
    expect(JSON.parse((await runCli(['explain', '-f', 'json', '-'], { input: pod('OnFailure') })).stdout).workloads[0]).toMatchObject({ runsToCompletion: true, jobCanComplete: false });
    const always = await runCli(['explain', '-'], { input: pod('Always') });
    expect(always.stdout).not.toContain('can complete');
  });

  test('a postStart hook is part of starting: it gates a sidecar, and holds back the main containers after it', async () => {
    const input = [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: hooks}', 'spec:', '  initContainers:',
      '    - {name: log, image: "log:1", restartPolicy: Always, lifecycle: {postStart: {exec: {command: [touch, /ready]}}}}',
      '  containers:',
      '    - {name: app, image: "app:1", lifecycle: {postStart: {exec: {command: [warm-up]}}}}',
      '    - {name: worker, image: "worker:1"}', '',
    ].join('\n');
    const text = (await runCli(['explain', '-'], { input })).stdout;
    expect(text).toMatch(/1\. sidecar "log" +must be running with its postStart hook finished before the next step starts \(no startup probe\)\n/);
    expect(text).toMatch(/2\. containers "app", "worker" +start in list order: the postStart hook of "app" holds back the containers after it\n/);
    const diagram = (await runCli(['explain', '-f', 'mermaid', '-'], { input })).stdout;
    expect(diagram).toContain('must be running, postStart hook done (no startup probe)');
    expect(diagram).toContain('start in list order: the postStart hook of app holds back the containers after it');
  });

  test('no workloads', async () => {
    expect(await runCli(['explain', 'manifests/nested'])).toEqual({ stdout: 'no workloads found\n', stderr: '', status: 0 });
    expect(JSON.parse((await runCli(['explain', '-f', 'json', 'manifests/nested'])).stdout).workloads).toEqual([]);
  });
});

/**
 * A structural check of the Mermaid subset the renderer writes: every line is a known statement,
 * node ids are word characters, every label is one quoted string without a raw quote, and
 * subgraphs are balanced.
 */
function expectWellFormedFlowchart(diagram: string): void {
  const lines = diagram.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart TD');
  const label = '"[^"\\n]*"';
  const statements = [
    new RegExp(`^ *subgraph \\w+ \\[${label}\\]$`),
    /^ *end$/,
    new RegExp(`^ *\\w+\\[${label}\\]$`),
    new RegExp(`^ *\\w+\\(\\[${label}\\]\\)$`),
    new RegExp(`^ *\\w+ (-->|-\\.->)\\|${label}\\| \\w+$`),
    /^ *\w+ --> \w+$/,
    /^ *%% [^\n]*$/,
  ];
  let depth = 0;
  for (const line of lines.slice(1)) {
    expect(statements.some(pattern => pattern.test(line)) ? line : `unexpected: ${line}`).toBe(line);
    if (/^ *subgraph /.test(line)) depth++;
    if (/^ *end$/.test(line)) depth--;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  // Every edge connects declared nodes.
  const declared = new Set(lines.map(line => /^ *(\w+)(\[|\(\[)/.exec(line)?.[1]).filter(Boolean));
  for (const line of lines) {
    const edge = /^ *(\w+) (?:-->|-\.->)(?:\|"[^"]*"\|)? (\w+)$/.exec(line);
    if (edge) {
      expect(declared).toContain(edge[1]);
      expect(declared).toContain(edge[2]);
    }
  }
}
