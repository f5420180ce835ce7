import { parse, parseAllDocuments } from 'yaml';
import { formatReport, migrateText, MigrateOptions, MigrateResult } from '../../src/migrate';
import { validateManifests } from '../../src/rules/engine';
import { Severity } from '../../src/rules/violation';

const ISTIO = 'docker.io/istio/proxyv2:1.22.3';
const ISTIO_PROBE = { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 60 };

/** A Job (or another kind) around a pod spec given as YAML lines indented for `spec:` of the pod. */
function workload(kind: string, pod: string, annotations = ''): string {
  const indent = (text: string, by: number) => text.replace(/^(?=.)/gm, ' '.repeat(by));
  if (kind === 'Pod') return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${annotations ? `  annotations:\n${indent(annotations, 4)}` : ''}spec:\n${indent(pod, 2)}`;
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  const selector = kind === 'Job' ? '' : '  selector:\n    matchLabels: {app: w}\n';
  const labels = kind === 'Job' ? '' : '      labels: {app: w}\n';
  const meta = annotations || labels ? `    metadata:\n${labels}${annotations ? `      annotations:\n${indent(annotations, 8)}` : ''}` : '';
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\nspec:\n${selector}  template:\n${meta}    spec:\n${indent(pod, 6)}`;
}

function migrate(text: string, options: MigrateOptions = {}): MigrateResult {
  return migrateText(text, { fileName: 'in.yaml', ...options });
}

/** The pod spec of the first document of a migration's output. */
function podSpec(result: MigrateResult): any {
  const object = parse(result.output);
  if (object.kind === 'Pod') return object.spec;
  return object.spec.template.spec;
}

const names = (list: any[] | undefined) => (list ?? []).map(container => container.name);

function expectLintClean(result: MigrateResult): void {
  const manifests = (parseAllDocuments(result.output) as any[]).map(doc => doc.toJS());
  expect(validateManifests(manifests).filter(violation => violation.severity === Severity.ERROR)).toEqual([]);
}

