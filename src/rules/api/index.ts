import { Rule } from '../rule';
import { withStatefulSetNote } from './_statefulset-note';
import { initRestartPolicyRule } from './sc101-init-restart-policy';
import { initProbesLifecycleRule } from './sc102-init-probes-lifecycle';
import { containerRestartPolicyRule } from './sc103-container-restart-policy';
import { containerNamesRule } from './sc104-container-names';
import { duplicateNamesRule } from './sc105-duplicate-names';
import { imageRule } from './sc106-image';
import { portsRule } from './sc107-ports';
import { probesRule } from './sc108-probes';
import { lifecycleHooksRule } from './sc109-lifecycle-hooks';
import { resourcesRule } from './sc110-resources';
import { volumeMountsRule } from './sc111-volume-mounts';
import { containersRequiredRule } from './sc112-containers-required';
import { restartPolicyRule } from './sc113-restart-policy';
import { activeDeadlineRule } from './sc114-active-deadline';
import { envNamesRule } from './sc115-env-names';
import { pullAndMessagePolicyRule } from './sc116-pull-and-message-policy';
import { runAsRangesRule } from './sc117-run-as-ranges';
import { resizePolicyRule } from './sc118-resize-policy';
import { ephemeralContainersRule } from './sc119-ephemeral-containers';
import { podResourcesRule } from './sc120-pod-resources';
import { apiWarningsRule } from './sc121-api-warnings';
import { fieldTypesRule } from './sc122-field-types';
import { negativeGracePeriodRule } from './sc123-negative-grace-period';
import { stopSignalRule } from './sc124-stop-signal';

export {
  initRestartPolicyRule, initProbesLifecycleRule, containerRestartPolicyRule, containerNamesRule, duplicateNamesRule,
  imageRule, portsRule, probesRule, lifecycleHooksRule, resourcesRule, volumeMountsRule, containersRequiredRule,
  restartPolicyRule, activeDeadlineRule, envNamesRule, pullAndMessagePolicyRule, runAsRangesRule, resizePolicyRule,
  ephemeralContainersRule, podResourcesRule, apiWarningsRule, fieldTypesRule, negativeGracePeriodRule, stopSignalRule,
};

/**
 * SC1xx: what a kube-apiserver (v1.33 by default, version-aware) rejects in a pod spec, with the
 * field path it prints, and (SC121, SC123) what it accepts with a warning or changes. In id order.
 * Each error about a StatefulSet that a pre-1.34 API server takes unchecked says so (`withStatefulSetNote`).
 */
export const API_RULES: Rule[] = [
  initRestartPolicyRule,
  initProbesLifecycleRule,
  containerRestartPolicyRule,
  containerNamesRule,
  duplicateNamesRule,
  imageRule,
  portsRule,
  probesRule,
  lifecycleHooksRule,
  resourcesRule,
  volumeMountsRule,
  containersRequiredRule,
  restartPolicyRule,
  activeDeadlineRule,
  envNamesRule,
  pullAndMessagePolicyRule,
  runAsRangesRule,
  resizePolicyRule,
  ephemeralContainersRule,
  podResourcesRule,
  apiWarningsRule,
  fieldTypesRule,
  negativeGracePeriodRule,
  stopSignalRule,
// A wrong JSON type fails decoding, which rejects the StatefulSet too: no note for SC122.
].map(rule => rule === fieldTypesRule ? rule : withStatefulSetNote(rule));
