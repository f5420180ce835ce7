import { ApiObject, Chart, Cron, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  DependencyCondition, RunOnceInit, Sidecar, SidecarCronJob, SidecarDaemonSet, SidecarDeployment,
  SidecarJob, SidecarPod, SidecarStatefulSet,
} from '../src';
import { synthErrors, synthWorkload } from './helpers';
import { podSpecOf } from './manifests';
import * as engineModule from '../src/rules/engine';

const probe = () => kplus.Probe.fromHttpGet('/ready', { port: 9901 });

describe('sidecars render as init containers with restartPolicy Always', () => {
  test('only sidecars carry restartPolicy; run-once init containers and main containers never do', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addRunOnceInit({ name: 'setup', image: 'busybox:1.37' });
    pod.addSidecar({ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', startupProbe: probe() });
    pod.addContainer({ name: 'app', image: 'nginx:1.27' });

    const spec = podSpecOf(synthWorkload(chart));
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['setup', undefined], ['proxy', 'Always']]);
    expect(spec.containers.map((c: any) => c.restartPolicy)).toEqual([undefined]);
  });

  test('a run-once init container with a port gets no startupProbe (cdk8s-plus-30 renders one the API server rejects)', () => {
    // GIVEN plain cdk8s-plus-30: the default TCP startupProbe lands on a plain init container
    const plainChart = Testing.chart();
    const plain = new kplus.Deployment(plainChart, 'plain');
    plain.addInitContainer({ name: 'migrate', image: 'migrate:1', portNumber: 5432 });
    plain.addContainer({ name: 'app', image: 'app:1' });
    const plainInit = podSpecOf(Testing.synth(plainChart)[0]).initContainers[0];
    expect(plainInit.startupProbe).toEqual({ failureThreshold: 3, tcpSocket: { port: 5432 } });

    // WHEN the same through this library, typed or through the inherited cdk8s-plus method
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    deploy.addRunOnceInit({ name: 'migrate', image: 'migrate:1', portNumber: 5432 });
    deploy.addInitContainer({ name: 'seed', image: 'seed:1', portNumber: 6379 });
    deploy.addContainer({ name: 'app', image: 'app:1' });

    // THEN no init container has a probe or lifecycle, and the ports survive
    const inits = podSpecOf(synthWorkload(chart)).initContainers;
    for (const init of inits) {
      expect(init).not.toHaveProperty('startupProbe');
      expect(init).not.toHaveProperty('livenessProbe');
      expect(init).not.toHaveProperty('readinessProbe');
      expect(init).not.toHaveProperty('lifecycle');
    }
    expect(inits.map((c: any) => c.ports[0].containerPort)).toEqual([5432, 6379]);
  });

  test('a sidecar with a port gets only the probes it declares, not a silent TCP startupProbe', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addSidecar({ name: 'agent', image: 'agent:1', portNumber: 8200 });
    pod.addSidecar({ name: 'proxy', image: 'proxy:1', portNumber: 15001, startupProbe: probe() });
    pod.addContainer({ name: 'app', image: 'app:1' });

    const [agent, proxy] = podSpecOf(synthWorkload(chart)).initContainers;
    expect(agent.startupProbe).toBeUndefined();
    expect(proxy.startupProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/ready', port: 9901, scheme: 'HTTP' } });
  });

  test('lifecycle on a plain init container through the inherited cdk8s-plus method fails synth with SC102 (cdk8s-plus-30 renders it)', () => {
    const lifecycle = { preStop: kplus.Handler.fromCommand(['sleep', '5']) };
    const plainChart = Testing.chart();
    const plain = new kplus.Pod(plainChart, 'plain');
    plain.addInitContainer({ name: 'setup', image: 'busybox:1.37', lifecycle });
    plain.addContainer({ name: 'app', image: 'app:1' });
    expect(podSpecOf(Testing.synth(plainChart)[0]).initContainers[0].lifecycle).toBeDefined();

    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addInitContainer({ name: 'setup', image: 'busybox:1.37', lifecycle });
    pod.addContainer({ name: 'app', image: 'app:1' });
    // the rule's finding, formatted by the engine (one SC102, not a second hand-built throw)
    expect(synthErrors(chart)).toEqual([
      '[test/pod] init container "setup" sets lifecycle, which may not be set for init containers without restartPolicy=Always; remove lifecycle, or make "setup" a sidecar with restartPolicy: Always (at spec.initContainers[0].lifecycle) [SC102]',
    ]);
  });

  test('a container name used by an init container and a main container fails synth (cdk8s-plus-30 renders it)', () => {
    const plainChart = Testing.chart();
    const plain = new kplus.Pod(plainChart, 'plain');
    plain.addInitContainer({ name: 'app', image: 'busybox:1.37' });
    plain.addContainer({ name: 'app', image: 'app:1' });
    expect(() => Testing.synth(plainChart)).not.toThrow();

    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addRunOnceInit({ name: 'app', image: 'busybox:1.37' });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] init container "app" repeats the name "app", already used by regular container at containers[0]; container names must be unique across containers, init containers and sidecars; rename initContainers[0] or containers[0] (at spec.initContainers[0].name) [SC105]',
    ]);
  });

  test('restartPolicy on a main container is rejected by cdk8s-plus at synth, as before', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addContainer({ name: 'app', image: 'app:1', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS });
    expect(() => Testing.synth(chart)).toThrow(/restartPolicy/);
  });

  test('cdk8s-plus style sidecars (addInitContainer with restartPolicy ALWAYS) are adopted as sidecars', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy', {
      initContainers: [{ name: 'shipper', image: 'fluent/fluent-bit:3.1', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS, portNumber: 2020 }],
    });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    expect(deploy.sidecars.map(s => s.name)).toEqual(['shipper']);
    const [shipper] = podSpecOf(synthWorkload(chart)).initContainers;
    expect(shipper.restartPolicy).toEqual('Always');
    expect(shipper.startupProbe).toBeUndefined();
    expect(shipper.resources).toEqual({ limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
  });
});