describe('moving sidecars', () => {
  test('a recognised helper becomes an init container with restartPolicy: Always, keeping every field', () => {
    const result = migrate(workload('Deployment', [
      'containers:',
      '- name: app',
      '  image: app:1',
      '- name: reloader',
      '  image: ghcr.io/jimmidyson/configmap-reload:v0.14.0',
      '  args: [--volume-dir=/etc/config]',
      '  resources: {requests: {cpu: 5m, memory: 16Mi}}',
      '',
    ].join('\n')));
    const spec = podSpec(result);
    expect(names(spec.containers)).toEqual(['app']);
    expect(spec.initContainers).toEqual([{
      name: 'reloader',
      image: 'ghcr.io/jimmidyson/configmap-reload:v0.14.0',
      restartPolicy: 'Always',
      args: ['--volume-dir=/etc/config'],
      resources: { requests: { cpu: '5m', memory: '16Mi' } },
      startupProbe: { httpGet: { path: '/metrics', port: 9533 }, periodSeconds: 1, failureThreshold: 60 },
    }]);
    expect(result.changes.map(change => change.description)).toEqual([
      'moved container "reloader" (image recognised as configmap-reload) from containers[1] to initContainers[0] with restartPolicy: Always, as the only init container',
      'added startupProbe httpGet /metrics on port 9533 (periodSeconds 1, failureThreshold 60) to sidecar "reloader", from configmap-reload\'s known readiness endpoint, so the containers after it start only once it serves',
    ]);
    expect(result.changes.map(change => [change.file, change.line, change.kind, change.name])).toEqual([['in.yaml', 15, 'Deployment', 'w'], ['in.yaml', 15, 'Deployment', 'w']]);
    expectLintClean(result);
  });

  test('no startupProbe is invented for a helper whose readiness is unknown, and an existing one is kept', () => {
    const result = migrate(workload('Deployment', [
      'containers:',
      '- {name: app, image: app:1}',
      '- {name: agent, image: hashicorp/vault:1.17, args: [agent, -config=/etc/vault/agent.hcl]}',
      `- name: proxy\n  image: ${ISTIO}\n  startupProbe: {tcpSocket: {port: 15021}}`,
      '',
    ].join('\n')));
    const spec = podSpec(result);
    expect(spec.initContainers.map((init: any) => init.startupProbe)).toEqual([undefined, { tcpSocket: { port: 15021 } }]);
    expect(result.changes.filter(change => change.description.startsWith('added startupProbe'))).toEqual([]);
  });

  test('several sidecars keep their relative order', () => {
    const result = migrate(workload('Deployment', [
      'containers:',
      '- {name: shipper, image: "fluent/fluent-bit:3.1"}',
      '- {name: app, image: app:1}',
      '- {name: collector, image: otel/opentelemetry-collector:0.104.0}',
      '- {name: reloader, image: "ghcr.io/jimmidyson/configmap-reload:v0.14.0"}',
      '',
    ].join('\n')));
    const spec = podSpec(result);
    expect(names(spec.initContainers)).toEqual(['shipper', 'collector', 'reloader']);
    expect(names(spec.containers)).toEqual(['app']);
  });

  test('--sidecar names a custom helper; names that match nothing do nothing', () => {
    const text = workload('Deployment', 'containers:\n- {name: app, image: app:1}\n- {name: tunnel, image: example.com/tunnel:2}\n');
    expect(migrate(text).changed).toBe(false);
    const result = migrate(text, { sidecars: ['tunnel', 'nothing-here'] });
    expect(names(podSpec(result).initContainers)).toEqual(['tunnel']);
    expect(result.changes[0].description).toContain('(named with --sidecar)');
  });

  test('a pod whose only container is a helper is left alone, with a concern', () => {
    const text = workload('DaemonSet', 'containers:\n- {name: fluent-bit, image: "cr.fluentbit.io/fluent/fluent-bit:3.1.4"}\n');
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.changed).toBe(false);
    expect(result.concerns).toEqual([{
      file: 'in.yaml',
      line: 13,
      kind: 'DaemonSet',
      name: 'w',
      path: 'spec.template.spec.containers[0]',
      description: 'container "fluent-bit" runs cr.fluentbit.io/fluent/fluent-bit:3.1.4 (fluent-bit) but was not moved: a pod needs at least one regular container and no other would remain, so this is probably the workload itself; if it really is a sidecar, add the application container first',
    }]);
  });

  test('when every container is a helper, the ones named with --sidecar move and the recognised ones stay', () => {
    const text = workload('Deployment', `containers:\n- {name: front, image: "envoyproxy/envoy:v1.31.0"}\n- {name: istio-proxy, image: "${ISTIO}"}\n`);
    expect(migrate(text).changed).toBe(false);
    expect(migrate(text).concerns).toHaveLength(2);
    const result = migrate(text, { sidecars: ['istio-proxy'] });
    expect(names(podSpec(result).containers)).toEqual(['front']);
    expect(names(podSpec(result).initContainers)).toEqual(['istio-proxy']);
  });

  test('the last regular container is never moved, even when named', () => {
    const text = workload('Deployment', 'containers:\n- {name: only, image: app:1}\n');
    const result = migrate(text, { sidecars: ['only'] });
    expect(result.output).toBe(text);
    expect(result.concerns[0].description).toContain('container "only" was named with --sidecar but was not moved');
  });

  test('a helper image running a one-shot command is not moved, unless named', () => {
    const text = workload('Job', 'restartPolicy: Never\ncontainers:\n- {name: app, image: app:1}\n- {name: seed, image: "hashicorp/vault:1.17", command: [vault, kv, put, secret/x, a=b]}\n- {name: check, image: "envoyproxy/envoy:v1.31.0", args: [--mode, validate, -c, /etc/envoy.yaml]}\n');
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.concerns.map(concern => concern.description)).toEqual([
      'container "seed" runs hashicorp/vault:1.17 (vault-agent) as "vault kv put secret/x a=b" (not vault agent), which exits by itself; not moved, since a native sidecar is restarted whenever it exits — name it with --sidecar if it really is a long-running helper',
      'container "check" runs envoyproxy/envoy:v1.31.0 (envoy) as a config validation (--mode validate), which exits by itself; not moved, since a native sidecar is restarted whenever it exits — name it with --sidecar if it really is a long-running helper',
    ]);
    expect(names(podSpec(migrate(text, { sidecars: ['seed'] })).initContainers)).toEqual(['seed']);
    const agent = workload('Deployment', 'containers:\n- {name: app, image: app:1}\n- {name: vault-agent, image: "hashicorp/vault:1.17", args: [agent, -config=/etc/vault/agent.hcl]}\n');
    expect(names(podSpec(migrate(agent)).initContainers)).toEqual(['vault-agent']);
  });

  test('a helper with a restartPolicy other than Always is not moved', () => {
    const text = workload('Pod', 'containers:\n- {name: app, image: app:1}\n- {name: proxy, image: "envoyproxy/envoy:v1.31.0", restartPolicy: Never}\n');
    const result = migrate(text, { kubernetesVersion: '1.35' });
    expect(result.changed).toBe(false);
    expect(result.concerns[0].description).toMatch(/^container "proxy" sets restartPolicy: Never, which a native sidecar cannot keep; not moved/);
  });

  test('before Kubernetes 1.29 nothing moves and the version is named', () => {
    const text = workload('Job', 'restartPolicy: Never\ncontainers:\n- {name: app, image: app:1}\n- {name: proxy, image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1"}\n');
    const result = migrate(text, { kubernetesVersion: '1.28' });
    expect(result.output).toBe(text);
    expect(result.concerns.map(concern => concern.description)).toEqual([
      'container "proxy" looks like a legacy sidecar but was not moved: native sidecars need Kubernetes 1.29 or later and the target is 1.28; migrate when the cluster is upgraded [SC901]',
    ]);
  });

  test('named sidecar ports are reported when Services cannot target them by name yet (before 1.32)', () => {
    const text = workload('Deployment', 'containers:\n- {name: app, image: app:1}\n- name: collector\n  image: otel/opentelemetry-collector:0.104.0\n  ports: [{name: otlp, containerPort: 4317}]\n');
    expect(migrate(text, { kubernetesVersion: '1.31' }).concerns.map(concern => concern.description)).toContainEqual(expect.stringContaining('declares named ports (otlp); Services that target them by name resolve to sidecar ports only from Kubernetes 1.32'));
    expect(migrate(text).concerns.map(concern => concern.description)).not.toContainEqual(expect.stringContaining('named ports'));
  });

  test('a readinessProbe and a preStop hook stay on the moved sidecar and are reported', () => {
    const result = migrate(workload('Deployment', [
      'containers:',
      '- {name: app, image: app:1}',
      `- name: istio-proxy\n  image: ${ISTIO}`,
      '  readinessProbe: {httpGet: {path: /healthz/ready, port: 15021}}',
      '  lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}',
      '  env: [{name: EXIT_ON_ZERO_ACTIVE_CONNECTIONS, value: "true"}]',
      '',
    ].join('\n')));
    const sidecar = podSpec(result).initContainers[0];
    expect(sidecar.readinessProbe).toBeDefined();
    expect(sidecar.lifecycle.preStop).toBeDefined();
    expect(result.concerns.map(concern => [concern.path, concern.description.split(/[:,]/)[0]])).toEqual([
      ['spec.template.spec.initContainers[0].readinessProbe', 'sidecar "istio-proxy" kept its readinessProbe'],
      ['spec.template.spec.initContainers[0].lifecycle.preStop', 'sidecar "istio-proxy" has a preStop hook'],
      ['spec.template.spec.initContainers[0].env', 'sidecar "istio-proxy" sets EXIT_ON_ZERO_ACTIVE_CONNECTIONS'],
      // The rule engine's own finding on the moved sidecar.
      ['spec.template.spec.initContainers[0].resources', 'warning after migration'],
    ]);
  });
});

