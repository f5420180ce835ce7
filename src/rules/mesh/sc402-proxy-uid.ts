import { containerEntries, INIT_THEN_APP, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { isPlainObject, isSet, securityContextOf } from '../security/_security-context';
import { Severity } from '../violation';
import { isMeshContainer, podMeshes } from './_mesh';

/**
 * SC402: a container runs with the proxy's UID. The mesh's iptables rules exempt the proxy's own
 * traffic by UID (Istio `-u 1337`, Linkerd `--proxy-uid 2102`) so it does not loop back into
 * itself; every other process with that UID is exempt too.
 */
export const proxyUidRule: Rule = {
  id: 'SC402',
  severity: Severity.ERROR,
  title: 'a container of a meshed pod runs as the mesh proxy\'s UID (Istio 1337, Linkerd 2102, or the proxy\'s own runAsUser)',
  why: 'the iptables rules that send traffic through the proxy exempt the proxy\'s UID, so the container\'s outbound traffic bypasses the proxy: no mTLS (calls to services that require it fail), no authorization policy, no telemetry; Istio\'s injector itself refuses to let the app share the proxy\'s UID',
  fix: 'run the container as another UID (securityContext.runAsUser on the container, or on the pod)',
  source: 'istio-iptables -u and Linkerd proxy-init --proxy-uid owner match; Istio injector UID handling (research/mesh-and-presets.md §1.3, §1.4, §2.3)',
  check(context: RuleContext): Finding[] {
    const spec = context.spec;
    if (isPlainObject(spec.os) && spec.os.name === 'windows') return [];
    const podUser = securityContextOf(spec).runAsUser;
    const findings: Finding[] = [];
    for (const mesh of podMeshes(context)) {
      const entries = containerEntries(spec, INIT_THEN_APP);
      for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
        const entry = entries[entryIndex];
        if (isMeshContainer(entry, mesh)) continue;
        const own = securityContextOf(entry.container).runAsUser;
        const fromContainer = isSet(own);
        const uid = fromContainer ? own : podUser;
        if (uid !== mesh.proxyUid) continue;
        const proxyText = mesh.proxy !== undefined ? `${mesh.facts.title}'s ${mesh.proxy.label}` : `the ${mesh.facts.title} proxy`;
        findings.push({
          path: fromContainer ? `${entry.path}.securityContext.runAsUser` : 'securityContext.runAsUser',
          message: `${entry.label} runs as UID ${uid}${fromContainer ? '' : ' (the pod\'s securityContext.runAsUser)'}, the UID of ${proxyText}, which the mesh's iptables rules exempt: its outbound traffic bypasses the proxy (no mTLS, no policy, no telemetry)`,
          fix: fromContainer
            ? `set securityContext.runAsUser on ${nameOrPath(entry)} to a UID other than ${uid}`
            : `set the pod's securityContext.runAsUser to a UID other than ${uid}, or override it on ${nameOrPath(entry)}`,
        });
      }
    }
    return findings;
  },
};