describe('resources', () => {
  test('sidecars and run-once init containers get small documented defaults, never 1000m/512Mi', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    pod.addRunOnceInit({ name: 'setup', image: 'busybox:1.37' });
    pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addContainer({ name: 'app', image: 'app:1', resources: {} });

    const [setup, proxy] = podSpecOf(synthWorkload(chart)).initContainers;
    expect(proxy.resources).toEqual({ limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } });
    expect(setup.resources).toEqual({ limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    expect(Sidecar.DEFAULT_RESOURCES.cpu?.request?.amount).toEqual('50m');
    expect(RunOnceInit.DEFAULT_RESOURCES.memory?.request?.toMebibytes()).toEqual(128);
  });

  test('effective requests follow the KEP-753 formula: a sidecar before a heavy init counts during that init', () => {
    // research note, example B: envoy (sidecar) 300m/128Mi, migrate (plain) 800m/512Mi, app 500m/256Mi
    const res = (cpu: number, mem: number) => ({ cpu: { request: kplus.Cpu.millis(cpu) }, memory: { request: Size.mebibytes(mem) } });
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    const envoy = deploy.addSidecar({ name: 'envoy', image: 'envoyproxy/envoy:v1.31.2', resources: res(300, 128) });
    deploy.addRunOnceInit({ name: 'migrate', image: 'migrate:1', resources: res(800, 512), dependsOn: [{ container: envoy }] });
    deploy.addContainer({ name: 'app', image: 'app:1', resources: res(500, 256) });

    const summary = deploy.describeLifecycle();
    expect(summary.effectiveRequests).toEqual({ cpu: '1100m', memory: '640Mi' });
    expect(summary.effectiveLimits).toEqual({});
  });
});

