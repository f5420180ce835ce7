import { validateManifests } from '../../../src/rules/engine';
import {
  graceBudgetRule, initBeforeNeededSidecarRule, jobHelperRule, LIFECYCLE_RULES, sidecarPreStopRule,
  sidecarReadinessProbeRule, sidecarStartupProbeRule,
} from '../../../src/rules/lifecycle';
import { APP, cronJob, deployment, malformedManifests, pod } from '../../manifests';
import { found, run } from '../_builders';

/** Specs malformed in every way YAML allows, aimed at the fields these rules read. */
const MALFORMED_SPECS: any[] = [
  null, 'spec', 42, [],
  { initContainers: 'x', containers: 'y' },
  { initContainers: [null, 'x', 7, [], { restartPolicy: 'Always', ports: 'http', startupProbe: 'x', lifecycle: 'x', readinessProbe: [] }] },
  { initContainers: [{ restartPolicy: 'Always', name: 5, ports: [null, 'p', { containerPort: '80' }, { containerPort: 8080 }], lifecycle: { preStop: 'x', postStart: null } }], containers: [APP] },
  { initContainers: [{ restartPolicy: 'Always', readinessProbe: { exec: { command: 'ls' }, httpGet: [] }, lifecycle: { preStop: { exec: 'x', sleep: { seconds: 'x' } } } }] },
  { initContainers: [{ name: 'i', command: 'x', args: [null, 5, {}], env: 'x' }, { name: 'p', restartPolicy: 'Always', ports: [{ containerPort: 1 }] }] },
  { initContainers: [{ name: 'i', command: ['localhost:99999999'], env: [null, { name: 3, value: 5 }, { value: 'localhost:1' }] }, { restartPolicy: 'Always', ports: [{ containerPort: 1 }] }] },
  { initContainers: [{ restartPolicy: 'Always', ports: [{ containerPort: 1 }], image: 42 }], containers: [null, APP], terminationGracePeriodSeconds: 'x' },
];

test('LIFECYCLE_RULES lists SC205 to SC210 in id order', () => {
  expect(LIFECYCLE_RULES.map(r => r.id)).toEqual(['SC205', 'SC206', 'SC207', 'SC208', 'SC209', 'SC210']);
  expect(LIFECYCLE_RULES.slice(0, 2)).toEqual([jobHelperRule, graceBudgetRule]);
});

test.each(LIFECYCLE_RULES.map(r => [r.id, r] as const))('%s never throws on malformed input', (_id, rule) => {
  for (const fromConstructs of [false, true]) {
    const violations = validateManifests(malformedManifests(MALFORMED_SPECS), { kubernetesVersion: '1.33' }, { rules: [rule], fromConstructs });
    expect(violations.filter(v => v.message.includes('could not check'))).toEqual([]);
  }
});

