// The GitHub Action's command line (action.yml runs scripts/github-action.sh), tested as a script
// with a stand-in for cdk8s-sidecars that records its arguments.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'yaml';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'github-action.sh');

interface ActionRun {
  readonly status: number | null;
  readonly stdout: string;
  /** The arguments the stand-in received. */
  readonly argv: string[];
  /** The step outputs written to GITHUB_OUTPUT. */
  readonly outputs: Record<string, string>;
  readonly dir: string;
}

/** Run the script in a fresh folder; the stand-in prints `sarif` and exits with `exitCode`. */
function runAction(inputs: Record<string, string>, exitCode = 0, sarif = '{"version":"2.1.0","runs":[]}'): ActionRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-action-'));
  const standIn = path.join(dir, 'stand-in.js');
  fs.writeFileSync(standIn, `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));
process.stdout.write(${JSON.stringify(sarif)});
process.exit(${exitCode});
`);
  const outputFile = path.join(dir, 'github-output');
  fs.writeFileSync(outputFile, '');
  const result = spawnSync('bash', [SCRIPT], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: outputFile, CDK8S_SIDECARS_COMMAND: `node ${standIn}`, ...inputs },
  });
  const argvFile = path.join(dir, 'argv.json');
  const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map(line => line.split('=', 2) as [string, string]));
  return { status: result.status, stdout: result.stdout, argv: fs.existsSync(argvFile) ? JSON.parse(fs.readFileSync(argvFile, 'utf8')) : [], outputs, dir };
}

describe('the GitHub Action', () => {
  test('action.yml passes every input to the script and exposes its outputs', () => {
    const action = yaml.parse(fs.readFileSync(path.join(__dirname, '..', 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    const env = action.runs.steps[0].env;
    for (const input of Object.keys(action.inputs)) {
      expect(env[`INPUT_${input.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${input} }}`);
    }
    expect(Object.keys(action.outputs)).toEqual(['sarif-file', 'exit-code']);
  });

  test('defaults: lint the working folder as SARIF into cdk8s-sidecars.sarif', () => {
    const run = runAction({});
    expect(run.status).toBe(0);
    expect(run.argv).toEqual(['lint', '--format', 'sarif', '--', '.']);
    expect(fs.readFileSync(path.join(run.dir, 'cdk8s-sidecars.sarif'), 'utf8')).toBe('{"version":"2.1.0","runs":[]}');
    expect(run.outputs).toEqual({ 'exit-code': '0', 'sarif-file': 'cdk8s-sidecars.sarif' });
  });

  test('paths, version target and config become arguments; a path that looks like an option stays a path', () => {
    const run = runAction({ INPUT_PATHS: 'deploy/ charts/out.yaml -weird.yaml', INPUT_KUBERNETES_VERSION: '1.36', INPUT_CONFIG: 'ci/.cdk8s-sidecars.yaml', INPUT_SARIF_FILE: 'out.sarif' });
    expect(run.argv).toEqual(['lint', '--format', 'sarif', '--kubernetes-version', '1.36', '--config', 'ci/.cdk8s-sidecars.yaml', '--', 'deploy/', 'charts/out.yaml', '-weird.yaml']);
    expect(run.outputs['sarif-file']).toBe('out.sarif');
  });

  test('errors found fail the step unless fail-on-findings is false; the report is written either way', () => {
    const failed = runAction({}, 1);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('::error::cdk8s-sidecars lint found errors');
    expect(fs.existsSync(path.join(failed.dir, 'cdk8s-sidecars.sarif'))).toBe(true);
    const kept = runAction({ INPUT_FAIL_ON_FINDINGS: 'false' }, 1);
    expect(kept.status).toBe(0);
    expect(kept.outputs['exit-code']).toBe('1');
  });

  test('unusable input fails the step and leaves no half-written report', () => {
    const run = runAction({}, 2, '');
    expect(run.status).toBe(2);
    expect(run.outputs).toEqual({ 'exit-code': '2' });
    expect(fs.readdirSync(run.dir).filter(file => file.includes('sarif'))).toEqual([]);
  });

  test('a version that is not an npm version or tag is refused before anything runs', () => {
    const run = runAction({ INPUT_VERSION: '1.0; rm -rf /' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('is not an npm version or tag');
    expect(run.argv).toEqual([]);
  });
});

describe('the pre-commit hooks', () => {
  test('each runs an existing command of the installed package as a folder run over the repository', () => {
    const hooks = yaml.parse(fs.readFileSync(path.join(__dirname, '..', '.pre-commit-hooks.yaml'), 'utf8'));
    expect(hooks.map((hook: any) => hook.id)).toEqual(['cdk8s-sidecars-lint', 'cdk8s-sidecars-migrate-check']);
    for (const hook of hooks) {
      expect(hook.entry).toMatch(/^npx --no-install cdk8s-sidecars (lint|migrate --check) \.$/);
      expect(hook.pass_filenames).toBe(false);
      expect(new RegExp(hook.files).test('deploy/web.yaml')).toBe(true);
      expect(new RegExp(hook.files).test('src/main.ts')).toBe(false);
    }
  });
});
