import { NativeSidecar } from './model';
import { ShellCommand, ShellToken, simpleWords, tokenizeShell, topLevelCommands } from './shell';
import { basename } from './sidecars';

/**
 * Legacy "stop the sidecar" calls: what a Job's main command appended so the pod could complete,
 * and what preStop hooks did. Recognised forms, each aimed at a native sidecar of the same pod:
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
export interface QuitCall {
  readonly sidecar: NativeSidecar;
  /** The call as written. */
  readonly text: string;
  /** It kills a process (needs shareProcessNamespace) rather than calling an endpoint. */
  readonly kills: boolean;
}

/** The outcome of looking for a trailing quit call in a `sh -c` script. */
export type TrailingQuit =
  | { readonly removable: true; readonly script: string; readonly call: QuitCall; readonly before: string }
  | { readonly removable: false; readonly reason: string };

const CURL_VALUE_OPTIONS = new Set(['-X', '--request', '-m', '--max-time', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time',
  '-H', '--header', '-o', '--output', '-w', '--write-out', '-d', '--data', '--data-raw', '--data-binary', '-u', '--user', '-A', '--user-agent']);
const WGET_VALUE_OPTIONS = new Set(['-O', '--output-document', '-T', '--timeout', '-t', '--tries', '--post-data', '--body-data', '--method',
  '--header', '-o', '--output-file', '-U', '--user-agent']);
const KILL_VALUE_OPTIONS = new Set(['-s', '--signal', '-u', '--user', '-g', '--pgroup']);
const LOOPBACK_URL = /^(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})(\/[^\s?#]*)$/;
const PID_LOOKUP = /^\$\((?:pidof|pgrep(?:\s+-[fx])?)\s+([\w./-]+)\)$/;

/** Text that suggests a quit call somewhere, recognised or not. */
export function mentionsQuit(text: string, natives: NativeSidecar[]): boolean {
  if (/quitquitquit|:4191\/shutdown/.test(text)) return true;
  if (!/\b(?:pkill|killall|kill)\b/.test(text)) return false;
  const names = new Set(natives.flatMap(sidecar => sidecar.facts.processNames));
  return [...names].some(name => new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`).test(text));
}

/** The quit call a simple command is, or `undefined`. */
export function recogniseQuitCall(words: ShellToken[], natives: NativeSidecar[]): QuitCall | undefined {
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

/**
 * Look for a quit call as the last top-level command of a script, and cut it out when it is one
 * of the recognised forms joined with `;`, `&&` or a newline. Returns `undefined` when the script
 * does not mention quitting at all.
 */
export function trailingQuit(script: string, natives: NativeSidecar[]): TrailingQuit | undefined {
  if (!mentionsQuit(script, natives)) return undefined;
  const tokens = tokenizeShell(script);
  const commands = tokens && topLevelCommands(tokens);
  if (commands === undefined) return { removable: false, reason: 'the script uses shell syntax this migration does not parse (here-documents, unbalanced quotes or parentheses)' };
  const last = commands[commands.length - 1];
  const parsed = last && quitOf(last, natives);
  if (parsed === undefined) return { removable: false, reason: 'it is not a recognised quit call standing alone as the last command of the script' };
  if (commands.length < 2) return { removable: false, reason: 'the quit call is the whole script' };
  const separator = last.separator!.value;
  if (separator === '&') return { removable: false, reason: 'the command before the quit call runs in the background (&)' };
  if (parsed.orTrue && separator === '&&') return { removable: false, reason: 'a "&& ... || true" tail also changes the exit status of what runs before it' };
  let kept = script.slice(0, last.separator!.start).replace(/[ \t]+$/, '');
  if (script.replace(/[ \t]+$/, '').endsWith('\n') && !kept.endsWith('\n')) kept += '\n';
  if (kept.trim() === '' || /\\\s*$/.test(kept)) return { removable: false, reason: 'nothing certain would remain of the script' };
  const previous = commands[commands.length - 2];
  return { removable: true, script: kept, call: parsed.call, before: script.slice(previous.start, previous.end) };
}

/** Whether a whole script does nothing but quit calls (a preStop hook that only stops the proxy). */
export function onlyQuitCalls(script: string, natives: NativeSidecar[]): QuitCall[] | undefined {
  const tokens = tokenizeShell(script);
  const commands = tokens && topLevelCommands(tokens);
  if (commands === undefined || commands.length === 0) return undefined;
  const calls: QuitCall[] = [];
  for (const command of commands) {
    const parsed = quitOf(command, natives);
    if (parsed === undefined) return undefined;
    calls.push(parsed.call);
  }
  return calls;
}

function quitOf(command: ShellCommand, natives: NativeSidecar[]): { call: QuitCall; orTrue: boolean } | undefined {
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

function recogniseKill(words: ShellToken[], natives: NativeSidecar[], text: string): QuitCall | undefined {
  const targets = positionals(words.slice(1), new Set(['-s', '-n']));
  if (targets === undefined || targets.length === 0) return undefined;
  let found: NativeSidecar | undefined;
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
      found.push(...words.slice(i + 1).map(rest => rest.value));
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

function byProcessName(natives: NativeSidecar[], name: string): NativeSidecar | undefined {
  const wanted = basename(name);
  return natives.find(sidecar => sidecar.facts.processNames.includes(wanted));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
