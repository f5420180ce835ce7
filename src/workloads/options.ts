import { Duration } from 'cdk8s';
import { RuleSuppression } from '../integration';

/**
 * Settings every sidecar-aware workload shares, on top of its cdk8s-plus props.
 */
export interface SidecarWorkloadOptions {
  /**
   * The Kubernetes minor version the manifests are for. Native sidecars need 1.29 or later
   * (beta and on by default; GA in 1.33); earlier versions fail synth with an explanation.
   * @default - the `cdk8s-sidecars:kubernetesVersion` context value, else the oldest Kubernetes minor
   * supported upstream when the release was cut ('1.35')
   */
  readonly kubernetesVersion?: string;
  /**
   * How long the main containers need to stop after SIGTERM. With the sidecars' drain times it
   * makes up the derived `terminationGracePeriodSeconds`. A fraction of a second is rounded up.
   * @default Duration.seconds(30)
   */
  readonly appStopTime?: Duration;
  /**
   * Rule suppressions for this workload's manifest.
   * @default - none
   */
  readonly suppressions?: RuleSuppression[];
}

/** Context key read when a workload does not set `kubernetesVersion`. */
export const KUBERNETES_VERSION_CONTEXT = 'cdk8s-sidecars:kubernetesVersion';
