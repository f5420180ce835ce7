import { Rule } from '../rule';
import { privilegedSidecarRule } from './sc501-privileged-sidecar';
import { rootSidecarRule } from './sc502-root-sidecar';
import { sidecarPrivilegeEscalationRule } from './sc503-privilege-escalation';
import { addedCapabilitiesRule } from './sc504-added-capabilities';

export { privilegedSidecarRule, rootSidecarRule, sidecarPrivilegeEscalationRule, addedCapabilitiesRule };

/**
 * SC5xx: what a long-running helper should not hold (privilege, root, escalation, capabilities).
 * Sidecars only, except SC504, which also covers run-once init containers. In id order.
 */
export const SECURITY_RULES: Rule[] = [
  privilegedSidecarRule,
  rootSidecarRule,
  sidecarPrivilegeEscalationRule,
  addedCapabilitiesRule,
];
