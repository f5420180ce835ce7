import { Construct } from 'constructs';
import { SidecarDeployment, SidecarDeploymentProps } from './deployment';
import { RunOnceInit, Sidecar } from '../init-container';
import { Mesh } from '../mesh/mesh';
import { checkInstance } from '../prop-checks';

/**
 * Props of a `MeshedDeployment`.
 */
export interface MeshedDeploymentProps extends SidecarDeploymentProps {
  /** The mesh the Deployment joins: `Mesh.istio()` or `Mesh.linkerd()`, rendered or injected. */
  readonly mesh: Mesh;
}

/**
 * A Deployment in a service mesh. In RENDER mode the mesh proxy is rendered at synth time as the
 * first native sidecar, after the mesh's own init container, so the app's init containers and
 * sidecars run inside the mesh; the pod opts out of the mesh's injection webhook. In INJECT mode
 * the pod asks the webhook for a native proxy instead.
 */
export class MeshedDeployment extends SidecarDeployment {
  /** The mesh this Deployment joins. */
  public readonly mesh: Mesh;
  /**
   * The mesh proxy sidecar, for dependencies and mounts.
   * @default - undefined in INJECT mode, where the webhook adds the proxy
   */
  public readonly meshProxy?: Sidecar;
  /**
   * The mesh's own init container (`istio-init`, `istio-validation`, `linkerd-init`,
   * `linkerd-network-validator`).
   * @default - undefined in INJECT mode
   */
  public readonly meshInit?: RunOnceInit;

  constructor(scope: Construct, id: string, props: MeshedDeploymentProps) {
    super(scope, id, props ?? {});
    checkInstance(() => `[${this.node.path}] MeshedDeployment`, 'mesh', props?.mesh, 'a Mesh: Mesh.istio() or Mesh.linkerd()', mesh => mesh instanceof Mesh);
    this.mesh = props.mesh;
    const binding = props.mesh.bind(this);
    this.meshProxy = binding.proxy;
    this.meshInit = binding.init;
  }
}

