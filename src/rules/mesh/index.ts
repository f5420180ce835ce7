import { Rule } from '../rule';
import { reservedPortRule } from './sc401-reserved-port';
import { proxyUidRule } from './sc402-proxy-uid';
import { proxyNotFirstRule } from './sc403-proxy-not-first';
import { redundantWorkaroundsRule } from './sc404-redundant-workarounds';

export { reservedPortRule, proxyUidRule, proxyNotFirstRule, redundantWorkaroundsRule };

/**
 * SC4xx: a meshed pod (a proxy rendered by name or image, or injection requested in the pod
 * template's metadata) against what the mesh reserves and what native sidecars make redundant.
 * In id order.
 */
export const MESH_RULES: Rule[] = [
  reservedPortRule,
  proxyUidRule,
  proxyNotFirstRule,
  redundantWorkaroundsRule,
];
