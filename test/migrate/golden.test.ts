import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { formatReport, migrateText, MigrateOptions } from '../../src/migrate';
import { validateManifests } from '../../src/rules/engine';
import { Severity } from '../../src/rules/violation';

/**
 * Every fixture is migrated and compared byte for byte with its golden output and report.
 * Regenerate with `UPDATE_GOLDEN=1 npx jest test/migrate` — and read every golden you write.
 */
const FIXTURES: Array<{ readonly name: string; readonly options?: MigrateOptions }> = [
  { name: 'istio-deployment' },
  { name: 'cloudsql-job' },
  { name: 'linkerd-pod' },
  { name: 'fluentbit-cronjob' },
  { name: 'multi-document' },
  { name: 'custom-sidecar', options: { sidecars: ['forwarder'] } },
  { name: 'only-helper' },
  { name: 'list' },
];

const FIXTURE_DIR = path.join(__dirname, 'fixtures');
const GOLDEN_DIR = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function migrateFixture(name: string, options: MigrateOptions = {}) {
  const input = fs.readFileSync(path.join(FIXTURE_DIR, `${name}.yaml`), 'utf8');
  return { input, result: migrateText(input, { ...options, fileName: `fixtures/${name}.yaml` }) };
}

function expectGolden(file: string, actual: string): void {
  const golden = path.join(GOLDEN_DIR, file);
  if (UPDATE) fs.writeFileSync(golden, actual);
  expect(actual).toBe(fs.readFileSync(golden, 'utf8'));
}

describe.each(FIXTURES)('fixture $name', ({ name, options }) => {
  test('output and report match the golden files byte for byte', () => {
    const { result } = migrateFixture(name, options);
    expectGolden(`${name}.yaml`, result.output);
    expectGolden(`${name}.report.txt`, formatReport([result]));
  });

  test('migrating the output again changes nothing', () => {
    const { result } = migrateFixture(name, options);
    const again = migrateText(result.output, { ...options, fileName: `${name}.yaml` });
    expect(again.changed).toBe(false);
    expect(again.changes).toEqual([]);
    expect(again.output).toBe(result.output);
  });

  test('the output lints clean: no error-severity violation', () => {
    const { result } = migrateFixture(name, options);
    const manifests = parseAllDocuments(result.output) as any[];
    const errors = validateManifests(manifests.map(doc => doc.toJS())).filter(violation => violation.severity === Severity.ERROR);
    expect(errors).toEqual([]);
    expect(result.concerns.filter(concern => concern.description.startsWith('error after migration'))).toEqual([]);
  });
});

test('fixtures with a legacy sidecar in a Job fail the linter before migration (SC205) and pass after', () => {
  for (const name of ['cloudsql-job', 'fluentbit-cronjob']) {
    const { input, result } = migrateFixture(name);
    const ruleIds = (text: string) => validateManifests((parseAllDocuments(text) as any[]).map(doc => doc.toJS())).map(violation => violation.ruleId);
    expect(ruleIds(input)).toContain('SC205');
    expect(ruleIds(result.output)).not.toContain('SC205');
  }
});

test('docs/migrate.md shows the Cloud SQL fixture, its golden output and its report as they are', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'migrate.md'), 'utf8');
  const { input, result } = migrateFixture('cloudsql-job');
  expect(docs).toContain(`\`\`\`yaml\n${input}\`\`\``);
  expect(docs).toContain(`\`\`\`yaml\n${result.output}\`\`\``);
  expect(docs).toContain(`\`\`\`text\n${formatReport([result]).replace('fixtures/cloudsql-job.yaml', 'job.yaml')}\`\`\``);
});

test('every golden file belongs to a fixture', () => {
  const expected = FIXTURES.flatMap(({ name }) => [`${name}.yaml`, `${name}.report.txt`]).sort();
  expect(fs.readdirSync(GOLDEN_DIR).sort()).toEqual(expected);
});
