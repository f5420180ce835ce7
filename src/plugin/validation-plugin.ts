import { WorkloadKinds } from '../lifecycle/pod-spec';
import { ruleCatalog } from '../rules/catalog';
import { validateManifests } from '../rules/engine';
import { resolveRuleSettings } from '../rules/settings';
import { Severity, ValidationOptions, Violation } from '../rules/violation';
import { DEFAULT_KUBERNETES_VERSION, parseKubeVersion } from '../version';

/**
 * Properties of `SidecarValidationPlugin`, given as `properties:` of the plugin in `cdk8s.yaml`.
 */
export interface SidecarValidationPluginProps extends ValidationOptions {
  /**
   * Fail the synth on warnings too, not only on errors.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * A cdk8s CLI validation plugin: `cdk8s synth` runs the cdk8s-sidecars rule pack on every
 * synthesized manifest of any cdk8s app (cdk8s-plus apps included) and fails on errors.
 * Suppressions in the `cdk8s-sidecars.io/suppress` annotation are honoured.
 *
 * In `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-sidecars
 *     version: 1.2.3          # the exact version installed; cdk8s refuses ranges
 *     class: SidecarValidationPlugin
 *     properties:
 *       kubernetesVersion: "1.33"
 *       customWorkloads:      # custom resources with a pod spec, beyond the well-known ones
 *         - { kind: MyApp, group: example.com, podSpecPath: spec.podTemplate.spec }
 * ```
 */
export class SidecarValidationPlugin {
  private readonly options: ValidationOptions;
  private readonly failOnWarnings: boolean;

  /**
   * @param props the `properties:` of the plugin entry in cdk8s.yaml
   */
  constructor(props: SidecarValidationPluginProps = {}) {
    // cdk8s passes `properties:` from cdk8s.yaml as YAML read it: check its shape before use.
    props = checkedProperties(props);
    const kubernetesVersion = parseKubeVersion(props.kubernetesVersion, 'the kubernetesVersion property of the cdk8s-sidecars validation plugin').text;
    // Checked here, so that a bad entry fails the plugin's construction with the property named.
    WorkloadKinds.of(props.customWorkloads, 'the customWorkloads property of the cdk8s-sidecars validation plugin: entry');
    resolveRuleSettings(props.rules, 'the rules property of the cdk8s-sidecars validation plugin');
    this.options = {
      kubernetesVersion,
      ...(props.requestBudget !== undefined ? { requestBudget: props.requestBudget } : {}),
      ...(props.customWorkloads !== undefined ? { customWorkloads: props.customWorkloads } : {}),
      ...(props.rules !== undefined ? { rules: props.rules } : {}),
    };
    this.failOnWarnings = props.failOnWarnings === true;
  }

  /**
   * Run the rule pack on the synthesized manifests and submit the report: one violation per
   * finding, located by resource name, manifest path and Kubernetes field path. The report fails
   * when there is an error (or a warning, with `failOnWarnings`).
   *
   * @param context the cdk8s CLI `ValidationContext` (typed loosely: cdk8s-cli is not a jsii library)
   */
  public async validate(context: any): Promise<void> {
    const titles = new Map(ruleCatalog().map(rule => [rule.id, rule]));
    const counts: Record<Severity, number> = { [Severity.ERROR]: 0, [Severity.WARNING]: 0, [Severity.INFO]: 0 };
    const manifestPaths: string[] = Array.isArray(context?.manifests) ? context.manifests : [];
    for (const manifestPath of manifestPaths) {
      for (const violation of this.check(context, manifestPath)) {
        counts[violation.severity]++;
        const rule = titles.get(violation.ruleId);
        context.report.addViolation({
          ruleName: `${violation.ruleId} [${violation.severity}] ${rule?.title ?? ''}`.trim(),
          recommendation: `${violation.kind} ${violation.namespace ? `${violation.namespace}/` : ''}${violation.name}: ${violation.message}`,
          fix: violation.fix ?? rule?.fix ?? 'see RULES.md',
          violatingResources: [{
            resourceName: violation.name,
            manifestPath,
            locations: [violation.path || '(the whole object)'],
          }],
        });
      }
    }
    const failed = counts.error > 0 || (this.failOnWarnings && counts.warning > 0);
    context.report.submit(failed ? 'failure' : 'success', {
      'kubernetes version': this.options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
      'errors': String(counts.error),
      'warnings': String(counts.warning),
      'info': String(counts.info),
      'rules': 'https://github.com/cdk8s-sidecars/cdk8s-sidecars/blob/main/RULES.md',
    });
  }

