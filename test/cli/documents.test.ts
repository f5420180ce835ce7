import { PassThrough } from 'node:stream';
import * as fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import { documentObjects, parseDocuments, splitDocuments } from '../../src/cli/documents';
import { errorLine, InputError, UsageError } from '../../src/cli/errors';
import { readStream } from '../../src/cli/io';

function parse(text: string) {
  return [...parseDocuments({ displayName: 'x.yaml', json: false, text })];
}

describe('splitting a stream into documents', () => {
  test('each chunk keeps the line it starts on; --- begins a chunk, ... ends one', () => {
    const text = 'a: 1\n---\nb: 2\n\n--- # c\nc: 3\n...\n# between\n---\nd: 4\n';
    expect(splitDocuments(text)).toEqual([
      { text: 'a: 1\n', startLine: 1 },
      { text: '---\nb: 2\n\n', startLine: 2 },
      { text: '--- # c\nc: 3\n...\n', startLine: 5 },
      { text: '# between\n---\nd: 4\n', startLine: 8 },
    ]);
  });

  test('directives and comments before --- stay with the document that follows', () => {
    expect(splitDocuments('%YAML 1.2\n# note\n---\na: 1\n')).toEqual([{ text: '%YAML 1.2\n# note\n---\na: 1\n', startLine: 1 }]);
  });

  test('markers are recognised only at the start of a line and before a space or the end', () => {
    const text = 'a: "x --- y"\nb: ---not-a-marker\nc: |\n  --- indented is content\n';
    expect(splitDocuments(text)).toHaveLength(1);
    expect(parse(text)[0].value).toEqual({ a: 'x --- y', b: '---not-a-marker', c: '--- indented is content\n' });
  });

  test('the split agrees with js-yaml loadAll on the same stream', () => {
    const text = '# head\n---\na: 1\n---\n---\n- x\n- y\n...\n---\n"s"\n--- >\n  folded\n';
    expect(parse(text).map(d => d.value)).toEqual(jsyaml.loadAll(text).filter(v => v !== null && v !== undefined));
  });

  test('each document knows the line of its first content', () => {
    const documents = parse('---\n# Source: chart/a.yaml\n\napiVersion: v1\nkind: A\n---\nkind: B\n');
    expect(documents.map(d => [d.startLine, d.line])).toEqual([[1, 4], [6, 7]]);
  });

  test('CRLF streams', () => {
    const documents = parse('kind: A\r\n---\r\nkind: B\r\n');
    expect(documents.map(d => [d.line, d.value])).toEqual([[1, { kind: 'A' }], [3, { kind: 'B' }]]);
  });

  test('timestamps stay strings, merge keys merge, tagged YAML 1.1 types still load', () => {
    const [document] = parse('t: 2024-01-01T00:00:00Z\nbase: &b {a: 1}\nm:\n  <<: *b\n  c: 2\nbin: !!binary aGk=\non: yes\n');
    expect(document.value).toEqual({ t: '2024-01-01T00:00:00Z', base: { a: 1 }, m: { a: 1, c: 2 }, bin: new Uint8Array([104, 105]), on: 'yes' });
  });

  test('plain scalars resolve exactly as js-yaml\'s core schema with merge keys resolves them', () => {
    // documents.ts answers for words that start with a letter before trying null, bool, int and
    // float; the answer must never differ from trying them all.
    const core = jsyaml.CORE_SCHEMA.extend({ implicit: [(jsyaml as any).types.merge] });
    const word = fc.oneof(
      fc.constantFrom('null', 'Null', 'NULL', '~', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off',
        '0x1F', '0o17', '-12', '+3', '1e3', '.5', '.inf', '-.Inf', '.nan', 'NaN', 'Infinity', 'nil', 'n', 't', 'f', 'Z9', '_x', '<<',
        '2024-01-01', '1_000', '0b101', 'é', 'Élan', 'kind', 'registry.example/app:1.0', 'tcp', 'false-ish'),
      fc.stringMatching(/^[A-Za-z0-9._+~-][A-Za-z0-9._:/+-]{0,8}$/),
    );
    fc.assert(fc.property(word, (value) => {
      const text = `k: ${value}\n${value}: v\n`;
      let expected: unknown;
      try {
        expected = jsyaml.load(text, { schema: core, json: true });
      } catch {
        return; // not a plain scalar in this position (e.g. a flow indicator); nothing to compare
      }
      expect(parse(text)[0].value).toEqual(expected);
    }), { numRuns: 2000 });
  });

  test('duplicate keys keep the last value, as kubectl does', () => {
    expect(parse('kind: A\nkind: B\n')[0].value).toEqual({ kind: 'B' });
  });
});

describe('objects of a document', () => {
  test('List items are expanded, nested Lists too, with their paths', () => {
    const [document] = parse('kind: List\nitems:\n  - kind: A\n  - kind: PodList\n    items:\n      - kind: B\n      - kind: C\n  - kind: D\n');
    expect(documentObjects(document).map(o => [o.value.kind, o.itemPath])).toEqual([
      ['A', ['items', 0]], ['B', ['items', 1, 'items', 0]], ['C', ['items', 1, 'items', 1]], ['D', ['items', 2]],
    ]);
  });

  test('a kind ending in List without items is an object', () => {
    const [document] = parse('kind: NetworkPolicyList\n');
    expect(documentObjects(document).map(o => o.itemPath)).toEqual([[]]);
  });
});

describe('errors', () => {
  test('one line, whatever the message holds', () => {
    expect(errorLine(new UsageError('bad\nflag'))).toBe('cdk8s-sidecars: bad flag\n');
    expect(errorLine(new InputError('x.yaml:1:2: broken'))).toBe('cdk8s-sidecars: x.yaml:1:2: broken\n');
    expect(errorLine(new TypeError('oops\n    at somewhere'))).toBe('cdk8s-sidecars: internal error: oops at somewhere; please report it with the input that caused it\n');
    expect(errorLine('thrown string')).toBe('cdk8s-sidecars: internal error: thrown string\n');
  });

  test('reading a stream stops as soon as it passes the limit', async () => {
    const stream = new PassThrough();
    const reading = readStream(stream, 10, '<stdin>');
    stream.write(Buffer.alloc(8));
    stream.write(Buffer.alloc(8));
    await expect(reading).rejects.toThrow('<stdin> is larger than 10 bytes, the limit per input');
    expect(stream.destroyed).toBe(true);
  });

  test('a stream within the limit is read whole', async () => {
    const stream = new PassThrough();
    const reading = readStream(stream, 10, '<stdin>');
    stream.end('kind: Pod\n');
    await expect(reading).resolves.toEqual(Buffer.from('kind: Pod\n'));
  });
});
