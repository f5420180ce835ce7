// Jest for the cdk8s-plus flavours (`npx projen test:flavours`; docs/flavours.md).
//
// - one project per flavour runs the construct suites again with `cdk8s-plus-30` mapped to that
//   flavour's cdk8s-plus: the flavour packages are this source with exactly that import switched
//   (scripts/flavours.ts), so this is the flavour's behaviour. The construct suites are the test
//   files that build constructs (they import cdk8s or cdk8s-plus-30, directly or through a
//   helper beside them); the CLI and rule suites work on plain manifests and do not run again.
// - the "apps" project creates a `cdk8s init typescript-app` style app per flavour and for the
//   main package, type-checks it with tsc and synthesizes it (test/flavours/*.test.ts).
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const base = require('../../package.json').jest;
// every cdk8s-plus line in devDependencies but 30, as scripts/flavours.ts builds them; FLAVOURS=33 for one
const FLAVOURS = process.env.FLAVOURS
  ? process.env.FLAVOURS.split(',').map(s => s.trim()).filter(Boolean)
  : Object.keys(require('../../package.json').devDependencies)
    .map(name => /^cdk8s-plus-(\d+)$/.exec(name)).filter(m => m && m[1] !== '30').map(m => m[1]);

/** Every test file under test/ (this folder excepted) that builds constructs. */
function constructSuites() {
  const found = [];
  const buildsConstructs = file => /from '(cdk8s|cdk8s-plus-30)'/.test(fs.readFileSync(file, 'utf8'));
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (file !== __dirname && entry.name !== '__snapshots__' && entry.name !== 'fixtures' && entry.name !== 'golden') walk(file);
      } else if (entry.name.endsWith('.test.ts')) {
        // a suite counts when it or a helper it imports from its own folder or a sibling builds constructs
        const helpers = [...fs.readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']*_helpers)'/g)]
          .map(m => path.join(dir, m[1] + '.ts'))
          .filter(f => fs.existsSync(f));
        if (buildsConstructs(file) || helpers.some(buildsConstructs)) found.push(file);
      }
    }
  };
  walk(path.join(ROOT, 'test'));
  return found.sort().map(f => '<rootDir>/' + path.relative(ROOT, f));
}

const common = {
  rootDir: ROOT,
  transform: base.transform,
  testTimeout: base.testTimeout,
  clearMocks: true,
};

module.exports = {
  testTimeout: base.testTimeout,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'flavours-junit.xml' }]],
  projects: [
    ...FLAVOURS.map(plus => ({
      ...common,
      displayName: `plus-${plus}`,
      testMatch: constructSuites(),
      globals: { FLAVOUR_PLUS: plus },
      setupFiles: ['<rootDir>/test/flavours/check-mapping.js'],
      snapshotSerializers: ['<rootDir>/test/flavours/plus-defaults-serializer.js'],
      moduleNameMapper: {
        '^cdk8s-plus-30$': `cdk8s-plus-${plus}`,
        '^cdk8s-plus-30/(.*)$': `cdk8s-plus-${plus}/$1`,
      },
    })),
    {
      ...common,
      displayName: 'apps',
      testMatch: ['<rootDir>/test/flavours/*.test.ts'],
    },
  ],
};