describe('ordering', () => {
  test('initContainers follow the typed dependencies, declaration order elsewhere', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    const migrate = deploy.addRunOnceInit({ name: 'migrate', image: 'migrate:1' });
    deploy.addRunOnceInit({ name: 'warm-cache', image: 'warm:1' });
    const vault = deploy.addSidecar({ name: 'vault-agent', image: 'hashicorp/vault:1.17', startupProbe: probe() });
    const proxy = deploy.addSidecar({ name: 'db-proxy', image: 'proxy:1', startupProbe: probe(), dependsOn: [{ container: vault }] });
    migrate.addDependency({ container: proxy, condition: DependencyCondition.READY });
    deploy.addContainer({ name: 'app', image: 'app:1' });

    const names = podSpecOf(synthWorkload(chart)).initContainers.map((c: any) => c.name);
    expect(names).toEqual(['warm-cache', 'vault-agent', 'db-proxy', 'migrate']);
    expect(deploy.describeLifecycle().startupOrder).toEqual(['warm-cache', 'vault-agent', 'db-proxy', 'migrate', 'app']);
    expect(deploy.describeLifecycle().shutdownOrder).toEqual(['app', 'db-proxy', 'vault-agent']);
  });

  test('a dependency cycle fails synth naming the cycle', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    const a = pod.addSidecar({ name: 'a', image: 'a:1', startupProbe: probe() });
    const b = pod.addRunOnceInit({ name: 'b', image: 'b:1', dependsOn: [{ container: a }] });
    a.addDependency({ container: b });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] init containers depend on each other in a cycle: "a" -> "b" -> "a"; remove one of these dependencies (at spec.initContainers[0]) [SC201]',
    ]);
  });

  test('a self-dependency fails synth', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    const a = pod.addRunOnceInit({ name: 'a', image: 'a:1' });
    a.addDependency({ container: a });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual(['[test/pod] init container "a" depends on itself; remove that dependency (at spec.initContainers[0]) [SC201]']);
  });

  test('a dependency on another workload\'s sidecar fails synth', () => {
    const chart = Testing.chart();
    const other = new SidecarPod(chart, 'other');
    const foreign = other.addSidecar({ name: 'vault-agent', image: 'hashicorp/vault:1.17' });
    other.addContainer({ name: 'app', image: 'app:1' });
    const pod = new SidecarPod(chart, 'pod');
    pod.addRunOnceInit({ name: 'migrate', image: 'migrate:1', dependsOn: [{ container: foreign, condition: DependencyCondition.STARTED }] });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] init container "migrate" depends on sidecar "vault-agent" of workload "test/other", not of this workload; depend only on sidecars and init containers added to the same workload (at spec.initContainers[0]) [SC202]',
    ]);
  });

  test('a dependency declared for a container of another workload fails synth', () => {
    const chart = Testing.chart();
    const other = new SidecarPod(chart, 'other');
    const strayApp = other.addContainer({ name: 'worker', image: 'worker:1' });
    const pod = new SidecarPod(chart, 'pod');
    const proxy = pod.addSidecar({ name: 'proxy', image: 'proxy:1', startupProbe: probe() });
    pod.addContainer({ name: 'app', image: 'app:1' });
    pod.addContainerDependency(strayApp, { container: proxy });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] dependencies were declared for container "worker", which is not a main container of this workload; add it with addContainer() first (at spec) [SC202]',
    ]);
  });

  test('READY on a sidecar without a startupProbe fails synth', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    const proxy = deploy.addSidecar({ name: 'proxy', image: 'proxy:1', readinessProbe: probe() });
    const app = deploy.addContainer({ name: 'app', image: 'app:1' });
    deploy.addContainerDependency(app, { container: proxy, condition: DependencyCondition.READY });
    const errors = synthErrors(chart);
    expect(errors).toContain(
      '[test/deploy] container "app" waits for sidecar "proxy" to be READY, but "proxy" has no startupProbe and Kubernetes waits only for a startup probe, never a readiness probe; add a startupProbe to "proxy" or use STARTED (at spec.template.spec.containers[0]) [SC203]');
  });

  test('COMPLETED on a sidecar fails synth', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    const proxy = pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addRunOnceInit({ name: 'migrate', image: 'migrate:1', dependsOn: [{ container: proxy, condition: DependencyCondition.COMPLETED }] });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] init container "migrate" waits for sidecar "proxy" to be COMPLETED, but a sidecar runs for the pod\'s life and never completes; use READY (with a startupProbe on "proxy") or STARTED (at spec.initContainers[1]) [SC204]',
    ]);
  });

  test('a dependency that is not { container } (plain JavaScript) is named at once, not a crash in synth', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    const proxy = pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    const app = pod.addContainer({ name: 'app', image: 'app:1' });
    const untyped = (value: unknown) => value as any;
    expect(() => pod.addSidecar({ name: 'log', image: 'log:1', dependsOn: untyped([proxy]) })).toThrow(
      '[test/pod] sidecar "log": dependency 0 must be { container, condition? } naming a sidecar or init container, got sidecar "proxy" itself; write { container: <it> }');
    expect(() => pod.addRunOnceInit({ name: 'seed', image: 'seed:1', dependsOn: untyped({ container: proxy }) })).toThrow(
      '[test/pod] init container "seed": dependencies must be a list of { container, condition? }, got one { container } object; put it in a list');
    expect(() => proxy.addDependency(untyped(null))).toThrow(
      '[test/pod] sidecar "proxy": dependency 0 must be { container, condition? } naming a sidecar or init container, got null');
    expect(() => pod.addContainerDependency(app, untyped({ container: 'proxy' }))).toThrow(
      '[test/pod] container "app": dependency 0 must be { container, condition? } naming a sidecar or init container, got an object whose container is string "proxy"');
    expect(() => pod.addContainerDependency(app, untyped({ condition: 'READY' }))).toThrow('got an object without a container');
    expect(() => pod.addContainerDependency(app, untyped(new Date(0)))).toThrow('got a Date');
    // nothing half-added: the workload still synthesizes with the valid parts
    expect(synthErrors(chart)).toEqual([]);
    expect(pod.sidecars.map(s => s.name)).toEqual(['proxy']);
  });

  test('the default condition is the strongest the target supports', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod');
    const bare = pod.addSidecar({ name: 'bare', image: 'bare:1' });
    const app = pod.addContainer({ name: 'app', image: 'app:1' });
    // STARTED is implied for a sidecar without a startupProbe, so this is not a READY error
    pod.addContainerDependency(app, { container: bare });
    expect(synthErrors(chart)).toEqual([]);
  });
});

