import { containerEntries, INIT_LISTS } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { isMeshContainer, podMeshes } from './_mesh';

/** How many containers started before the proxy a message names before it says "and N more". */
const NAMED_EARLIER = 3;

/**
 * SC403: a native mesh proxy is not the first init container after the mesh's own. Init
 * containers start in list order, so everything before the proxy starts outside the mesh.
 */
export const proxyNotFirstRule: Rule = {
  id: 'SC403',
  severity: Severity.WARNING,
  title: 'a native mesh proxy (istio-proxy, linkerd-proxy) starts after other init containers or sidecars than the mesh\'s own init container',
  why: 'init containers start strictly in list order, and the mesh\'s iptables rules capture traffic from the start; init containers and sidecars before the proxy therefore run with their traffic redirected to a proxy that is not running yet (connections fail) or, with exclusions, outside the mesh (no mTLS); the injector puts the proxy right after its init container for this reason. In plain YAML the order may be deliberate, so a warning; on constructs, where the library places the proxy, an error',
  fix: 'move the proxy right after the mesh\'s init container (istio-init/istio-validation, linkerd-init/linkerd-network-validator), before every other init container (MeshedDeployment does this)',
  source: 'Istio injector native-sidecar reorder; Linkerd patch order (research/mesh-and-presets.md §1.2, §2.2); KEP-753 startup ordering',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const inits = containerEntries(context.spec, INIT_LISTS);
    for (const mesh of podMeshes(context)) {
      const proxy = mesh.proxy;
      if (proxy === undefined || proxy.role !== 'sidecar') continue;
      const earlier = inits.filter(entry => entry.index < proxy.index && !isMeshContainer(entry, mesh));
      if (earlier.length === 0) continue;
      const named = earlier.slice(0, NAMED_EARLIER).map(entry => `${entry.label} (${entry.path})`);
      const list = earlier.length > NAMED_EARLIER ? `${named.join(', ')} and ${earlier.length - NAMED_EARLIER} more` : named.join(', ');
      findings.push({
        path: proxy.path,
        message: `${mesh.facts.title}'s ${proxy.label} is at ${proxy.path}, after ${list}: ${earlier.length === 1 ? 'it starts' : 'they start'} before the proxy runs, so ${earlier.length === 1 ? 'its' : 'their'} connections either fail (captured by the mesh's iptables rules with no proxy listening yet) or bypass the mesh`,
        fix: `move ${proxy.name !== undefined ? `"${proxy.name}"` : 'the proxy'} to the start of initContainers, right after the mesh's own init container`,
        ...(context.fromConstructs ? { severity: Severity.ERROR } : {}),
      });
    }
    return findings;
  },
};