describe('placement in initContainers', () => {
  test('after the existing init containers, which ran before the legacy sidecar', () => {
    const result = migrate(workload('Deployment', [
      'initContainers:',
      '- {name: migrate-db, image: app:1, command: [/migrate]}',
      `- {name: istio-init, image: "${ISTIO}", args: [istio-iptables]}`,
      'containers:',
      `- {name: istio-proxy, image: "${ISTIO}"}`,
      '- {name: app, image: app:1}',
      '',
    ].join('\n')));
    expect(names(podSpec(result).initContainers)).toEqual(['migrate-db', 'istio-init', 'istio-proxy']);
    expect(result.changes[0].description).toContain('after the existing init containers ("migrate-db", "istio-init"), which ran before it when it was a regular container and still do');
  });

  test('before the first init container that calls its port on localhost', () => {
    const result = migrate(workload('Job', [
      'restartPolicy: Never',
      'initContainers:',
      '- {name: fetch, image: busybox, command: [wget, "http://example.com/seed.sql"]}',
      '- name: seed',
      '  image: postgres:16',
      '  env: [{name: PGHOST, value: "127.0.0.1"}]',
      '  command: [sh, -c, "psql postgres://seed@127.0.0.1:5432/shop -f /seed.sql"]',
      '- {name: cleanup, image: busybox, command: [rm, -rf, /tmp/x]}',
      'containers:',
      '- {name: app, image: app:1}',
      '- {name: db-proxy, image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1", args: [--port=5432, "p:r:i"]}',
      '',
    ].join('\n')));
    expect(names(podSpec(result).initContainers)).toEqual(['fetch', 'db-proxy', 'seed', 'cleanup']);
    expect(result.changes[0].description).toContain('to initContainers[1] with restartPolicy: Always, before init container "seed", which connects to 127.0.0.1:5432 in its command');
    expect(result.concerns.filter(concern => concern.description.includes('waits for'))).toEqual([]);
  });

  test('never before the mesh init container that prepares it: the conflict is reported', () => {
    const result = migrate(workload('Deployment', [
      'initContainers:',
      '- {name: warm-up, image: curlimages/curl, command: [curl, "http://localhost:15000/stats"]}',
      `- {name: istio-init, image: "${ISTIO}"}`,
      'containers:',
      `- {name: istio-proxy, image: "${ISTIO}"}`,
      '- {name: app, image: app:1}',
      '',
    ].join('\n')));
    expect(names(podSpec(result).initContainers)).toEqual(['warm-up', 'istio-init', 'istio-proxy']);
    expect(result.concerns[0].description).toBe('sidecar "istio-proxy": init container "warm-up" needs it but runs before "istio-init", which prepares it; the sidecar stays after the preparer; reorder by hand if the preparer does not need to run first');
  });

  test('an earlier sidecar is pulled in front of a later one that an init container needs', () => {
    const result = migrate(workload('Deployment', [
      'initContainers:',
      '- {name: one, image: busybox, command: [true]}',
      '- {name: wait-for-collector, image: busybox, command: [sh, -c, "until nc -z localhost 4317; do sleep 1; done"]}',
      'containers:',
      '- {name: shipper, image: "fluent/fluent-bit:3.1"}',
      '- {name: collector, image: "otel/opentelemetry-collector:0.104.0"}',
      '- {name: app, image: app:1}',
      '',
    ].join('\n')));
    expect(names(podSpec(result).initContainers)).toEqual(['one', 'shipper', 'collector', 'wait-for-collector']);
    expect(result.changes.map(change => change.description.replace(/^.*restartPolicy: Always, /, ''))).toEqual([
      'before init container "wait-for-collector", to stay ahead of "collector"',
      'before init container "wait-for-collector", which connects to localhost 4317 in its command',
    ]);
  });

  test('a plain init container that waits for the proxy is reported, not deleted', () => {
    const result = migrate(workload('Deployment', [
      'initContainers:',
      '- name: wait-for-proxy',
      '  image: curlimages/curl',
      '  command: [sh, -c, "until curl -fsI http://localhost:15021/healthz/ready; do sleep 1; done"]',
      'containers:',
      `- {name: istio-proxy, image: "${ISTIO}"}`,
      '- {name: app, image: app:1}',
      '',
    ].join('\n')));
    expect(names(podSpec(result).initContainers)).toEqual(['istio-proxy', 'wait-for-proxy']);
    expect(result.concerns.map(concern => concern.description).filter(text => !text.endsWith('[SC301]'))).toEqual([
      'init container "wait-for-proxy" waits for sidecar "istio-proxy" (it connects to localhost:15021 in its command): it now runs after that sidecar has started (startupProbe passed), so the wait ends at once; delete it by hand when nothing else relies on it',
    ]);
  });

  test('an existing native sidecar declared after a waiting init container is reported as a wait that never ends', () => {
    const result = migrate(workload('Deployment', [
      'initContainers:',
      '- {name: wait-for-proxy, image: curlimages/curl, command: [sh, -c, "until curl -fs localhost:15021/healthz/ready; do sleep 1; done"]}',
      `- {name: istio-proxy, image: "${ISTIO}", restartPolicy: Always}`,
      'containers:',
      '- {name: app, image: app:1}',
      '- {name: shipper, image: "fluent/fluent-bit:3.1"}',
      '',
    ].join('\n')));
    expect(result.concerns.map(concern => concern.description)).toContainEqual(expect.stringContaining('init container "wait-for-proxy" waits for sidecar "istio-proxy" (it connects to localhost:15021 in its command): but runs before that sidecar, so the wait can never end'));
  });
});

