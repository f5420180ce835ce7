import * as kplus from 'cdk8s-plus-30';
import { RunOnceInit, Sidecar } from '../init-container';
import { MeshRendering, MeshTarget } from './_render';
import { istioInjection, renderIstio } from './istio';
import { linkerdInjection, renderLinkerd } from './linkerd';
import { Mesh, MeshKind, MeshMode } from './mesh';
import { SidecarHost } from '../workloads/host';

/** What applying a mesh added to a workload: the handles exist in RENDER mode only. */
export interface AppliedMesh {
  /** The mesh proxy, a native sidecar pinned first after the mesh's init container. */
  readonly proxy?: Sidecar;
  /** The mesh's own init container (iptables, or the CNI validator). */
  readonly init?: RunOnceInit;
}

/**
 * The one way a mesh joins a workload, shared by `MeshedDeployment` and `SidecarJob`: in RENDER
 * mode the mesh's init container and proxy are added and pinned ahead of every other init
 * container, the pod opts out of the webhook, and a render-time transform completes the proxy
 * from the final pod spec; in INJECT mode only the pod-template metadata asking the webhook for
 * a native proxy is added.
 */
export function applyMesh(workload: kplus.AbstractPod, mesh: Mesh): AppliedMesh {
  const host = SidecarHost.of(workload);
  if (host === undefined) {
    throw new Error(`[${workload.node.path}] a mesh can only join a workload of cdk8s-sidecars (SidecarDeployment, SidecarJob, ...)`);
  }
  const podMetadata = workload.podMetadata;
  if (mesh.mode === MeshMode.INJECT) {
    const injection = mesh.kind === MeshKind.ISTIO ? istioInjection(mesh, mesh._istio!) : linkerdInjection(mesh._linkerd!);
    Object.entries(injection.labels).forEach(([key, value]) => podMetadata.addLabel(key, value));
    Object.entries(injection.annotations).forEach(([key, value]) => podMetadata.addAnnotation(key, value));
    return {};
  }

  const target = meshTarget(workload);
  const rendering: MeshRendering = mesh.kind === MeshKind.ISTIO
    ? renderIstio(target, mesh, mesh._istio!)
    : renderLinkerd(target, mesh, mesh._linkerd!);
  const init = host.addRunOnceInit(rendering.init);
  host.pinFirst(init);
  const proxy = host.addSidecar(rendering.proxy);
  host.pinFirst(proxy);
  Object.entries(rendering.labels).forEach(([key, value]) => podMetadata.addLabel(key, value));
  Object.entries(rendering.annotations).forEach(([key, value]) => podMetadata.addAnnotation(key, value));
  rendering.suppressions.forEach(suppression => host.addSuppression(suppression));
  host.addPodSpecTransform(rendering.transform);
  return { proxy, init };
}

function meshTarget(workload: kplus.AbstractPod): MeshTarget {
  return {
    name: workload.name,
    kind: workload.kind,
    apiVersion: workload.apiVersion,
    namespace: workload.metadata.namespace,
    podLabel: key => workload.podMetadata.getLabel(key),
    podAnnotations: () => ({ ...workload.podMetadata.toJson().annotations }),
    firstContainerName: () => workload.containers[0]?.name,
  };
}
