import { nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { isPlainObject, isSet, securityContextOf, sidecarEntries } from './_security-context';

/** SC502: a sidecar runs as root, or is explicitly allowed to. */
export const rootSidecarRule: Rule = {
  id: 'SC502',
  severity: Severity.WARNING,
  title: 'a sidecar runs as root (runAsUser: 0 on the container, or on the pod and not overridden) or sets runAsNonRoot: false without a non-root runAsUser',
  why: 'a helper that runs for the pod\'s whole life as UID 0 turns any bug in it into root inside the pod, next to the app; runAsNonRoot: false switches off the kubelet\'s check, so an image whose user is root runs as root',
  fix: 'set securityContext.runAsUser to a non-zero UID and runAsNonRoot: true on the sidecar (or on the pod, without a container override back to root)',
  quiet: 'silent on Windows pods (spec.os.name windows); info when a mesh injector\'s template runs its proxy as root (Istio\'s TPROXY interception mode needs it), as for every warning about what an injector decides',
  source: 'Pod Security Standards (restricted: running as non-root, non-root user); kubelet runAsNonRoot verification',
  check(context: RuleContext): Finding[] {
    const spec = context.spec;
    // runAsUser and runAsNonRoot do not apply to Windows pods (they use windowsOptions).
    if (isPlainObject(spec.os) && spec.os.name === 'windows') return [];
    const pod = securityContextOf(spec);
    const findings: Finding[] = [];
    const entries = sidecarEntries(spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const own = securityContextOf(entry.container);
      const fromContainer = isSet(own.runAsUser);
      const runAsUser = fromContainer ? own.runAsUser : pod.runAsUser;
      if (runAsUser === 0) {
        findings.push(fromContainer
          ? {
            path: `${entry.path}.securityContext.runAsUser`,
            message: `${entry.label} runs as root: securityContext.runAsUser is 0`,
            fix: `set securityContext.runAsUser on ${nameOrPath(entry)} to a non-zero UID and runAsNonRoot to true`,
          }
          : {
            path: 'securityContext.runAsUser',
            message: `${entry.label} runs as root: it inherits the pod's securityContext.runAsUser 0 and sets no runAsUser of its own`,
            fix: `set a non-zero securityContext.runAsUser on the pod, or on ${nameOrPath(entry)} to override it`,
          });
        continue;
      }
      // A non-root UID makes runAsNonRoot: false harmless; a malformed one is another rule's business.
      if (isSet(runAsUser)) continue;
      const nonRootFromContainer = isSet(own.runAsNonRoot);
      const runAsNonRoot = nonRootFromContainer ? own.runAsNonRoot : pod.runAsNonRoot;
      if (runAsNonRoot !== false) continue;
      findings.push(nonRootFromContainer
        ? {
          path: `${entry.path}.securityContext.runAsNonRoot`,
          message: `${entry.label} may run as root: securityContext.runAsNonRoot is false and no runAsUser is set, so the image's user applies`,
          fix: `set securityContext.runAsNonRoot to true on ${nameOrPath(entry)}, with a non-zero runAsUser if the image's user is root`,
        }
        : {
          path: 'securityContext.runAsNonRoot',
          message: `${entry.label} may run as root: it inherits the pod's securityContext.runAsNonRoot false and no runAsUser is set, so the image's user applies`,
          fix: `set securityContext.runAsNonRoot to true on the pod or on ${nameOrPath(entry)}, with a non-zero runAsUser if the image's user is root`,
        });
    }
    return findings;
  },
};
