/**
 * What a container's command does when it runs, read with the project's one shell reader
 * (`shell.ts`): whether it ever ends, which file it watches to know when to stop, and which
 * commands it really reaches (a quit call after `exec` or `exit`, or folded into another command's
 * arguments by YAML, never runs). Anything it cannot read gives no answer rather than a guess.
 */
import { basename } from './quit-calls';
import { ShellToken, tokenizeShell } from './shell';
import { pushAll } from '../arrays';

/** `sh -c SCRIPT` as the kubelet starts it: the script, and whether the shell stops at the first failure (`-e`). */
export interface ShellInvocation {
  readonly script: string;
  readonly errexit: boolean;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);

/** The script of a `sh -c SCRIPT` argv (command and args together), or `undefined`. */
export function shellInvocation(argv: readonly string[]): ShellInvocation | undefined {
  if (argv.length < 3 || !SHELLS.has(basename(argv[0])) || !/^-[a-z]*c[a-z]*$/.test(argv[1])) return undefined;
  return { script: argv[2], errexit: argv[1].includes('e') };
}

/** One item of a command list: a simple command, a loop, or another compound command. */
export type ScriptNode =
  | { readonly type: 'simple'; readonly words: string[]; readonly tokens: ShellToken[]; readonly link: Link; background: boolean }
  | { readonly type: 'loop'; readonly until: boolean; readonly condition: ScriptNode[]; readonly body: ScriptNode[]; readonly link: Link; background: boolean }
  | { readonly type: 'group'; readonly parts: ScriptNode[]; readonly link: Link; background: boolean };

/** How an item is joined to the one before it: `;` (or a newline), `&&`, `||`, `|`, or `undefined` for the first. */
export type Link = ';' | '&&' | '||' | '|' | undefined;

/** Parse a script into its command list, or `undefined` when it uses syntax the reader does not follow. */
export function parseScript(script: string): ScriptNode[] | undefined {
  const tokens = tokenizeShell(script);
  if (tokens === undefined) return undefined;
  const parser = new Parser(tokens);
  const nodes = parser.list(new Set());
  return parser.done() ? nodes : undefined;
}

/** A command that never ends by itself, and why. */
export interface Endless {
  /** As the end of a sentence about the container: `runs "tail -F /x", which follows the file and never exits`. */
  readonly reason: string;
  /** A server (it may be the pod's own workload), rather than something only a helper does. */
  readonly server: boolean;
}

/** Why a command list never ends by itself, or `undefined`. */
export function endlessReason(nodes: readonly ScriptNode[]): Endless | undefined {
  const backgroundEndless: Endless[] = [];
  for (const node of nodes) {
    if (node.type === 'simple' && isExit(node.words)) return undefined;
    const reason = nodeEndless(node);
    if (reason === undefined) {
      // `wait` with no operand waits for every background job, endless ones included.
      if (node.type === 'simple' && node.words.length === 1 && node.words[0] === 'wait' && backgroundEndless.length > 0) return backgroundEndless[0];
      continue;
    }
    if (node.background) backgroundEndless.push(reason);
    else return reason;
  }
  return undefined;
}

/** Why a simple command (or an argv that is not a shell script) never ends, or `undefined`. */
export function endlessCommand(words: readonly string[]): Endless | undefined {
  if (words.length === 0) return undefined;
  const program = basename(words[0]);
  const shown = `"${words.join(' ')}"`;
  if (program === 'exec' || program === 'nohup') return endlessCommand(words.slice(1));
  if (program === 'tail' && follows(words.slice(1))) return { reason: `runs ${shown}, which follows the file and never exits`, server: false };
  if (program === 'sleep' && words.length === 2 && /^(inf|infinity)$/i.test(words[1])) return { reason: `runs ${shown}, which never exits`, server: false };
  const server = serverProgram(program, words.slice(1));
  return server ? { reason: `runs ${shown}, ${server} in the foreground, which serves until it is stopped`, server: true } : undefined;
}