describe('SC205 a long-running helper among the main containers of a pod that runs to completion', () => {
  const proxy = { name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1' };

  test.each(['Never', 'OnFailure'])('a bare Pod with restartPolicy %s never completes with a helper beside its work', restartPolicy => {
    expect(found(jobHelperRule, pod({ restartPolicy, containers: [APP, proxy] }))).toEqual(['SC205 error spec.containers[1]']);
    expect(run(jobHelperRule, pod({ restartPolicy, containers: [APP, proxy] }))[0].message).toContain('as a regular container of a Pod it never exits, so the Pod never completes');
  });

  test.each([['Always'], [undefined], ['always']])('a Pod with restartPolicy %s restarts its containers and never completes anyway: nothing to report', restartPolicy => {
    expect(found(jobHelperRule, pod({ restartPolicy, containers: [APP, proxy] }))).toEqual([]);
  });

  test('a helper moved to a native sidecar lets the Pod complete', () => {
    expect(found(jobHelperRule, pod({ restartPolicy: 'Never', initContainers: [{ ...proxy, restartPolicy: 'Always' }], containers: [APP] }))).toEqual([]);
  });
});

describe('SC207 sidecar that exposes ports has no startupProbe', () => {
  const vault = { name: 'vault-agent', image: 'hashicorp/vault:1.17', restartPolicy: 'Always', ports: [{ containerPort: 8200 }] };
  const vaultClient = { ...APP, env: [{ name: 'VAULT_ADDR', value: 'http://127.0.0.1:8200' }] };

  test('a sidecar with ports and no startupProbe, followed by containers that dial it, is reported on a Pod', () => {
    const violations = run(sidecarStartupProbeRule, pod({ initContainers: [vault, { name: 'migrate', image: 'm' }], containers: [vaultClient] }));
    expect(violations).toEqual([{
      ruleId: 'SC207',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.initContainers[0]',
      message: 'sidecar "vault-agent" exposes port 8200 but has no startupProbe, so the kubelet starts the containers after it (init container "migrate", container "app") as soon as its process runs, possibly before it listens; container "app" connects to it on localhost',
      fix: 'add a startupProbe to "vault-agent" that passes once it serves (e.g. tcpSocket on port 8200), so the containers after it start only when it is listening',
    }]);
  });

  test('info when nothing after it is shown to connect to it: localhost with another port, or its port without localhost', () => {
    const otherPort = { ...APP, env: [{ name: 'UPSTREAM', value: 'localhost:18200' }] };
    const remote = { ...APP, args: ['--vault=https://vault.example.com:8200'] };
    for (const app of [APP, otherPort, remote]) {
      const [violation] = run(sidecarStartupProbeRule, pod({ initContainers: [vault], containers: [app] }));
      expect(violation.severity).toBe('info');
      expect(violation.message).toContain('; no container after it is shown to connect to it on localhost, so this matters only if one does at start');
    }
    // DB_HOST=127.0.0.1 with DB_PORT=8200 in separate variables is a connection.
    const split = { ...APP, env: [{ name: 'DB_HOST', value: '127.0.0.1' }, { name: 'DB_PORT', value: '8200' }] };
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [vault], containers: [split] }))).toEqual(['SC207 warning spec.initContainers[0]']);
  });

  test('a database proxy that listens through a flag, with no declared port, is dialed by the app: a warning whose fix uses its health endpoint', () => {
    const sqlProxy = { name: 'db-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.0', restartPolicy: 'Always', args: ['--port=6432', 'project:region:instance'] };
    const [violation] = run(sidecarStartupProbeRule, deployment({ initContainers: [sqlProxy], containers: [APP], restartPolicy: 'Always' }));
    expect(violation).toMatchObject({ severity: 'warning', path: 'spec.template.spec.initContainers[0]' });
    expect(violation.message).toBe('sidecar "db-proxy" is a cloud-sql-proxy that the containers after it (container "app") dial on port 6432 but has no startupProbe, so the kubelet starts them as soon as its process runs, possibly before it listens');
    expect(violation.fix).toBe('add a startupProbe to "db-proxy" that passes once it serves (start it with --health-check --http-address=0.0.0.0 and probe httpGet /startup on its --http-port (9090 by default)), so the containers after it start only when it is listening');
    const byEnv = { ...sqlProxy, args: ['project:region:instance'], env: [{ name: 'CSQL_PROXY_PORT', value: '<DB_PORT>' }] };
    expect(run(sidecarStartupProbeRule, pod({ initContainers: [byEnv], containers: [APP] }))[0].message).toContain('dial on port <DB_PORT>');
    const byDefault = { ...sqlProxy, args: ['-p', '3307', 'x'] };
    expect(run(sidecarStartupProbeRule, pod({ initContainers: [byDefault], containers: [APP] }))[0].message).toContain('dial on port 3307');
  });

  test('the path on a Deployment, and the health endpoint of a known helper in the fix', () => {
    const proxy = { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.0', restartPolicy: 'Always', ports: [{ containerPort: 15090 }, { containerPort: 15021 }] };
    const [violation] = run(sidecarStartupProbeRule, deployment({ initContainers: [proxy], containers: [APP] }));
    expect(violation.path).toBe('spec.template.spec.initContainers[0]');
    expect(violation.message).toContain('exposes ports 15090, 15021 but has no startupProbe');
    expect(violation.fix).toBe('add a startupProbe to "istio-proxy" that passes once it serves (httpGet /healthz/ready on port 15021, its health endpoint), so the containers after it start only when it is listening');
  });

  test('names at most three followers', () => {
    const containers = ['a', 'b', 'c', 'd', 'e'].map(name => ({ name, image: 'i', args: ['--vault', 'localhost:8200'] }));
    const [violation] = run(sidecarStartupProbeRule, pod({ initContainers: [vault], containers }));
    expect(violation.message).toContain('(container "a", container "b", container "c" and 2 more)');
  });

  test('compliant: a startupProbe, no ports, a postStart gate, or nothing after it', () => {
    const withProbe = { ...vault, startupProbe: { httpGet: { path: '/v1/sys/health', port: 8200 } } };
    const noPorts = { name: 'logs', image: 'fluent/fluent-bit:3.0', restartPolicy: 'Always' };
    const postStart = { ...vault, lifecycle: { postStart: { exec: { command: ['wait-until-ready'] } } } };
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [withProbe], containers: [APP] }))).toEqual([]);
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [noPorts], containers: [APP] }))).toEqual([]);
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [postStart], containers: [APP] }))).toEqual([]);
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [vault] }))).toEqual([]);
  });

  test('a plain init container with ports is not a sidecar', () => {
    const plain = { name: 'seed', image: 's', ports: [{ containerPort: 80 }] };
    expect(found(sidecarStartupProbeRule, pod({ initContainers: [plain], containers: [APP] }))).toEqual([]);
  });

  test('only the sidecars with ports and no probe, at their own index, on a CronJob', () => {
    const gated = { ...vault, name: 'gated', startupProbe: { tcpSocket: { port: 8200 } } };
    const spec = { initContainers: [gated, { name: 'seed', image: 's' }, { ...vault, name: 'late' }], containers: [vaultClient] };
    expect(found(sidecarStartupProbeRule, cronJob(spec))).toEqual(['SC207 warning spec.jobTemplate.spec.template.spec.initContainers[2]']);
  });
});

