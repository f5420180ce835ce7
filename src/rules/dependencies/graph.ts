import type * as kplus from 'cdk8s-plus-30';
import { ContainerDependency } from '../../dependency';
import type { InitContainerHandle } from '../../init-container';
import { Finding } from '../rule';
import { Severity } from '../violation';

/** What a workload declared through the typed dependency API, and where each container renders. */
export interface DeclaredDependencies {
  /** The workload's sidecars and run-once init containers, in declaration order. */
  readonly inits: readonly InitContainerHandle[];
  /** For each entry of `inits`, its index in the rendered `initContainers`. */
  readonly renderedIndex: readonly number[];
  /** The workload's main containers, in order. */
  readonly mains: readonly kplus.Container[];
  /** Dependencies declared for main containers (`addContainerDependency`). */
  readonly mainDependencies: ReadonlyMap<kplus.Container, readonly ContainerDependency[]>;
}

/** A rule over the declared dependencies: documented like a manifest rule, checked on constructs only. */
export interface DependencyRule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly source: string;
  check(declared: DeclaredDependencies): Finding[];
}

/** One declared dependency with its dependent, as messages name it and as its path reads. */
export interface DeclaredEdge {
  /** `sidecar "envoy"`, `init container "migrate"` or `container "app"`. */
  readonly dependent: string;
  /** The dependent's entry, relative to the pod spec: `initContainers[1]`, `containers[0]`. */
  readonly path: string;
  readonly dependency: ContainerDependency;
}

/** Every declared dependency whose dependent is a container of this workload. */
export function declaredEdges(declared: DeclaredDependencies): DeclaredEdge[] {
  const edges: DeclaredEdge[] = [];
  declared.inits.forEach((handle, i) => {
    for (const dependency of handle.dependencies) {
      edges.push({ dependent: handle._description, path: `initContainers[${declared.renderedIndex[i]}]`, dependency });
    }
  });
  for (const [container, dependencies] of declared.mainDependencies) {
    const index = declared.mains.indexOf(container);
    if (index < 0) continue;
    for (const dependency of dependencies) edges.push({ dependent: `container "${container.name}"`, path: `containers[${index}]`, dependency });
  }
  return edges;
}

/** Whether the dependency's target is a sidecar or init container of this workload. */
export function isOwnTarget(declared: DeclaredDependencies, dependency: ContainerDependency): boolean {
  return declared.inits.includes(dependency.container);
}

/** For each init container (by declaration index), the indices of those of this workload it waits for. */
export function dependencyEdges(inits: readonly InitContainerHandle[]): number[][] {
  return inits.map(handle => handle.dependencies.map(d => inits.indexOf(d.container)).filter(target => target >= 0));
}
