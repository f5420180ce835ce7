// Manifest builders and runners shared by the rule-family tests.
import { validateManifests } from '../../src/rules/engine';
import { Rule } from '../../src/rules/rule';
import { ValidationOptions, Violation } from '../../src/rules/violation';

/** A minimal valid regular container. */
export const APP = { name: 'app', image: 'registry.example.com/app:1.0' };

export function pod(spec: any): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec };
}

export function deployment(spec: any): any {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } };
}

export function cronJob(spec: any): any {
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec } } } } };
}

/** Run one rule on one manifest, as plain YAML unless `fromConstructs`. */
export function run(rule: Rule, manifest: any, options: ValidationOptions = {}, fromConstructs = false): Violation[] {
  return validateManifests([manifest], options, { rules: [rule], fromConstructs });
}

/** `ruleId severity path` per violation, in report order. */
export function found(rule: Rule, manifest: any, options: ValidationOptions = {}, fromConstructs = false): string[] {
  return run(rule, manifest, options, fromConstructs).map(v => `${v.ruleId} ${v.severity} ${v.path}`);
}

/** Every malformed spec as a Pod, a Deployment and a CronJob, plus objects whose spec is unusable. */
export function malformedManifests(specs: readonly any[]): any[] {
  return [
    ...specs.flatMap(spec => [pod(spec), deployment(spec), cronJob(spec)]),
    { kind: 'Pod', metadata: { name: 'x' } }, { kind: 'Deployment', spec: { template: 'x' } }, { kind: 'CronJob', spec: { jobTemplate: [] } },
  ];
}
