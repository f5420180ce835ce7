export * from './rules/violation';
export { ManifestValidator } from './rules/engine';
