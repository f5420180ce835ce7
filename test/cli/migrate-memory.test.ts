/**
 * `migrate` works document by document: the memory it needs follows the largest document, not
 * the whole stream. Run under a small heap, a stream of workloads whose documents parsed all at
 * once would not fit is migrated, with the report's lines still those of the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBuiltCli, tempDir } from './run-cli';
import { LEGACY_JOB_YAML } from '../manifests';


test('a 2 MB stream of 1,000 workloads is migrated within a 48 MB heap', () => {
  const deployments: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const env = Array.from({ length: 40 }, (_, k) => `            - {name: KEY_${k}, value: "value-${i}-${k}"}`).join('\n');
    deployments.push([
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: web-${i}`,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: example.com/web:1',
      '          env:',
      env,
      '',
    ].join('\n'));
  }
  // The changed document comes last, so its report line is counted across the whole file.
  const text = [...deployments, LEGACY_JOB_YAML].join('---\n');
  const dir = tempDir('migrate-memory');
  try {
    fs.writeFileSync(path.join(dir, 'stream.yaml'), text);
    const run = runBuiltCli(['migrate', '--sidecar', 'helper', 'stream.yaml'], { cwd: dir, env: { NODE_OPTIONS: '--max-old-space-size=48' }, timeoutMs: 120_000 });
    expect(run.stderr).toMatch(/^stream\.yaml\n {2}Job "export"\n {4}changed: line (\d+): moved container "helper"/);
    const line = Number(/changed: line (\d+)/.exec(run.stderr)![1]);
    expect(text.split('\n')[line - 1]).toBe('        - name: helper');
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith(deployments.join('---\n'))).toBe(true);
    expect(run.stdout).toContain('restartPolicy: Always');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
