import { API_RULES } from './api';
import { LIFECYCLE_RULES } from './lifecycle';
import { MESH_RULES } from './mesh';
import { RESOURCE_RULES } from './resources';
import { Rule } from './rule';
import { SECURITY_RULES } from './security';
import { gatedFieldsRule } from './version/gated-fields';
import { nativeSidecarVersionRule } from './version/native-sidecars';

/**
 * Every manifest rule, in id order. RULES.md has one row per entry; a test pins the two together.
 */
export const RULES: readonly Rule[] = [
  ...API_RULES,
  ...LIFECYCLE_RULES,
  ...RESOURCE_RULES,
  ...MESH_RULES,
  ...SECURITY_RULES,
  nativeSidecarVersionRule,
  gatedFieldsRule,
];