describe('run to completion', () => {
  test('a SidecarPod with restartPolicy Never or OnFailure cannot complete with a helper as a main container', () => {
    for (const restartPolicy of [kplus.RestartPolicy.NEVER, kplus.RestartPolicy.ON_FAILURE]) {
      const chart = Testing.chart();
      const pod = new SidecarPod(chart, 'pod', { restartPolicy });
      pod.addContainer({ name: 'work', image: 'work:1' });
      pod.addContainer({ name: 'shipper', image: 'fluent/fluent-bit:3.0' });
      expect(pod.describeLifecycle().canComplete).toBe(false);
      expect(synthErrors(chart)).toEqual([expect.stringContaining('[test/pod] container "shipper" runs fluent/fluent-bit:3.0')]);
      expect(synthErrors(chart)[0]).toContain('[SC205]');
    }
  });

  test('the same helper as a sidecar lets it complete; a Pod that always restarts is not asked', () => {
    const chart = Testing.chart();
    const once = new SidecarPod(chart, 'once', { restartPolicy: kplus.RestartPolicy.NEVER });
    once.addSidecar({ name: 'shipper', image: 'fluent/fluent-bit:3.0' });
    once.addContainer({ name: 'work', image: 'work:1' });
    const always = new SidecarPod(chart, 'always');
    always.addContainer({ name: 'work', image: 'work:1' });
    always.addContainer({ name: 'shipper', image: 'fluent/fluent-bit:3.0' });
    expect(once.describeLifecycle().canComplete).toBe(true);
    expect(always.describeLifecycle().canComplete).toBe(true);
    expect(synthErrors(chart)).toEqual([]);
  });
});

