// One benchmark run in its own process: build N Deployments with two native sidecars each and
// synthesize them to YAML, either with plain cdk8s-plus-30 or through SidecarDeployment (every
// validation on). Prints one JSON line: phase times and peak RSS.
'use strict';
const t0 = process.hrtime.bigint();
const [mode, nText] = process.argv.slice(2);
const N = Number(nText);
const { App, Chart, Size, Duration } = require('cdk8s');
const kplus = require('cdk8s-plus-30');
const sidecars = mode === 'sidecars' ? require('../lib') : undefined;
const tRequired = process.hrtime.bigint();

const res = (c1, c2, m1, m2) => ({
  cpu: { request: kplus.Cpu.millis(c1), limit: kplus.Cpu.millis(c2) },
  memory: { request: Size.mebibytes(m1), limit: Size.mebibytes(m2) },
});
const appContainer = i => ({
  name: 'app', image: `registry.example/app-${i}:1.0`, portNumber: 8080, resources: res(250, 500, 256, 512),
  startup: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(2), failureThreshold: 30 }),
});
const proxyProbe = () => kplus.Probe.fromHttpGet('/healthz/ready', { port: 15021, periodSeconds: Duration.seconds(1), failureThreshold: 60 });
const shipperProbe = () => kplus.Probe.fromCommand(['sh', '-c', 'test -f /run/app/ready'], { periodSeconds: Duration.seconds(1) });

const app = new App({ outdir: '/tmp/cdk8s-sidecars-bench-unused' });
const chart = new Chart(app, 'bench');
for (let i = 0; i < N; i++) {
  if (mode === 'plain') {
    const d = new kplus.Deployment(chart, `svc${i}`, { replicas: 2, containers: [appContainer(i)] });
    d.addInitContainer({
      name: 'proxy', image: 'registry.example/proxy:1.30', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
      portNumber: 15001, resources: res(100, 200, 64, 128), startup: proxyProbe(),
    });
    d.addInitContainer({
      name: 'log-shipper', image: 'registry.example/shipper:2.2', restartPolicy: kplus.ContainerRestartPolicy.ALWAYS,
      resources: res(50, 100, 32, 64), startup: shipperProbe(),
    });
  } else {
    const d = new sidecars.SidecarDeployment(chart, `svc${i}`, { replicas: 2, containers: [appContainer(i)] });
    d.addSidecar({
      name: 'proxy', image: 'registry.example/proxy:1.30', portNumber: 15001,
      resources: res(100, 200, 64, 128), startupProbe: proxyProbe(),
    });
    d.addSidecar({
      name: 'log-shipper', image: 'registry.example/shipper:2.2',
      resources: res(50, 100, 32, 64), startupProbe: shipperProbe(),
    });
  }
}
const tBuilt = process.hrtime.bigint();
const yaml = app.synthYaml();
const tSynth = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
process.stdout.write(JSON.stringify({
  mode, n: N,
  requireMs: ms(t0, tRequired), constructMs: ms(tRequired, tBuilt), synthMs: ms(tBuilt, tSynth),
  yamlBytes: Buffer.byteLength(yaml),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
}) + '\n');
