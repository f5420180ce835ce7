import { HelperFacts } from './helper-facts';
import { ShellCommand, ShellToken, simpleWords } from './shell';
import { pushAll } from '../arrays';

/** What a quit call can be aimed at: a helper container's name and facts. */
export interface QuitTarget {
  readonly name?: string;
  readonly facts: HelperFacts;
}

/**
 * Legacy "stop the sidecar" calls: what a Job's main command appended so the pod could complete,
 * and what preStop hooks did. Recognised forms, each aimed at a helper of the same pod (a native
 * sidecar, or a legacy one in `containers`):
 *
 * - `curl [options] URL` / `wget [options] URL` where URL is `[http://](localhost|127.0.0.1|[::1]):PORT/PATH`
 *   and PORT/PATH is the sidecar's quit endpoint: Istio `15020` or `15000` `/quitquitquit`,
 *   Linkerd `4191` `/shutdown`, Cloud SQL / AlloyDB proxy `--admin-port` (default 9091)
 *   `/quitquitquit` when it runs with `--quitquitquit`;
 * - `pkill [options] NAME`, `killall [options] NAME`, `kill [-SIG] $(pidof NAME)`,
 *   `kill [-SIG] $(pgrep [-f|-x] NAME)` where NAME is one of the sidecar's process names
 *   (`envoy`, `pilot-agent`, `linkerd2-proxy`, `cloud-sql-proxy`...);
 * - optionally followed by `|| true` or `|| :`; redirections are ignored.
 */
export interface QuitCall<T extends QuitTarget = QuitTarget> {
  readonly sidecar: T;
  /** The call as written. */
  readonly text: string;
  /** It kills a process (needs shareProcessNamespace) rather than calling an endpoint. */
  readonly kills: boolean;
}

const CURL_VALUE_OPTIONS = new Set(['-X', '--request', '-m', '--max-time', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time',
  '-H', '--header', '-o', '--output', '-w', '--write-out', '-d', '--data', '--data-raw', '--data-binary', '-u', '--user', '-A', '--user-agent']);
const WGET_VALUE_OPTIONS = new Set(['-O', '--output-document', '-T', '--timeout', '-t', '--tries', '--post-data', '--body-data', '--method',
  '--header', '-o', '--output-file', '-U', '--user-agent']);
const KILL_VALUE_OPTIONS = new Set(['-s', '--signal', '-u', '--user', '-g', '--pgroup']);
const LOOPBACK_URL = /^(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})(\/[^\s?#]*)$/;
const PID_LOOKUP = /^\$\((?:pidof|pgrep(?:\s+-[fx])?)\s+([\w./-]+)\)$/;

/** Text that suggests a quit call somewhere, recognised or not. */
export function mentionsQuit(text: string, natives: readonly QuitTarget[]): boolean {
  if (/quitquitquit|:4191\/shutdown/.test(text)) return true;
  if (!/\b(?:pkill|killall|kill)\b/.test(text)) return false;
  const names = new Set(natives.flatMap(sidecar => sidecar.facts.processNames));
  return [...names].some(name => new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`).test(text));
}

/** The quit call a simple command is, or `undefined`. */
export function recogniseQuitCall<T extends QuitTarget>(words: ShellToken[], natives: T[]): QuitCall<T> | undefined {
  if (words.length === 0) return undefined;
  const program = basename(words[0].value);
  const text = words.map(word => word.raw).join(' ');
  if (program === 'kill') return recogniseKill(words, natives, text);
  if (words.some(word => word.dynamic)) return undefined;
  if (program === 'curl' || program === 'wget') {
    const positional = positionals(words.slice(1), program === 'curl' ? CURL_VALUE_OPTIONS : WGET_VALUE_OPTIONS);
    if (positional === undefined || positional.length !== 1) return undefined;
    const match = LOOPBACK_URL.exec(positional[0]);
    if (!match) return undefined;
    const port = Number(match[1]);
    const sidecar = natives.find(candidate => candidate.facts.quitEndpoints.some(endpoint => endpoint.port === port && endpoint.path === match[2]));
    return sidecar ? { sidecar, text, kills: false } : undefined;
  }
  if (program === 'pkill' || program === 'killall') {
    const positional = positionals(words.slice(1), KILL_VALUE_OPTIONS);
    if (positional === undefined || positional.length !== 1) return undefined;
    const sidecar = byProcessName(natives, positional[0]);
    return sidecar ? { sidecar, text, kills: true } : undefined;
  }
  return undefined;
}

export function quitOf<T extends QuitTarget>(command: ShellCommand, natives: T[]): { call: QuitCall<T>; orTrue: boolean } | undefined {
  let tokens = command.tokens;
  let orTrue = false;
  const or = tokens.findIndex(token => token.type === 'op' && token.value === '||');
  if (or >= 0) {
    const rest = tokens.slice(or + 1);
    if (rest.length !== 1 || rest[0].type !== 'word' || !['true', ':'].includes(rest[0].raw)) return undefined;
    tokens = tokens.slice(0, or);
    orTrue = true;
  }
  const words = simpleWords(tokens);
  const call = words && recogniseQuitCall(words, natives);
  return call ? { call, orTrue } : undefined;
}

function recogniseKill<T extends QuitTarget>(words: ShellToken[], natives: T[], text: string): QuitCall<T> | undefined {
  const targets = positionals(words.slice(1), new Set(['-s', '-n']));
  if (targets === undefined || targets.length === 0) return undefined;
  let found: T | undefined;
  for (const word of words.slice(1)) {
    if (!word.dynamic) {
      if (word.value.startsWith('-') || targets.every(target => target !== word.value)) continue;
      return undefined; // a literal pid: not certainly the sidecar
    }
    const match = PID_LOOKUP.exec(word.raw);
    const sidecar = match ? byProcessName(natives, match[1]) : undefined;
    if (sidecar === undefined || (found !== undefined && found !== sidecar)) return undefined;
    found = sidecar;
  }
  return found ? { sidecar: found, text, kills: true } : undefined;
}

/** The non-option words, skipping options and the values of options that take one. */
function positionals(words: ShellToken[], valueOptions: ReadonlySet<string>): string[] | undefined {
  const found: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i].value;
    if (word === '--') {
      pushAll(found, words.slice(i + 1).map(rest => rest.value));
      break;
    }
    if (word.startsWith('-') && word.length > 1) {
      if (valueOptions.has(word)) {
        if (i + 1 >= words.length) return undefined;
        i++;
      }
      continue;
    }
    found.push(word);
  }
  return found;
}

function byProcessName<T extends QuitTarget>(natives: T[], name: string): T | undefined {
  const wanted = basename(name);
  return natives.find(sidecar => sidecar.facts.processNames.includes(wanted));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The last path segment of a program name: `/usr/bin/curl` is `curl`. */
export function basename(path: string | undefined): string {
  if (path === undefined) return '';
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}