describe('grace period', () => {
  test('derived from the app stop time plus every sidecar drain when not given', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy', { appStopTime: Duration.seconds(20) });
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1', drainTime: Duration.seconds(10) });
    deploy.addSidecar({ name: 'logs', image: 'logs:1' });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const manifest = synthWorkload(chart);
    expect(podSpecOf(manifest).terminationGracePeriodSeconds).toEqual(20 + 10 + 5);
    expect(manifest.metadata.annotations).toEqual({
      'cdk8s-sidecars.io/app-stop-seconds': '20',
      'cdk8s-sidecars.io/drain-seconds': 'proxy=10,logs=5',
    });
  });

  test('drain and app stop times that are not whole seconds are rounded up, in the manifest and in describeLifecycle()', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy', { appStopTime: Duration.millis(2500) });
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1', drainTime: Duration.millis(1500) });
    deploy.addSidecar({ name: 'logs', image: 'logs:1', drainTime: Duration.millis(200) });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const manifest = synthWorkload(chart);
    expect(podSpecOf(manifest).terminationGracePeriodSeconds).toEqual(3 + 2 + 1);
    expect(manifest.metadata.annotations).toEqual({
      'cdk8s-sidecars.io/app-stop-seconds': '3',
      'cdk8s-sidecars.io/drain-seconds': 'proxy=2,logs=1',
    });
    expect(deploy.describeLifecycle().terminationGracePeriodSeconds).toEqual(6);
    expect(synthErrors(chart)).toEqual([]);
  });

  test('a given grace period that is too small for the declared drains fails synth naming the budget', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy', { terminationGracePeriod: Duration.seconds(30) });
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1', drainTime: Duration.seconds(10) });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/deploy] terminationGracePeriodSeconds is 30, but the declared stops need 40s (app 30s + "proxy" 10s); the sidecars stopped last would be killed before they drain; set terminationGracePeriodSeconds to at least 40, or shorten the drain times (at spec.template.spec.terminationGracePeriodSeconds) [SC206]',
    ]);
  });

  test('a given grace period that fits is kept', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy', { terminationGracePeriod: Duration.seconds(90) });
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1' });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    expect(podSpecOf(synthWorkload(chart)).terminationGracePeriodSeconds).toEqual(90);
  });

  test('a workload without sidecars keeps Kubernetes\' 30 seconds and gets no annotations', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const manifest = synthWorkload(chart);
    expect(podSpecOf(manifest).terminationGracePeriodSeconds).toEqual(30);
    expect(manifest.metadata.annotations).toBeUndefined();
  });
});

describe('Kubernetes version', () => {
  test('below 1.29 synth fails with an explanation', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod', { kubernetesVersion: '1.27' });
    pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)).toEqual([
      '[test/pod] sidecar "proxy" needs Kubernetes 1.29 or later, but the target is 1.27: Kubernetes 1.27 has no container restartPolicy and silently drops it, and "proxy" would run as a blocking init container that never completes; set kubernetesVersion to 1.29 or later if the cluster is that new; otherwise run the helper as a regular container (at spec.initContainers[0].restartPolicy) [SC901]',
    ]);
  });

  test('1.28 explains the feature gate', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod', { kubernetesVersion: '1.28' });
    pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)[0]).toContain('the SidecarContainers feature gate is alpha and off by default in 1.28');
  });

  test('1.29 and later are accepted, and the version may come from context', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-sidecars:kubernetesVersion', '1.27');
    const chart = new Chart(app, 'ctx');
    const pod = new SidecarPod(chart, 'pod');
    pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(chart)[0]).toContain('[SC901]');

    const ok = Testing.chart();
    const pod29 = new SidecarPod(ok, 'pod', { kubernetesVersion: '1.29' });
    pod29.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod29.addContainer({ name: 'app', image: 'app:1' });
    expect(synthErrors(ok)).toEqual([]);
  });

  test('a malformed version fails at once, naming the construct', () => {
    const chart = Testing.chart();
    expect(() => new SidecarPod(chart, 'pod', { kubernetesVersion: 'latest' })).toThrow(
      '[test/pod] kubernetesVersion "latest" is not a Kubernetes version; use "major.minor" from 1.21 to 1.37, e.g. "1.35"');
  });

  test('workloads side by side each keep their own version, whichever was read last', () => {
    const chart = Testing.chart();
    const versions = ['1.33', '1.33', '1.27', '1.33', ' 1.27 '].map((kubernetesVersion, i) => {
      const pod = new SidecarPod(chart, `pod${i}`, { kubernetesVersion });
      pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
      pod.addContainer({ name: 'app', image: 'app:1' });
      return (pod as any)._host.version.text;
    });
    expect(versions).toEqual(['1.33', '1.33', '1.27', '1.33', '1.27']);
    expect(synthErrors(chart).map(message => message.slice(0, message.indexOf(']') + 1))).toEqual(['[test/pod2]', '[test/pod4]']);
    // A bad version right after a good one is still read, and named.
    expect(() => new SidecarPod(chart, 'late', { kubernetesVersion: '1.x' })).toThrow('[test/late] kubernetesVersion "1.x" is not');
  });
});

