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
  devDeps: ['@types/node@^20', 'fast-check@^3', '@types/js-yaml@^4', 'cdk8s-cli@2.207.60', '@types/picomatch@^4'],
  // Plain npm packages used at run time are bundled (jsii accepts only jsii packages as deps).
  bundledDeps: ['yaml@^2.9.1', 'js-yaml@^4.1.0', 'picomatch@^4.0.2'],
  bin: { 'cdk8s-sidecars': 'lib/cli/main.js' },
  // Every jsii language, named as the cdk8s family names theirs (see docs/flavours.md). Only
  // `package:js` runs under CI; .ci/run generates the other four with `jsii-pacmak --code-only`.
  publishToPypi: { distName: 'cdk8s-sidecars', module: 'cdk8s_sidecars' },
  publishToMaven: { javaPackage: 'org.cdk8s.sidecars', mavenGroupId: 'org.cdk8s', mavenArtifactId: 'cdk8s-sidecars' },
  publishToNuget: { dotNetNamespace: 'Org.Cdk8s.Sidecars', packageId: 'Org.Cdk8s.Sidecars' },
  publishToGo: { moduleName: 'github.com/cdk8s-sidecars/cdk8s-sidecars-go' },
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

// ---------------------------------------------------------------------------------------------
// cdk8s-plus flavours, jsii languages, the executable bin (issue 22; docs/flavours.md)
// ---------------------------------------------------------------------------------------------
// The same source is built for the cdk8s-plus lines `cdk8s init` users have, as sibling packages
// (cdk8s-sidecars-plus-33, -plus-34) generated under flavours/ by scripts/flavours.ts.
project.addDevDeps('cdk8s-plus-33@^2.5.57', 'cdk8s-plus-34@^2.0.54');
project.gitignore.exclude('/flavours/');
// the generated flavours, the rosetta fixtures and the git-ignored scratch folder stay out of the tarball
project.npmignore?.exclude('/flavours/', '/rosetta/', '/.tmp/');
project.jest?.addIgnorePattern('<rootDir>/test/flavours/');
project.addTask('flavours', {
  description: 'Generate, jsii-compile and pack one package per cdk8s-plus flavour under flavours/ (FLAVOURS=33,34 to choose)',
  exec: 'ts-node --project test/tsconfig.json --transpile-only scripts/flavours.ts',
});
project.addTask('test:flavours', {
  description: 'Run the construct suites against each flavour\'s cdk8s-plus and type-check and synth an app per flavour from its tarball (needs build and flavours first)',
  exec: 'jest --ci --config test/flavours/jest.config.js',
  receiveArgs: true,
});

// Other languages: `package` builds the npm tarball only (python, java, dotnet and go need PyPI,
// Maven Central, .NET and Go, which CI does not have); `package-all` still builds every target.
project.tasks.tryFind('package')?.reset();
project.tasks.tryFind('package')?.spawn(project.tasks.tryFind('package:js')!);
project.addTask('pacmak:code-only', {
  description: 'Generate the python, java, dotnet and go bindings (source only, offline) into dist/code/',
  exec: 'jsii-pacmak --code-only --target python java dotnet go --outdir dist/code',
});
project.addTask('rosetta', {
  description: 'Compile every TypeScript snippet of the README, doc comments and docs/*.md in all jsii languages (strict; fixtures in rosetta/; after compile)',
  exec: 'ts-node --project test/tsconfig.json --transpile-only scripts/rosetta.ts',
});
// rosetta's translations of the README, read by jsii-pacmak
project.gitignore.exclude('/.jsii.tabl.json');

// The bin must be executable inside the jsii tarball, or the other languages' wrappers fail with
// "Permission denied": npm pack keeps the file's mode, and tsc writes 0644.
const binExecutable = project.addTask('bin-executable', {
  description: 'Make every package.json bin entry executable (the jsii tarball keeps the mode)',
  exec: 'node -e "for (const f of Object.values(require(\'./package.json\').bin)) require(\'fs\').chmodSync(f, 0o755)"',
});
project.postCompileTask.spawn(binExecutable);

project.synth();
