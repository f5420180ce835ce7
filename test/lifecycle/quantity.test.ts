import * as fc from 'fast-check';
import { formatQuantity, isQuantity, isWholeUnits, parseQuantity, parseQuantityExact, trimSpace } from '../../src/lifecycle/quantity';

const NANO = 1_000_000_000n;

describe('parseQuantity', () => {
  test.each([
    ['500m', 500_000_000n],
    ['1.5Gi', 1_610_612_736n * NANO],
    ['1Ki', 1024n * NANO],
    ['2', 2n * NANO],
    ['0', 0n],
    ['1e3', 1000n * NANO],
    // `E` followed by digits is an exponent; `E` alone is the exa suffix.
    ['1E3', 1000n * NANO],
    ['1E', 10n ** 18n * NANO],
    ['1e-3', 1_000_000n],
    ['1E+2', 100n * NANO],
    ['100u', 100_000n],
    ['5n', 5n],
    ['0.1', 100_000_000n],
    ['.5', 500_000_000n],
    ['1.', NANO],
    ['+1', NANO],
    ['-1', -NANO],
    ['+.5', 500_000_000n],
    ['1k', 1000n * NANO],
    ['1M', 1_000_000n * NANO],
    ['1G', 1_000_000_000n * NANO],
  ])('%s is %p nano-units', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  test.each([
    '1.2.3', 'Mi', '1 Gi', '', '1ki', '1K', '0.1mi', '1e', 'e3', '.', '-', '+', '1e1.5', 'abc', '1Mi2', '--1', '1,5',
    // White space inside the text, or only white space, is never trimmed away.
    '1 00m', ' ', '\t\n', '- 1', '1\u00a0Mi',
  ])('%p is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
    expect(isQuantity(text)).toBe(false);
  });

  // Quantity.UnmarshalJSON (apimachinery resource/quantity.go) trims with strings.TrimSpace before
  // ParseQuantity: the API server accepts `cpu: " 100m"` as 100m.
  test.each([
    [' 100m', 100_000_000n], ['1Gi ', 1024n ** 3n * NANO], ['\t2\n', 2n * NANO], ['\r\n 64Mi \v\f', 64n * 1024n ** 2n * NANO],
    // Go's unicode.IsSpace: NEL, no-break space and the other Unicode White_Space characters.
    ['\u0085500m\u00a0', 500_000_000n], ['\u30001\u2028', NANO], ['\u2000\u200a1k\u202f\u205f', 1000n * NANO],
  ])('%p is trimmed as the API server does', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  test('a byte-order mark is not Go white space, though JavaScript trims it', () => {
    expect(parseQuantity('\ufeff1')).toBeUndefined();
    expect(parseQuantity('1\ufeff')).toBeUndefined();
  });

  test('ParseQuantity itself (parseQuantityExact) trims nothing', () => {
    expect(parseQuantityExact('2Mi')).toBe(2n * 1024n ** 2n * NANO);
    expect(parseQuantityExact(' 2Mi')).toBeUndefined();
  });

  test('300,000-character adversarial texts are answered, and correctly', () => {
    const spaces = ' '.repeat(300_000);
    expect(trimSpace(`${spaces}1${spaces}`)).toBe('1');
    expect(trimSpace(`1${spaces}1`)).toBe(`1${spaces}1`);
    expect(parseQuantity(`${spaces}1${spaces}`)).toBe(NANO);
    expect(parseQuantity(`1${spaces}x`)).toBeUndefined();
    expect(parseQuantity('1'.repeat(300_000) + 'x')).toBeUndefined();
    expect(parseQuantity('1e' + '1'.repeat(300_000) + 'x')).toBeUndefined();
    expect(parseQuantity('.' + '1'.repeat(300_000) + 'Mi!')).toBeUndefined();
    // Huge but valid: 300,000 digits parse exactly.
    expect(parseQuantity('1' + '0'.repeat(299_999))).toBe(10n ** 299_999n * NANO);
  }, 60_000);

  test('values finer than one nano-unit round up, away from zero', () => {
    expect(parseQuantity('1.5n')).toBe(2n);
    expect(parseQuantity('0.1n')).toBe(1n);
    expect(parseQuantity('1.000000001')).toBe(NANO + 1n);
    expect(parseQuantity('1.0000000001')).toBe(NANO + 1n);
    expect(parseQuantity('-0.1n')).toBe(-1n);
    expect(parseQuantity('1e-10')).toBe(1n);
    // A binary suffix with a fraction can land between nano-units too: 0.1Ki = 102.4 units, exact.
    expect(parseQuantity('0.1Ki')).toBe(102_400_000_000n);
    expect(parseQuantity('0.000000000001Ki')).toBe(2n);
  });

  test('zero stays zero however it is written', () => {
    for (const text of ['0', '0m', '0Gi', '0e5', '0.0', '-0', '0e-400']) expect(parseQuantity(text)).toBe(0n);
  });

  test('extreme exponents neither throw nor hang', () => {
    expect(parseQuantity('1e-99999999999999999999')).toBe(1n);
    expect(parseQuantity('1e99999999999999999999')).toBeUndefined();
    expect(parseQuantity('1e1000000000')).toBeUndefined();
    expect(parseQuantity('1e400')).toBe(10n ** 409n);
  });

  test('numbers are read as their decimal text', () => {
    expect(parseQuantity(2)).toBe(2n * NANO);
    expect(parseQuantity(0.5)).toBe(500_000_000n);
    expect(parseQuantity(-3)).toBe(-3n * NANO);
    expect(parseQuantity(1e21)).toBe(10n ** 21n * NANO);
    expect(parseQuantity(1e-7)).toBe(100n);
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  test.each([null, undefined, {}, [], true, 10n])('%p is not a quantity', (value) => {
    expect(parseQuantity(value)).toBeUndefined();
  });
});

describe('formatQuantity', () => {
  test.each(['1100m', '640Mi', '2', '1G', '1886Mi', '0', '1Ki', '1k', '1500', '-500m', '100u', '5n', '3Gi', '2850m', '1Ei'])(
    '%s round-trips',
    (text) => {
      expect(formatQuantity(parseQuantity(text)!)).toBe(text);
    },
  );

  test('prefers the largest exact suffix', () => {
    expect(formatQuantity(parseQuantity('1.5Gi')!)).toBe('1536Mi');
    expect(formatQuantity(parseQuantity('1e3')!)).toBe('1k');
    expect(formatQuantity(parseQuantity('1.5')!)).toBe('1500m');
    expect(formatQuantity(parseQuantity('2048')!)).toBe('2Ki');
    expect(formatQuantity(parseQuantity('1000Mi')!)).toBe('1000Mi');
  });

  test('parse(format(n)) is n for any nano count', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (nanos) => {
        expect(parseQuantity(formatQuantity(nanos))).toBe(nanos);
      }),
    );
  });
});

test('isWholeUnits', () => {
  expect(isWholeUnits(parseQuantity('2')!)).toBe(true);
  expect(isWholeUnits(parseQuantity('1Gi')!)).toBe(true);
  expect(isWholeUnits(parseQuantity('1500m')!)).toBe(false);
});
