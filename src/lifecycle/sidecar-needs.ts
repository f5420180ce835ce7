/**
 * How a container's own text says it needs a sidecar: it calls one of the sidecar's ports on a
 * loopback address, or it reads as "wait for <sidecar>". Plain YAML carries no declared
 * dependencies, so this inference is what both the SC210 rule and `migrate`'s placement use.
 */

/**
 * A loopback address and a port, as commands write them: `localhost:8200`,
 * `http://127.0.0.1:15000/ready`, `[::1]:4140`, or `nc -z localhost 8200` (a space instead of
 * the colon). The look-behind keeps `mylocalhost:80` and `10.127.0.0.1:80` out.
 */
const LOOPBACK_PORT = /(?<![\w.-])(localhost|127\.0\.0\.1|\[::1\])(?::|\s+)(\d{1,5})(?!\d)/gi;

/** Whether a text may hold a LOOPBACK_PORT match (every match contains one of these). */
const MAY_NAME_LOOPBACK = /localhost|127\.0\.0\.1|\[::1\]/i;

/** Words that make a container name or a command read as "wait for": `wait-for-proxy`, `until`. */
const WAIT_WORDS = new Set(['wait', 'await', 'waitfor', 'until', 'ready', 'check', 'healthcheck', 'ping']);

/** A loopback address with a port, found in one of a container's fields. */
export interface LoopbackReference {
  readonly port: number;
  /** The text as written, e.g. `127.0.0.1:15000` (a space separator shown as one space). */
  readonly text: string;
  /** Where it was found: `command`, `args`, `env DATABASE_URL`. */
  readonly field: string;
}

/** The string values of command, args and each env entry's value, labelled by field, in that order. */
export function commandTexts(container: any): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  for (const field of ['command', 'args']) {
    const value = container?.[field];
    if (Array.isArray(value)) value.forEach(item => typeof item === 'string' && texts.push([field, item]));
  }
  if (Array.isArray(container?.env)) {
    for (const variable of container.env) {
      if (typeof variable?.value === 'string') texts.push([typeof variable.name === 'string' ? `env ${variable.name}` : 'env', variable.value]);
    }
  }
  return texts;
}

/** Every loopback address with a valid port in the container's command, args and env values. */
export function loopbackReferences(container: any): LoopbackReference[] {
  let found: LoopbackReference[] | undefined;
  // A cheap test first: most commands name no loopback address at all, and then no texts are listed.
  if (!mayNameLoopback(container?.command) && !mayNameLoopback(container?.args) && !envMayNameLoopback(container?.env)) return [];
  for (const [field, text] of commandTexts(container)) {
    if (!MAY_NAME_LOOPBACK.test(text)) continue;
    for (const match of text.matchAll(LOOPBACK_PORT)) {
      const port = Number(match[2]);
      if (port > 0 && port <= 65535) (found ??= []).push({ port, text: match[0].replace(/\s+/, ' '), field });
    }
  }
  return found ?? [];
}

function mayNameLoopback(words: unknown): boolean {
  if (!Array.isArray(words)) return false;
  for (const word of words) if (typeof word === 'string' && MAY_NAME_LOOPBACK.test(word)) return true;
  return false;
}

function envMayNameLoopback(env: unknown): boolean {
  if (!Array.isArray(env)) return false;
  for (const variable of env) if (typeof variable?.value === 'string' && MAY_NAME_LOOPBACK.test(variable.value)) return true;
  return false;
}

/** Whether a word of a command reads as waiting: `wait`, `--wait-for`, `until`, `linkerd-await`. */
export function isWaitWord(token: string): boolean {
  const word = token.replace(/^-+/, '');
  return WAIT_WORDS.has(word) || word.startsWith('wait') || word.endsWith('wait');
}

/**
 * Whether a container name reads as "wait for <sidecar>": the sidecar's name appears as whole
 * hyphen-separated segments and the rest of the name has a wait word (`wait-for-proxy`,
 * `proxy-ready`). Names such as `proxy-init` or `envoy-config` prepare a sidecar, and must run
 * before it, so they do not count.
 */
export function nameWaitsFor(name: string, sidecarName: string): boolean {
  const lower = name.toLowerCase();
  const wantedText = sidecarName.toLowerCase();
  if (!lower.includes(wantedText)) return false;
  const segments = lower.split('-');
  const wanted = wantedText.split('-');
  for (let start = 0; start + wanted.length <= segments.length; start++) {
    if (!wanted.every((segment, offset) => segments[start + offset] === segment)) continue;
    const rest = [...segments.slice(0, start), ...segments.slice(start + wanted.length)];
    if (rest.some(segment => WAIT_WORDS.has(segment))) return true;
  }
  return false;
}
