import { declaredEdges, DependencyRule, isOwnTarget } from './graph';
import { Finding } from '../rule';
import { Severity } from '../violation';

/** SC202 — a dependency on a container of another workload, or for a container this one lacks. */
export const foreignDependencyRule: DependencyRule = {
  id: 'SC202',
  severity: Severity.ERROR,
  title: 'a dependency names a container of another workload, or is declared for a container the workload does not have',
  why: 'containers of different pods cannot order each other; the dependency could never be honoured',
  fix: 'depend only on sidecars and run-once init containers added to the same workload',
  source: 'cdk8s-sidecars typed dependency API',
  check(declared) {
    const findings: Finding[] = [];
    for (const { dependent, path, dependency } of declaredEdges(declared)) {
      if (isOwnTarget(declared, dependency)) continue;
      const target = dependency.container;
      findings.push({
        path,
        message: `${dependent} depends on ${target._description} of workload "${target._owner.node.path}", not of this workload`,
        fix: 'depend only on sidecars and init containers added to the same workload',
      });
    }
    for (const container of declared.mainDependencies.keys()) {
      if (declared.mains.includes(container)) continue;
      findings.push({
        path: '',
        message: `dependencies were declared for container "${container.name}", which is not a main container of this workload`,
        fix: 'add it with addContainer() first',
      });
    }
    return findings;
  },
};
