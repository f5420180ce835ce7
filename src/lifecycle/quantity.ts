/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `1e3`, `2`), parsed exactly.
 *
 * Values are held as a bigint count of nano-units so that sums and comparisons of CPU
 * millicores and memory bytes are exact (floating point would turn `0.1 + 0.2` cores into
 * a request the scheduler never sees). Parsing follows apimachinery's `resource.ParseQuantity`:
 * a signed decimal number, then either a binary suffix (Ki..Ei), a decimal SI suffix
 * (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (`e3`, `E-2`). Values finer than one
 * nano-unit are rounded up, as the API server does.
 */

const NANO = 1_000_000_000n;

const BINARY_SUFFIXES: Record<string, bigint> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};

/** Decimal suffixes as powers of ten. */
const DECIMAL_SUFFIXES: Record<string, number> = {
  'n': -9,
  'u': -6,
  'm': -3,
  '': 0,
  'k': 3,
  'M': 6,
  'G': 9,
  'T': 12,
  'P': 15,
  'E': 18,
};

/**
 * The largest power of ten (counted in nano-units) a quantity may carry. `1e99999999999999999999`
 * matches the grammar, but building that bigint throws a RangeError (or, a few digits shorter,
 * takes seconds); nothing a pod can request comes anywhere near 10^1000.
 */
const MAX_SCALE = 1000;

const QUANTITY_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** A parsed quantity: an exact count of nano-units (1 core = 1e9, 1 byte = 1e9). */
export type Nanos = bigint;

/**
 * Parse a quantity from a manifest as the API server decodes it: `Quantity.UnmarshalJSON` trims
 * white space around the text (`strings.TrimSpace`) before `ParseQuantity`, so `" 100m"` is 100m.
 * Returns `undefined` when the text is not a valid quantity. Numbers (as YAML often carries
 * `cpu: 2`) are accepted and read as their decimal text.
 */
export function parseQuantity(input: unknown): Nanos | undefined {
  if (typeof input === 'string') {
    // Manifests repeat the same few quantities (`100m`, `64Mi`) thousands of times.
    if (PARSED.has(input)) return PARSED.get(input);
    const parsed = parseQuantityText(trimSpace(input));
    if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
    PARSED.set(input, parsed);
    return parsed;
  }
  return parseQuantityText(input);
}

const PARSED = new Map<string, Nanos | undefined>();
const PARSED_LIMIT = 4096;

/** `resource.ParseQuantity` itself: the text exactly, no white space allowed (a hugepages size in a resource name). */
export function parseQuantityExact(text: string): Nanos | undefined {
  return parseQuantityText(text);
}

/**
 * Go's `strings.TrimSpace`: strips `unicode.IsSpace` characters from both ends. A loop, not a
 * regular expression: `/\s+$/` backtracks quadratically over a long run of inner spaces.
 */
export function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** `unicode.IsSpace`: ASCII \t \n \v \f \r and space, U+0085, U+00A0, and the Unicode White_Space characters above Latin-1. */
function isGoSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
    || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

function parseQuantityText(input: unknown): Nanos | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    return parseQuantity(numberToText(input));
  }
  if (typeof input !== 'string') return undefined;
  const match = QUANTITY_PATTERN.exec(input);
  if (!match) return undefined;
  const [, sign, digits, suffix = ''] = match;
  const [intPart, fracPart = ''] = digits.split('.');
  // mantissa = digitsAsInteger * 10^-fracLen
  const mantissa = BigInt((intPart || '0') + fracPart);
  let exponent = -fracPart.length;
  let multiplier = 1n;
  if (suffix in BINARY_SUFFIXES) {
    multiplier = BINARY_SUFFIXES[suffix];
  } else if (suffix in DECIMAL_SUFFIXES) {
    exponent += DECIMAL_SUFFIXES[suffix];
  } else {
    exponent += Number(suffix.slice(1));
  }
  // nanos = mantissa * multiplier * 10^(exponent + 9), rounded up (away from zero)
  const scale = exponent + 9;
  if (scale > MAX_SCALE) return undefined;
  const product = mantissa * multiplier;
  let nanos: bigint;
  if (scale >= 0) {
    nanos = product * 10n ** BigInt(scale);
  } else if (-scale > product.toString().length) {
    // The whole value is below one nano-unit; skip building a divisor that may not fit in a bigint.
    nanos = product === 0n ? 0n : 1n;
  } else {
    const divisor = 10n ** BigInt(-scale);
    nanos = product / divisor + (product % divisor === 0n ? 0n : 1n);
  }
  return sign === '-' ? -nanos : nanos;
}

/** Whether the value is a well-formed quantity. */
export function isQuantity(input: unknown): boolean {
  return parseQuantity(input) !== undefined;
}

/**
 * Render nano-units the way people write them: whole values with the largest exact binary
 * suffix (`640Mi`, `2Gi`) or decimal suffix (`1G`, `2`), fractions of a unit in millis (`1100m`)
 * or, below that, in micro/nano units.
 */
export function formatQuantity(nanos: Nanos): string {
  if (nanos < 0n) return '-' + formatQuantity(-nanos);
  if (nanos === 0n) return '0';
  if (nanos % NANO === 0n) {
    const units = nanos / NANO;
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      const size = BINARY_SUFFIXES[suffix];
      if (units >= size && units % size === 0n && units >= 1024n) return `${units / size}${suffix}`;
    }
    for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
      const size = 10n ** BigInt(DECIMAL_SUFFIXES[suffix]);
      if (units % size === 0n) return `${units / size}${suffix}`;
    }
    return units.toString();
  }
  if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
  if (nanos % 1_000n === 0n) return `${nanos / 1_000n}u`;
  return `${nanos}n`;
}

/**
 * SetDefaults_ResourceList rounds every stored quantity up to milli scale (`100u` cpu becomes
 * `1m`); zero and negative values are returned as they are.
 */
export function roundUpToMilli(nanos: Nanos): Nanos {
  if (nanos <= 0n) return nanos;
  const remainder = nanos % MILLI;
  return remainder === 0n ? nanos : nanos - remainder + MILLI;
}

const MILLI = 1_000_000n;

/** Whether a quantity is a whole number of units (required for some resources, e.g. hugepages counts). */
export function isWholeUnits(nanos: Nanos): boolean {
  return nanos % NANO === 0n;
}

function numberToText(value: number): string {
  // Avoid exponent notation with a '+' that the pattern reads fine anyway; keep it simple.
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}
