import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { validateManifests } from '../../src/rules/engine';
import { RULES } from '../../src/rules/pack';
import { Violation } from '../../src/rules/violation';
import { podSpecOf } from '../manifests';

/** Every rule of the pack (the mesh family included). */
export const ALL_RULES = RULES;

/** Synthesize a chart: all manifests, the one workload, its pod spec and pod-template metadata. */
export function render(chart: Chart) {
  const manifests = Testing.synth(chart);
  const manifest = manifests.find(m => ['Pod', 'Deployment', 'Job', 'CronJob', 'StatefulSet', 'DaemonSet'].includes(m.kind));
  const spec = podSpecOf(manifest);
  const podMetadata = manifest.kind === 'Pod' ? manifest.metadata : manifest.kind === 'CronJob'
    ? manifest.spec.jobTemplate.spec.template.metadata : manifest.spec.template.metadata;
  return { manifests, manifest, spec, podMetadata };
}

/** Lint synthesized manifests as the CLI does (plain YAML), with the mesh rules included. */
export function lint(manifests: any[]): Violation[] {
  return validateManifests(manifests, {}, { rules: ALL_RULES });
}

/** `name restartPolicy` of each init container, in order. */
export function initOrder(spec: any): string[] {
  return (spec.initContainers ?? []).map((c: any) => `${c.name}${c.restartPolicy ? ' (sidecar)' : ''}`);
}

export function container(spec: any, name: string): any {
  return [...spec.initContainers ?? [], ...spec.containers ?? []].find((c: any) => c.name === name);
}

/** Env of a container as `name -> value | valueFrom`. */
export function envOf(c: any): Record<string, any> {
  return Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** Small, explicit app resources (cdk8s-plus would otherwise request 1000m/512Mi). */
export const APP_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(250) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};
