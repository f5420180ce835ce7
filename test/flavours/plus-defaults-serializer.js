// The flavour suites compare against the cdk8s-plus-30 snapshots. cdk8s-plus-33 and -34 render one
// field cdk8s-plus-30 leaves out: `revisionHistoryLimit: 10` on a Deployment (Kubernetes's own
// default, so the workload is the same). It is taken out before comparing; everything else must
// match the main package byte for byte.
module.exports = {
  test: value => value !== null && typeof value === 'object' && value.kind === 'Deployment'
    && value.spec !== null && typeof value.spec === 'object' && value.spec.revisionHistoryLimit === 10,
  serialize: (value, config, indentation, depth, refs, printer) => {
    const { revisionHistoryLimit: _default, ...spec } = value.spec;
    return printer({ ...value, spec }, config, indentation, depth, refs);
  },
};