describe('Jobs', () => {
  test('a Job with a sidecar proxy completes: the proxy is an init container, not a main container', () => {
    const chart = Testing.chart();
    const job = new SidecarJob(chart, 'job');
    job.addSidecar({ name: 'proxy', image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1' });
    job.addContainer({ name: 'export', image: 'export:1' });
    const spec = podSpecOf(synthWorkload(chart));
    expect(spec.restartPolicy).toEqual('Never');
    expect(spec.containers.map((c: any) => c.name)).toEqual(['export']);
    expect(job.describeLifecycle().canComplete).toBe(true);
  });

  test('a long-running helper among a Job\'s main containers fails synth with a migration hint', () => {
    const chart = Testing.chart();
    const job = new SidecarJob(chart, 'job');
    job.addContainer({ name: 'export', image: 'export:1' });
    job.addContainer({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.0' });
    expect(synthErrors(chart)).toEqual([
      '[test/job] container "istio-proxy" runs docker.io/istio/proxyv2:1.27.0 (istio-proxy), a long-running mesh proxy; as a regular container of a Job it never exits, so the Job never completes; move "istio-proxy" to initContainers with restartPolicy: Always (addSidecar() in cdk8s-sidecars) so it stops when the main containers finish (at spec.template.spec.containers[1]) [SC205]',
    ]);
  });

  test('the same helper in a CronJob fails with the CronJob path', () => {
    const chart = Testing.chart();
    const cron = new SidecarCronJob(chart, 'cron', { schedule: Cron.daily() });
    cron.addContainer({ name: 'export', image: 'export:1' });
    cron.addContainer({ name: 'shipper', image: 'fluent/fluent-bit:3.1.9' });
    expect(synthErrors(chart)[0]).toContain('(at spec.jobTemplate.spec.template.spec.containers[1]) [SC205]');
  });
});

describe('the same API on every workload', () => {
  const kinds: Array<[string, (chart: any) => any]> = [
    ['Pod', c => new SidecarPod(c, 'w')],
    ['Deployment', c => new SidecarDeployment(c, 'w')],
    ['Job', c => new SidecarJob(c, 'w')],
    ['StatefulSet', c => new SidecarStatefulSet(c, 'w', { service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }) })],
    ['DaemonSet', c => new SidecarDaemonSet(c, 'w')],
    ['CronJob', c => new SidecarCronJob(c, 'w', { schedule: Cron.hourly() })],
  ];

  test.each(kinds)('%s orders sidecars, strips default probes and derives the grace period', (kind, make) => {
    const chart = Testing.chart();
    const workload = make(chart);
    const migrate = workload.addRunOnceInit({ name: 'migrate', image: 'migrate:1', portNumber: 5432 });
    const proxy = workload.addSidecar({ name: 'proxy', image: 'proxy:1', startupProbe: probe(), drainTime: Duration.seconds(7) });
    migrate.addDependency({ container: proxy });
    workload.addContainer({ name: 'app', image: 'app:1' });

    const manifest = synthWorkload(chart);
    expect(manifest.kind).toEqual(kind);
    const spec = podSpecOf(manifest);
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy, c.startupProbe !== undefined]))
      .toEqual([['proxy', 'Always', true], ['migrate', undefined, false]]);
    expect(spec.terminationGracePeriodSeconds).toEqual(37);
    expect(workload.describeLifecycle().startupOrder).toEqual(['proxy', 'migrate', 'app']);
  });
});

