import { containerEntries } from '../containers';
import { Finding, Rule, RuleContext } from '../rule';
import { Severity } from '../violation';
import { containerRequirementsClearlyFine, readRequirements, requirementFindings } from './_resources';
import { at, isPlainObject, pushAll } from './_util';

/**
 * SC110 — container resource requirements (K19–K23): unparseable, negative or fractional
 * (extended resources) quantities and unknown resource names at `resources.limits[<name>]` /
 * `resources.requests[<name>]`; request above limit, or an extended resource / hugepages request
 * that differs from its limit, at `resources.requests` (no key, as upstream prints it); a request
 * for a non-overcommitable resource without a limit at `resources.limits`; hugepages without cpu
 * or memory at `resources`. A bare Pod's missing requests are first copied from its limits.
 */
export const resourcesRule: Rule = {
  id: 'SC110',
  severity: Severity.ERROR,
  title: 'a container\'s resource requests or limits are invalid',
  why: 'the API server rejects unparseable or negative quantities, unknown resource names, requests above limits, extended resources (e.g. nvidia.com/gpu) whose request differs from the limit or has none, and hugepages without cpu or memory',
  fix: 'write quantities such as 500m or 256Mi, keep each request at or below its limit, and give extended resources a limit equal to the request',
  source: 'ValidateContainerResourceRequirements, validateResourceRequirements, ValidateResourceQuantityValue, validateContainerResourceName (pkg/apis/core/validation/validation.go); SetDefaults_Pod (pkg/apis/core/v1/defaults.go)',
  check(context: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const entries = containerEntries(context.spec);
    for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
      const entry = entries[entryIndex];
      const resources = entry.container.resources;
      if (!isPlainObject(resources) || containerRequirementsClearlyFine(resources)) continue;
      const defaultRequests = context.isPod && entry.role !== 'ephemeral';
      pushAll(findings, requirementFindings(readRequirements(resources, defaultRequests), at(entry, 'resources'), entry.label, 'container'));
    }
    return findings;
  },
};
