import { isAtLeast } from '../../version';
import { APP_THEN_INIT, containerEntries, setsAnyField } from '../containers';
import { Finding, NO_FINDINGS, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { effectiveLifecycle, HandlerAction, handlerFindings, SLEEP_ACTION_MINOR } from './_handlers';
import { at, gracePeriodSeconds, intField, isPlainObject, isSet, pushAll } from './_util';

/** PodLifecycleSleepActionAllowZero is beta (on) from 1.33: `sleep.seconds: 0` is accepted. */
const SLEEP_ZERO_MINOR = 33;

const HOOK_ACTIONS: readonly HandlerAction[] = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
const HOOK_ACTIONS_BEFORE_SLEEP: readonly HandlerAction[] = ['exec', 'httpGet', 'tcpSocket'];

const LIFECYCLE_FIELD = ['lifecycle'];

/**
 * SC109 — lifecycle hooks (postStart, preStop) on regular containers and sidecars (L1–L5):
 * exactly one action, a non-empty exec command, a valid httpGet port and scheme, and a sleep
 * between 0 (1 before 1.33) and the pod's terminationGracePeriodSeconds (30 when absent; on a Pod
 * a negative one is validated as 1, on a template as written, so any sleep fails there).
 * `stopSignal` is dropped (ContainerStopSignals off) and never reported; before 1.30 the sleep
 * action is dropped too, and a hook left without an action disappears silently.
 */
export const lifecycleHooksRule: Rule = {
  id: 'SC109',
  severity: Severity.ERROR,
  title: 'a lifecycle hook on a container or sidecar is invalid',
  why: 'the API server validates postStart and preStop of regular containers and sidecars: exactly one action, a non-empty exec command, a valid httpGet port and scheme, and a sleep no longer than the pod\'s grace period',
  fix: 'give each hook exactly one action; keep preStop sleep within terminationGracePeriodSeconds',
  source: 'validateLifecycle, validateHandler, validateSleepAction (pkg/apis/core/validation/validation.go)',
  check(context: RuleContext): Finding[] {
    if (!setsAnyField(context.spec, APP_THEN_INIT, LIFECYCLE_FIELD)) return NO_FINDINGS;
    const findings: Finding[] = [];
    const actions = isAtLeast(context.version, SLEEP_ACTION_MINOR) ? HOOK_ACTIONS : HOOK_ACTIONS_BEFORE_SLEEP;
    const options = {
      actions,
      gracePeriodSeconds: gracePeriodSeconds(context.spec, context.isPod, context.version),
      gracePeriodAsWritten: intField(context.spec.terminationGracePeriodSeconds),
      sleepZeroAllowed: isAtLeast(context.version, SLEEP_ZERO_MINOR),
    };
    for (const entry of containerEntries(context.spec, APP_THEN_INIT)) {
      if (entry.role !== 'container' && entry.role !== 'sidecar') continue;
      const lifecycle = effectiveLifecycle(entry.container.lifecycle, context.version);
      if (lifecycle === undefined) continue;
      for (const hook of ['postStart', 'preStop']) {
        const handler = lifecycle[hook];
        if (!isSet(handler) || !isPlainObject(handler)) continue;
        pushAll(findings, handlerFindings(handler, at(entry, `lifecycle.${hook}`), `${entry.label} ${hook}`, options));
      }
    }
    return findings;
  },
};
