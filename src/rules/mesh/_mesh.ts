/**
 * Which mesh a pod is in, read from the rendered manifest alone: a proxy container (by name or
 * image), or the pod-template metadata that asks a webhook to inject one. Shared by SC401–SC404.
 */
import { detectHelper, imageRepositoryEndsWith, LINKERD_PROXY_INIT } from '../../lifecycle/helper-images';
import {
  ISTIO, ISTIO_INJECT_LABEL, ISTIO_NATIVE_ANNOTATION, ISTIO_REVISION_LABEL, LINKERD, LINKERD_INJECT_ANNOTATION,
  LINKERD_NATIVE_ANNOTATIONS, MeshFacts,
} from '../../mesh/facts';
import { containerEntries, ContainerEntry, INIT_THEN_APP } from '../containers';
import { RuleContext } from '../rule';

/** One mesh a pod belongs to. */
export interface PodMesh {
  readonly facts: MeshFacts;
  /** The proxy container as rendered; undefined when the webhook will inject it. */
  readonly proxy?: ContainerEntry;
  /** Whether the proxy is (or will be injected as) a native sidecar. */
  readonly native: boolean;
  /** The mesh's own init containers (iptables or CNI validation). */
  readonly inits: ContainerEntry[];
  /** The UID the proxy runs as: its own runAsUser when rendered with one, else the mesh default. */
  readonly proxyUid: number;
}

/** The pod template's metadata and its path from the object root (`spec.template.metadata`). */
export interface PodMetadata {
  readonly labels: Record<string, unknown>;
  readonly annotations: Record<string, unknown>;
  readonly path: string;
}

/** The meshes of a pod, Istio first. Usually zero or one. Worked out once per object: four rules ask. */
export function podMeshes(context: RuleContext): PodMesh[] {
  return context.shared(MESHES, () => findMeshes(context));
}

const MESHES = Symbol('pod meshes');
const METADATA = Symbol('pod metadata');

function findMeshes(context: RuleContext): PodMesh[] {
  const entries = containerEntries(context.spec, INIT_THEN_APP);
  // One catalogue look-up per container, whichever mesh asks.
  const products: Array<string | undefined> = [];
  for (const entry of entries) {
    const image = entry.container.image;
    products.push(typeof image === 'string' ? detectHelper(image)?.product : undefined);
  }
  let meshes: PodMesh[] | undefined;
  for (const facts of MESH_FACTS) {
    let proxy: ContainerEntry | undefined;
    const inits: ContainerEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.role === 'init') {
        if (isMeshInit(entry, products[i], facts)) inits.push(entry);
      } else if (proxy === undefined && isProxy(entry, products[i], facts)) {
        proxy = entry;
      }
    }
    if (proxy !== undefined) {
      const uid = proxy.container.securityContext?.runAsUser;
      (meshes ??= []).push({
        facts,
        proxy,
        native: proxy.role === 'sidecar',
        inits,
        proxyUid: typeof uid === 'number' && Number.isInteger(uid) && uid > 0 ? uid : facts.proxyUid,
      });
      continue;
    }
    const requested = injectionRequested(facts, podMetadata(context));
    if (requested !== undefined) (meshes ??= []).push({ facts, native: requested.native, inits, proxyUid: facts.proxyUid });
  }
  return meshes ?? NO_MESHES;
}

/** Most pods are in no mesh: one shared, frozen answer. */
const NO_MESHES: PodMesh[] = Object.freeze([]) as unknown as PodMesh[];

const MESH_FACTS: readonly MeshFacts[] = [ISTIO, LINKERD];

/** Whether a container is a mesh's own container (proxy or init), which the mesh rules leave alone. */
export function isMeshContainer(entry: ContainerEntry, mesh: PodMesh): boolean {
  return entry.path === mesh.proxy?.path || mesh.inits.some(init => init.path === entry.path);
}

/** The pod template's metadata: `metadata` of a Pod, the template's `metadata` of a controller. */
export function podMetadata(context: RuleContext): PodMetadata {
  return context.shared(METADATA, () => readPodMetadata(context));
}

function readPodMetadata(context: RuleContext): PodMetadata {
  const { segments, path } = metadataPath(context.specPath);
  let node: any = context.manifest;
  for (const segment of segments) node = node !== null && typeof node === 'object' ? node[segment] : undefined;
  const metadata = node !== null && typeof node === 'object' ? node.metadata : undefined;
  return { labels: record(metadata?.labels), annotations: record(metadata?.annotations), path };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/** The pod template's path, from the pod spec's: `spec.template.spec` → `spec.template` and `spec.template.metadata`. */
function metadataPath(specPath: string): { readonly segments: readonly string[]; readonly path: string } {
  let known = METADATA_PATHS.get(specPath);
  if (known === undefined) {
    // A handful of distinct spec paths exist (Pod, controllers, CronJob), so this is worked out once each.
    const segments = specPath.split('.');
    segments.pop();
    known = { segments, path: [...segments, 'metadata'].join('.') };
    METADATA_PATHS.set(specPath, known);
  }
  return known;
}

const METADATA_PATHS = new Map<string, { readonly segments: readonly string[]; readonly path: string }>();

/** Path of one pod-template annotation, as SC001 writes annotation paths. */
export function annotationPath(metadata: PodMetadata, key: string): string {
  return `${metadata.path}.annotations[${key}]`;
}

function isProxy(entry: ContainerEntry, product: string | undefined, facts: MeshFacts): boolean {
  if (entry.name === facts.proxyName) return true;
  if (product !== facts.proxyName) return false;
  // The proxy images also run the mesh's init programs; those are never the proxy.
  return !runsInitProgram(entry.container);
}

function isMeshInit(entry: ContainerEntry, product: string | undefined, facts: MeshFacts): boolean {
  if (entry.name !== undefined && facts.initNames.includes(entry.name)) return true;
  const image = entry.container.image;
  if (typeof image !== 'string') return false;
  if (product === facts.proxyName) return true;
  return facts === LINKERD && imageRepositoryEndsWith(image, LINKERD_PROXY_INIT);
}

const INIT_PROGRAMS = /(^|\/)(istio-iptables|linkerd2-proxy-init|linkerd2-network-validator)$/;

function runsInitProgram(container: Record<string, any>): boolean {
  const words = [...(Array.isArray(container.command) ? container.command : []), ...(Array.isArray(container.args) ? container.args : [])];
  return words.some(word => typeof word === 'string' && INIT_PROGRAMS.test(word));
}

/** Whether the pod-template metadata asks this mesh's webhook for a proxy, and a native one. */
function injectionRequested(facts: MeshFacts, metadata: PodMetadata): { native: boolean } | undefined {
  const { labels, annotations } = metadata;
  if (facts === ISTIO) {
    const inject = labels[ISTIO_INJECT_LABEL] ?? annotations[ISTIO_INJECT_LABEL];
    if (inject === 'false') return undefined;
    if (inject !== 'true' && typeof labels[ISTIO_REVISION_LABEL] !== 'string') return undefined;
    return { native: annotations[ISTIO_NATIVE_ANNOTATION] === 'true' };
  }
  const inject = annotations[LINKERD_INJECT_ANNOTATION];
  if (inject !== 'enabled' && inject !== 'ingress') return undefined;
  const native = LINKERD_NATIVE_ANNOTATIONS.map(key => annotations[key]).find(value => value !== undefined);
  return { native: native === 'true' };
}
