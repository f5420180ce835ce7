// Property-based: random sidecar configurations through the constructs either fail with a clear
// error or render manifests the v1.33 API server accepts. The oracle below is written
// independently of the rule engine, so a rule that misses a rejection shows up here.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import { DependencyCondition, InitContainerHandle, ManifestValidator, SidecarDeployment, SidecarJob, SidecarPod } from '../src';
import { podSpecOf } from './manifests';

const RUNS = 1200;

const nameArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('proxy', 'vault-agent', 'log-shipper', 'otel', 'db-proxy', 'app', 'migrate', 'init-0') },
  { weight: 1, arbitrary: fc.constantFrom('Proxy', '-bad', 'has_underscore', 'x'.repeat(64), '') },
);
const portArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 65535 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 70000, -1) });
const thresholdArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, -1) });
const probeArb = fc.option(fc.record({
  kind: fc.constantFrom('http', 'tcp', 'exec'),
  port: portArb,
  successThreshold: thresholdArb,
  failureThreshold: thresholdArb,
}), { nil: undefined });
const millisArb = fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined });

const initArb = fc.record({
  sidecar: fc.boolean(),
  name: nameArb,
  image: fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom('envoyproxy/envoy:v1.31.2', 'busybox:1.37', 'hashicorp/vault:1.17.6') },
    { weight: 1, arbitrary: fc.constantFrom('', ' busybox ') },
  ),
  portNumber: fc.option(portArb, { nil: undefined }),
  startup: probeArb,
  readiness: probeArb,
  liveness: probeArb,
  cpuRequest: millisArb,
  memRequest: millisArb,
  memLimit: millisArb,
  drainSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  dependsOn: fc.array(fc.record({
    target: fc.nat(5),
    condition: fc.option(fc.constantFrom(...Object.values(DependencyCondition)), { nil: undefined }),
  }), { maxLength: 2 }),
});

