#!/usr/bin/env node
/**
 * The `cdk8s-sidecars` binary. All the work is in cli.ts; this file only binds it to the process
 * and makes sure that nothing, not even a bug, ends in a stack trace: one line and exit code 2.
 */
import { runCli } from './cli';
import { errorLine, ExitCode } from './errors';
import { processIo } from './io';

function fail(error: unknown): void {
  process.stderr.write(errorLine(error));
  process.exit(ExitCode.UNUSABLE);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// `cdk8s-sidecars lint big/ | head` closes the pipe early; that is not an error worth a line.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.OK);
  fail(error);
});

runCli(process.argv.slice(2), processIo()).then(code => {
  process.exitCode = code;
}, fail);
