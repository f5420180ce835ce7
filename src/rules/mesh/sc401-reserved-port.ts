import { containerEntries, INIT_THEN_APP, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { isMeshContainer, podMeshes } from './_mesh';

/**
 * SC401: a container of a meshed pod declares a port the mesh proxy binds. All containers share
 * the pod's network namespace, so only one process can listen there: the proxy starts first (a
 * native sidecar), and the app's bind then fails with EADDRINUSE, or, if the app got there first,
 * the proxy never passes its startup probe. Either way the pod does not run; an error. Ports the
 * proxy binds only with an optional feature (Istio HBONE 15008, DNS proxy 15053) are a warning.
 */
export const reservedPortRule: Rule = {
  id: 'SC401',
  severity: Severity.ERROR,
  title: 'a container of a meshed pod declares a port the mesh proxy binds (Istio 15000, 15001, 15004, 15006, 15020, 15021, 15090, and 15008/15053 with optional features; Linkerd 4140, 4143, 4190, 4191)',
  why: 'every container of a pod shares one network namespace, so the app and the proxy cannot both listen on the port: the proxy (a native sidecar, started first) holds it and the app fails to bind and crash-loops, or the app holds it and the proxy never becomes ready; ports the proxy binds only with an optional feature (Istio HBONE 15008, DNS proxy 15053) are reported as a warning',
  fix: 'move the app to another port (and its Service targetPort); the mesh\'s ports are fixed by its injector and iptables rules',
  source: 'Istio pilot-agent reserved ports and injection template; Linkerd proxy listen addresses (research/mesh-and-presets.md §1.4, §2.4)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const mesh of podMeshes(context)) {
      const reserved = new Map(mesh.facts.reservedPorts.map(r => [r.port, r]));
      const entries = containerEntries(context.spec, INIT_THEN_APP);
      for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
        const entry = entries[entryIndex];
        if (isMeshContainer(entry, mesh)) continue;
        const ports = entry.container.ports;
        if (!Array.isArray(ports)) continue;
        ports.forEach((port: any, k: number) => {
          const number = port !== null && typeof port === 'object' ? port.containerPort : undefined;
          const hit = typeof number === 'number' ? reserved.get(number) : undefined;
          if (hit === undefined) return;
          const by = mesh.proxy !== undefined ? `${mesh.facts.title}'s ${mesh.proxy.label}` : `the ${mesh.facts.title} proxy the webhook injects`;
          findings.push({
            path: `${entry.path}.ports[${k}].containerPort`,
            message: hit.alwaysBound
              ? `${entry.label} declares port ${number}, which ${by} binds (${hit.use}); both share the pod's network, so one of them cannot listen and the pod does not run`
              : `${entry.label} declares port ${number}, which ${by} binds when the mesh enables the ${hit.use.replace(/ \(only when .*\)$/, '')}; with that feature on, one of them cannot listen`,
            fix: `move ${nameOrPath(entry)} off port ${number} (and any Service targetPort pointing at it); ${mesh.facts.title} reserves ${mesh.facts.reservedPorts.map(r => r.port).join(', ')}`,
            ...(hit.alwaysBound ? {} : { severity: Severity.WARNING }),
          });
        });
      }
    }
    return findings;
  },
};
