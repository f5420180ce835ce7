import { gateEnabled } from '../../feature-gates';
import { LINUX_STOP_SIGNALS, WINDOWS_STOP_SIGNALS } from '../../lifecycle/stop-signals';
import { APP_THEN_INIT, containerEntries } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { at, finding, isPlainObject, isSet, show } from './_util';

/**
 * SC124 — container `lifecycle.stopSignal` where the ContainerStopSignals gate is on: the pod must
 * set `spec.os.name`, and the signal must be one the pod's OS supports (Windows: SIGTERM and
 * SIGKILL only). No modelled version has the gate on by default yet (it is alpha through 1.37):
 * there SC902 reports the field as dropped, and this rule stays silent.
 */
export const stopSignalRule: Rule = {
  id: 'SC124',
  severity: Severity.ERROR,
  title: 'a container stop signal (lifecycle.stopSignal) without spec.os.name, or not a signal of the pod\'s OS',
  why: 'with the ContainerStopSignals gate on, the API server requires spec.os.name on a pod that sets a stop signal and accepts only the signals of that OS (Linux signals; SIGTERM or SIGKILL on Windows)',
  fix: 'set spec.os.name (linux or windows) and use a signal the OS supports, e.g. SIGQUIT or SIGUSR1 on Linux',
  quiet: 'on every version where ContainerStopSignals is off by default (all modelled versions, 1.37 included): the field is dropped, which SC902 reports',
  source: 'validateLifecycle stop-signal checks, supportedStopSignalsLinux / supportedStopSignalsWindows (pkg/apis/core/validation/validation.go); KEP-4960',
  check(context: RuleContext): Finding[] {
    if (!gateEnabled('ContainerStopSignals', context.version)) return NO_FINDINGS;
    return stopSignalFindings(context.spec);
  },
};

/** The SC124 findings of a pod spec, as a cluster with ContainerStopSignals on reports them. */
export function stopSignalFindings(spec: any): Finding[] {
  const os = isPlainObject(spec?.os) ? spec.os.name : undefined;
  const findings: Finding[] = [];
  for (const entry of containerEntries(spec, APP_THEN_INIT)) {
    // A plain init container may not carry lifecycle at all (SC102).
    if (entry.role !== 'container' && entry.role !== 'sidecar') continue;
    const lifecycle = entry.container.lifecycle;
    if (!isPlainObject(lifecycle) || !isSet(lifecycle.stopSignal)) continue;
    const signal = lifecycle.stopSignal;
    const path = at(entry, 'lifecycle.stopSignal');
    if (os !== 'linux' && os !== 'windows') {
      findings.push(finding(path,
        `${entry.label} sets lifecycle.stopSignal ${show(signal)}, which may only be set when the pod sets spec.os.name (linux or windows)`,
        'set spec.os.name to the OS of the nodes the pod runs on'));
      continue;
    }
    const supported = os === 'windows' ? WINDOWS_STOP_SIGNALS : LINUX_STOP_SIGNALS;
    if (typeof signal === 'string' && supported.has(signal)) continue;
    findings.push(finding(path,
      os === 'windows'
        ? `${entry.label} sets lifecycle.stopSignal ${show(signal)}; a Windows pod supports only "SIGKILL" and "SIGTERM"`
        : `${entry.label} sets lifecycle.stopSignal ${show(signal)}, which is not a Linux stop signal`,
      os === 'windows' ? 'use SIGTERM or SIGKILL' : 'use a signal name as the kernel spells it, e.g. SIGQUIT, SIGINT or SIGUSR1'));
  }
  return findings;
}
