import { ISidecarHost } from '../integration';
import { MeshRendering, MeshTarget } from './_render';
import { istioInjection, renderIstio } from './istio';
import { linkerdInjection, renderLinkerd } from './linkerd';
import { Mesh, MeshBinding, MeshKind, MeshMode } from './mesh';

/**
 * The one way a mesh joins a workload, behind `Mesh.bind`: in RENDER mode the mesh's init
 * container and proxy are added and pinned ahead of every other init container, the pod opts out of the webhook, and a render-time transform completes the proxy
 * from the final pod spec; in INJECT mode only the pod-template metadata asking the webhook for
 * a native proxy is added.
 */
export function bindMesh(host: ISidecarHost, mesh: Mesh): MeshBinding {
  const podMetadata = host.podMetadata;
  if (mesh.mode === MeshMode.INJECT) {
    const injection = mesh.kind === MeshKind.ISTIO ? istioInjection(mesh, mesh._istio!) : linkerdInjection(mesh._linkerd!);
    Object.entries(injection.labels).forEach(([key, value]) => podMetadata.addLabel(key, value));
    Object.entries(injection.annotations).forEach(([key, value]) => podMetadata.addAnnotation(key, value));
    return {};
  }

  const target = meshTarget(host);
  const rendering: MeshRendering = mesh.kind === MeshKind.ISTIO
    ? renderIstio(target, mesh, mesh._istio!)
    : renderLinkerd(target, mesh, mesh._linkerd!);
  const init = host.addRunOnceInit(rendering.init);
  host.pinFirst(init);
  const proxy = host.addSidecar(rendering.proxy);
  host.pinFirst(proxy);
  Object.entries(rendering.labels).forEach(([key, value]) => podMetadata.addLabel(key, value));
  Object.entries(rendering.annotations).forEach(([key, value]) => podMetadata.addAnnotation(key, value));
  host.addPodSpecTransform({ transformPodSpec: rendering.transform });
  return { proxy, init };
}

function meshTarget(workload: ISidecarHost): MeshTarget {
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