/**
 * The file a script watches to know when to stop (a shared-file stop signal), or `undefined`: a
 * loop that tests for a file (`[ -f F ]`, `[[ -e F ]]`, `test -f F`) and ends, breaks, exits or
 * kills when it appears, either last in the script or in the background beside the helper's work.
 */
export function watchedFile(nodes: readonly ScriptNode[]): string | undefined {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    const loops = node.type === 'loop' ? [node] : node.background ? loopsIn([node]) : [];
    for (const loop of loops) {
      const file = fileTestIn([...loop.condition, ...loop.body]);
      if (file === undefined) continue;
      const ends = node.background ? hasCommand(loop.body, word => word === 'kill' || word === 'exit' || word === 'pkill') : endsOnFile(loop);
      // A foreground watch loop must be what the script ends with, not a wait before the real work.
      if (ends && (node.background || nodes.slice(i + 1).every(isWindDown))) return file;
    }
  }
  return undefined;
}

/** Something a script does that another container can notice. */
export type ScriptAction =
  | { readonly type: 'call'; readonly words: ShellToken[]; readonly text: string; readonly conditional: boolean }
  | { readonly type: 'write'; readonly file: string; readonly text: string; readonly conditional: boolean };

/**
 * The calls and file writes a script really reaches, in order: top-level commands before the first
 * `exit`, `exec` or endless command, and the commands of an EXIT trap set before them (unless an
 * `exec` replaces the shell first). `conditional` marks ones that run only when earlier commands
 * succeed (`&&`, `sh -e`, `set -e`) or inside an `if`, a loop or a `case`.
 */
export function reachedActions(invocation: ShellInvocation): ScriptAction[] {
  const nodes = parseScript(invocation.script);
  if (nodes === undefined) return [];
  const actions: ScriptAction[] = [];
  const atExit: ScriptAction[] = [];
  let conditional = invocation.errexit;
  let trapsRun = true;
  for (const node of nodes) {
    if (node.link === '&&') conditional = true;
    if (node.link === '||') continue; // runs only when the command before it failed
    if (node.type !== 'simple') {
      collect(node.type === 'loop' ? [...node.condition, ...node.body] : node.parts, true, actions);
      continue;
    }
    const program = basename(node.words[0]);
    if (program === 'set' && node.words.slice(1).some(word => /^-[a-z]*e/.test(word) || word === 'errexit')) conditional = true;
    if (program === 'trap') {
      const trapped = trapAtExit(node.words);
      // The trap's commands run when the shell exits, whatever came before.
      const trappedActions = trapped !== undefined ? reachedActions({ script: trapped, errexit: false }) : [];
      pushAll(atExit, trappedActions.map(action => ({ ...action, conditional: false })));
      continue;
    }
    if (program === 'exec') {
      trapsRun = false;
      break;
    }
    if (isExit(node.words)) break;
    if (!node.background && endlessCommand(node.words) !== undefined) {
      trapsRun = false;
      break;
    }
    pushAll(actions, simpleActions(node, conditional));
  }
  return trapsRun ? [...actions, ...atExit] : actions;
}

/** A simple command as a call, and the files it writes. */
function simpleActions(node: Extract<ScriptNode, { type: 'simple' }>, conditional: boolean): ScriptAction[] {
  const actions: ScriptAction[] = [];
  const words = wordTokens(node.tokens);
  if (words.length > 0) actions.push({ type: 'call', words, text: node.tokens.map(token => token.raw).join(' '), conditional });
  for (const file of writtenFiles(node)) actions.push({ type: 'write', file, text: node.tokens.map(token => token.raw).join(' '), conditional });
  return actions;
}

function collect(nodes: readonly ScriptNode[], conditional: boolean, into: ScriptAction[]): void {
  for (const node of nodes) {
    if (node.type === 'simple') pushAll(into, simpleActions(node, conditional));
    else collect(node.type === 'loop' ? [...node.condition, ...node.body] : node.parts, conditional, into);
  }
}