describe('Istio holdApplicationUntilProxyStarts', () => {
  const pod = `containers:\n- {name: istio-proxy, image: "${ISTIO}"}\n- {name: app, image: app:1}\n`;

  test('an annotation that only holds the app is removed, and annotations with it when empty', () => {
    const result = migrate(workload('Deployment', pod, 'proxy.istio.io/config: |\n  holdApplicationUntilProxyStarts: true\n'));
    expect(parse(result.output).spec.template.metadata).toEqual({ labels: { app: 'w' } });
    expect(result.changes.map(change => change.description)).toContain('removed the proxy.istio.io/config annotation, which only set holdApplicationUntilProxyStarts: true: with istio-proxy a native sidecar its startupProbe holds the app back (Istio ignores the setting in native mode)');
  });

  test('JSON config keeps its other keys and its style', () => {
    const result = migrate(workload('Pod', pod, 'proxy.istio.io/config: \'{"holdApplicationUntilProxyStarts": true, "terminationDrainDuration": "20s"}\'\nsidecar.istio.io/inject: "true"\n'));
    const annotations = parse(result.output).metadata.annotations;
    expect(annotations).toEqual({ 'proxy.istio.io/config': '{"terminationDrainDuration": "20s"}', 'sidecar.istio.io/inject': 'true' });
    expect(result.output).toContain('    sidecar.istio.io/inject: "true"\n');
  });

  test('a value other than the boolean true is reported and kept', () => {
    const result = migrate(workload('Pod', pod, 'proxy.istio.io/config: \'holdApplicationUntilProxyStarts: "true"\'\n'));
    expect(parse(result.output).metadata.annotations['proxy.istio.io/config']).toBe('holdApplicationUntilProxyStarts: "true"');
    expect(result.concerns.map(concern => concern.description)).toContain('holdApplicationUntilProxyStarts in the proxy.istio.io/config annotation is "true", not the boolean true; check what it means and remove it by hand');
  });

  test('kept with a concern when the manifest has no native istio-proxy (the webhook injects it)', () => {
    const text = workload('Deployment', 'containers:\n- {name: app, image: app:1}\n', 'proxy.istio.io/config: "holdApplicationUntilProxyStarts: true"\n');
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.concerns[0].description).toMatch(/^holdApplicationUntilProxyStarts: true in the proxy.istio.io\/config annotation was kept: this manifest has no native istio-proxy/);
    expect(result.concerns[0].path).toBe('spec.template.metadata.annotations.proxy.istio.io/config');
  });

  test('an annotation that is not YAML is reported', () => {
    const result = migrate(workload('Pod', pod, 'proxy.istio.io/config: "holdApplicationUntilProxyStarts: [true"\n'));
    expect(result.concerns.map(concern => concern.description)).toContain('the proxy.istio.io/config annotation mentions holdApplicationUntilProxyStarts but is not a YAML map this migration can rewrite; remove holdApplicationUntilProxyStarts by hand (native sidecars make it redundant)');
  });
});

