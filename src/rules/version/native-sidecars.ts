import { containerList, isSidecar } from '../../lifecycle/pod-spec';
import { isAtLeast } from '../../version';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/** SC901: native sidecars on a Kubernetes version that does not run them as sidecars. */
export const nativeSidecarVersionRule: Rule = {
  id: 'SC901',
  severity: Severity.ERROR,
  title: 'native sidecars (restartPolicy: Always on an init container) target Kubernetes older than 1.29',
  why: 'before 1.28 the field does not exist and is silently dropped, and in 1.28 the SidecarContainers gate is off by default: the sidecar then runs as a blocking init container and the pod never starts',
  fix: 'target Kubernetes 1.29 or later (sidecars are beta and on by default there, GA in 1.33), or keep the helper a regular container on older clusters',
  source: 'KEP-753; SidecarContainers feature gate (alpha 1.28, beta 1.29, GA 1.33)',
  check(context: RuleContext): Finding[] {
    if (isAtLeast(context.version, 29)) return [];
    const findings: Finding[] = [];
    const effect = isAtLeast(context.version, 28)
      ? 'the SidecarContainers feature gate is alpha and off by default in 1.28, so the API server drops restartPolicy'
      : `Kubernetes ${context.version.text} has no container restartPolicy and silently drops it`;
    // The spec as written: the API server of these versions drops the field these rules look for.
    containerList(context.sourceSpec, 'initContainers').forEach((container, i) => {
      if (!isSidecar(container)) return;
      findings.push({
        path: `initContainers[${i}].restartPolicy`,
        message: `sidecar "${container.name}" needs Kubernetes 1.29 or later, but the target is ${context.version.text}: ${effect}, and "${container.name}" would run as a blocking init container that never completes`,
        fix: 'set kubernetesVersion to 1.29 or later if the cluster is that new; otherwise run the helper as a regular container',
      });
    });
    return findings;
  },
};