/** The files a simple command creates or writes: `touch F`, `> F`, `>> F`. */
function writtenFiles(node: Extract<ScriptNode, { type: 'simple' }>): string[] {
  const files: string[] = [];
  if (basename(node.words[0]) === 'touch') pushAll(files, node.words.slice(1).filter(word => !word.startsWith('-')));
  node.tokens.forEach((token, index) => {
    const target = node.tokens[index + 1];
    if (token.type === 'redirect' && /^\d*>>?$/.test(token.value) && target?.type === 'word' && !target.dynamic) files.push(target.value);
  });
  return files;
}

/** The action text of `trap ACTION EXIT` (also `0`, `SIGEXIT`), or `undefined`. */
function trapAtExit(words: readonly string[]): string | undefined {
  if (words.length < 3) return undefined;
  const signals = words.slice(2).map(word => word.toUpperCase());
  return signals.some(signal => signal === 'EXIT' || signal === '0' || signal === 'SIGEXIT') ? words[1] : undefined;
}

function nodeEndless(node: ScriptNode): Endless | undefined {
  if (node.type === 'simple') return endlessCommand(node.words);
  if (node.type === 'group') return endlessReason(node.parts);
  if (node.until || !alwaysTrue(node.condition)) return undefined;
  if (hasCommand(node.body, word => word === 'exit' || word === 'break' || word === 'return' || word === 'exec')) return undefined;
  const condition = node.condition.map(part => part.type === 'simple' ? part.words.join(' ') : '...').join('; ');
  return { reason: `loops forever ("while ${condition}" with no exit or break)`, server: false };
}

/** A loop condition that never fails: `true`, `:`, `[ 1 ]`, `sleep N`. */
function alwaysTrue(condition: readonly ScriptNode[]): boolean {
  const last = condition[condition.length - 1];
  if (last === undefined || last.type !== 'simple') return false;
  const words = last.words;
  if (words.length === 1 && (words[0] === 'true' || words[0] === ':')) return true;
  if (words[0] === '[' && words.length === 3 && words[2] === ']' && /^[^-]/.test(words[1]) && words[1] !== '') return true;
  return basename(words[0]) === 'sleep' && words.length === 2 && /^\d+(\.\d+)?[smhd]?$/.test(words[1]);
}

/** A loop that stops when its file test flips: `while [ ! -f F ]`, `until [ -f F ]`, or a body that exits or breaks. */
function endsOnFile(loop: Extract<ScriptNode, { type: 'loop' }>): boolean {
  if (fileTestIn(loop.condition) !== undefined) return true;
  return hasCommand(loop.body, word => word === 'exit' || word === 'break' || word === 'kill' || word === 'pkill');
}

/** Commands that only wind a script down after its wait: messages, cleanup, exit. */
function isWindDown(node: ScriptNode): boolean {
  if (node.type === 'group') return node.parts.every(isWindDown);
  if (node.type === 'loop') return false;
  return ['echo', 'printf', 'exit', 'true', ':', 'kill', 'pkill', 'wait', 'rm', 'sleep', '['].includes(basename(node.words[0]));
}

function fileTestIn(nodes: readonly ScriptNode[]): string | undefined {
  for (const node of nodes) {
    if (node.type !== 'simple') {
      const inner = fileTestIn(node.type === 'loop' ? [...node.condition, ...node.body] : node.parts);
      if (inner !== undefined) return inner;
      continue;
    }
    const words = node.words;
    if (!['[', '[[', 'test'].includes(words[0])) continue;
    const flag = words.findIndex(word => word === '-f' || word === '-e' || word === '-s');
    const file = flag >= 0 ? words[flag + 1] : undefined;
    if (file !== undefined && file !== ']' && file !== ']]' && !file.includes('$')) return file;
  }
  return undefined;
}

function loopsIn(nodes: readonly ScriptNode[]): Array<Extract<ScriptNode, { type: 'loop' }>> {
  const loops: Array<Extract<ScriptNode, { type: 'loop' }>> = [];
  for (const node of nodes) {
    if (node.type === 'loop') loops.push(node, ...loopsIn(node.body));
    else if (node.type === 'group') pushAll(loops, loopsIn(node.parts));
  }
  return loops;
}

