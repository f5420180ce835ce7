/**
 * The manifest builders every suite shares: plain Kubernetes objects around a pod spec, as a
 * Helm chart or kubectl would hand them to the rules, and the way back to a manifest's pod spec.
 */

/** A minimal valid regular container. */
export const APP = { name: 'app', image: 'registry.example.com/app:1.0' };

/** A minimal valid native sidecar. */
export const SIDECAR = { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', restartPolicy: 'Always' };

export function pod(spec: any): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec };
}

export function deployment(podSpec: any): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: podSpec } },
  };
}

export function statefulSet(podSpec: any): any {
  return { ...deployment(podSpec), kind: 'StatefulSet' };
}

export function daemonSet(podSpec: any): any {
  return { ...deployment(podSpec), kind: 'DaemonSet' };
}

export function job(podSpec: any, jobSpec: any = {}): any {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { ...jobSpec, template: { spec: podSpec } } };
}

export function cronJob(podSpec: any, jobSpec: any = {}): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { ...jobSpec, template: { spec: podSpec } } } },
  };
}

/** Each malformed spec in every workload kind the engine knows, plus objects whose spec is unusable. */
export function malformedManifests(specs: readonly any[]): any[] {
  return [
    ...specs.flatMap(spec => [pod(spec), deployment(spec), job(spec), cronJob(spec), statefulSet(spec)]),
    { kind: 'Pod', metadata: { name: 'x' } }, { kind: 'Deployment', spec: { template: 'x' } }, { kind: 'CronJob', spec: { jobTemplate: [] } },
  ];
}

/** The pod spec of a rendered workload manifest, wherever its kind keeps it. */
export function podSpecOf(manifest: any): any {
  switch (manifest.kind) {
    case 'Pod': return manifest.spec;
    case 'CronJob': return manifest.spec.jobTemplate.spec.template.spec;
    default: return manifest.spec.template.spec;
  }
}

/** A Job whose second container is an in-house helper, as YAML text: what `migrate` moves with --sidecar helper. */
export const LEGACY_JOB_YAML = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: export',
  'spec:',
  '  template:',
  '    spec:',
  '      restartPolicy: Never',
  '      containers:',
  '        - name: export',
  '          image: example.com/export:1',
  '        - name: helper',
  '          image: example.com/in-house-helper:2',
  '',
].join('\n');
