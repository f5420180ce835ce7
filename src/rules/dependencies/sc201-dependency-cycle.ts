import { dependencyEdges, DependencyRule } from './graph';
import { startupOrder } from '../../ordering';
import { Finding } from '../rule';
import { Severity } from '../violation';

/** SC201 — typed dependencies between init containers that form a cycle. */
export const dependencyCycleRule: DependencyRule = {
  id: 'SC201',
  severity: Severity.ERROR,
  title: 'typed dependencies between init containers form a cycle',
  why: 'init containers start strictly in list order, so no order can satisfy a cycle',
  fix: 'remove one of the dependencies named in the message',
  source: 'KEP-753 startup ordering (init containers start in list order)',
  check(declared) {
    const { inits, renderedIndex } = declared;
    return startupOrder(inits.length, dependencyEdges(inits)).cycles.map((cycle): Finding => {
      const path = `initContainers[${renderedIndex[cycle[0]]}]`;
      if (cycle.length === 2) {
        return { path, message: `${inits[cycle[0]]._description} depends on itself`, fix: 'remove that dependency' };
      }
      const names = cycle.map(i => `"${inits[i].name}"`).join(' -> ');
      return { path, message: `init containers depend on each other in a cycle: ${names}`, fix: 'remove one of these dependencies' };
    });
  },
};