function hasCommand(nodes: readonly ScriptNode[], test: (program: string) => boolean): boolean {
  return nodes.some(node => node.type === 'simple'
    ? test(basename(node.words[0]))
    : hasCommand(node.type === 'loop' ? [...node.condition, ...node.body] : node.parts, test));
}

function isExit(words: readonly string[]): boolean {
  return words[0] === 'exit';
}

/** `tail` options that follow the file: `-f`, `-F`, `--follow[=...]`, in a cluster such as `-qF`; `--pid` ends it. */
function follows(options: readonly string[]): boolean {
  let follow = false;
  for (const option of options) {
    if (option === '--') break;
    if (option.startsWith('--pid')) return false;
    if (option === '--follow' || option.startsWith('--follow=')) {follow = true;} else if (/^-[a-zA-Z]+$/.test(option)) {
      for (const letter of option.slice(1)) {
        if (letter === 'f' || letter === 'F') follow = true;
        if (letter === 'n' || letter === 'c' || letter === 's') break; // takes a value: the rest is the value
      }
    }
  }
  return follow;
}

/** Servers that stay in the foreground until stopped, as `the X server`; `undefined` for anything else. */
function serverProgram(program: string, args: readonly string[]): string | undefined {
  if (/^python[\d.]*$/.test(program) && args[0] === '-m' && args[1] === 'http.server') return 'Python\'s http.server';
  if (program === 'nginx') return args.some(arg => arg === '-t' || arg === '-T' || arg === '-s' || arg === '-v' || arg === '-V') ? undefined : 'the nginx server';
  if (program === 'socat') return args.some(arg => /^(TCP[46]?|UDP[46]?|UNIX)-LISTEN:/i.test(arg) && /,fork\b/i.test(arg)) ? 'a socat listener' : undefined;
  if (program === 'nc' || program === 'ncat') {
    const flags = args.filter(arg => /^-[a-zA-Z]+$/.test(arg)).join('');
    return flags.includes('l') && flags.includes('k') ? 'a netcat listener (-l -k)' : undefined;
  }
  return SERVERS[program];
}

const SERVERS: Record<string, string> = {
  'httpd': 'the Apache server',
  'apache2-foreground': 'the Apache server',
  'redis-server': 'the Redis server',
  'memcached': 'memcached',
  'mongod': 'the MongoDB server',
  'mysqld': 'the MySQL server',
  'haproxy': 'HAProxy',
};

/** The word tokens of a simple command, redirections and their targets left out. */
function wordTokens(tokens: readonly ShellToken[]): ShellToken[] {
  const words: ShellToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type === 'redirect') {
      i++;
      continue;
    }
    if (tokens[i].type === 'word') words.push(tokens[i]);
  }
  return words;
}

const LIST_LINKS = new Set([';', '\n', '&&', '||', '|', '&']);

/** A small recursive reader of command lists: simple commands, `while`/`until`, `if`, `for`, `case`, `{ }` and `( )`. */
class Parser {
  private at = 0;
  private failed = false;

  public constructor(private readonly tokens: readonly ShellToken[]) {}

  public done(): boolean {
    return !this.failed && this.at >= this.tokens.length;
  }

  /** Items until a reserved word in `stops` at command position, a `)`, or the end. */
  public list(stops: ReadonlySet<string>): ScriptNode[] {
    const nodes: ScriptNode[] = [];
    let link: Link;
    while (!this.failed && this.at < this.tokens.length) {
      const token = this.tokens[this.at];
      if (token.type === 'op' && LIST_LINKS.has(token.value)) {
        this.at++;
        if (token.value === '&') {
          if (nodes.length > 0) nodes[nodes.length - 1].background = true;
          link = ';';
        } else if (token.value === '\n' || token.value === ';') {
          if (link !== '&&' && link !== '||' && link !== '|') link = ';';
        } else {
          link = token.value as Link;
        }
        continue;
      }
      if (token.type === 'op' && token.value === ';;') {
        this.at++;
        continue;
      }
      if (token.type === 'op' && token.value === ')') break;
      if (token.type === 'word' && token.raw === token.value && stops.has(token.value)) break;
      const node = this.item(nodes.length === 0 ? undefined : link ?? ';');
      if (node === undefined) {
        this.failed = true;
        break;
      }
      nodes.push(node);
      link = undefined;
    }
    return nodes;
  }

