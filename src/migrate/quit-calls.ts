import { NativeSidecar } from './model';
import { QuitCall as AnyQuitCall, mentionsQuit, quitOf } from '../lifecycle/quit-calls';
import { tokenizeShell, topLevelCommands } from '../lifecycle/shell';

export { mentionsQuit, recogniseQuitCall } from '../lifecycle/quit-calls';

/** A quit call aimed at a native sidecar of the pod being migrated. */
export type QuitCall = AnyQuitCall<NativeSidecar>;

/** The outcome of looking for a trailing quit call in a `sh -c` script. */
export type TrailingQuit =
  | { readonly removable: true; readonly script: string; readonly call: QuitCall; readonly before: string }
  | { readonly removable: false; readonly reason: string };

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
  let kept = withoutTrailingBlanks(script.slice(0, last.separator!.start));
  if (withoutTrailingBlanks(script).endsWith('\n') && !kept.endsWith('\n')) kept += '\n';
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


/** `text` without the spaces and tabs at its end (a loop: a regular expression anchored at the end is quadratic in long inner runs of blanks). */
function withoutTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return text.slice(0, end);
}
