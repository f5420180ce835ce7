import { DependencyRule } from './graph';
import { dependencyCycleRule } from './sc201-dependency-cycle';
import { foreignDependencyRule } from './sc202-foreign-dependency';
import { readyWithoutStartupProbeRule } from './sc203-ready-without-startup-probe';
import { completedSidecarRule } from './sc204-completed-sidecar';

export { dependencyEdges } from './graph';
export type { DeclaredDependencies, DependencyRule } from './graph';

/**
 * The typed-dependency rules (SC201–SC204). They read what the constructs declared, which a
 * rendered manifest does not carry, so they run on constructs only; their findings are
 * violations of the rendered object like any other rule's (see `validateDependencies`).
 */
export const DEPENDENCY_RULES: readonly DependencyRule[] = [
  dependencyCycleRule,
  foreignDependencyRule,
  readyWithoutStartupProbeRule,
  completedSidecarRule,
];
