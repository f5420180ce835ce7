/**
 * Internal plumbing shared by the Istio and Linkerd renderers: what they know about the workload,
 * what they return, and small pure helpers over rendered pod-spec JSON. Not part of the public API.
 */
import * as kplus from 'cdk8s-plus-30';
import * as k8s from 'cdk8s-plus-30/lib/imports/k8s';
import { RunOnceInitProps, SidecarProps } from '../init-container';
import { MeshLogLevel } from './mesh';

/** What a renderer may know about the workload. Reads that depend on later calls are lazy. */
export interface MeshTarget {
  /** `metadata.name` of the workload. */
  readonly name: string;
  /** `kind` of the workload, e.g. `Deployment`. */
  readonly kind: string;
  /** `apiVersion` of the workload, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** `metadata.namespace` of the workload, when set. */
  readonly namespace?: string;
  /** A pod-template label as it is at synth time. */
  podLabel(key: string): string | undefined;
  /** The pod-template annotations as they are when the mesh is applied. */
  podAnnotations(): Record<string, string>;
  /** The first main container's name at synth time. */
  firstContainerName(): string | undefined;
}

/** What RENDER mode adds to a workload. Label and annotation values may be cdk8s `Lazy` values. */
export interface MeshRendering {
  readonly init: RunOnceInitProps;
  readonly proxy: SidecarProps;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Completes the proxy from the final pod spec: env, mounts, volumes, probe rewriting. */
  readonly transform: (spec: any) => any;
}

/** What INJECT mode adds: the pod-template metadata that asks the webhook for a native proxy. */
export interface MeshInjection {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export type EnvEntry = Record<string, any>;

export function valueEnv(name: string, value: string): EnvEntry {
  return { name, value };
}

export function fieldEnv(name: string, fieldPath: string): EnvEntry {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

export function resourceEnv(name: string, resource: string, divisor?: string): EnvEntry {
  return { name, valueFrom: { resourceFieldRef: { resource, ...(divisor !== undefined ? { divisor: k8s.Quantity.fromString(divisor) } : {}) } } };
}

/**
 * Transforms see the pod spec as cdk8s-plus builds it, before serialization: ports are
 * `IntOrString` and quantities `Quantity` objects. These read and write them.
 */
export function portValue(port: unknown): unknown {
  return port instanceof k8s.IntOrString ? port.value : port;
}

export function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** Lowercase spelling of a log level: Istio's (`warning`) or Linkerd's (`warn`). */
export function logLevelWord(level: MeshLogLevel, warning: string): string {
  return level === MeshLogLevel.WARNING ? warning : level.toLowerCase();
}

/** A copy of the pod spec with `patch` applied to the named container of `list`. */
export function patchContainer(spec: any, list: 'initContainers' | 'containers', name: string,
  patch: (container: Record<string, any>) => Record<string, any>): any {
  const containers: any[] | undefined = spec[list];
  if (!Array.isArray(containers)) return spec;
  return { ...spec, [list]: containers.map(c => (c?.name === name ? patch({ ...c }) : c)) };
}

/** A copy of the pod spec with these volumes appended (a volume whose name exists is left alone). */
export function withVolumes(spec: any, volumes: Record<string, any>[]): any {
  const existing: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const names = new Set(existing.map(v => v?.name));
  return { ...spec, volumes: [...existing, ...volumes.filter(v => !names.has(v.name))] };
}

/**
 * The integer container ports of the regular containers, as the proxies need them; with
 * `sidecarsExcept`, also those of the native sidecars other than the named proxy.
 */
export function appPorts(spec: any, sidecarsExcept?: string): Record<string, any>[] {
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  const sidecars: any[] = sidecarsExcept !== undefined && Array.isArray(spec.initContainers)
    ? spec.initContainers.filter((c: any) => c?.restartPolicy === 'Always' && c.name !== sidecarsExcept)
    : [];
  const ports: Record<string, any>[] = [];
  for (const container of [...containers, ...sidecars]) {
    for (const port of Array.isArray(container?.ports) ? container.ports : []) {
      if (typeof port?.containerPort === 'number') ports.push(port);
    }
  }
  return ports;
}

/** `100m`, `1Gi`-style quantities of kplus resources, for the injectors' resource annotations. */
export function resourceQuantities(resources: kplus.ContainerResources | undefined): Record<'cpuRequest' | 'cpuLimit' | 'memoryRequest' | 'memoryLimit', string | undefined> {
  return {
    cpuRequest: resources?.cpu?.request?.amount,
    cpuLimit: resources?.cpu?.limit?.amount,
    memoryRequest: resources?.memory?.request ? `${resources.memory.request.toMebibytes()}Mi` : undefined,
    memoryLimit: resources?.memory?.limit ? `${resources.memory.limit.toMebibytes()}Mi` : undefined,
  };
}

/** Drop undefined values, keeping key order. */
export function defined(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}
