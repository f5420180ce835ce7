/**
 * The engine behind `cdk8s-sidecars migrate`: converts legacy sidecars (long-running helpers in
 * `containers`) to native sidecars (`initContainers` with `restartPolicy: Always`), removes the
 * workarounds that makes redundant where that is certain, and reports the rest. Pure: text in,
 * text and report out; the CLI does the file handling. See docs/migrate.md.
 */
export * from './result';
export { migrateText } from './migrate';
export { formatReport } from './report';