  /** The findings of one manifest file; a file that cannot be read is itself a finding. */
  private check(context: any, manifestPath: string): Violation[] {
    let manifests: unknown[];
    try {
      const parsed = context.parseManifest(manifestPath);
      manifests = Array.isArray(parsed) ? parsed : [parsed];
    } catch (error) {
      return [{
        ruleId: 'SC100',
        severity: Severity.ERROR,
        message: `the synthesized manifest could not be read: ${(error as Error).message}`,
        kind: '<unknown>',
        name: '<unnamed>',
        path: '',
        fix: 'check the app\'s output; cdk8s writes valid YAML unless a chart includes raw text',
      }];
    }
    // Empty documents (`---` with nothing after it) are not objects to check.
    return validateManifests(manifests.filter(m => m !== null && m !== undefined), this.options);
  }
}

const WHERE = 'the cdk8s-sidecars validation plugin';
const KNOWN_PROPERTIES = ['kubernetesVersion', 'requestBudget', 'customWorkloads', 'rules', 'failOnWarnings'];

/**
 * The plugin's `properties:` as YAML gives them, checked: an object (or nothing), known keys only,
 * each of the type it must have. The errors name the property and say how to write it.
 */
function checkedProperties(props: unknown): SidecarValidationPluginProps {
  if (props === undefined || props === null) return {};
  if (typeof props !== 'object' || Array.isArray(props)) {
    throw new Error(`the properties of ${WHERE} must be a mapping (kubernetesVersion, failOnWarnings, requestBudget, customWorkloads, rules), got ${describe(props)}`);
  }
  const record = props as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_PROPERTIES.includes(key)) throw new Error(`${WHERE} has no property "${key}"; its properties are ${KNOWN_PROPERTIES.join(', ')}`);
  }
  const { kubernetesVersion, failOnWarnings, requestBudget } = record;
  if (typeof kubernetesVersion === 'number') {
    throw new Error(`the kubernetesVersion property of ${WHERE} is the number ${kubernetesVersion}; quote it in cdk8s.yaml (kubernetesVersion: "1.30"), since YAML reads 1.30 unquoted as 1.3`);
  }
  if (kubernetesVersion !== undefined && typeof kubernetesVersion !== 'string') {
    throw new Error(`the kubernetesVersion property of ${WHERE} must be a string such as "1.35", got ${describe(kubernetesVersion)}`);
  }
  if (failOnWarnings !== undefined && typeof failOnWarnings !== 'boolean') {
    throw new Error(`the failOnWarnings property of ${WHERE} must be true or false (unquoted), got ${describe(failOnWarnings)}`);
  }
  if (requestBudget !== undefined) {
    const entries = requestBudget !== null && typeof requestBudget === 'object' && !Array.isArray(requestBudget) ? Object.entries(requestBudget) : undefined;
    const bad = entries?.find(([, value]) => typeof value !== 'string');
    if (entries === undefined || bad !== undefined) {
      throw new Error(`the requestBudget property of ${WHERE} must map resource names to quoted quantities (cpu: "2", memory: "4Gi")${bad !== undefined ? `; ${bad[0]} is ${describe(bad[1])}` : `, got ${describe(requestBudget)}`}`);
    }
  }
  return record as SidecarValidationPluginProps;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}
