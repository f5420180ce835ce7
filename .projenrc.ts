import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-sidecars',
  description: 'Typed Kubernetes native sidecars for cdk8s: ordering, probes, resources and grace periods declared, validated at synth',
  author: 'cdk8s-sidecars maintainers',
  authorAddress: 'maintainers@cdk8s-sidecars.dev',
  repositoryUrl: 'https://github.com/cdk8s-sidecars/cdk8s-sidecars.git',
  keywords: ['cdk8s', 'kubernetes', 'sidecar', 'native-sidecar', 'init-containers', 'cdk8s-plus'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  jsiiVersion: '~6.0.0',
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  peerDeps: ['cdk8s-plus-30@^2.4.10'],
  devDeps: ['@types/node@^20', 'fast-check@^3', '@types/js-yaml@^4', 'cdk8s-cli@2.207.60', 'esbuild@^0.28'],
  // Plain npm packages used at run time are bundled (jsii accepts only jsii packages as deps).
  bundledDeps: ['yaml@^2.9.1', 'js-yaml@^4.1.0'],
  bin: { 'cdk8s-sidecars': 'lib/cli/main.js' },
  github: false,
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  vscode: false,
  sampleCode: false,
  integrationTestAutoDiscover: false,
  typecheckTests: true,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // The property-based suites run thousands of synths; give them room on a busy CI box.
      testTimeout: 120_000,
      // Coverage only when asked for: `npx projen test:coverage`.
      collectCoverage: false,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts', 'projenrc', '.projenrc.ts'],
    // The test task checks; it never rewrites sources (`npx projen eslint:fix` does).
    commandOptions: { fix: false },
  },
  tsconfig: {
    // Source maps beside the code, not inside it: every module is read and scanned when the
    // library or the CLI loads, and inline maps doubled the bytes (about 10 ms of each start).
    compilerOptions: { inlineSourceMap: false, inlineSources: true, sourceMap: true },
  },
  tsconfigDev: {
    // test/tsconfig.json also type-checks the examples, benchmarks and scripts.
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/dist/examples/', '/.tmp/'],
});

project.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
// `npm ci` rejects this lockfile on Linux (optional native bindings for other platforms are
// missing from the registry); `npm install` with the committed lockfile installs the same tree.
project.tasks.tryFind('install:ci')?.reset('npm install --no-audit --no-fund');
// Fail on every jsii warning except reserved words: the public contract needs `Violation.namespace`.
project.compileTask.reset('jsii --fail-on-warnings --silence-warnings=reserved-word');

project.addTask('test:coverage', {
  description: 'Run the tests with a coverage report',
  exec: 'jest --passWithNoTests --ci --coverage',
  receiveArgs: true,
});
project.addTask('eslint:fix', {
  description: 'Fix what eslint can fix in the sources',
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
  exec: 'eslint --ext .ts,.tsx --fix --no-error-on-unmatched-pattern src test examples bench scripts projenrc .projenrc.ts',
});
// The tarball holds the library, the command, README and RULES: no tests, benchmarks, CI files,
// scripts, examples or docs.
project.npmignore?.exclude('/.ci/', '/bench/', '/scripts/', '/examples/', '/docs/', '*.test.ts', '/CONTRIBUTING.md');

project.addTask('example', {
  description: 'Synthesize every app under examples/ to dist/examples/ and print each workload\'s start order and effective requests',
  exec: 'ts-node --project test/tsconfig.json --transpile-only examples/run-all.ts',
});

const bench = project.addTask('bench', {
  description: 'Synth and lint speed and memory against cdk8s-plus-30 and js-yaml (never part of test); BENCH_SIZES, BENCH_RUNS tune it',
});
bench.spawn(project.compileTask);
bench.exec('node bench/run.js');

project.addTask('rules-doc', {
  description: 'Regenerate RULES.md from the rule definitions (a test fails when it is out of date)',
  exec: 'ts-node --project test/tsconfig.json --transpile-only scripts/write-rules-md.ts',
});

project.synth();
