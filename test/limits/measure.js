// Runs one `cdk8s-sidecars` command in-process from the compiled sources and prints, as JSON, its
// exit code, wall time and peak memory: `node measure.js <out-dir> <cwd> <warm-up file> <command> [args...]`.
// The command runs once on the small warm-up file first, so that loading modules is not counted.
// The limits suite spawns one process per measurement, so each peak is that run's alone.
'use strict';
const path = require('node:path');

async function main() {
  const [outDir, cwd, warmUp, ...args] = process.argv.slice(2);
  const { runCli } = require(path.join(outDir, 'cli', 'cli.js'));
  await runCli([args[0], warmUp], { stdout: () => {}, stderr: () => {}, readStdin: async () => Buffer.alloc(0), stdoutIsTTY: false, env: {}, cwd });
  let stdoutChars = 0;
  let stderr = '';
  const io = {
    stdout: text => { stdoutChars += text.length; },
    stderr: text => { if (stderr.length < 4000) stderr += text; },
    readStdin: async () => Buffer.alloc(0),
    stdoutIsTTY: false,
    env: { NO_COLOR: '1' },
    cwd,
  };
  if (global.gc) global.gc();
  const baseline = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const status = await runCli(args, io);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ status, ms, peakMB: peak / 2 ** 20, baselineMB: baseline / 2 ** 20, stdoutChars, stderr }));
}

main().catch(error => {
  process.stdout.write(JSON.stringify({ error: String(error && error.stack || error) }));
});
