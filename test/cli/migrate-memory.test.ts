/**
 * `migrate` works document by document: the memory it needs follows the largest document, not
 * the whole stream. Run under a small heap, a stream whose documents parsed all at once would not
 * fit is migrated, with the report's lines still those of the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir } from './run-cli';

const JOB = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: export',
  'spec:',
  '  template:',
  '    spec:',
  '      restartPolicy: Never',
  '      containers:',
  '        - name: export',
  '          image: example.com/export:1',
  '        - name: helper',
  '          image: example.com/in-house-helper:2',
  '',
].join('\n');

test('a 2.7 MB stream of 2,000 documents is migrated within a 48 MB heap', () => {
  const configMaps: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const data = Array.from({ length: 60 }, (_, k) => `  key${k}: value-${i}-${k}`).join('\n');
    configMaps.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\ndata:\n${data}\n`);
  }
  // The changed document comes last, so its report line is counted across the whole file.
  const text = [...configMaps, JOB].join('---\n');
  const dir = tempDir('migrate-memory');
  try {
    fs.writeFileSync(path.join(dir, 'stream.yaml'), text);
    const run = runCli(['migrate', '--sidecar', 'helper', 'stream.yaml'], { cwd: dir, env: { NODE_OPTIONS: '--max-old-space-size=48' }, timeoutMs: 120_000 });
    expect(run.stderr).toMatch(/^stream\.yaml\n {2}Job "export"\n {4}changed: line (\d+): moved container "helper"/);
    const line = Number(/changed: line (\d+)/.exec(run.stderr)![1]);
    expect(text.split('\n')[line - 1]).toBe('        - name: helper');
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith(configMaps.join('---\n'))).toBe(true);
    expect(run.stdout).toContain('restartPolicy: Always');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
