import { Duration } from 'cdk8s';

/**
 * Durations as Kubernetes and the sidecars' own flags read them. cdk8s's `toSeconds()` throws
 * unless the duration is a whole number of seconds, so `Duration.millis(1500)` given as a drain
 * time, an app stop time or a preset's timeout used to fail synth; these helpers accept it.
 */

/** A duration in whole seconds, rounded up (a grace period must not be shorter): 1500 ms is 2. */
export function wholeSecondsUp(duration: Duration): number {
  return Math.ceil(duration.toMilliseconds({ integral: false }) / 1000);
}

/** A duration as a Go or protobuf duration string in seconds: `5s`, `1.5s`. */
export function secondsText(duration: Duration): string {
  return `${duration.toMilliseconds({ integral: false }) / 1000}s`;
}