describe('SC208 readinessProbe on a sidecar', () => {
  const proxy = {
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.27.0',
    restartPolicy: 'Always',
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15 },
  };

  test('reported at the probe, on a Pod, with the handler in the message', () => {
    const violations = run(sidecarReadinessProbeRule, pod({ initContainers: [proxy], containers: [APP] }));
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([['SC208', 'warning', 'spec.initContainers[0].readinessProbe']]);
    expect(violations[0].message).toBe('sidecar "istio-proxy" has a readinessProbe (httpGet /healthz/ready on port 15021): it counts toward the pod\'s Ready condition, so while it fails the pod leaves Service endpoints, and it never holds back the containers after "istio-proxy"');
    expect(violations[0].fix).toBe('remove the readinessProbe from "istio-proxy"; to make later containers wait for it, give it a startupProbe instead');
  });

  test('reported on a Deployment, for an exec probe, at the sidecar\'s own index', () => {
    const exec = { name: 'agent', image: 'a', restartPolicy: 'Always', readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } } };
    const violations = run(sidecarReadinessProbeRule, deployment({ initContainers: [{ name: 'seed', image: 's' }, exec], containers: [APP] }));
    expect(violations.map(v => v.path)).toEqual(['spec.template.spec.initContainers[1].readinessProbe']);
    expect(violations[0].message).toContain('has a readinessProbe (exec "cat /tmp/ready")');
  });

  test('compliant: startup and liveness probes on a sidecar, a readinessProbe on a regular container', () => {
    const sidecar = { ...proxy, readinessProbe: undefined, startupProbe: proxy.readinessProbe, livenessProbe: proxy.readinessProbe };
    const app = { ...APP, readinessProbe: { httpGet: { path: '/', port: 80 } } };
    expect(found(sidecarReadinessProbeRule, pod({ initContainers: [sidecar], containers: [app] }))).toEqual([]);
    expect(found(sidecarReadinessProbeRule, pod({ initContainers: [{ ...proxy, readinessProbe: null }], containers: [APP] }))).toEqual([]);
  });

  test('a readinessProbe on a plain init container is SC102\'s, not this rule\'s', () => {
    const plain = { name: 'seed', image: 's', readinessProbe: { tcpSocket: { port: 80 } } };
    expect(found(sidecarReadinessProbeRule, pod({ initContainers: [plain], containers: [APP] }))).toEqual([]);
  });
});

