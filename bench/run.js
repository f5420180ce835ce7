// `npm run bench`: synth and lint speed and memory of cdk8s-sidecars against cdk8s-plus-30 and
// js-yaml, side by side in one run. Every measurement is its own process; each run measures both
// sides back to back, alternating which goes first. Times and memory are medians over the runs;
// a ratio is worked out within each run and the median of those is reported.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SIZES = (process.env.BENCH_SIZES || '100,1000,5000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const LINT_OBJECTS = Number(process.env.BENCH_LINT_OBJECTS || 10000);
const here = __dirname;

function run(args) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${args.join(' ')} exited with ${child.status}: ${child.stderr.split('\n')[0]}`);
  }
  return { wallMs, stdout: child.stdout, stderr: child.stderr };
}

/** The value below which a share `q` of the values lie, interpolated between neighbours. */
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  return below + 1 < sorted.length ? sorted[below] + (sorted[below + 1] - sorted[below]) * (at - below) : sorted[below];
};
const median = values => quantile(values, 0.5);
/** The middle half of the per-run ratios, so a reader sees how far one bench's median can move. */
const spread = ratios => `${fmt(quantile(ratios, 0.25), 2)}–${fmt(quantile(ratios, 0.75), 2)}`;
const fmt = (n, digits = 0) => n.toFixed(digits);

function benchSynth(n) {
  const samples = { plain: [], sidecars: [] };
  for (let i = 0; i < RUNS; i++) {
    // alternate the order too, so neither side always runs on a warmer machine
    const order = i % 2 === 0 ? ['plain', 'sidecars'] : ['sidecars', 'plain'];
    for (const mode of order) {
      const { wallMs, stdout } = run([path.join(here, 'synth-child.js'), mode, String(n)]);
      samples[mode].push({ wallMs, ...JSON.parse(stdout) });
    }
  }
  const summary = mode => ({
    wallMs: median(samples[mode].map(s => s.wallMs)),
    workMs: median(samples[mode].map(s => s.constructMs + s.synthMs)),
    rssMb: median(samples[mode].map(s => s.maxRssMb)),
  });
  // Each run measures both sides back to back, so a ratio is taken within a run (where both saw
  // the same machine) and the median of those is reported: these VMs change speed by 10-30 %
  // from one minute to the next, which a ratio of two medians would keep.
  const pairRatios = field => samples.plain.map((plain, i) => samples.sidecars[i][field] / plain[field]);
  const timeRatios = pairRatios('wallMs');
  return {
    n, plain: summary('plain'), sidecars: summary('sidecars'),
    timeRatio: median(timeRatios), timeSpread: spread(timeRatios), memRatio: median(pairRatios('maxRssMb')),
  };
}

function benchLint() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-sidecars-bench-'));
  const file = path.join(dir, 'stream.yaml');
  run([path.join(here, 'make-stream.js'), file, String(LINT_OBJECTS)]);
  const bytes = fs.statSync(file).size;
  const cli = path.join(here, '..', 'lib', 'cli', 'main.js');
  const samples = { parse: [], lint: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['parse', 'lint'] : ['lint', 'parse'];
    for (const what of order) {
      const args = what === 'parse'
        ? [path.join(here, 'parse-child.js'), file]
        : [path.join(here, 'lint-child.js'), cli, file];
      const { wallMs, stdout, stderr } = run(args);
      const measured = JSON.parse(stderr.trim().split('\n').pop());
      if (what === 'lint') {
        // the command's own JSON report: every finding must carry its file:line
        const report = JSON.parse(stdout);
        measured.objects = report.summary.workloads;
        measured.located = report.results.filter(r => r.line > 0).length;
        if (measured.located !== report.results.length || report.results.length === 0) {
          throw new Error(`lint located ${measured.located} of ${report.results.length} findings`);
        }
      }
      samples[what].push({ wallMs, ...measured });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const summary = what => ({
    wallMs: median(samples[what].map(s => s.wallMs)),
    rssMb: median(samples[what].map(s => s.maxRssMb)),
    objects: samples[what][0].objects,
    located: samples[what][0].located,
  });
  // Throughput ratio within each run (same objects on both sides), then the median, as for synth.
  const ratios = samples.lint.map((lint, i) => (lint.objects / lint.wallMs) / (samples.parse[i].objects / samples.parse[i].wallMs));
  return { bytes, parse: summary('parse'), lint: summary('lint'), ratio: median(ratios), ratioSpread: spread(ratios) };
}

function main() {
  console.log(`cdk8s-sidecars benchmark: node ${process.version}, ${os.cpus().length} cores, ${RUNS} alternating runs per side; medians, ratios as the median of the per-run ratios`);
  console.log('');
  console.log('Synth: N Deployments, each an app container plus two native sidecars with startup probes and resources');
  console.log('| N | cdk8s-plus-30 wall | cdk8s-sidecars wall | time ratio | middle half of the run ratios | plus-30 build+synth | sidecars build+synth | plus-30 peak RSS | sidecars peak RSS | memory ratio |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const synth = [];
  for (const n of SIZES) {
    const r = benchSynth(n);
    synth.push(r);
    console.log(`| ${n} | ${fmt(r.plain.wallMs)} ms | ${fmt(r.sidecars.wallMs)} ms | ${fmt(r.timeRatio, 2)} | ${r.timeSpread} | ${fmt(r.plain.workMs)} ms | ${fmt(r.sidecars.workMs)} ms | ${fmt(r.plain.rssMb)} MB | ${fmt(r.sidecars.rssMb)} MB | ${fmt(r.memRatio, 2)} |`);
  }
  const perWorkload = synth.map(r => `N=${r.n}: ${fmt(r.sidecars.workMs / r.n * 1000)} µs/workload`).join(', ');
  console.log(`cdk8s-sidecars build+synth cost per workload (linear growth check): ${perWorkload}`);
  console.log('');

  let lint;
  if (fs.existsSync(path.join(here, '..', 'lib', 'cli', 'main.js'))) {
    lint = benchLint();
    const pps = lint.lint.objects / (lint.lint.wallMs / 1000);
    const parsePps = lint.parse.objects / (lint.parse.wallMs / 1000);
    lint.pps = pps;
    console.log(`Lint: ${lint.lint.objects} objects, ${fmt(lint.bytes / 1e6, 1)} MB of YAML`);
    console.log('| | wall | objects/s | peak RSS |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(`| js-yaml parse only | ${fmt(lint.parse.wallMs)} ms | ${fmt(parsePps)} | ${fmt(lint.parse.rssMb)} MB |`);
    console.log(`| cdk8s-sidecars lint (file:line for ${lint.lint.located} findings) | ${fmt(lint.lint.wallMs)} ms | ${fmt(pps)} | ${fmt(lint.lint.rssMb)} MB |`);
    console.log(`lint throughput / parse-only throughput: ${fmt(lint.ratio, 2)} (middle half of the run ratios: ${lint.ratioSpread})`);
  } else {
    console.log('Lint: skipped (lib/cli/main.js not built)');
  }
  const last = synth[synth.length - 1];
  console.log(`bench: N=${last.n} time_ratio=${fmt(last.timeRatio, 2)} mem_ratio=${fmt(last.memRatio, 2)} lint_vs_parse=${lint ? fmt(lint.ratio, 2) : 'n/a'} lint_pods_per_s=${lint ? fmt(lint.pps) : 'n/a'}`);
}

main();