describe('warnings', () => {
  test('violations() is readable in code and errors fail synth with the construct path', () => {
    const chart = Testing.chart();
    const pod = new SidecarPod(chart, 'pod', { kubernetesVersion: '1.27' });
    pod.addSidecar({ name: 'proxy', image: 'proxy:1' });
    pod.addContainer({ name: 'app', image: 'app:1' });
    const violations = pod.violations();
    expect(violations.find(v => v.ruleId === 'SC901')).toMatchObject({
      severity: 'error', kind: 'Pod', path: 'spec.initContainers[0].restartPolicy',
    });
  });
});

describe('warnings at synth', () => {
  test('are printed once per synth even though cdk8s validates once per chart plus once per app', () => {
    const app = Testing.app();
    const first = new Chart(app, 'first');
    new Chart(app, 'second');
    const pod = new SidecarPod(first, 'pod');
    pod.addSidecar({ name: 'proxy', image: 'proxy:1', readinessProbe: probe(), startupProbe: probe() });
    pod.addContainer({ name: 'app', image: 'app:1' });
    const writes: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      app.synthYaml();
    } finally {
      stderr.mockRestore();
    }
    const sc208 = writes.filter(w => w.includes('[SC208]'));
    expect(sc208).toHaveLength(1);
    expect(sc208[0]).toMatch(/^\[first\/pod\] warning: sidecar "proxy" has a readinessProbe .* \(at spec\.initContainers\[0\]\.readinessProbe\) \[SC208\]\n$/);
  });
});

