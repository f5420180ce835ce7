import { detectHelper, imageRepositoryEndsWith, LINKERD_PROXY_INIT } from '../../lifecycle/helper-images';
import { containerEntries, ContainerEntry, INIT_LISTS, nameOrPath, setsAnyField } from '../containers';
import { capturesTraffic, injectedContainers } from '../injected';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { isPlainObject, securityContextOf } from './_security-context';

/** What a mesh init container adds to program the pod's iptables; nothing else needs more. */
const MESH_INIT_CAPABILITIES = new Set(['NET_ADMIN', 'NET_RAW']);
/** The one capability the restricted Pod Security Standard lets any container add (binding ports below 1024). */
const ALWAYS_ALLOWED = 'NET_BIND_SERVICE';

const CAPABILITIES_FIELD = ['capabilities'];

/** SC504: an init container or sidecar adds capabilities beyond what a mesh init container needs. */
export const addedCapabilitiesRule: Rule = {
  id: 'SC504',
  severity: Severity.WARNING,
  title: 'an init container or sidecar adds a capability other than NET_ADMIN, NET_RAW and NET_BIND_SERVICE, or adds NET_ADMIN/NET_RAW without being a mesh init container',
  why: 'the most an init container needs is NET_ADMIN and NET_RAW, and only a mesh init container that writes the pod\'s iptables (Istio\'s istio-init, Linkerd\'s proxy-init, or any run-once init container running an iptables program) needs them; any other added capability widens what a compromised helper can do, and a sidecar keeps it for the pod\'s whole life',
  quiet: 'silent on NET_BIND_SERVICE, which even the restricted Pod Security Standard lets a container add; silent on NET_ADMIN/NET_RAW for a mesh\'s init container (one its injector lists, or one that runs an iptables program); info, not a warning, on capabilities of an injected mesh proxy that its template adds (Istio\'s TPROXY mode needs NET_ADMIN on the proxy)',
  fix: 'remove the capability from securityContext.capabilities.add; for traffic capture use the mesh\'s own init container or its CNI plugin',
  source: 'Pod Security Standards (baseline: capabilities; restricted: drop ALL, add at most NET_BIND_SERVICE); Istio and Linkerd injection templates',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, INIT_LISTS, CAPABILITIES_FIELD, true)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec, INIT_LISTS);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const capabilities = securityContextOf(entry.container).capabilities;
      if (!isPlainObject(capabilities) || !Array.isArray(capabilities.add)) continue;
      const meshInit = isKnownMeshInit(entry) || injectedContainers(context).get(entry.path)?.role === 'init' || (entry.role === 'init' && capturesTraffic(entry));
      capabilities.add.forEach((raw: unknown, k: number) => {
        if (typeof raw !== 'string' || raw.trim() === '') return;
        const capability = normalizeCapability(raw);
        if (capability === ALWAYS_ALLOWED) return;
        const written = capability === raw ? `"${raw}"` : `"${raw}" (${capability})`;
        const path = `${entry.path}.securityContext.capabilities.add[${k}]`;
        const fix = `remove "${raw}" from securityContext.capabilities.add on ${nameOrPath(entry)}`;
        if (!MESH_INIT_CAPABILITIES.has(capability)) {
          findings.push({
            path,
            message: `${entry.label} adds capability ${written}, beyond NET_ADMIN and NET_RAW (the most a mesh init container needs) and NET_BIND_SERVICE (which any container may add)`,
            fix,
          });
        } else if (!meshInit) {
          findings.push({
            path,
            message: `${entry.label} adds capability ${written}, which only a mesh init container that writes the pod's iptables needs, and ${nameOrPath(entry)} ${entry.role === 'sidecar' ? 'runs for the pod\'s whole life' : 'runs no iptables program'}`,
            fix: `${fix}; for traffic capture use the mesh's own init container or its CNI plugin`,
          });
        }
      });
    }
    return findings;
  },
};

/** `cap_net_admin` → `NET_ADMIN`: the kernel name, as the container runtimes accept it. */
function normalizeCapability(raw: string): string {
  const upper = raw.trim().toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice('CAP_'.length) : upper;
}

/**
 * Whether this is a mesh init container: a run-once init container running Istio's
 * `istio-iptables` from the proxyv2 image (the injector names it `istio-init`), Linkerd's
 * `proxy-init` image, or the Linkerd proxy image running `linkerd2-proxy-init` (newer Linkerd
 * ships proxy-init inside the proxy image; the injector names it `linkerd-init`).
 */
function isKnownMeshInit(entry: ContainerEntry): boolean {
  if (entry.role !== 'init') return false;
  const image = entry.container.image;
  if (typeof image !== 'string') return false;
  const runs = programs(entry.container);
  const product = detectHelper(image)?.product;
  if (product === 'istio-proxy') return entry.name === 'istio-init' || runs.has('istio-iptables');
  if (product === 'linkerd-proxy') return entry.name === 'linkerd-init' || runs.has('linkerd2-proxy-init');
  return imageRepositoryEndsWith(image, LINKERD_PROXY_INIT);
}

/** The words of command and args, with paths reduced to their last segment (`/usr/lib/x` → `x`). */
function programs(container: Record<string, any>): Set<string> {
  const words = new Set<string>();
  for (const field of ['command', 'args']) {
    const value = container[field];
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item !== 'string') continue;
      for (const word of item.split(/\s+/)) {
        if (word) words.add(word.slice(word.lastIndexOf('/') + 1));
      }
    }
  }
  return words;
}