describe('quit calls in Job commands', () => {
  const job = (script: string, extra = '') => workload('Job', [
    'restartPolicy: Never',
    extra,
    'containers:',
    '- name: main',
    '  image: app:1',
    `  command: ${script}`,
    `- {name: istio-proxy, image: "${ISTIO}"}`,
    '',
  ].filter(line => line !== '').join('\n'));
  const mainCommand = (result: MigrateResult) => podSpec(result).containers[0].command;

  test.each([
    ['; curl (Istio agent port)', '["sh", "-c", "python run.py; curl -fsI -X POST http://localhost:15020/quitquitquit"]', 'python run.py'],
    ['&& curl (Envoy admin port)', '["/bin/sh", "-c", "./run && curl -sf -XPOST 127.0.0.1:15000/quitquitquit"]', './run'],
    ['; curl || true', '[bash, -ec, "make all; curl -s -X POST localhost:15020/quitquitquit >/dev/null 2>&1 || true"]', 'make all'],
    ['; wget', '[sh, -c, "./run; wget -q -O- --post-data \'\' http://localhost:15020/quitquitquit"]', './run'],
    ['; pkill', '[sh, -c, "./run; pkill -INT envoy"]', './run'],
    ['; kill $(pidof)', '[sh, -c, "./run; kill -TERM $(pidof pilot-agent)"]', './run'],
    ['quoted separators inside the kept part', '[sh, -c, "echo \'a; b\' && ./run; curl -X POST localhost:15020/quitquitquit"]', 'echo \'a; b\' && ./run'],
  ])('removes a trailing %s', (_title, command, kept) => {
    const result = migrate(job(command));
    expect(mainCommand(result)[2]).toBe(kept);
    expect(result.changes.map(change => change.description)).toContainEqual(expect.stringMatching(/^removed ".*" from the end of container "main"'s command: "istio-proxy" is a native sidecar and stops by itself after the main containers exit; the script's exit status is now that of ".*"$/));
    expectLintClean(result);
  });

  test('removes the last line of a block script and keeps its final newline', () => {
    const result = migrate(job('[sh, -c]\n  args:\n  - |\n    set -e\n    ./run --all\n    curl -fsI -X POST http://localhost:15020/quitquitquit\n'));
    expect(podSpec(result).containers[0].args).toEqual(['set -e\n./run --all\n']);
    expect(result.output).toMatch(/ {8}args:\n {8}- \|\n {10}set -e\n {10}\.\/run --all$/);
  });

  test.each([
    ['not the last command', '[sh, -c, "./run; x=$?; curl -X POST localhost:15020/quitquitquit; exit $x"]', 'it is not a recognised quit call standing alone as the last command of the script'],
    ['inside quotes', '[sh, -c, "echo \\"done; curl -X POST localhost:15020/quitquitquit\\""]', 'it is not a recognised quit call standing alone as the last command of the script'],
    ['run in the background', '[sh, -c, "./run & curl -X POST localhost:15020/quitquitquit"]', 'the command before the quit call runs in the background (&)'],
    ['the whole script', '[sh, -c, "curl -X POST localhost:15020/quitquitquit"]', 'the quit call is the whole script'],
    ['a dynamic URL', '[sh, -c, "./run; curl -X POST $PROXY/quitquitquit"]', 'it is not a recognised quit call standing alone as the last command of the script'],
    ['a here-document', '[sh, -c, "cat <<EOF\\nx\\nEOF\\ncurl -X POST localhost:15020/quitquitquit"]', 'the script uses shell syntax this migration does not parse (here-documents, unbalanced quotes or parentheses)'],
  ])('reports but keeps a call that is %s', (_title, command, reason) => {
    const result = migrate(job(command));
    const before = parse(job(command)).spec.template.spec.containers[0].command;
    expect(mainCommand(result)).toEqual(before);
    expect(result.concerns.map(concern => concern.description)).toContainEqual(`container "main" still stops a sidecar in its command (${reason}); native sidecars are stopped after the main containers exit, so remove the call by hand`);
  });

  test('a quit call that is the container\'s whole command, not a shell script, is reported', () => {
    const result = migrate(job('[curl, -X, POST, "http://localhost:15020/quitquitquit"]'));
    expect(mainCommand(result)).toEqual(['curl', '-X', 'POST', 'http://localhost:15020/quitquitquit']);
    expect(result.concerns.map(concern => concern.description)).toContainEqual('container "main" stops a sidecar in its command, but not as a "sh -c" script with a trailing call this migration recognises; native sidecars are stopped after the main containers exit, so remove the call by hand');
  });

  test('a quit call for a sidecar this manifest does not have (webhook-injected) is only reported', () => {
    const text = workload('Job', 'restartPolicy: Never\ncontainers:\n- {name: main, image: app:1, command: [sh, -c, "./run; curl -X POST localhost:15020/quitquitquit"]}\n');
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.concerns).toHaveLength(1);
  });

  test('podFailurePolicy exit-code rules without containerName are reported once a sidecar moves into the Job', () => {
    const text = workload('Job', `restartPolicy: Never\ncontainers:\n- {name: main, image: app:1}\n- {name: istio-proxy, image: "${ISTIO}"}\n`)
      .replace('spec:\n  template:', 'spec:\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes: {operator: NotIn, values: [0]}\n    - action: Ignore\n      onExitCodes: {containerName: main, operator: In, values: [3]}\n  template:');
    const result = migrate(text);
    expect(result.concerns.filter(concern => concern.path?.includes('podFailurePolicy'))).toEqual([expect.objectContaining({
      line: 9,
      path: 'spec.podFailurePolicy.rules[0].onExitCodes',
      description: 'podFailurePolicy.rules[0].onExitCodes has no containerName, so it also matches the exit codes of the new native sidecars (they often exit 143 when stopped after the main containers); add containerName for the main container',
    })]);
  });

  test('a kill that relied on shareProcessNamespace leaves that flag for a person to check', () => {
    const result = migrate(job('[sh, -c, "./run; pkill envoy"]', 'shareProcessNamespace: true'));
    expect(podSpec(result).shareProcessNamespace).toBe(true);
    expect(result.concerns.map(concern => concern.description)).toContainEqual(expect.stringMatching(/^shareProcessNamespace: true was probably there so the main container could kill the sidecar/));
  });

  test('Cloud SQL proxy quit calls need --quitquitquit on the proxy and its admin port', () => {
    const proxy = (args: string) => workload('Job', `restartPolicy: Never\ncontainers:\n- {name: main, image: app:1, command: [sh, -c, "./run; curl -X POST localhost:9092/quitquitquit"]}\n- {name: csql, image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1", args: [${args}]}\n`);
    expect(podSpec(migrate(proxy('--quitquitquit, --admin-port=9092, "p:r:i"'))).containers[0].command[2]).toBe('./run');
    expect(podSpec(migrate(proxy('--quitquitquit, "p:r:i"'))).containers[0].command[2]).toContain('quitquitquit');
    expect(podSpec(migrate(proxy('--admin-port=9092, "p:r:i"'))).containers[0].command[2]).toContain('quitquitquit');
  });
});

