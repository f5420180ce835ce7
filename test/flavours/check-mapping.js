// Runs before each flavour suite: stop at once if `cdk8s-plus-30` did not resolve to the flavour's
// cdk8s-plus (the project sets the FLAVOUR_PLUS global).
const actual = require('cdk8s-plus-30/package.json').name;
if (actual !== `cdk8s-plus-${FLAVOUR_PLUS}`) {
  throw new Error(`flavour suites: cdk8s-plus-30 resolved to ${actual}, expected cdk8s-plus-${FLAVOUR_PLUS}`);
}