describe('SC209 preStop hook on a sidecar', () => {
  const proxy = {
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.27.0',
    restartPolicy: 'Always',
    lifecycle: { preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] } } },
  };

  test('reported at the hook, on a Pod, with the handler in the message', () => {
    const violations = run(sidecarPreStopRule, pod({ initContainers: [proxy], containers: [APP] }));
    expect(violations.map(v => [v.ruleId, v.severity, v.path])).toEqual([['SC209', 'warning', 'spec.initContainers[0].lifecycle.preStop']]);
    expect(violations[0].message).toBe('sidecar "istio-proxy" has a lifecycle.preStop hook (exec "pilot-agent request --debug-port=15020 POST drain"): it runs at the start of pod termination, concurrently with the app\'s, not after the app has stopped');
    expect(violations[0].fix).toBe('remove the preStop hook from "istio-proxy" and drain on SIGTERM, which it receives only after the app\'s containers have exited');
  });

  test('reported on a CronJob for a sleep hook', () => {
    const sleeper = { name: 'logs', image: 'l', restartPolicy: 'Always', lifecycle: { preStop: { sleep: { seconds: 5 } } } };
    const violations = run(sidecarPreStopRule, cronJob({ initContainers: [sleeper], containers: [APP] }));
    expect(violations.map(v => v.path)).toEqual(['spec.jobTemplate.spec.template.spec.initContainers[0].lifecycle.preStop']);
    expect(violations[0].message).toContain('has a lifecycle.preStop hook (sleep 5s)');
  });

  test('compliant: postStart on a sidecar, preStop on a regular container, no lifecycle', () => {
    const postStart = { ...proxy, lifecycle: { postStart: { exec: { command: ['true'] } } } };
    const app = { ...APP, lifecycle: { preStop: { sleep: { seconds: 5 } } } };
    expect(found(sidecarPreStopRule, deployment({ initContainers: [postStart, { ...proxy, lifecycle: undefined }], containers: [app] }))).toEqual([]);
  });
});

