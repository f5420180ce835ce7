/**
 * Text from the input (names, paths, messages that quote values) printed where a reader trusts
 * what each line says: a terminal, a CI log, a SARIF viewer. Control characters (C0 but the tab,
 * DEL, C1; newlines included) and the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) are written as `\u{..}` escapes, so a name cannot start a new line, move the
 * cursor, colour the output or reorder what follows it.
 */

/** Control characters but the tab, and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character written as `\u{1b}`; unchanged (the same string) when there is none. */
export function escapeUnsafe(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(UNSAFE, char => `\\u{${char.charCodeAt(0).toString(16)}}`);
}
