import { formatQuantity, Nanos, parseQuantity } from '../../lifecycle/quantity';
import { effectiveResources } from '../../lifecycle/resources';
import { KubeVersion } from '../../version';
import { APP_LISTS, containerEntries, ContainerEntry, INIT_LISTS, nameOrPath } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { amountOf, isPlainObject, ownResources, show } from './_resource-lists';

/** SC302: the pod's effective requests exceed the caller's request budget. */
export const requestBudgetRule: Rule = {
  id: 'SC302',
  severity: Severity.ERROR,
  title: 'the effective pod request (KEP-753 formula) of a resource exceeds ValidationOptions.requestBudget, or the budget is not a quantity',
  why: 'the scheduler, kubelet admission and ResourceQuota all charge the effective request: regular containers plus every sidecar, or a run-once init container plus the sidecars declared before it when that is larger; a pod above the budget does not fit where it was planned to run',
  fix: 'lower the requests of the biggest contributor named in the message, declare sidecars after heavy run-once init containers that do not need them, or raise the budget',
  source: 'KEP-753 resource calculation; component-helpers PodRequests; cdk8s-sidecars ValidationOptions.requestBudget',
  check(context: RuleContext): Finding[] {
    const budget: unknown = context.options?.requestBudget;
    if (budget === undefined || budget === null) return [];
    if (!isPlainObject(budget)) {
      return [{
        path: '',
        message: `requestBudget is ${show(budget)}, not a map of resource names to quantities, so no request budget can be checked`,
        fix: 'pass requestBudget as an object such as { cpu: \'2\', memory: \'4Gi\' }',
      }];
    }
    const effective = context.effective;
    const findings: Finding[] = [];
    for (const name of Object.keys(budget).sort()) {
      const raw = budget[name];
      const allowed = parseQuantity(raw);
      if (allowed === undefined || allowed < 0n) {
        findings.push({
          path: '',
          message: `requestBudget.${name} is ${show(raw)}, which is not a non-negative quantity, so the ${name} budget cannot be checked`,
          fix: `write requestBudget.${name} as a quantity such as ${name === 'cpu' ? '2 or 500m' : '4Gi'}`,
        });
        continue;
      }
      const requested = amountOf(effective.requests, name);
      if (requested <= allowed) continue;
      const top = biggestContributor(context.spec, context.version, name);
      findings.push({
        path: '',
        message: `effective pod ${name} request is ${formatQuantity(requested)}, above the request budget of ${formatQuantity(allowed)}${top ? `; the biggest contributor is ${top.text}` : ''}`,
        fix: top?.fix ?? `lower the ${name} requests of the containers or raise requestBudget.${name}`,
      });
    }
    return findings;
  },
};

interface Contributor {
  readonly text: string;
  readonly fix: string;
}

/**
 * What makes the effective request of one resource as large as it is, found by asking the
 * lifecycle model about parts of the pod: the pod-level resources when they replace the
 * container total, else the larger of the running phase (regular containers plus sidecars) and
 * the heaviest run-once init phase (the init container plus the sidecars declared before it),
 * and within the running phase the container that asks most. Pod overhead competes too.
 */
function biggestContributor(spec: any, version: KubeVersion, name: string): Contributor | undefined {
  const budgetHint = `or raise requestBudget.${name}`;
  const withoutPodLevel = effectiveResources(isPlainObject(spec) ? { ...spec, resources: undefined } : {}, version);
  const withPodLevel = effectiveResources(spec, version);
  if (amountOf(withoutPodLevel.requests, name) !== amountOf(withPodLevel.requests, name)) {
    return {
      text: `the pod-level spec resources, which replace the containers' ${name} total`,
      fix: `lower the pod-level resources.requests.${name} ${budgetHint}`,
    };
  }

  const inits = containerEntries(spec, INIT_LISTS);
  const mains = containerEntries(spec, APP_LISTS);
  const sidecars = inits.filter(entry => entry.role === 'sidecar');
  const own = (entry: ContainerEntry) => amountOf(ownResources(entry.container, version).requests, name);
  const runningSpec = { containers: mains.map(e => e.container), initContainers: sidecars.map(e => e.container) };
  const running = amountOf(effectiveResources(runningSpec, version).requests, name);

  const candidates: Array<{ amount: Nanos; contributor: Contributor }> = [];
  let heaviestInit: { entry: ContainerEntry; use: Nanos } | undefined;
  for (const entry of inits) {
    if (entry.role !== 'init') continue;
    const before = sidecars.filter(sidecar => sidecar.index < entry.index).map(sidecar => sidecar.container);
    const use = amountOf(effectiveResources({ initContainers: [...before, entry.container] }, version).requests, name);
    if (heaviestInit === undefined || use > heaviestInit.use) heaviestInit = { entry, use };
  }
  if (heaviestInit !== undefined && heaviestInit.use > running) {
    const { entry, use } = heaviestInit;
    const alone = own(entry);
    const fromSidecars = use - alone;
    candidates.push({
      amount: use,
      contributor: fromSidecars > 0n
        ? {
          text: `${entry.label} (${formatQuantity(alone)}, plus ${formatQuantity(fromSidecars)} of the sidecars declared before it, which keep running while it does)`,
          fix: `lower the ${name} request of ${nameOrPath(entry)}, declare the sidecars it does not need after it, ${budgetHint}`,
        }
        : {
          text: `${entry.label} (${formatQuantity(alone)})`,
          fix: `lower the ${name} request of ${nameOrPath(entry)} ${budgetHint}`,
        },
    });
  } else {
    let largest: { entry: ContainerEntry; amount: Nanos } | undefined;
    for (const entry of [...mains, ...sidecars]) {
      const amount = own(entry);
      if (amount > 0n && (largest === undefined || amount > largest.amount)) largest = { entry, amount };
    }
    if (largest !== undefined) {
      candidates.push({
        amount: largest.amount,
        contributor: {
          text: `${largest.entry.label} (${formatQuantity(largest.amount)})`,
          fix: `lower the ${name} request of ${nameOrPath(largest.entry)} ${budgetHint}`,
        },
      });
    }
  }

  const overhead = isPlainObject(spec) && isPlainObject(spec.overhead) ? parseQuantity(spec.overhead[name]) : undefined;
  if (overhead !== undefined && overhead > 0n) {
    candidates.push({
      amount: overhead,
      contributor: {
        text: `the pod overhead of its RuntimeClass (${formatQuantity(overhead)})`,
        fix: `use a RuntimeClass with less ${name} overhead ${budgetHint}`,
      },
    });
  }
  // Stable: on a tie the container wins over the overhead.
  return candidates.reduce<{ amount: Nanos; contributor: Contributor } | undefined>(
    (best, candidate) => best === undefined || candidate.amount > best.amount ? candidate : best, undefined)?.contributor;
}