describe('SC210 sidecar ordered after a run-once init container that needs it', () => {
  const sqlProxy = { name: 'cloud-sql-proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11', restartPolicy: 'Always', ports: [{ containerPort: 5432 }] };
  const migrate = { name: 'migrate', image: 'migrate/migrate', args: ['-database', 'postgres://app@localhost:5432/app', 'up'] };

  test('an init container calling the sidecar\'s port on localhost: warning in plain YAML', () => {
    const violations = run(initBeforeNeededSidecarRule, pod({ initContainers: [migrate, sqlProxy], containers: [APP] }));
    expect(violations).toEqual([{
      ruleId: 'SC210',
      severity: 'warning',
      kind: 'Pod',
      name: 'p',
      namespace: 'ns',
      path: 'spec.initContainers[0]',
      message: 'init container "migrate" (initContainers[0]) connects to localhost:5432 (args), a port of sidecar "cloud-sql-proxy" (initContainers[1]), but runs before it: init containers start in order, so "cloud-sql-proxy" starts only after "migrate" has completed',
      fix: 'move "cloud-sql-proxy" before "migrate" in initContainers (with cdk8s-sidecars, make "migrate" depend on it and the order is derived)',
    }]);
  });

  test('the same manifest from constructs is an error', () => {
    expect(found(initBeforeNeededSidecarRule, pod({ initContainers: [migrate, sqlProxy], containers: [APP] }), {}, true))
      .toEqual(['SC210 error spec.initContainers[0]']);
    expect(found(initBeforeNeededSidecarRule, deployment({ initContainers: [migrate, sqlProxy], containers: [APP] }), {}, true))
      .toEqual(['SC210 error spec.template.spec.initContainers[0]']);
  });

  test('loopback forms: 127.0.0.1 in env, [::1], and a space before the port in a shell loop', () => {
    const admin = { name: 'envoy', image: 'envoyproxy/envoy:v1.31.0', restartPolicy: 'Always', ports: [{ containerPort: 15000 }, { containerPort: 4140 }] };
    const byEnv = { name: 'warm', image: 'w', env: [{ name: 'ADMIN', value: 'http://127.0.0.1:15000/ready' }] };
    const byIpv6 = { name: 'ping6', image: 'w', command: ['curl', 'http://[::1]:4140/'] };
    const byShell = { name: 'nc', image: 'busybox', command: ['sh', '-c', 'until nc -z localhost 15000; do sleep 1; done'] };
    const violations = run(initBeforeNeededSidecarRule, deployment({ initContainers: [byEnv, byIpv6, byShell, admin], containers: [APP] }));
    expect(violations.map(v => v.path)).toEqual([
      'spec.template.spec.initContainers[0]',
      'spec.template.spec.initContainers[1]',
      'spec.template.spec.initContainers[2]',
    ]);
    expect(violations[0].message).toContain('connects to 127.0.0.1:15000 (env ADMIN), a port of sidecar "envoy" (initContainers[3])');
    expect(violations[1].message).toContain('connects to [::1]:4140 (command)');
    expect(violations[2].message).toContain('connects to localhost 15000 (command)');
  });

  test('an init container named for waiting on the sidecar, or naming it in a wait command', () => {
    const proxy = { name: 'proxy', image: 'p', restartPolicy: 'Always' };
    const byName = { name: 'wait-for-proxy', image: 'busybox' };
    const byArgs = { name: 'gate', image: 'tool', args: ['--wait-for', 'proxy'] };
    const violations = run(initBeforeNeededSidecarRule, cronJob({ initContainers: [byName, byArgs, proxy], containers: [APP] }));
    expect(violations.map(v => `${v.severity} ${v.path}`)).toEqual([
      'warning spec.jobTemplate.spec.template.spec.initContainers[0]',
      'warning spec.jobTemplate.spec.template.spec.initContainers[1]',
    ]);
    expect(violations[0].message).toBe('init container "wait-for-proxy" (initContainers[0]) is named for waiting on sidecar "proxy" (initContainers[2]), but runs before it: init containers start in order, so "proxy" starts only after "wait-for-proxy" has completed');
    expect(violations[1].message).toContain('init container "gate" (initContainers[1]) waits for sidecar "proxy" (initContainers[2]), named in its args');
  });

  test('compliant: the sidecar first, a port nobody serves later, a port an earlier sidecar serves', () => {
    expect(found(initBeforeNeededSidecarRule, pod({ initContainers: [sqlProxy, migrate], containers: [APP] }))).toEqual([]);
    const otherPort = { ...migrate, args: ['-database', 'postgres://localhost:6543/app'] };
    expect(found(initBeforeNeededSidecarRule, pod({ initContainers: [otherPort, sqlProxy], containers: [APP] }))).toEqual([]);
    const first = { ...sqlProxy, name: 'first-proxy' };
    expect(found(initBeforeNeededSidecarRule, pod({ initContainers: [first, migrate, sqlProxy], containers: [APP] }))).toEqual([]);
  });

  test('compliant: init containers that prepare a sidecar, and look-alike hosts', () => {
    const proxy = { name: 'proxy', image: 'p', restartPolicy: 'Always', ports: [{ containerPort: 80 }] };
    const setup = { name: 'proxy-init', image: 'p', args: ['--proxy', 'proxy', '--port', '80'] };
    const config = { name: 'envoy-config', image: 'c', args: ['render', '--out', '/etc/envoy'] };
    const lookalike = { name: 'fetch', image: 'f', args: ['http://mylocalhost:80/', 'http://10.127.0.0.1:80/', 'localhost:800'] };
    expect(found(initBeforeNeededSidecarRule, pod({ initContainers: [setup, config, lookalike, proxy], containers: [APP] }))).toEqual([]);
  });

  test('an unnamed init container is named by its path', () => {
    const unnamed = { image: 'migrate/migrate', args: ['localhost:5432'] };
    const [violation] = run(initBeforeNeededSidecarRule, pod({ initContainers: [unnamed, sqlProxy], containers: [APP] }));
    expect(violation.message).toBe('init container at initContainers[0] connects to localhost:5432 (args), a port of sidecar "cloud-sql-proxy" (initContainers[1]), but runs before it: init containers start in order, so "cloud-sql-proxy" starts only after the container at initContainers[0] has completed');
  });
});
