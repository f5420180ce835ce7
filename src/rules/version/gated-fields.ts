import { FEATURE_GATES, FeatureGateName, gateEnabled, gateExists } from '../../feature-gates';
import { LINUX_STOP_SIGNALS, WINDOWS_STOP_SIGNALS } from '../../lifecycle/stop-signals';
import { KubeVersion } from '../../version';
import { at, isPlainObject, isSet, show } from '../api/_util';
import { containerEntries, INIT_THEN_APP } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';

/**
 * SC902 — a field whose feature gate is off by default at the target version (GATED_FIELDS in
 * feature-gates.ts marked `SC902`): container `lifecycle.stopSignal` (ContainerStopSignals) and
 * pod-level `resources` (PodLevelResources). While the gate is alpha the API server drops the field
 * before validating (a warning: the setting has no effect); before the gate exists the field is
 * unknown and strict field validation rejects the object (an error).
 */
export const gatedFieldsRule: Rule = {
  id: 'SC902',
  severity: Severity.ERROR,
  title: 'a field whose feature gate is off by default at the target Kubernetes version (lifecycle.stopSignal, pod-level resources)',
  why: 'while a feature gate is alpha the API server drops its fields before validating, so the setting silently does nothing (warning); before the gate exists the field is unknown, and strict field validation (kubectl\'s default) rejects the object (error)',
  fix: 'remove the field, or target a Kubernetes version where its gate is on by default (pod-level resources: 1.34); for a stop signal, set STOPSIGNAL in the image',
  source: 'dropDisabledFields (pkg/api/pod/util.go); versioned feature gates (pkg/features/kube_features.go): ContainerStopSignals alpha 1.33 (KEP-4960), PodLevelResources alpha 1.32, beta 1.34 (KEP-2837)',
  check(context: RuleContext): Finding[] {
    const spec = context.sourceSpec;
    let findings: Finding[] | undefined;
    if (!gateEnabled('ContainerStopSignals', context.version)) {
      for (const entry of containerEntries(spec, INIT_THEN_APP)) {
        const lifecycle = entry.container.lifecycle;
        if (!isPlainObject(lifecycle) || !isSet(lifecycle.stopSignal)) continue;
        (findings ??= []).push(stopSignalFinding(at(entry, 'lifecycle.stopSignal'), entry.label, lifecycle.stopSignal, context.version));
      }
    }
    if (!gateEnabled('PodLevelResources', context.version) && isSet(spec?.resources)) {
      (findings ??= []).push(gatedFinding('resources', 'the pod sets resources at pod level', 'PodLevelResources', context.version,
        'remove spec.resources and keep requests and limits on the containers, or target Kubernetes 1.34 or later'));
    }
    return findings ?? NO_FINDINGS;
  },
};

function stopSignalFinding(path: string, label: string, value: unknown, version: KubeVersion): Finding {
  const found = gatedFinding(path, `${label} sets lifecycle.stopSignal ${show(value)}`, 'ContainerStopSignals', version,
    'remove lifecycle.stopSignal and set STOPSIGNAL in the image, or keep it only on a cluster that enables the ContainerStopSignals feature gate (then also set spec.os.name)');
  if (found.severity !== Severity.WARNING) return found;
  const invalid = typeof value !== 'string' || !(LINUX_STOP_SIGNALS.has(value) || WINDOWS_STOP_SIGNALS.has(value));
  const stopped = ', and the container is stopped with its image\'s STOPSIGNAL (SIGTERM when the image sets none)';
  const note = invalid ? `; where the gate is on, ${show(value)} is rejected: it is not a stop signal Kubernetes accepts (SIGTERM, SIGQUIT, SIGINT, SIGUSR1, ...)` : '';
  return { ...found, message: `${found.message}${stopped}${note}` };
}

/** The finding for a gated field that `version` drops (warning) or does not know (error). */
function gatedFinding(path: string, subject: string, gateName: FeatureGateName, version: KubeVersion, fix: string): Finding {
  const gate = FEATURE_GATES[gateName];
  if (!gateExists(gateName, version)) {
    return {
      path,
      message: `${subject}, which Kubernetes ${version.text} does not know (the ${gate.name} feature gate arrives in 1.${gate.alpha}): strict field validation rejects it as an unknown field`,
      fix,
    };
  }
  return {
    path,
    severity: Severity.WARNING,
    message: `${subject}, but the ${gate.name} feature gate is alpha and off by default in Kubernetes ${version.text}: the API server drops the field before validating it`,
    fix,
  };
}