describe('preStop hooks that only stop the proxy', () => {
  const pod = (hook: string) => workload('Deployment', [
    'containers:',
    `- name: app\n  image: app:1\n  lifecycle:\n    preStop: ${hook}`,
    `- {name: istio-proxy, image: "${ISTIO}"}`,
    '',
  ].join('\n'));

  test.each([
    ['an exec command', '{exec: {command: [curl, -X, POST, "http://localhost:15020/quitquitquit"]}}'],
    ['a sh -c script of quit calls', '{exec: {command: [sh, -c, "curl -X POST localhost:15020/quitquitquit || true"]}}'],
    ['an httpGet', '{httpGet: {path: /quitquitquit, port: 15020}}'],
  ])('removes %s, and lifecycle with it', (_title, hook) => {
    const result = migrate(pod(hook));
    expect(podSpec(result).containers[0]).toEqual({ name: 'app', image: 'app:1' });
    expect(result.changes.map(change => change.description)).toContainEqual('removed the preStop hook of "app", which only stopped "istio-proxy": native sidecars get SIGTERM after the main containers exit, and a stop at the start of termination would cut them off early');
  });

  test('keeps a hook that does something else too, with a concern', () => {
    const result = migrate(pod('{exec: {command: [sh, -c, "sleep 5 && curl -X POST localhost:15020/quitquitquit"]}}'));
    expect(podSpec(result).containers[0].lifecycle.preStop).toBeDefined();
    expect(result.concerns.map(concern => concern.description)).toContainEqual('the preStop hook of "app" stops a sidecar but also does other things; native sidecars are stopped after the main containers exit, so remove the stop call by hand');
  });
});

