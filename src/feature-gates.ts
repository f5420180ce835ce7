/**
 * The Kubernetes feature gates that change what the rules model, in one table: when each gate
 * became alpha (off by default), beta (on by default) and GA, and the pod-spec fields it guards.
 * `gateEnabled` answers "is it on by default at this version"; the version rules (SC902) and
 * `specAsValidated` read the field entries. Versions are minors of 1.x, from upstream's
 * versioned feature gates (pkg/features/kube_features.go) and the KEPs named.
 */
import { isAtLeast, KubeVersion } from './version';

export type FeatureGateName =
  | 'SidecarContainers'
  | 'PodLifecycleSleepAction'
  | 'PodLifecycleSleepActionAllowZero'
  | 'InPlacePodVerticalScaling'
  | 'PodLevelResources'
  | 'ContainerRestartRules'
  | 'RestartAllContainersOnContainerExits'
  | 'ContainerStopSignals'
  | 'PodLevelResourcesFixDefaulting';

export interface FeatureGate {
  readonly name: FeatureGateName;
  /** The KEP or pull request that defines it. */
  readonly source: string;
  /** First minor where the gate exists (off by default); undefined when it was introduced already on. */
  readonly alpha?: number;
  /** First minor where it is on by default (beta or GA); undefined while it is still alpha upstream. */
  readonly onByDefault?: number;
  /** First minor where it is GA. */
  readonly ga?: number;
}

export const FEATURE_GATES: Readonly<Record<FeatureGateName, FeatureGate>> = {
  SidecarContainers: { name: 'SidecarContainers', source: 'KEP-753', alpha: 28, onByDefault: 29, ga: 33 },
  PodLifecycleSleepAction: { name: 'PodLifecycleSleepAction', source: 'KEP-3960', alpha: 29, onByDefault: 30, ga: 34 },
  PodLifecycleSleepActionAllowZero: { name: 'PodLifecycleSleepActionAllowZero', source: 'KEP-4818', alpha: 32, onByDefault: 33, ga: 34 },
  InPlacePodVerticalScaling: { name: 'InPlacePodVerticalScaling', source: 'KEP-1287', alpha: 27, onByDefault: 33, ga: 35 },
  PodLevelResources: { name: 'PodLevelResources', source: 'KEP-2837', alpha: 32, onByDefault: 34 },
  ContainerRestartRules: { name: 'ContainerRestartRules', source: 'KEP-5307', alpha: 34, onByDefault: 35 },
  RestartAllContainersOnContainerExits: { name: 'RestartAllContainersOnContainerExits', source: 'KEP-5532', alpha: 35, onByDefault: 36 },
  // Alpha since 1.33; the beta missed the 1.37 code freeze (kubernetes/enhancements#4960), so it is off in every modelled version.
  ContainerStopSignals: { name: 'ContainerStopSignals', source: 'KEP-4960', alpha: 33 },
  // kubernetes/kubernetes#140514: pod-level limits defaulted from the container limits; introduced on by default.
  PodLevelResourcesFixDefaulting: { name: 'PodLevelResourcesFixDefaulting', source: 'kubernetes/kubernetes#140514, KEP-2837', onByDefault: 37 },
};

/** Whether the gate is on by default in `version`. */
export function gateEnabled(name: FeatureGateName, version: KubeVersion): boolean {
  const on = FEATURE_GATES[name].onByDefault;
  return on !== undefined && isAtLeast(version, on);
}

/** Whether the gate exists in `version` (the field it guards is in the API, even if dropped while off). */
export function gateExists(name: FeatureGateName, version: KubeVersion): boolean {
  const gate = FEATURE_GATES[name];
  const first = gate.alpha ?? gate.onByDefault;
  return first !== undefined && isAtLeast(version, first);
}

/** A pod-spec field that only a feature gate lets through. */
export interface GatedField {
  readonly gate: FeatureGateName;
  /** Where it sits, for messages and RULES.md: `<container>.lifecycle.stopSignal`, `resources`. */
  readonly field: string;
  /** Which rule reports it when the gate is off; SC902 reports the fields no other rule does. */
  readonly reportedBy: string;
}

/**
 * The gated pod-spec fields. While a gate is alpha (off by default) the API server drops its fields
 * before validation (`dropDisabledFields`, pkg/api/pod/util.go); before the gate exists the field is
 * unknown, and strict field validation rejects the object.
 */
export const GATED_FIELDS: readonly GatedField[] = [
  { gate: 'SidecarContainers', field: 'initContainers[*].restartPolicy', reportedBy: 'SC901' },
  { gate: 'ContainerRestartRules', field: '<container>.restartPolicyRules', reportedBy: 'SC101, SC103' },
  { gate: 'ContainerStopSignals', field: '<container>.lifecycle.stopSignal', reportedBy: 'SC902' },
  { gate: 'PodLevelResources', field: 'resources', reportedBy: 'SC902' },
];
