import { Rule } from './rule';

/**
 * Every rule, in id order. RULES.md has one row per entry; a test pins the two together.
 */
export const RULES: readonly Rule[] = [
];
