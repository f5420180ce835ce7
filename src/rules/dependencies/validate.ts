import { DeclaredDependencies } from './graph';
import { DEPENDENCY_RULES } from './index';
import { joinPath } from '../engine';
import { Violation } from '../violation';

/** The object the findings are about: its identity and where its pod spec is. */
export interface DependencyTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Path of the pod spec from the object root, e.g. `spec.template.spec`. */
  readonly specPath: string;
}

/** Every finding of the dependency rules, as violations of `target`. */
export function validateDependencies(declared: DeclaredDependencies, target: DependencyTarget): Violation[] {
  const violations: Violation[] = [];
  for (const rule of DEPENDENCY_RULES) {
    for (const finding of rule.check(declared)) {
      violations.push({
        ruleId: rule.id,
        severity: finding.severity ?? rule.severity,
        message: finding.message,
        kind: target.kind,
        name: target.name,
        ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
        path: joinPath(target.specPath, finding.path ?? ''),
        ...(finding.fix !== undefined ? { fix: finding.fix } : {}),
      });
    }
  }
  return violations;
}
