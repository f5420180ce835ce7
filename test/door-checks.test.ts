// Props as plain JavaScript (and the loose spots of other jsii languages) can pass them: wrong
// types and missing arguments are refused at the call, naming the construct path, the prop, the
// value and what is allowed, instead of rendering an invalid manifest or failing with a TypeError.
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { CloudSqlProxy, Mesh, MeshedDeployment, SidecarDeployment, SidecarJob } from '../src';

/** A value TypeScript would refuse, as plain JavaScript passes it. */
const untyped = (value: unknown) => value as any;

function deployment() {
  const chart = Testing.chart();
  const workload = new SidecarDeployment(chart, 'web');
  workload.addContainer({ name: 'app', image: 'app:1' });
  return { chart, workload };
}

describe('sidecar and init container props are checked at the call', () => {
  test.each([
    ['name: 42', { name: 42, image: 'proxy:1' }, '[test/web] sidecar: name must be a string, got number 42; quote it: \'42\''],
    ['image: 5', { name: 'proxy', image: 5 }, '[test/web] sidecar "proxy": image must be a string, got number 5; quote it: \'5\''],
    ['portNumber: "80"', { name: 'proxy', image: 'proxy:1', portNumber: '80' }, '[test/web] sidecar "proxy": portNumber must be a whole number, got string "80"; write 80 without quotes'],
    ['ports: [{ number: "80" }]', { name: 'proxy', image: 'proxy:1', ports: [{ number: '80' }] },
      '[test/web] sidecar "proxy": ports[0].number must be a whole number, got string "80"; write 80 without quotes'],
    ['command: "sh -c x"', { name: 'proxy', image: 'proxy:1', command: 'sh -c x' },
      '[test/web] sidecar "proxy": command must be a list of strings, got string "sh -c x"; write one item per argument, e.g. [\'sh\', \'-c\', \'...\']'],
    ['args: ["--port", 80]', { name: 'proxy', image: 'proxy:1', args: ['--port', 80] }, '[test/web] sidecar "proxy": args[1] must be a string, got number 80; quote it: \'80\''],
    ['drainTime: Duration.seconds(NaN)', { name: 'proxy', image: 'proxy:1', drainTime: Duration.seconds(NaN) },
      '[test/web] sidecar "proxy": drainTime must be a finite, non-negative Duration, got NaN ms; use e.g. Duration.seconds(5)'],
    ['drainTime: 5', { name: 'proxy', image: 'proxy:1', drainTime: 5 }, '[test/web] sidecar "proxy": drainTime must be a Duration, e.g. Duration.seconds(5), got number 5'],
    ['envVariables: { A: "x" }', { name: 'proxy', image: 'proxy:1', envVariables: { A: 'x' } },
      '[test/web] sidecar "proxy": envVariables.A must be an EnvValue, e.g. EnvValue.fromValue(\'...\'), got string "x"'],
    ['resources.cpu.request: "100m"', { name: 'proxy', image: 'proxy:1', resources: { cpu: { request: '100m' } } },
      '[test/web] sidecar "proxy": resources.cpu.request must be a Cpu, e.g. Cpu.millis(100), got string "100m"'],
    ['startupProbe as a plain object', { name: 'proxy', image: 'proxy:1', startupProbe: { httpGet: { port: 80 } } },
      '[test/web] sidecar "proxy": startupProbe must be a Probe, e.g. Probe.fromHttpGet(\'/ready\'), got an object'],
    ['imagePullPolicy: "always"', { name: 'proxy', image: 'proxy:1', imagePullPolicy: 'always' },
      '[test/web] sidecar "proxy": imagePullPolicy must be one of "Always", "IfNotPresent", "Never", got string "always"'],
    ['securityContext.user: "1000"', { name: 'proxy', image: 'proxy:1', securityContext: { user: '1000' } },
      '[test/web] sidecar "proxy": securityContext.user must be a whole number, got string "1000"; write 1000 without quotes'],
    ['volumeMounts: [{ path: 5 }]', { name: 'proxy', image: 'proxy:1', volumeMounts: [{ path: 5, volume: {} }] },
      '[test/web] sidecar "proxy": volumeMounts[0].path must be a string, got number 5; quote it: \'5\''],
  ])('addSidecar with %s', (_label, props, message) => {
    const { chart, workload } = deployment();
    expect(() => workload.addSidecar(untyped(props))).toThrow(message);
    // nothing was added: the workload still synthesizes
    expect(workload.sidecars).toEqual([]);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('run-once init containers get the same checks', () => {
    const { workload } = deployment();
    expect(() => workload.addRunOnceInit(untyped({ name: 'migrate', image: ['migrate:1'] })))
      .toThrow('[test/web] init container "migrate": image must be a string, got a list');
  });

  test('an unknown dependency condition is named', () => {
    const { workload } = deployment();
    const proxy = workload.addSidecar({ name: 'proxy', image: 'proxy:1' });
    expect(() => workload.addSidecar(untyped({ name: 'log', image: 'log:1', dependsOn: [{ container: proxy, condition: 'HEALTHY' }] })))
      .toThrow('[test/web] sidecar "log": dependency 0 condition must be one of STARTED, READY, COMPLETED (DependencyCondition), got string "HEALTHY"');
    expect(() => proxy.addDependency(untyped({ container: proxy, condition: 3 })))
      .toThrow('[test/web] sidecar "proxy": dependency 0 condition must be one of STARTED, READY, COMPLETED (DependencyCondition), got number 3');
  });

  test('the workload\'s appStopTime is checked in the constructor', () => {
    expect(() => new SidecarDeployment(Testing.chart(), 'web', { appStopTime: Duration.seconds(NaN) }))
      .toThrow('[test/web]: appStopTime must be a finite, non-negative Duration, got NaN ms; use e.g. Duration.seconds(5)');
  });
});

describe('missing or null arguments name the construct path and what to pass', () => {
  test('addSidecar(), addRunOnceInit(null), addInitContainer()', () => {
    const { workload } = deployment();
    expect(() => workload.addSidecar(untyped(undefined))).toThrow('[test/web] sidecar: the props are missing; pass { name, image } (SidecarProps)');
    expect(() => workload.addSidecar(untyped('proxy'))).toThrow('[test/web] sidecar: the props must be { name, image } (SidecarProps), got string "proxy"');
    expect(() => workload.addRunOnceInit(untyped(null))).toThrow('[test/web] init container: the props are missing; pass { name, image } (RunOnceInitProps)');
    expect(() => workload.addInitContainer(untyped(undefined))).toThrow('[test/web] addInitContainer(): the props are missing; pass { image } (ContainerProps)');
    expect(() => workload.addContainerDependency(untyped(undefined))).toThrow('[test/web] addContainerDependency(): the dependent container must be an object, got undefined');
  });

  test('MeshedDeployment without a mesh, and a SidecarJob with something else as its mesh', () => {
    expect(() => new MeshedDeployment(Testing.chart(), 'mesh', untyped(undefined)))
      .toThrow('[test/mesh] MeshedDeployment: mesh must be a Mesh: Mesh.istio() or Mesh.linkerd(), got undefined');
    expect(() => new MeshedDeployment(Testing.chart(), 'mesh', untyped({ mesh: 'istio' })))
      .toThrow('[test/mesh] MeshedDeployment: mesh must be a Mesh: Mesh.istio() or Mesh.linkerd(), got string "istio"');
    expect(() => new SidecarJob(Testing.chart(), 'job', untyped({ mesh: {} })))
      .toThrow('[test/job] SidecarJob: mesh must be a Mesh: Mesh.istio() or Mesh.linkerd(), got an object');
    expect(() => new MeshedDeployment(Testing.chart(), 'mesh', { mesh: Mesh.istio() })).not.toThrow();
  });

  test('CloudSqlProxy.addTo(w) without options, or without instances', () => {
    const { workload } = deployment();
    expect(() => CloudSqlProxy.addTo(workload, untyped(undefined))).toThrow(
      '[test/web] CloudSqlProxy.addTo(): the props are missing; pass { instances: [{ connectionName: \'project:region:instance\', port: 5432 }] } (CloudSqlProxyOptions)');
    expect(() => CloudSqlProxy.addTo(workload, untyped({}))).toThrow('[test/web] CloudSqlProxy.addTo(): instances must be a list, got undefined');
  });
});

test('a main container added through cdk8s-plus with a wrong type fails synth with SC122 (it passed before)', () => {
  const { chart, workload } = deployment();
  workload.addContainer(untyped({ name: 'worker', image: 'worker:1', portNumber: '80' }));
  expect(() => Testing.synth(chart)).toThrow(
    'container "worker": ports[0].containerPort is the string "80", but the API server expects an int32 (a number without quotes) and rejects the object before validating it');
  const other = deployment();
  other.workload.addContainer(untyped({ name: 'worker', image: 5 }));
  expect(() => Testing.synth(other.chart)).toThrow(/container "worker": image is the number 5.*\[SC122\]/);
});

test('valid props are unchanged: a sidecar with every checked prop synthesizes', () => {
  const { chart, workload } = deployment();
  workload.addSidecar({
    name: 'proxy',
    image: 'proxy:1',
    command: ['proxy'],
    args: ['--port', '8080'],
    workingDir: '/',
    portNumber: 8080,
    ports: [{ number: 9090, name: 'admin', protocol: kplus.Protocol.TCP }],
    envVariables: { A: kplus.EnvValue.fromValue('x') },
    resources: { cpu: { request: kplus.Cpu.millis(50) } },
    securityContext: { user: 1000, group: 1000, ensureNonRoot: true },
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    startupProbe: kplus.Probe.fromTcpSocket({ port: 8080 }),
    drainTime: Duration.millis(1500),
  });
  expect(() => Testing.synth(chart)).not.toThrow();
});
