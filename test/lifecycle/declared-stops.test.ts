import { Annotations } from '../../src/annotations';
import { formatDrainAnnotation, readDeclaredStops } from '../../src/lifecycle/declared-stops';

const DRAIN = Annotations.DRAIN_SECONDS;
const APP_STOP = Annotations.APP_STOP_SECONDS;

function manifest(annotations: unknown): any {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations }, spec: {} };
}

describe('readDeclaredStops', () => {
  test('reads both annotations', () => {
    expect(readDeclaredStops(manifest({ [DRAIN]: 'envoy=5,log-shipper=10', [APP_STOP]: '30' }))).toEqual({
      drainSeconds: { 'envoy': 5, 'log-shipper': 10 },
      appStopSeconds: 30,
      problems: [],
    });
  });

  test('keeps the annotation order', () => {
    const { drainSeconds } = readDeclaredStops(manifest({ [DRAIN]: 'zeta=1,alpha=2,mid=3' }));
    expect(Object.keys(drainSeconds)).toEqual(['zeta', 'alpha', 'mid']);
  });

  test('tolerates whitespace and empty entries', () => {
    const result = readDeclaredStops(manifest({ [DRAIN]: '  envoy = 5 ,\n log-shipper=10, ,', [APP_STOP]: ' 30 ' }));
    expect(result).toEqual({ drainSeconds: { 'envoy': 5, 'log-shipper': 10 }, appStopSeconds: 30, problems: [] });
  });

  test('zero seconds is a valid declaration', () => {
    expect(readDeclaredStops(manifest({ [DRAIN]: 'envoy=0', [APP_STOP]: '0' }))).toEqual({
      drainSeconds: { envoy: 0 },
      appStopSeconds: 0,
      problems: [],
    });
  });

  test.each([
    [undefined],
    [{}],
    [{ 'other.io/thing': 'x' }],
  ])('declares nothing when the annotations are %p', (annotations) => {
    const result = readDeclaredStops(manifest(annotations));
    expect(result).toEqual({ drainSeconds: {}, problems: [] });
    expect('appStopSeconds' in result).toBe(false);
  });

  test.each([undefined, null, 'manifest', 42, [], {}, { metadata: null }, { metadata: { annotations: 'a=b' } }, { metadata: { annotations: [] } }])(
    'never throws on a malformed manifest %p',
    (value) => {
      expect(readDeclaredStops(value)).toEqual({ drainSeconds: {}, problems: [] });
    },
  );

  test('skips malformed drain entries, keeps the good ones and says what was wrong', () => {
    const result = readDeclaredStops(manifest({ [DRAIN]: 'envoy=5,log-shipper,Envoy=3,proxy=five,cache=-1,slow=2.5,=4,envoy=9,tail=7' }));
    expect(result.drainSeconds).toEqual({ envoy: 5, tail: 7 });
    expect(result.problems).toEqual([
      `annotation ${DRAIN}: entry "log-shipper" is not name=seconds; write it like "envoy=5"`,
      `annotation ${DRAIN}: entry "Envoy=3" names "Envoy", which is not a container name (a lowercase RFC 1123 label)`,
      `annotation ${DRAIN}: entry "proxy=five" has "five", which is not a whole number of seconds`,
      `annotation ${DRAIN}: entry "cache=-1" has "-1", which is not a whole number of seconds`,
      `annotation ${DRAIN}: entry "slow=2.5" has "2.5", which is not a whole number of seconds`,
      `annotation ${DRAIN}: entry "=4" names "", which is not a container name (a lowercase RFC 1123 label)`,
      `annotation ${DRAIN}: entry "envoy=9" repeats "envoy"; the first value (5) is used`,
    ]);
  });

  test('rejects names that cannot be containers and seconds beyond exact integers', () => {
    const tooLong = 'a'.repeat(64);
    const result = readDeclaredStops(manifest({ [DRAIN]: `${tooLong}=1,-edge=1,edge-=1,a=99999999999999999999,a=b=c` }));
    expect(result.drainSeconds).toEqual({});
    expect(result.problems).toHaveLength(5);
    expect(result.problems[0]).toContain(`names "${tooLong}"`);
    expect(result.problems[3]).toBe(`annotation ${DRAIN}: entry "a=99999999999999999999" has "99999999999999999999", which is not a whole number of seconds`);
    expect(result.problems[4]).toBe(`annotation ${DRAIN}: entry "a=b=c" has "b=c", which is not a whole number of seconds`);
  });

  test('a container named like an Object.prototype member is an ordinary name', () => {
    const result = readDeclaredStops(manifest({ [DRAIN]: 'constructor=3,tostring=4' }));
    expect(result).toEqual({ drainSeconds: { constructor: 3, tostring: 4 }, problems: [] });
    expect(Object.prototype.hasOwnProperty.call(result.drainSeconds, 'constructor')).toBe(true);
  });

  test('reports a malformed app stop annotation and leaves it undeclared', () => {
    for (const value of ['thirty', '-5', '1.5', '', '30s']) {
      const result = readDeclaredStops(manifest({ [APP_STOP]: value }));
      expect(result.appStopSeconds).toBeUndefined();
      expect(result.problems).toEqual([`annotation ${APP_STOP}: "${value}" is not a whole number of seconds`]);
    }
  });

  test('reports annotation values that are not strings', () => {
    const result = readDeclaredStops(manifest({ [DRAIN]: { envoy: 5 }, [APP_STOP]: 30 }));
    expect(result).toEqual({
      drainSeconds: {},
      problems: [
        `annotation ${DRAIN} must be a string like "envoy=5,log-shipper=10", got an object`,
        `annotation ${APP_STOP} must be a string like "30", got number 30`,
      ],
    });
    expect(readDeclaredStops(manifest({ [DRAIN]: null })).problems).toEqual([
      `annotation ${DRAIN} must be a string like "envoy=5,log-shipper=10", got null`,
    ]);
  });

  test('messages are lowercase apart from quoted input and have no final period', () => {
    const { problems } = readDeclaredStops(manifest({ [DRAIN]: 'x,y=z', [APP_STOP]: 'q' }));
    expect(problems.length).toBe(3);
    for (const problem of problems) {
      expect(problem).toBe(problem.toLowerCase());
      expect(problem.endsWith('.')).toBe(false);
    }
  });
});

describe('formatDrainAnnotation', () => {
  test('writes entries in the order given', () => {
    expect(formatDrainAnnotation({ 'log-shipper': 10, 'envoy': 5 })).toBe('log-shipper=10,envoy=5');
  });

  test('writes nothing for no drains', () => {
    expect(formatDrainAnnotation({})).toBe('');
  });

  test('round-trips through readDeclaredStops', () => {
    const drains = { 'istio-proxy': 0, 'fluent-bit': 15, 'otel': 3 };
    const text = formatDrainAnnotation(drains);
    const result = readDeclaredStops(manifest({ [DRAIN]: text }));
    expect(result.problems).toEqual([]);
    expect(result.drainSeconds).toEqual(drains);
    expect(Object.keys(result.drainSeconds)).toEqual(Object.keys(drains));
  });
});