  private item(link: Link): ScriptNode | undefined {
    const token = this.tokens[this.at];
    if (token.type === 'op' && token.value === '(') {
      this.at++;
      const parts = this.list(new Set());
      if (!this.expectOp(')')) return undefined;
      return { type: 'group', parts, link, background: false };
    }
    const reserved = token.type === 'word' && token.raw === token.value ? token.value : undefined;
    if (reserved === '!') {
      this.at++;
      return this.at < this.tokens.length ? this.item(link) : undefined;
    }
    if (reserved === 'while' || reserved === 'until') {
      this.at++;
      const condition = this.list(new Set(['do']));
      if (!this.expectWord('do')) return undefined;
      const body = this.list(new Set(['done']));
      if (!this.expectWord('done')) return undefined;
      return { type: 'loop', until: reserved === 'until', condition, body, link, background: false };
    }
    if (reserved === 'if') {
      this.at++;
      const parts: ScriptNode[] = [];
      for (;;) {
        pushAll(parts, this.list(new Set(['then', 'elif', 'else', 'fi'])));
        const word = this.tokens[this.at];
        if (word === undefined || this.failed) return undefined;
        this.at++;
        if (word.value === 'fi') break;
      }
      return { type: 'group', parts, link, background: false };
    }
    if (reserved === 'for' || reserved === 'select') {
      // The header (`for x in a b c;`) holds no commands: skip to `do`.
      while (this.at < this.tokens.length && !(this.tokens[this.at].type === 'word' && this.tokens[this.at].value === 'do' && this.tokens[this.at].raw === 'do')) this.at++;
      if (!this.expectWord('do')) return undefined;
      const body = this.list(new Set(['done']));
      if (!this.expectWord('done')) return undefined;
      return { type: 'group', parts: body, link, background: false };
    }
    if (reserved === 'case') {
      // Patterns and `;;` are not commands; the branches are read as one opaque list.
      while (this.at < this.tokens.length && !(this.tokens[this.at].type === 'word' && this.tokens[this.at].raw === 'in')) this.at++;
      this.at++;
      const parts: ScriptNode[] = [];
      while (!this.failed && this.at < this.tokens.length && !(this.tokens[this.at].type === 'word' && this.tokens[this.at].raw === 'esac')) {
        // Skip a pattern up to its `)`, then read the branch.
        while (this.at < this.tokens.length && !(this.tokens[this.at].type === 'op' && this.tokens[this.at].value === ')')) this.at++;
        this.at++;
        pushAll(parts, this.list(new Set(['esac'])));
        if (this.tokens[this.at]?.type === 'op' && this.tokens[this.at].value === ')') this.at++;
      }
      if (!this.expectWord('esac')) return undefined;
      return { type: 'group', parts, link, background: false };
    }
    if (reserved === '{') {
      this.at++;
      const parts = this.list(new Set(['}']));
      if (!this.expectWord('}')) return undefined;
      return { type: 'group', parts, link, background: false };
    }
    const tokens: ShellToken[] = [];
    while (this.at < this.tokens.length) {
      const next = this.tokens[this.at];
      if (next.type === 'op') break;
      tokens.push(next);
      this.at++;
    }
    const words = wordTokens(tokens).map(word => word.value);
    if (words.length === 0) return tokens.length > 0 ? { type: 'simple', words: [''], tokens, link, background: false } : undefined;
    return { type: 'simple', words, tokens, link, background: false };
  }

  private expectWord(word: string): boolean {
    const token = this.tokens[this.at];
    if (token?.type !== 'word' || token.value !== word) {
      this.failed = true;
      return false;
    }
    this.at++;
    return true;
  }

  private expectOp(op: string): boolean {
    const token = this.tokens[this.at];
    if (token?.type !== 'op' || token.value !== op) {
      this.failed = true;
      return false;
    }
    this.at++;
    return true;
  }
}
