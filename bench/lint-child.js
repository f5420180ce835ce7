// Run the real `cdk8s-sidecars lint --format json <file>` in this process, so that its peak
// memory can be read when it exits. Prints the measurement on stderr after the command's own
// output.
'use strict';
const [cli, file] = process.argv.slice(2);
process.on('exit', () => {
  process.stderr.write('\n' + JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
});
process.argv = [process.argv[0], cli, 'lint', '--format', 'json', file];
require(cli);