describe('linkerd-await', () => {
  const pod = (main: string, proxy = '  readinessProbe: {httpGet: {path: /ready, port: 4191}}') => workload('Pod', [
    'restartPolicy: Never',
    'containers:',
    `- name: linkerd-proxy\n  image: cr.l5d.io/linkerd/proxy:stable-2.14.10\n${proxy}`,
    `- name: main\n  image: app:1\n${main}`,
    '',
  ].join('\n'));
  const main = (result: MigrateResult) => podSpec(result).containers[0];

  test.each([
    ['in command', '  command: [linkerd-await, --, /app, --once]', { command: ['/app', '--once'] }],
    ['with flags', '  command: [/linkerd-await, -S, --timeout, 2m, --port=4191, --, /app]\n  args: [--once]', { command: ['/app'], args: ['--once'] }],
    ['spanning command and args', '  command: [linkerd-await]\n  args: [--shutdown, --, /app, --once]', { command: ['/app', '--once'] }],
    ['taking all of command', '  command: [linkerd-await, --shutdown, --]\n  args: [/app, --once]', { command: ['/app', '--once'] }],
  ])('unwraps the wrapper %s', (_title, lines, expected) => {
    const result = migrate(pod(lines));
    expect(main(result)).toEqual({ name: 'main', image: 'app:1', ...expected });
    expectLintClean(result);
  });

  test.each([
    ['without --', '  command: [linkerd-await, /app]', 'not in the exact "linkerd-await [flags] -- command" form this migration unwraps'],
    ['with an unknown flag', '  command: [linkerd-await, --frobnicate, --, /app]', 'not in the exact "linkerd-await [flags] -- command" form this migration unwraps'],
    ['inside a shell script', '  command: [sh, -c, "linkerd-await -- /app"]', 'not in the exact "linkerd-await [flags] -- command" form this migration unwraps'],
  ])('keeps and reports linkerd-await %s', (_title, lines, why) => {
    const result = migrate(pod(lines));
    expect(main(result).command).toEqual(parse(pod(lines)).spec.containers[1].command);
    expect(result.concerns.map(concern => concern.description)).toContainEqual(`container "main" runs linkerd-await, which was kept: ${why}; remove it by hand once the proxy is a native sidecar with a startupProbe`);
  });

  test('keeps linkerd-await when the proxy gets no startupProbe (nothing would hold the app back)', () => {
    const result = migrate(pod('  command: [linkerd-await, --, /app]', '  ports: [{containerPort: 4143}]'));
    expect(main(result).command).toEqual(['linkerd-await', '--', '/app']);
    expect(result.concerns.map(concern => concern.description)).toContainEqual(expect.stringContaining('has no startupProbe, so nothing else holds the app back'));
  });
});

test('a main container that starts with a wait-for-proxy loop is reported', () => {
  const result = migrate(workload('Deployment', [
    'containers:',
    `- {name: istio-proxy, image: "${ISTIO}"}`,
    '- name: app',
    '  image: app:1',
    '  command: [sh, -c, "until curl -fsI http://localhost:15021/healthz/ready; do echo waiting; sleep 1; done; exec /app"]',
    '',
  ].join('\n')));
  expect(podSpec(result).containers[0].command[2]).toMatch(/^until curl/);
  expect(podSpec(result).initContainers[0].startupProbe).toEqual(ISTIO_PROBE);
  expect(result.concerns.map(concern => concern.description)).toContainEqual('container "app" starts by waiting for "istio-proxy": the native sidecar\'s startupProbe already holds this container back until it serves, so the loop ends at once; remove it by hand');
});

