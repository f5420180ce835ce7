import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { finding, isSet, podRestartPolicy, pushAll, show, stringField } from './_util';

const POD_RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
/** Controllers whose pods must run forever: template restartPolicy must be Always. */
const ALWAYS_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController'];

/**
 * SC113 — the pod's `restartPolicy` (S2) and what the workload kind allows (§6.1): long-running
 * controllers need `Always` (absent defaults to Always, which is fine); Jobs and CronJobs need
 * `OnFailure` or `Never` (absent is an error), and only `Never` with a podFailurePolicy.
 */
export const restartPolicyRule: Rule = {
  id: 'SC113',
  severity: Severity.ERROR,
  title: 'the pod restartPolicy is invalid, or not allowed for the workload kind',
  why: 'the API server accepts only Always, OnFailure and Never; Deployments, ReplicaSets, StatefulSets and DaemonSets require Always, and Jobs require OnFailure or Never (Never when podFailurePolicy is set) — the omitted value defaults to Always and is rejected for a Job',
  fix: 'set restartPolicy: Always in long-running workloads and restartPolicy: Never (or OnFailure) in Jobs',
  source: 'validateRestartPolicy (pkg/apis/core/validation/validation.go); ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec, ValidateDaemonSetSpec (pkg/apis/apps/validation); validateJobSpec (pkg/apis/batch/validation)',
  check(context: RuleContext): Finding[] {
    const raw = stringField(context.spec.restartPolicy);
    const effective = podRestartPolicy(context.spec);
    if (raw === undefined || effective === undefined) return [];
    const findings: Finding[] = [];
    if (!POD_RESTART_POLICIES.includes(effective)) {
      findings.push(finding('restartPolicy',
        `the pod sets restartPolicy ${show(raw)}; supported values: "Always", "OnFailure", "Never"`,
        'use Always, OnFailure or Never (capitalised)'));
    }
    if (ALWAYS_KINDS.includes(context.kind) && effective !== 'Always' && POD_RESTART_POLICIES.includes(effective)) {
      findings.push(finding('restartPolicy',
        `a ${context.kind} pod template sets restartPolicy ${show(raw)}; supported values: "Always"`,
        'use restartPolicy: Always (or leave it out); run-to-completion work belongs in a Job'));
    }
    if (context.kind === 'Job' || context.kind === 'CronJob') {
      pushAll(findings, jobFindings(context, raw, effective));
    }
    return findings;
  },
};

function jobFindings(context: RuleContext, raw: string, effective: string): Finding[] {
  if (effective === 'Always') {
    return [finding('restartPolicy',
      raw === ''
        ? `the ${context.kind} pod template has no restartPolicy, so it defaults to Always; a Job requires a value: "OnFailure" or "Never"`
        : `the ${context.kind} pod template sets restartPolicy "Always"; supported values: "OnFailure", "Never"`,
      'set restartPolicy: Never (or OnFailure) in the pod template; sidecars keep restarting regardless')];
  }
  const jobSpec = context.kind === 'Job' ? context.manifest?.spec : context.manifest?.spec?.jobTemplate?.spec;
  if (effective === 'OnFailure' && isSet(jobSpec?.podFailurePolicy)) {
    return [finding('restartPolicy',
      `the ${context.kind} pod template sets restartPolicy "OnFailure", but only "Never" is supported when podFailurePolicy is specified`,
      'use restartPolicy: Never, or remove podFailurePolicy')];
  }
  return [];
}
