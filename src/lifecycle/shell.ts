/**
 * Just enough of a POSIX shell lexer to find the top-level commands of a `sh -c` script and the
 * exact source offsets where they start and end, so a trailing command can be cut out without
 * touching the rest. Anything it does not understand (here-documents, unbalanced quotes or
 * parentheses) makes it give up, and the caller then reports instead of editing.
 */

/** One token of a shell script. */
export interface ShellToken {
  /** `word`: a command word; `op`: a control operator or newline; `redirect`: `>`, `2>&`, `<`... */
  readonly type: 'word' | 'op' | 'redirect';
  /** The word with quotes removed, or the operator as written (`;`, `&&`, `\n`). */
  readonly value: string;
  /** Offset of the first character in the script. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
  /** The word contains an expansion (`$VAR`, `${...}`, `$(...)`, backquotes) whose value is unknown. */
  readonly dynamic: boolean;
  /** The word exactly as written. */
  readonly raw: string;
}

/** A top-level command of a script: the tokens between two list separators. */
export interface ShellCommand {
  readonly tokens: ShellToken[];
  readonly start: number;
  readonly end: number;
  /**
   * What separates it from the previous command: `;`, `&&`, `&` or `\n` (a `&&` or `;` followed
   * by newlines counts as the operator), or `undefined` for the first command.
   */
  readonly separator?: ShellToken;
  /** What ends it: `;`, `&&`, `&` or `\n`, or `undefined` for the last command of the script. */
  readonly terminator?: ShellToken;
}

const OPERATORS = ['&&', '||', ';;', ';', '&', '|', '(', ')'];

