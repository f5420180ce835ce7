/**
 * Big inputs are linted on worker threads; the report and the exit code must be exactly those of
 * a single-threaded run, errors included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, expectUnusable, runCli, tempDir } from './run-cli';

let dir: string;
let stream: string;

/** A Helm-like stream of about 5 MB: Deployments (every tenth with an error), Services, comments. */
function bigStream(documents: number): string {
  const parts: string[] = [];
  for (let i = 0; i < documents; i++) {
    parts.push(i % 4 === 3 ? [
      `# Source: chart/templates/service-${i}.yaml`,
      'apiVersion: v1', 'kind: Service', 'metadata:', `  name: svc-${i}`, `  namespace: team-${i % 5}`,
      'spec:', '  ports:', '    - port: 80', '      targetPort: 8080', '',
    ].join('\n') : [
      `# Source: chart/templates/deployment-${i}.yaml`,
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: web-${i}`, `  namespace: team-${i % 5}`,
      '  labels:', `    app.kubernetes.io/name: web-${i}`, '    app.kubernetes.io/managed-by: Helm',
      'spec:', '  replicas: 2', '  template:', '    spec:', '      initContainers:',
      '        - name: envoy', '          image: envoyproxy/envoy:v1.31.0', '          restartPolicy: Always',
      '          startupProbe:', '            httpGet:', '              path: /ready', '              port: 9901',
      '          resources:', '            requests:', '              cpu: 100m', '              memory: 64Mi',
      ...(i % 10 === 0 ? ['        - name: migrate', `          image: example.com/migrate:${i}`, '          readinessProbe:', '            tcpSocket:', '              port: 8080'] : []),
      '      containers:', '        - name: app', `          image: example.com/app:1.0.${i}`,
      '          env:', '            - name: MODE', '              value: production',
      '          resources:', '            requests:', '              cpu: 250m', '              memory: 256Mi', '',
    ].join('\n'));
  }
  return parts.join('---\n');
}

beforeAll(() => {
  buildCli();
  dir = tempDir('parallel');
  stream = bigStream(6400);
  expect(stream.length).toBeGreaterThan(4 * 1024 * 1024);
  fs.writeFileSync(path.join(dir, 'stream.yaml'), stream);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const ONE_THREAD = { CDK8S_SIDECARS_WORKERS: '1' };
const THREE_THREADS = { CDK8S_SIDECARS_WORKERS: '3' };

test('the same report and exit code on one thread and on several', () => {
  for (const format of ['text', 'json']) {
    const single = runCli(['lint', '-f', format, 'stream.yaml'], { cwd: dir, env: ONE_THREAD, timeoutMs: 60_000 });
    const parallel = runCli(['lint', '-f', format, 'stream.yaml'], { cwd: dir, env: THREE_THREADS, timeoutMs: 60_000 });
    expect(single.status).toBe(1);
    expect(parallel).toEqual(single);
  }
  const json = JSON.parse(runCli(['lint', '-f', 'json', 'stream.yaml'], { cwd: dir, env: THREE_THREADS, timeoutMs: 60_000 }).stdout);
  expect(json.summary).toMatchObject({ errors: 640, workloads: 4800 });
  // Document order is kept across slices: the findings' lines only ever grow.
  const lines = json.results.map((r: any) => r.line);
  expect(lines).toEqual([...lines].sort((a, b) => a - b));
});

test('bad input in a later slice is reported as on one thread; the first bad document wins', () => {
  const lines = stream.split('\n');
  const late = [...lines.slice(0, -200), 'metadata: {name: [}', ...lines.slice(-200)].join('\n');
  fs.writeFileSync(path.join(dir, 'late.yaml'), late);
  const single = runCli(['lint', 'late.yaml'], { cwd: dir, env: ONE_THREAD, timeoutMs: 60_000 });
  expectUnusable(single, /^cdk8s-sidecars: late\.yaml:\d+:\d+: /);
  expect(runCli(['lint', 'late.yaml'], { cwd: dir, env: THREE_THREADS, timeoutMs: 60_000 })).toEqual(single);

  const both = ['key: [', ...lines.slice(1, -200), 'metadata: {name: [}', ...lines.slice(-200)].join('\n');
  fs.writeFileSync(path.join(dir, 'both.yaml'), both);
  const first = runCli(['lint', 'both.yaml'], { cwd: dir, env: THREE_THREADS, timeoutMs: 60_000 });
  expectUnusable(first, /^cdk8s-sidecars: both\.yaml:3:1: /);
  expect(runCli(['lint', 'both.yaml'], { cwd: dir, env: ONE_THREAD, timeoutMs: 60_000 })).toEqual(first);
});