describe('documents and bytes', () => {
  const service = '# the service\napiVersion: v1\nkind: Service\nmetadata:\n  name:   s   # odd\nspec: {ports: [ {port: 80} ]}\n';
  const deployment = workload('Deployment', 'containers:\n# the app\n- {name: app, image: app:1}  # main\n- {name: shipper, image: "fluent/fluent-bit:3.1"}\n');

  test('a file without changes comes out exactly as it went in', () => {
    for (const text of [service, `${service}---\n${service}`, service.replace(/\n/g, '\r\n'), service.trimEnd(), '', '# only a comment\n', '---\n']) {
      const result = migrate(text);
      expect(result.output).toBe(text);
      expect(result.changed).toBe(false);
    }
  });

  test('untouched documents keep their bytes; the changed one keeps its comments', () => {
    const text = `${service}---\n${deployment}...\n---\n${service}`;
    const result = migrate(text);
    const [first, ...rest] = result.output.split('---\n');
    expect(first).toBe(service);
    expect(rest[rest.length - 1]).toBe(service);
    expect(result.output).toContain('      # the app\n      - {name: app, image: app:1} # main\n');
    expect(result.output).toContain('\n...\n---\n');
    expect(names(parse(rest[0].replace('...\n', '')).spec.template.spec.initContainers)).toEqual(['shipper']);
  });

  test('CRLF line ends and a missing final newline survive in a changed document', () => {
    const result = migrate(deployment.replace(/\n/g, '\r\n').trimEnd());
    expect(result.changed).toBe(true);
    expect(result.output.endsWith('\r\n')).toBe(false);
    expect(result.output.replace(/\r\n/g, '')).not.toContain('\n');
  });

  test('the block sequence style of the file is kept', () => {
    const block = (indent: string) => `containers:\n${indent}- name: app\n${indent}  image: app:1\n${indent}- name: proxy\n${indent}  image: ${ISTIO}\n`;
    expect(migrate(workload('Deployment', block('  '))).output).toContain('      initContainers:\n        - name: proxy\n          image: docker.io/istio/proxyv2:1.22.3\n          restartPolicy: Always\n          startupProbe:\n            httpGet:\n');
    expect(migrate(workload('Deployment', block(''))).output).toContain('      initContainers:\n      - name: proxy\n        image: docker.io/istio/proxyv2:1.22.3\n        restartPolicy: Always\n        startupProbe:\n          httpGet:\n');
    // A one-line container stays one line unless it gains a probe.
    expect(migrate(deployment).output).toContain('      initContainers:\n      - {name: shipper, image: "fluent/fluent-bit:3.1", restartPolicy: Always}\n');
  });

  test('List items are migrated, with paths inside the list', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n${workload('Deployment', 'containers:\n- {name: app, image: app:1}\n- {name: shipper, image: "fluent/fluent-bit:3.1", readinessProbe: {tcpSocket: {port: 2020}}}\n').replace(/^/gm, '  ').replace(/^ {2}a/, '- a')}`;
    const result = migrate(text);
    expect(names(parse(result.output).items[0].spec.template.spec.initContainers)).toEqual(['shipper']);
    expect(result.concerns[0].path).toBe('items[0].spec.template.spec.initContainers[0].readinessProbe');
    expectLintClean(result);
  });

  test('malformed YAML throws an Error that starts with file:line:column', () => {
    expect(() => migrate('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n', { fileName: 'bad.yaml' })).toThrow(/^bad\.yaml:\d+:\d+: /);
    expect(() => migrate('a: 1\n- b\n', { fileName: 'bad.yaml' })).toThrow(/^bad\.yaml:2:1: /);
    expect(() => migrate('kind: Pod\n', { kubernetesVersion: 'latest' })).toThrow('kubernetesVersion "latest" is not a Kubernetes version');
  });

  test('errors left after migration become concerns', () => {
    const result = migrate(workload('Deployment', 'containers:\n- {name: app}\n- {name: shipper, image: "fluent/fluent-bit:3.1"}\n'));
    expect(result.concerns.map(concern => concern.description)).toContainEqual(expect.stringMatching(/^error after migration: .*\[SC106\]$/));
  });
});

describe('formatReport', () => {
  test('groups by file and object, changes before checks, then a summary', () => {
    const deployment = workload('Deployment', 'containers:\n- {name: app, image: app:1}\n- {name: shipper, image: "fluent/fluent-bit:3.1", readinessProbe: {tcpSocket: {port: 2020}}}\n');
    const results = [migrate(deployment, { fileName: 'a.yaml' }), migrate('kind: Service\n', { fileName: 'b.yaml' })];
    expect(formatReport(results)).toBe([
      'a.yaml',
      '  Deployment "w"',
      '    changed: line 14: moved container "shipper" (image recognised as fluent-bit) from containers[1] to initContainers[0] with restartPolicy: Always, as the only init container',
      '    changed: line 14: added startupProbe tcpSocket on port 2020 (periodSeconds 1, failureThreshold 60) to sidecar "shipper", from its own readinessProbe endpoint, so the containers after it start only once it serves',
      '    check: line 14: sidecar "shipper" kept its readinessProbe: a sidecar\'s readiness still counts toward the pod\'s Ready condition (a helper blip takes the pod out of Service endpoints) and does not hold back later containers (the startupProbe does); remove it unless traffic must stop while the helper is unready [SC208]',
      '    check: line 14: warning after migration: sidecar "shipper" has no cpu or memory request: resources.requests is not set and no cpu or memory limit supplies a default; set resources.requests.cpu and resources.requests.memory on "shipper" to what it uses at steady state [SC301]',
      'summary: 2 changes in 1 of 2 files, 2 concerns to check',
      '',
    ].join('\n'));
    expect(formatReport([])).toBe('summary: 0 changes in 0 of 0 files, 0 concerns to check\n');
  });
});

describe('inputs that need care', () => {
  test('a JSON document stays JSON, with its indentation', () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'proxy', image: ISTIO }] } };
    const result = migrate(JSON.stringify(object, null, 4) + '\n');
    const migrated = JSON.parse(result.output);
    expect(result.output).toBe(JSON.stringify(migrated, null, 4) + '\n');
    expect(names(migrated.spec.initContainers)).toEqual(['proxy']);
    expect(Object.keys(migrated.spec)).toEqual(['initContainers', 'containers']);
  });

  test('containers that use YAML anchors are not moved', () => {
    const text = workload('Pod', 'containers:\n- name: app\n  image: app:1\n  resources: &res {requests: {cpu: 10m}}\n- name: shipper\n  image: fluent/fluent-bit:3.1\n  resources: *res\n');
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.concerns.map(concern => concern.description)).toEqual(['container "shipper" looks like a legacy sidecar but was not moved: the pod\'s containers use YAML anchors or aliases, which moving containers could leave pointing backwards; migrate it by hand']);
  });

  test('a document that cannot be written after an edit is kept as it was, with a concern', () => {
    const text = workload('Pod', [
      'initContainers:',
      `- {name: istio-proxy, image: "${ISTIO}", restartPolicy: Always, startupProbe: {tcpSocket: {port: 15021}}}`,
      'containers:',
      '- name: app',
      '  image: app:1',
      '  lifecycle: &stop {preStop: {httpGet: {path: /quitquitquit, port: 15020}}}',
      '- {name: worker, image: app:1, lifecycle: *stop}',
      '',
    ].join('\n'));
    const result = migrate(text);
    expect(result.output).toBe(text);
    expect(result.changed).toBe(false);
    expect(result.changes).toEqual([]);
    expect(result.concerns).toHaveLength(1);
    expect(result.concerns.map(concern => concern.description)).toContainEqual(expect.stringMatching(/^this document was left unchanged because migrating it failed \(.*\); migrate it by hand; the first change would have been: removed the preStop hook of "app"/));
  });
});
