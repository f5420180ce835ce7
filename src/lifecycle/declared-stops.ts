/**
 * Declared stop times read back from a manifest's own annotations, so plain YAML and synthesized
 * constructs feed the same shutdown plan.
 *
 *   cdk8s-sidecars.io/drain-seconds:    envoy=5,log-shipper=10
 *   cdk8s-sidecars.io/app-stop-seconds: 30
 */
import { Annotations } from '../annotations';
import { pushAll } from '../arrays';

/** What the annotations declare, plus one message per entry that could not be read. */
export interface DeclaredStops {
  /** Seconds each named sidecar needs to drain after it is sent SIGTERM, in annotation order. */
  readonly drainSeconds: Record<string, number>;
  /** Seconds the main containers need to stop, when declared. */
  readonly appStopSeconds?: number;
  /** Lowercase messages naming the annotation and the entry that was skipped. */
  readonly problems: string[];
}

/** A DNS-1123 label: what a container name must be, so a drain entry can name one. */
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_CONTAINER_NAME_LENGTH = 63;
const WHOLE_SECONDS = /^\d+$/;

/**
 * Read the drain and app-stop annotations of a manifest. Malformed entries are skipped and
 * described in `problems`; nothing here throws, whatever the manifest holds.
 */
export function readDeclaredStops(manifest: any): DeclaredStops {
  const annotations = manifest?.metadata?.annotations;
  const readable = annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations);
  const problems: string[] = [];
  const drainSeconds = readDrainSeconds(readable ? annotations[Annotations.DRAIN_SECONDS] : undefined, problems);
  const appStopSeconds = readAppStopSeconds(readable ? annotations[Annotations.APP_STOP_SECONDS] : undefined, problems);
  return appStopSeconds === undefined ? { drainSeconds, problems } : { drainSeconds, appStopSeconds, problems };
}

/** Write drain seconds as the annotation value (`envoy=5,log-shipper=10`), in the order given. */
export function formatDrainAnnotation(drains: Record<string, number>): string {
  const names = Object.keys(drains);
  let text = '';
  for (let i = 0; i < names.length; i++) text += `${i === 0 ? '' : ','}${names[i]}=${drains[names[i]]}`;
  return text;
}

function readDrainSeconds(value: unknown, problems: string[]): Record<string, number> {
  if (value === undefined) return {};
  if (typeof value === 'string') {
    // Every replica of a workload, and every workload built from one template, carries the same text.
    let read = DRAINS_READ.get(value);
    if (read === undefined) {
      const found: string[] = [];
      read = { drains: Object.entries(parseDrainSeconds(value, found)), problems: found };
      if (DRAINS_READ.size >= DRAINS_READ_LIMIT) DRAINS_READ.clear();
      DRAINS_READ.set(value, read);
    }
    pushAll(problems, read.problems);
    return Object.fromEntries(read.drains);
  }
  return parseDrainSeconds(value, problems);
}

const DRAINS_READ = new Map<string, { readonly drains: Array<[string, number]>; readonly problems: readonly string[] }>();
const DRAINS_READ_LIMIT = 1024;

function parseDrainSeconds(value: unknown, problems: string[]): Record<string, number> {
  const where = `annotation ${Annotations.DRAIN_SECONDS}`;
  if (typeof value !== 'string') {
    problems.push(`${where} must be a string like "envoy=5,log-shipper=10", got ${describe(value)}`);
    return {};
  }
  // A Map keeps names such as `constructor` from colliding with Object.prototype while we check duplicates.
  const drains = new Map<string, number>();
  for (const rawEntry of value.split(',')) {
    const entry = rawEntry.trim();
    // Empty entries (a trailing comma, ",,") say nothing and harm nothing.
    if (entry === '') continue;
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`${where}: entry "${entry}" is not name=seconds; write it like "envoy=5"`);
      continue;
    }
    const name = entry.slice(0, equals).trim();
    const secondsText = entry.slice(equals + 1).trim();
    if (!CONTAINER_NAME.test(name) || name.length > MAX_CONTAINER_NAME_LENGTH) {
      problems.push(`${where}: entry "${entry}" names "${name}", which is not a container name (a lowercase RFC 1123 label)`);
      continue;
    }
    const seconds = parseWholeSeconds(secondsText);
    if (seconds === undefined) {
      problems.push(`${where}: entry "${entry}" has "${secondsText}", which is not a whole number of seconds`);
      continue;
    }
    if (drains.has(name)) {
      problems.push(`${where}: entry "${entry}" repeats "${name}"; the first value (${drains.get(name)}) is used`);
      continue;
    }
    drains.set(name, seconds);
  }
  return Object.fromEntries(drains);
}

function readAppStopSeconds(value: unknown, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const where = `annotation ${Annotations.APP_STOP_SECONDS}`;
  if (typeof value !== 'string') {
    problems.push(`${where} must be a string like "30", got ${describe(value)}`);
    return undefined;
  }
  const seconds = parseWholeSeconds(value.trim());
  if (seconds === undefined) {
    problems.push(`${where}: "${value}" is not a whole number of seconds`);
  }
  return seconds;
}

function parseWholeSeconds(text: string): number | undefined {
  if (!WHOLE_SECONDS.test(text)) return undefined;
  const seconds = Number(text);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
