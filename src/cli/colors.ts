import { CliIo } from './io';

/** Styling for terminal output; every function is the identity when colour is off. */
export interface Colors {
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly info: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
}

const plain = (text: string) => text;

/** No styling. */
export const NO_COLORS: Colors = { error: plain, warning: plain, info: plain, bold: plain, dim: plain };

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/** ANSI styling. */
export const ANSI_COLORS: Colors = {
  error: ansi(31, 39),
  warning: ansi(33, 39),
  info: ansi(36, 39),
  bold: ansi(1, 22),
  dim: ansi(2, 22),
};

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything but the empty string
 * (https://no-color.org). FORCE_COLOR (not `0`) turns it on for pipes, e.g. `| less -R`.
 */
export function colorsFor(io: CliIo): Colors {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return NO_COLORS;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return ANSI_COLORS;
  return io.stdoutIsTTY ? ANSI_COLORS : NO_COLORS;
}