/** Split a script into tokens, or `undefined` when it uses syntax this lexer does not follow. */
export function tokenizeShell(script: string): ShellToken[] | undefined {
  const tokens: ShellToken[] = [];
  let i = 0;
  let wordStart = -1;
  let value = '';
  let dynamic = false;

  const endWord = (end: number) => {
    if (wordStart < 0) return;
    tokens.push({ type: 'word', value, start: wordStart, end, dynamic, raw: script.slice(wordStart, end) });
    wordStart = -1;
    value = '';
    dynamic = false;
  };
  const beginWord = () => {
    if (wordStart < 0) wordStart = i;
  };

  while (i < script.length) {
    const char = script[i];
    if (char === '\\' && script[i + 1] === '\n') {
      i += 2; // line continuation: the two characters vanish
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      endWord(i);
      i++;
      continue;
    }
    if (char === '#' && wordStart < 0) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (char === '\n') {
      endWord(i);
      tokens.push({ type: 'op', value: '\n', start: i, end: i + 1, dynamic: false, raw: '\n' });
      i++;
      continue;
    }
    if (char === '<' || char === '>') {
      // A file descriptor number right before the operator belongs to the redirection.
      let start = i;
      if (wordStart >= 0 && /^\d+$/.test(script.slice(wordStart, i))) {
        start = wordStart;
        wordStart = -1;
        value = '';
      } else {
        endWord(i);
      }
      if (script.startsWith('<<', i)) return undefined; // here-documents: out of our depth
      let end = i + 1;
      if (script[end] === '>' || script[end] === '&' || script[end] === '|') end++;
      tokens.push({ type: 'redirect', value: script.slice(start, end), start, end, dynamic: false, raw: script.slice(start, end) });
      i = end;
      continue;
    }
    const operator = OPERATORS.find(candidate => script.startsWith(candidate, i));
    if (operator !== undefined) {
      endWord(i);
      tokens.push({ type: 'op', value: operator, start: i, end: i + operator.length, dynamic: false, raw: operator });
      i += operator.length;
      continue;
    }
    beginWord();
    if (char === '\\') {
      value += script[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (char === '\'') {
      const close = script.indexOf('\'', i + 1);
      if (close < 0) return undefined;
      value += script.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (char === '"') {
      const close = readDoubleQuoted(script, i);
      if (close === undefined) return undefined;
      value += close.value;
      dynamic = dynamic || close.dynamic;
      i = close.end;
      continue;
    }
    if (char === '$' || char === '`') {
      const end = readExpansion(script, i);
      if (end === undefined) return undefined;
      value += script.slice(i, end);
      dynamic = dynamic || end > i + 1;
      i = end;
      continue;
    }
    value += char;
    i++;
  }
  endWord(i);
  return tokens;
}

/**
 * The top-level commands of a token list, split at `;`, `&&`, `&` and newlines outside
 * parentheses. `||` and `|` stay inside a command. Returns `undefined` when parentheses do not
 * balance.
 */
export function topLevelCommands(tokens: ShellToken[]): ShellCommand[] | undefined {
  const commands: ShellCommand[] = [];
  let current: ShellToken[] = [];
  let separator: ShellToken | undefined;
  let pending: ShellToken | undefined;
  let depth = 0;
  const flush = (terminator?: ShellToken) => {
    if (current.length === 0) return;
    commands.push({
      tokens: current,
      start: current[0].start,
      end: current[current.length - 1].end,
      ...(separator ? { separator } : {}),
      ...(terminator ? { terminator } : {}),
    });
    current = [];
    separator = undefined;
  };
  for (const token of tokens) {
    if (token.type === 'op' && token.value === '(') depth++;
    if (token.type === 'op' && token.value === ')') depth--;
    if (depth < 0) return undefined;
    const splits = depth === 0 && token.type === 'op' && [';', '&&', '&', '\n'].includes(token.value);
    if (!splits) {
      if (current.length === 0 && pending !== undefined) {
        separator = pending;
        pending = undefined;
      }
      current.push(token);
      continue;
    }
    flush(token);
    // `a &&\n b`: the newline only continues the `&&`.
    if (pending === undefined || pending.value === '\n') pending = token;
  }
  if (depth !== 0) return undefined;
  flush();
  return commands;
}

/** The words of a simple command, or `undefined` when it has operators other than redirections. */
export function simpleWords(tokens: ShellToken[]): ShellToken[] | undefined {
  const words: ShellToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === 'op') return undefined;
    if (token.type === 'redirect') {
      i++; // the redirection target
      continue;
    }
    words.push(token);
  }
  return words;
}

function readDoubleQuoted(script: string, open: number): { value: string; end: number; dynamic: boolean } | undefined {
  let value = '';
  let dynamic = false;
  let i = open + 1;
  while (i < script.length) {
    const char = script[i];
    if (char === '"') return { value, end: i + 1, dynamic };
    if (char === '\\' && i + 1 < script.length) {
      const next = script[i + 1];
      if (next === '\n') {
        i += 2;
        continue;
      }
      value += '"\\$`'.includes(next) ? next : char + next;
      i += 2;
      continue;
    }
    if (char === '$' || char === '`') {
      const end = readExpansion(script, i);
      if (end === undefined) return undefined;
      value += script.slice(i, end);
      dynamic = dynamic || end > i + 1;
      i = end;
      continue;
    }
    value += char;
    i++;
  }
  return undefined;
}

/** The end offset of an expansion starting at `start` (`$x`, `${x}`, `$(...)`, `` `...` ``). */
function readExpansion(script: string, start: number): number | undefined {
  if (script[start] === '`') {
    for (let i = start + 1; i < script.length; i++) {
      if (script[i] === '\\') i++;
      else if (script[i] === '`') return i + 1;
    }
    return undefined;
  }
  const next = script[start + 1];
  if (next === '(' || next === '{') {
    const close = next === '(' ? ')' : '}';
    let depth = 0;
    for (let i = start + 1; i < script.length; i++) {
      const char = script[i];
      if (char === '\\') {
        i++;
      } else if (char === '\'') {
        const end = script.indexOf('\'', i + 1);
        if (end < 0) return undefined;
        i = end;
      } else if (char === next) {
        depth++;
      } else if (char === close) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return undefined;
  }
  const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9?!#@*$-])/.exec(script.slice(start + 1));
  // A lone `$` is a literal dollar sign.
  return start + 1 + (name ? name[0].length : 0);
}