const workloadArb = fc.record({
  kind: fc.constantFrom('Pod', 'Deployment', 'Job'),
  version: fc.constantFrom('1.27', '1.28', '1.29', '1.31', '1.33', '1.34', '1.35'),
  graceSeconds: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  appName: nameArb,
  inits: fc.array(initArb, { maxLength: 5 }),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Spec = ValueOf<typeof workloadArb>;

function probe(p: NonNullable<ValueOf<typeof probeArb>>): kplus.Probe {
  const options = { successThreshold: p.successThreshold, failureThreshold: p.failureThreshold, periodSeconds: Duration.seconds(1) };
  if (p.kind === 'http') return kplus.Probe.fromHttpGet('/ready', { ...options, port: p.port });
  if (p.kind === 'tcp') return kplus.Probe.fromTcpSocket({ ...options, port: p.port });
  return kplus.Probe.fromCommand(['true'], options);
}

function build(spec: Spec): Chart {
  const chart = Testing.chart();
  const common = {
    kubernetesVersion: spec.version,
    terminationGracePeriod: spec.graceSeconds === undefined ? undefined : Duration.seconds(spec.graceSeconds),
  };
  const workload = spec.kind === 'Pod' ? new SidecarPod(chart, 'w', common)
    : spec.kind === 'Job' ? new SidecarJob(chart, 'w', common)
      : new SidecarDeployment(chart, 'w', common);
  const handles: InitContainerHandle[] = [];
  for (const init of spec.inits) {
    const resources: kplus.ContainerResources = {
      cpu: init.cpuRequest ? { request: kplus.Cpu.millis(init.cpuRequest) } : undefined,
      memory: {
        request: init.memRequest ? Size.mebibytes(init.memRequest) : undefined,
        limit: init.memLimit ? Size.mebibytes(init.memLimit) : undefined,
      },
    };
    const base = { name: init.name, image: init.image, portNumber: init.portNumber, resources };
    handles.push(init.sidecar
      ? workload.addSidecar({
        ...base,
        startupProbe: init.startup && probe(init.startup),
        readinessProbe: init.readiness && probe(init.readiness),
        livenessProbe: init.liveness && probe(init.liveness),
        drainTime: init.drainSeconds === undefined ? undefined : Duration.seconds(init.drainSeconds),
      })
      : workload.addRunOnceInit(base));
  }
  spec.inits.forEach((init, i) => {
    for (const dep of init.dependsOn) {
      if (handles[dep.target]) handles[i].addDependency({ container: handles[dep.target], condition: dep.condition });
    }
  });
  workload.addContainer({ name: spec.appName, image: 'ghcr.io/example/app:1.0' });
  return chart;
}

/** What the v1.33 API server (or, for 1.34/1.35, the newer one) would reject, checked independently. */
function apiServerRejections(manifest: any, version: string): string[] {
  const problems: string[] = [];
  const spec = podSpecOf(manifest);
  const minor = Number(version.split('.')[1]);
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const seen = new Set<string>();
  const mains = new Set((spec.containers ?? []).map((c: any) => c.name));
  for (const c of spec.containers ?? []) {
    if (c.restartPolicy !== undefined && minor < 35) problems.push(`restartPolicy on container ${c.name}`);
  }
  for (const c of spec.initContainers ?? []) {
    const sidecar = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !sidecar) problems.push(`restartPolicy ${c.restartPolicy} on init ${c.name}`);
    if (!sidecar && (c.startupProbe || c.readinessProbe || c.livenessProbe || c.lifecycle)) problems.push(`probe or lifecycle on plain init ${c.name}`);
    if (mains.has(c.name) || seen.has(c.name)) problems.push(`duplicate name ${c.name}`);
    seen.add(c.name);
  }
  for (const c of [...spec.initContainers ?? [], ...spec.containers ?? []]) {
    if (!c.name || c.name.length > 63 || !label.test(c.name)) problems.push(`bad name ${c.name}`);
    if (!c.image) problems.push(`no image on ${c.name}`);
    if (manifest.kind === 'Pod' && c.image && c.image.trim() !== c.image) problems.push(`image whitespace on ${c.name}`);
    for (const port of c.ports ?? []) {
      if (!(port.containerPort >= 1 && port.containerPort <= 65535)) problems.push(`port ${port.containerPort} on ${c.name}`);
    }
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = c[kind];
      if (!p) continue;
      for (const field of ['successThreshold', 'failureThreshold', 'periodSeconds', 'timeoutSeconds', 'initialDelaySeconds']) {
        if (p[field] < 0) problems.push(`negative ${kind}.${field} on ${c.name}`);
      }
      if (kind !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold > 1) problems.push(`${kind}.successThreshold ${p.successThreshold} on ${c.name}`);
      const port = p.httpGet?.port ?? p.tcpSocket?.port;
      if (typeof port === 'number' && !(port >= 1 && port <= 65535)) problems.push(`${kind} port ${port} on ${c.name}`);
    }
    const req = c.resources?.requests?.memory;
    const lim = c.resources?.limits?.memory;
    if (req && lim && parseInt(req, 10) > parseInt(lim, 10)) problems.push(`memory request above limit on ${c.name}`);
  }
  if (manifest.kind === 'Job' && !['Never', 'OnFailure'].includes(spec.restartPolicy)) problems.push('job restartPolicy');
  if (minor < 29 && (spec.initContainers ?? []).some((c: any) => c.restartPolicy === 'Always')) problems.push('native sidecars before 1.29');
  return problems;
}

const CRASH = /Cannot read propert|is not a function|is not iterable|undefined is not|Maximum call stack/;

test('random sidecar configurations either fail with a clear error or render what the API server accepts', () => {
  // warnings are printed to stderr at synth; thousands of random workloads would flood the log
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let rendered = 0;
  let refused = 0;
  fc.assert(fc.property(workloadArb, spec => {
    let manifests: any[];
    try {
      manifests = Testing.synth(build(spec));
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).not.toMatch(CRASH);
      if (message.startsWith('Validation failed with the following errors:')) {
        // every reported line names the construct and ends with a rule id
        for (const line of message.split('\n').slice(1).filter(l => l.trim())) {
          expect(line.trim()).toMatch(/^\[test\/w\] .+ \[SC\d{3}\]$/);
        }
      }
      refused++;
      return;
    }
    rendered++;
    const workload = manifests.find(m => m.kind === spec.kind);
    expect(apiServerRejections(workload, spec.version)).toEqual([]);
    expect(ManifestValidator.validate(manifests, { kubernetesVersion: spec.version }).filter(v => v.severity === 'error')).toEqual([]);
  }), { numRuns: RUNS, seed: 20261121 });
  // the generator must exercise both outcomes, or the property says little
  expect(rendered).toBeGreaterThan(RUNS / 10);
  expect(refused).toBeGreaterThan(RUNS / 10);
  stderr.mockRestore();
});
