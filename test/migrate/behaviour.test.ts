// migrate picks helpers by what they do, keeps the pod's own workload, and never invents a probe
// on a port nothing serves (issue 19, items 2 and 7).
import { parse } from 'yaml';
import { migrateText, MigrateOptions, MigrateResult } from '../../src/migrate';

function migrate(text: string, options: MigrateOptions = {}): MigrateResult {
  return migrateText(text, { fileName: 'in.yaml', ...options });
}

function podSpec(result: MigrateResult): any {
  const object = parse(result.output);
  return object.kind === 'Pod' ? object.spec : object.spec.template.spec;
}

const names = (list: any[] | undefined) => (list ?? []).map(container => container.name);
const concerns = (result: MigrateResult) => result.concerns.map(concern => concern.description);

const LEGACY_JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: nightly}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: report
        image: busybox:1.36
        command: [sh, -c, 'echo done >> /data/report.log']
        volumeMounts: [{name: data, mountPath: /data}]
      - name: shipper
        image: busybox:1.36
        command: [sh, -c, 'tail -n+1 -F /data/report.log']
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
`;

describe('helpers recognised by behaviour', () => {
  test('a "tail -F" shipper in a Job is moved without --sidecar (strong evidence)', () => {
    const result = migrate(LEGACY_JOB);
    const spec = podSpec(result);
    expect(names(spec.containers)).toEqual(['report']);
    expect(spec.initContainers).toMatchObject([{ name: 'shipper', restartPolicy: 'Always' }]);
    expect(result.changes[0].description).toContain('moved container "shipper" (it runs "tail -n+1 -F /data/report.log", which follows the file and never exits)');
  });

  test('a container with ports and no command known to end is weak evidence in a Job: reported, not moved', () => {
    const text = LEGACY_JOB.replace("command: [sh, -c, 'tail -n+1 -F /data/report.log']", 'ports: [{containerPort: 9000}]');
    const result = migrate(text);
    expect(names(podSpec(result).containers)).toEqual(['report', 'shipper']);
    expect(concerns(result)).toContainEqual(expect.stringContaining('container "shipper" declares port 9000 (it serves) and runs no command known to end, so it probably never exits, which would keep this Job from completing; not moved because the evidence is weak'));
  });

  test('in a Deployment a server is the workload, never moved; a "sleep infinity" helper is', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx:1.27, command: [nginx, -g, 'daemon off;'], ports: [{containerPort: 80}]}
      - {name: debug, image: busybox:1.36, command: [sleep, infinity]}
`;
    const spec = podSpec(migrate(text));
    expect(names(spec.containers)).toEqual(['web']);
    expect(names(spec.initContainers)).toEqual(['debug']);
  });
});

describe('the pod\'s own workload is never moved', () => {
  test('a vault image running "vault server" is Vault itself, not the agent', () => {
    const text = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: vault}
spec:
  selector: {matchLabels: {app: vault}}
  serviceName: vault
  template:
    metadata: {labels: {app: vault}}
    spec:
      containers:
      - {name: vault, image: hashicorp/vault:1.17, args: [server, -config=/vault/config], ports: [{containerPort: 8200}]}
      - {name: reloader, image: ghcr.io/jimmidyson/configmap-reload:v0.15.0, args: [--webhook-url=http://localhost:8200/v1/sys/reload]}
`;
    const result = migrate(text);
    const spec = podSpec(result);
    expect(names(spec.containers)).toEqual(['vault']);
    expect(names(spec.initContainers)).toEqual(['reloader']);
    expect(concerns(result).join('\n')).not.toContain('"vault"');
  });

  test('a proxy that serves the pod\'s only declared ports is its data plane: reported, not moved', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress}
spec:
  selector: {matchLabels: {app: ingress}}
  template:
    metadata: {labels: {app: ingress}}
    spec:
      containers:
      - {name: controller, image: registry.example.com/xds-server:3, args: [serve]}
      - name: proxy
        image: envoyproxy/envoy:v1.31.0
        args: [-c, /config/envoy.yaml]
        ports: [{containerPort: 8080}, {containerPort: 8443}]
`;
    const result = migrate(text);
    expect(result.changed).toBe(false);
    expect(concerns(result)).toEqual([expect.stringContaining('container "proxy" runs envoyproxy/envoy:v1.31.0 (envoy) but serves the pod\'s declared ports (8080, 8443) and no other container declares any, so it is most likely the pod\'s own data plane')]);
  });

  test('the same proxy beside an app that serves its own port is a helper, and moves', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - {name: app, image: registry.example.com/app:3, ports: [{containerPort: 9000}]}
      - {name: proxy, image: envoyproxy/envoy:v1.31.0, ports: [{containerPort: 8443}]}
`;
    expect(names(podSpec(migrate(text)).initContainers)).toEqual(['proxy']);
  });

  test('sidecar.istio.io/nativeSidecar: "false" opts the proxy out: reported, not moved', () => {
    const text = `apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    metadata:
      annotations: {sidecar.istio.io/nativeSidecar: "false"}
    spec:
      restartPolicy: Never
      containers:
      - {name: work, image: registry.example.com/work:1}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.24.0}
`;
    const result = migrate(text);
    expect(result.changed).toBe(false);
    expect(concerns(result)).toEqual([expect.stringContaining('the pod opts out of native sidecars with sidecar.istio.io/nativeSidecar: "false"')]);
  });
});

describe('startupProbes only on what the helper serves', () => {
  const proxyless = (readiness: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: grpc}
spec:
  selector: {matchLabels: {app: grpc}}
  template:
    metadata: {labels: {app: grpc}}
    spec:
      containers:
      - {name: app, image: registry.example.com/grpc-app:1}
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.22.3
        args: [proxy, sidecar]
        env: [{name: DISABLE_ENVOY, value: "true"}]
${readiness}`;

  test('proxyless Istio (DISABLE_ENVOY=true) gets no probe on Envoy\'s 15021; a concern says why', () => {
    const result = migrate(proxyless(''));
    const proxy = podSpec(result).initContainers[0];
    expect(proxy.name).toBe('istio-proxy');
    expect(proxy.startupProbe).toBeUndefined();
    expect(concerns(result)).toContainEqual(expect.stringContaining('no startupProbe was added to sidecar "istio-proxy": it sets DISABLE_ENVOY=true (Istio\'s proxyless mode: pilot-agent runs without Envoy), so nothing serves /healthz/ready on port 15021'));
  });

  test('the pod\'s own readinessProbe says what it serves: the startupProbe copies it', () => {
    const result = migrate(proxyless('        readinessProbe: {httpGet: {path: /healthz/ready, port: 15020}}\n'));
    expect(podSpec(result).initContainers[0].startupProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15020 }, periodSeconds: 1, failureThreshold: 60 });
  });
});