describe('renders per synth', () => {
  test('a synth renders a workload twice (one check, one output) and builds its state key once per validation pass', () => {
    const app = Testing.app();
    const charts = [new Chart(app, 'a'), new Chart(app, 'b'), new Chart(app, 'c')];
    const deploy = new SidecarDeployment(charts[1], 'deploy');
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1' });
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const renders = jest.spyOn(ApiObject.of(deploy), 'toJson');
    const podSpecs = jest.spyOn(deploy, '_toPodSpec');
    const engine = jest.spyOn(engineModule, 'validateManifests');
    try {
      // cdk8s validates the app once per chart plus once more (4 passes), then renders each object
      expect(app.synthYaml()).toContain('restartPolicy: Always');
      expect(renders).toHaveBeenCalledTimes(2);
      expect(engine).toHaveBeenCalledTimes(1);
      expect(podSpecs).toHaveBeenCalledTimes(4 + 2);

      // the same state again: rendered for the output only
      app.synthYaml();
      expect(renders).toHaveBeenCalledTimes(3);
      expect(engine).toHaveBeenCalledTimes(1);

      // a change is checked again
      deploy.addSidecar({ name: 'logs', image: 'logs:1' });
      app.synthYaml();
      expect(renders).toHaveBeenCalledTimes(5);
      expect(engine).toHaveBeenCalledTimes(2);
    } finally {
      engine.mockRestore();
    }
  });

  test('Testing.synth renders a workload twice: one check and the output', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const renders = jest.spyOn(ApiObject.of(deploy), 'toJson');
    Testing.synth(chart);
    expect(renders).toHaveBeenCalledTimes(2);
  });

  test('what a render does not show still counts: a dependency, a suppression, a JSON patch', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    const proxy = deploy.addSidecar({ name: 'proxy', image: 'proxy:1', readinessProbe: probe(), startupProbe: probe() });
    const app = deploy.addContainer({ name: 'app', image: 'app:1' });
    expect(deploy.violations().map(v => v.ruleId)).toEqual(['SC208']);
    // the rendered order does not change, the verdict does
    deploy.addContainerDependency(app, { container: proxy, condition: DependencyCondition.COMPLETED });
    expect(deploy.violations().map(v => v.ruleId)).toEqual(['SC204', 'SC208']);
    deploy.addSuppression({ ruleId: 'SC208', reason: 'the proxy readiness gates traffic on purpose' });
    expect(deploy.violations().map(v => v.ruleId)).toEqual(['SC204']);
    ApiObject.of(deploy).addJsonPatch(JsonPatch.add('/spec/template/spec/initContainers/0/lifecycle', { preStop: { exec: { command: ['sleep', '1'] } } }));
    expect(deploy.violations().map(v => v.ruleId)).toContain('SC209');
  });

  test('each workload\'s errors are reported under its own path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart');
    for (const id of ['one', 'two', 'three']) {
      const deploy = new SidecarDeployment(chart, id);
      deploy.addSidecar({ name: 'proxy', image: 'proxy:1' });
      deploy.addContainer({ name: id === 'two' ? 'proxy' : 'app', image: 'app:1' });
    }
    let message = '';
    try {
      app.synthYaml();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/\[chart\/two\][^\n]*SC105/);
    expect(message).not.toMatch(/\[chart\/(one|three)\]/);
  });

  test('a change after a synth is in the next synth and in describeLifecycle (no stale render)', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    deploy.addContainer({ name: 'app', image: 'app:1' });
    expect(podSpecOf(synthWorkload(chart)).initContainers).toBeUndefined();
    deploy.addSidecar({ name: 'proxy', image: 'proxy:1' });
    expect(deploy.describeLifecycle().startupOrder).toEqual(['proxy', 'app']);
    expect(podSpecOf(synthWorkload(chart)).initContainers.map((c: any) => c.name)).toEqual(['proxy']);
    deploy.addSidecar({ name: 'logs', image: 'logs:1', readinessProbe: probe() });
    expect(deploy.violations().map(v => v.ruleId)).toContain('SC208');
  });

  test('stop annotations and the derived grace period follow sidecars added or moved after a synth', () => {
    const chart = Testing.chart();
    const deploy = new SidecarDeployment(chart, 'deploy');
    deploy.addContainer({ name: 'app', image: 'app:1' });
    const first = synthWorkload(chart);
    expect(first.metadata.annotations).toBeUndefined();
    expect(podSpecOf(first).terminationGracePeriodSeconds).toEqual(30);
    deploy.addSidecar({ name: 'logs', image: 'logs:1' });
    expect(synthWorkload(chart).metadata.annotations['cdk8s-sidecars.io/drain-seconds']).toEqual('logs=5');
    const proxy = deploy.addSidecar({ name: 'proxy', image: 'proxy:1', drainTime: Duration.seconds(10) });
    expect(synthWorkload(chart).metadata.annotations['cdk8s-sidecars.io/drain-seconds']).toEqual('logs=5,proxy=10');
    // What a mesh add-on does: its proxy moves ahead of the sidecars declared before it.
    deploy.pinFirst(proxy);
    const last = synthWorkload(chart);
    expect(last.metadata.annotations['cdk8s-sidecars.io/drain-seconds']).toEqual('proxy=10,logs=5');
    expect(podSpecOf(last).terminationGracePeriodSeconds).toEqual(30 + 10 + 5);
    expect(deploy.describeLifecycle().terminationGracePeriodSeconds).toEqual(45);
  });
});

test('default sidecar resources next to a fully limited app raise at most a warning, never a synth error', () => {
  // Sidecar.DEFAULT_RESOURCES has no CPU limit on purpose (a throttled proxy slows the app);
  // SC303 points out the quota consequence as a warning.
  const chart = Testing.chart();
  const deploy = new SidecarDeployment(chart, 'deploy');
  deploy.addSidecar({ name: 'proxy', image: 'proxy:1' });
  deploy.addContainer({
    name: 'app',
    image: 'app:1',
    resources: {
      cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(500) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) },
    },
  });
  expect(() => Testing.synth(chart)).not.toThrow();
  expect(deploy.violations().map(v => [v.ruleId, v.severity])).toEqual([['SC303', 'warning']]);
});
