/**
 * One input policy for lint, explain and migrate (issues 19 and 20): repeated keys, lone carriage
 * returns, non-Kubernetes files in folder runs, stdin that is a folder, FIFOs, version range,
 * custom resources with pod templates, grouped text findings and output that cannot be forged.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCli, expectUnusable, REPO, runCli, tempDir } from './run-cli';
import { ManifestValidator } from '../../src';

let dir: string;

beforeAll(() => {
  dir = tempDir('input-policy');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n    - name: app\n      image: app:1\n';
const DUPLICATE = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\n  name: second\nspec:\n  containers:\n    - name: app\n      image: app:1\n';

describe('repeated keys: read with the last value, reported as SC002 at file:line, never fatal', () => {
  test('lint reports the key and its line, checks the object with the last value, and goes on', async () => {
    write('dup/a-dup.yaml', DUPLICATE);
    write('dup/b-pod.yaml', POD);
    const run = await runCli(['lint', '-f', 'json', 'dup'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.results).toEqual([expect.objectContaining({
      file: 'dup/a-dup.yaml',
      line: 5,
      column: 3,
      ruleId: 'SC002',
      severity: 'error',
      kind: 'Pod',
      name: 'second',
      message: expect.stringMatching(/^key "name" appears twice in the same mapping: /),
    })]);
    expect(report.summary).toMatchObject({ files: 2, workloads: 2 });
  });

  test('explain explains the object and names the repeated key on stderr', async () => {
    const run = await runCli(['explain', 'dup/a-dup.yaml'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Pod second \(dup\/a-dup\.yaml:1\)/);
    expect(run.stderr).toMatch(/^dup\/a-dup\.yaml:5:3: error SC002: key "name" appears twice in the same mapping/);
  });

  test('migrate reads the same files: the document with a repeated key is left unchanged with a concern, the others are migrated, a folder --check goes on', async () => {
    const legacyJob = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: report\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n'
      + '      containers:\n        - name: report\n          image: registry.example.com/report:1\n'
      + '        - name: shipper\n          image: alpine:3\n          command: ["sh", "-c", "tail -F /var/log/report.log"]\n';
    const repeatedJob = legacyJob.replace('  name: report\n', '  name: report\n  name: nightly\n');
    write('dup-migrate/a.yaml', `${repeatedJob}---\n${legacyJob.replace('name: report\nspec', 'name: weekly\nspec')}`);
    write('dup-migrate/b.yaml', DUPLICATE);
    const single = await runCli(['migrate', 'dup-migrate/a.yaml'], { cwd: dir });
    expect(single.status).toBe(0);
    const [first, second] = single.stdout.split('---\n');
    expect(first).toBe(repeatedJob);
    expect(second).toContain('initContainers:');
    const check = await runCli(['migrate', '--check', 'dup-migrate'], { cwd: dir });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('key "name" appears twice in one mapping, which kubectl and Helm refuse (SC002); this document was left unchanged');
  });

  test('a repeated key inside a List item and a quoted key are named', async () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      containers:\n        - name: app\n          "image": a:1\n          "image": a:2\n';
    const report = JSON.parse((await runCli(['lint', '-f', 'json', '-'], { input: list })).stdout);
    expect(report.results[0]).toMatchObject({ ruleId: 'SC002', line: 11, message: expect.stringMatching(/^key "image" appears twice/) });
  });
});

describe('line endings', () => {
  test('a lone carriage return is refused with its line, by every command', async () => {
    write('cr.yaml', 'apiVersion: v1\nkind: Pod\rmetadata:\n  name: x\n');
    const message = /^cdk8s-sidecars: cr\.yaml:2:10: a carriage return without a line feed ends a line here/;
    expectUnusable(await runCli(['lint', 'cr.yaml'], { cwd: dir }), message);
    expectUnusable(await runCli(['explain', 'cr.yaml'], { cwd: dir }), message);
    expectUnusable(await runCli(['migrate', 'cr.yaml'], { cwd: dir }), message);
  });

  test('CRLF is fine', async () => {
    expect(await runCli(['lint', '-'], { input: POD.replace(/\n/g, '\r\n') })).toMatchObject({ status: 0, stderr: '' });
  });
});

describe('folder runs skip files that hold no Kubernetes objects', () => {
  beforeAll(() => {
    write('repo/tsconfig.json', '{\n  // comments are fine in tsconfig\n  "compilerOptions": {}\n}\n');
    write('repo/package.json', '{ "name": "x", "version": "1.0.0" }\n');
    write('repo/chart/values.yaml', 'replicaCount: 1\nimage:\n  repository: nginx\n');
    write('repo/docs/mkdocs.yml', 'site_name: docs\nnav: [a, b]\n');
    write('repo/k8s/pod.yaml', POD);
  });

  test('lint counts them, checks the rest, exits 0', async () => {
    const run = await runCli(['lint', 'repo'], { cwd: dir });
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe('no problems found (1 workload checked in 1 file)\nskipped 4 files that hold no Kubernetes objects; --verbose lists them\n');
  });

  test('--verbose lists them', async () => {
    const run = await runCli(['lint', '--verbose', 'repo'], { cwd: dir });
    expect(run.stdout).toContain('skipped repo/package.json: it holds no Kubernetes objects (no apiVersion and kind)\n');
    expect(run.stdout).toContain('skipped repo/tsconfig.json: ');
  });

  test('explain and migrate skip them too', async () => {
    const explain = await runCli(['explain', 'repo'], { cwd: dir });
    expect(explain.status).toBe(0);
    expect(explain.stderr).toBe('skipped 4 files that hold no Kubernetes objects: repo/package.json, repo/tsconfig.json, repo/chart/values.yaml, repo/docs/mkdocs.yml\n');
    expect((await runCli(['migrate', '--check', 'repo'], { cwd: dir })).status).toBe(0);
  });

  test('a file named on the command line is still reported', async () => {
    expect((await runCli(['lint', 'repo/chart/values.yaml'], { cwd: dir })).stdout).toMatch(/SC100 .*object has no kind/);
    expectUnusable(await runCli(['lint', 'repo/tsconfig.json'], { cwd: dir }), /^cdk8s-sidecars: repo\/tsconfig\.json:2:\d+: /);
  });

  test('malformed YAML that looks like Kubernetes is still an error with file:line', async () => {
    write('looks/bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n bad: indent\n');
    expectUnusable(await runCli(['lint', 'looks'], { cwd: dir }), /^cdk8s-sidecars: looks\/bad\.yaml:5:2: bad indentation/);
  });
});

describe('streams and special files', () => {
  test('stdin that is a folder is refused by every command', async () => {
    const folder = fs.openSync(dir, 'r');
    try {
      for (const command of ['lint', 'explain', 'migrate']) {
        const run = spawnSync(process.execPath, [path.join(buildCli(), 'cli', 'main.js'), command, '-'], {
          encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_PATH: path.join(REPO, 'node_modules') }, stdio: [folder, 'pipe', 'pipe'], timeout: 30_000,
        });
        expectUnusable({ stdout: run.stdout, stderr: run.stderr, status: run.status },
          '<stdin> is a directory; name the folder as a path instead of redirecting it to -');
      }
    } finally {
      fs.closeSync(folder);
    }
  });

  const hasMkfifo = process.platform !== 'win32';
  (hasMkfifo ? test : test.skip)('a FIFO named as a path is refused at once, not waited on', async () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    expectUnusable(await runCli(['lint', 'pipe.yaml'], { cwd: dir, timeoutMs: 10_000 }), 'pipe.yaml is a named pipe (FIFO), not a regular file; to read a stream, redirect it to stdin and give - as the path');
    expect(Date.now() - started).toBeLessThan(10_000);
    fs.rmSync(fifo);
  });
});

describe('--kubernetes-version range', () => {
  test.each(['2.0', '0.0', '1.20', '1.38'])('%s is outside the modelled versions', async version => {
    expectUnusable(await runCli(['lint', '-k', version, '-'], { input: POD }),
      `--kubernetes-version "${version}" is outside the versions the rules model; use 1.21 to 1.37 (for a newer cluster, 1.37); see cdk8s-sidecars lint --help`);
  });

  test.each(['1.999999999999999999', '1.033', '1.3e1'])('%s is not a plain minor number', async version => {
    expectUnusable(await runCli(['explain', '-k', version, '-'], { input: POD }),
      `--kubernetes-version "${version}" is not a Kubernetes version; use "major.minor" from 1.21 to 1.37, e.g. "1.35"; see cdk8s-sidecars explain --help`);
  });

  test('the library refuses them too', async () => {
    expect(() => ManifestValidator.validate([], { kubernetesVersion: '2.0' })).toThrow(/outside the versions the rules model/);
  });
});

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: canary
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          restartPolicy: Always
`;

const SCALED_JOB = `apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata:
  name: worker
spec:
  jobTargetRef:
    template:
      spec:
        restartPolicy: Never
        containers:
          - name: work
            image: worker:1
          - name: proxy
            image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0
`;

const CUSTOM = `apiVersion: example.com/v1
kind: Pipeline
metadata:
  name: p
spec:
  runner:
    podSpec:
      containers:
        - name: step
          image: step:1
          restartPolicy: Always
`;

const WORKFLOW = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: w
spec:
  templates:
    - name: main
      container:
        image: step:1
`;

const KNATIVE_SERVICE = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          restartPolicy: Always
`;

describe('custom resources with pod templates', () => {
  // These follow SC103 (restartPolicy on a regular container, rejected before 1.35) to see that a kind is checked.
  test('well-known ones are checked at their pod-spec paths, matched by group and kind', async () => {
    const report = JSON.parse((await runCli(['lint', '-k', '1.33', '-f', 'json', '-'], { input: [ROLLOUT, SCALED_JOB, KNATIVE_SERVICE].join('---\n') })).stdout);
    expect(report.results.map((r: any) => [r.kind, r.ruleId, r.path])).toEqual([
      ['Rollout', 'SC103', 'spec.template.spec.containers[0].restartPolicy'],
      ['ScaledJob', 'SC205', 'spec.jobTargetRef.template.spec.containers[1]'],
      ['Service', 'SC103', 'spec.template.spec.containers[0].restartPolicy'],
    ]);
    expect(report.summary).toMatchObject({ workloads: 3, notChecked: 0 });
  });

  test('the core Service is not mistaken for Knative\'s', async () => {
    const core = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: a, restartPolicy: Always}]\n';
    expect((await runCli(['lint', '-'], { input: core })).stdout).toBe('no problems found (0 workloads checked in 1 file)\n');
  });

  test('others are counted as not checked, with the path to name', async () => {
    const run = await runCli(['lint', '-'], { input: [CUSTOM, WORKFLOW].join('---\n') });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('no problems found (0 workloads checked in 1 file)\n'
      + '2 objects not checked: custom resources with containers at a path the linter does not know: Pipeline.example.com (containers under spec.runner.podSpec); '
      + 'name them with --workload-kind, e.g. --workload-kind Pipeline.example.com=spec.runner.podSpec; '
      + 'Workflow.argoproj.io: Argo Workflows builds a pod per step from its templates\n');
  });

  test('--workload-kind checks a named kind; runs-to-completion makes it Job-like', async () => {
    const named = await runCli(['lint', '-k', '1.33', '-f', 'json', '--workload-kind', 'Pipeline.example.com=spec.runner.podSpec', '-'], { input: CUSTOM });
    expect(JSON.parse(named.stdout).results).toEqual([expect.objectContaining({ ruleId: 'SC103', path: 'spec.runner.podSpec.containers[0].restartPolicy' })]);
    const job = SCALED_JOB.replace('keda.sh/v1alpha1', 'example.com/v1').replace('ScaledJob', 'Batch');
    expect((await runCli(['lint', '--workload-kind', 'Batch.example.com=spec.jobTargetRef.template.spec', '-'], { input: job })).status).toBe(0);
    const asJob = await runCli(['lint', '-f', 'json', '--workload-kind', 'Batch.example.com=spec.jobTargetRef.template.spec,runs-to-completion', '-'], { input: job });
    expect(JSON.parse(asJob.stdout).results.map((r: any) => r.ruleId)).toEqual(['SC205']);
  });

  test('a bad --workload-kind is a usage error naming it', async () => {
    expectUnusable(await runCli(['lint', '--workload-kind', 'Pipeline', '-'], { input: CUSTOM }), /--workload-kind "Pipeline" is not KIND\[\.GROUP\]=PATH/);
    expectUnusable(await runCli(['lint', '--workload-kind', 'Pipeline.example.com=spec..x', '-'], { input: CUSTOM }),
      '--workload-kind "Pipeline.example.com=spec..x": podSpecPath "spec..x" is not a dotted field path; give the path of the pod spec, e.g. "spec.template.spec"; see cdk8s-sidecars lint --help');
  });

  test('the library: ValidationOptions.customWorkloads', async () => {
    const manifest = { apiVersion: 'example.com/v1', kind: 'Pipeline', metadata: { name: 'p' }, spec: { runner: { podSpec: { containers: [{ name: 's', image: 's', restartPolicy: 'Always' }] } } } };
    expect(ManifestValidator.validate([manifest], { kubernetesVersion: '1.33' })).toEqual([]);
    const violations = ManifestValidator.validate([manifest], { kubernetesVersion: '1.33', customWorkloads: [{ kind: 'Pipeline', group: 'example.com', podSpecPath: 'spec.runner.podSpec' }] });
    expect(violations.map(v => v.path)).toEqual(['spec.runner.podSpec.containers[0].restartPolicy']);
    expect(() => ManifestValidator.validate([manifest], { customWorkloads: [{ kind: 'Pipeline', podSpecPath: 'spec[0]' }] }))
      .toThrow('customWorkloads[0].podSpecPath "spec[0]" is not a dotted field path; give the path of the pod spec, e.g. "spec.template.spec"');
  });
});

describe('text output', () => {
  test('findings of one cause repeated across containers are one grouped entry; JSON keeps each', async () => {
    const containers = Array.from({ length: 7 }, (_, i) => `    - name: c${i}\n      image: app:1\n      env:\n        - {name: FOO, value: a}\n        - {name: FOO, value: b}\n`).join('');
    const input = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`;
    const text = (await runCli(['lint', '-'], { input })).stdout;
    expect(text.match(/SC121/g)).toHaveLength(1);
    expect(text).toContain('    the same in 6 more places: spec.containers[1].env[1] (line 16), spec.containers[2].env[1] (line 21),');
    expect(text).toContain('0 errors, 7 warnings, 0 info in 1 resource');
    expect(JSON.parse((await runCli(['lint', '-f', 'json', '-'], { input })).stdout).results).toHaveLength(7);
  });

  test('control and bidi characters in names, paths and messages are escaped in text and SARIF', async () => {
    const evil = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\\nerror   SC999 forged\\u202e"\nspec:\n  containers:\n    - name: "a\\u001b[2Jb"\n      image: app:1\n      restartPolicy: Always\n';
    const text = (await runCli(['lint', '-'], { input: evil })).stdout;
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    expect(text.split('\n').filter(line => line.startsWith('error'))).toEqual([]);
    expect(text).toContain('Pod x\\u{a}error   SC999 forged\\u{202e}');
    expect(text).toContain('container "a\\u{1b}[2Jb"');
    const sarif = JSON.parse((await runCli(['lint', '-f', 'sarif', '-'], { input: evil })).stdout);
    const result = sarif.runs[0].results[0];
    expect(result.message.text).toContain('"a\\u{1b}[2Jb"');
    expect(result.locations[0].logicalLocations[0].properties.name).toBe('x\\u{a}error   SC999 forged\\u{202e}');
  });

  test('explain (text and Mermaid) and the migrate report escape them too', async () => {
    const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: "x\\nerror forged\\u202e"\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n'
      + '      containers:\n        - name: main\n          image: app:1\n        - name: "ship\\u001b[2J"\n          image: alpine:3\n          command: ["sh", "-c", "tail -F /x.log"]\n';
    const outputs = [
      (await runCli(['explain', '-'], { input: job })).stdout,
      (await runCli(['explain', '-f', 'mermaid', '-'], { input: job })).stdout,
      (await runCli(['migrate', '--check', '-'], { input: job })).stdout,
    ];
    for (const output of outputs) {
      expect(output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
      expect(output.split('\n').filter(line => line.startsWith('error'))).toEqual([]);
      expect(output).toContain('x\\u{a}error forged\\u{202e}');
    }
  });

  test('an error line escapes what the input put in it', async () => {
    const run = await runCli(['lint', 'no\u001b[31mfile.yaml'], { cwd: dir });
    expectUnusable(run, 'no\\u{1b}[31mfile.yaml: no such file or directory');
  });

  test('text after a "..." document end marker is reported at its own line', async () => {
    const input = `${POD}... trailing\n${POD}`;
    expectUnusable(await runCli(['lint', '-'], { input }), '<stdin>:9:5: only a comment may follow the document end marker "..." on its line');
  });
});
