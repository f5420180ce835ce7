/**
 * The field locator: the line scanner and the JSON scanner must agree with an exact parse by the
 * `yaml` package on every path of every document, including paths that do not exist.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { allPaths, TRICKY } from './locate-samples';
import { FIXTURES } from './run-cli';
import { ParsedDocument, parseDocuments } from '../../src/cli/documents';
import { DocumentLocator, parseFieldPath, PathSegment, Position } from '../../src/cli/locate';

describe('parseFieldPath', () => {
  test.each([
    ['', []],
    ['spec', ['spec']],
    ['spec.template.spec.initContainers[0].readinessProbe', ['spec', 'template', 'spec', 'initContainers', 0, 'readinessProbe']],
    ['metadata.annotations[cdk8s-sidecars.io/suppress]', ['metadata', 'annotations', 'cdk8s-sidecars.io/suppress']],
    ['items[2].spec.containers[10]', ['items', 2, 'spec', 'containers', 10]],
    ['a[unterminated', ['a', 'unterminated']],
  ])('%s', (text, expected) => {
    expect(parseFieldPath(text)).toEqual(expected);
  });
});

describe('YAML positions agree with an exact parse', () => {
  const sources = [
    ...TRICKY.map((text, i) => ({ displayName: `tricky-${i}.yaml`, json: false, text })),
    ...['manifests/app.yaml', 'manifests/helm.yaml', 'manifests/list.yaml', 'manifests/clean.yaml']
      .map(file => ({ displayName: file, json: false, text: fs.readFileSync(path.join(FIXTURES, file), 'utf8') })),
  ];
  for (const source of sources) {
    test(source.displayName, () => {
      for (const document of parseDocuments(source)) expectAgreement(document, exactYamlPositions(document));
    });
  }
});

describe('JSON positions', () => {
  test('keys, items and escapes', () => {
    const text = '{\n  "kind": "Pod",\n  "metadata": {"name": "x", "annotations": {"a\\"b": "}]", "c/d": "[{"}},\n  "spec": {\n    "containers": [\n      {"name": "a"},\n      {\n        "name": "b", "ports": [ {"containerPort": 1} ]\n      }\n    ]\n  }\n}\n';
    const document = [...parseDocuments({ displayName: 'x.json', json: true, text })][0];
    const paths: PathSegment[][] = [
      [], ['kind'], ['metadata', 'annotations', 'a"b'], ['metadata', 'annotations', 'c/d'], ['spec', 'containers', 1],
      ['spec', 'containers', 1, 'ports', 0, 'containerPort'], ['spec', 'containers', 1, 'missing'], ['spec', 'containers', 5], ['nope'],
    ];
    expect(new DocumentLocator(document).locateAll(paths)).toEqual([
      { line: 1, column: 1 }, { line: 2, column: 3 }, { line: 3, column: 45 }, { line: 3, column: 59 }, { line: 7, column: 7 },
      { line: 8, column: 34 }, { line: 7, column: 7 }, { line: 5, column: 5 }, { line: 1, column: 1 },
    ]);
  });

  test('the JSON fixture', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'manifests/pod.json'), 'utf8');
    const document = [...parseDocuments({ displayName: 'pod.json', json: true, text })][0];
    expectAgreement(document, exactYamlPositions(document));
  });
});

describe('big documents', () => {
  test('a one-line flow Pod of 20,000 containers: every name placed by one scan, at its column', () => {
    const containers = Array.from({ length: 20_000 }, (_, i) => `{name: C${i}, image: x}`);
    const text = `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [${containers.join(', ')}]}}\n`;
    const document = [...parseDocuments({ displayName: 'one-line.yaml', json: false, text })][0];
    const paths = containers.map((_, i) => ['spec', 'containers', i, 'name']);
    const positions = new DocumentLocator(document).locateAll(paths);
    expect(positions[0]).toEqual({ line: 1, column: text.indexOf('name: C0,') + 1 });
    expect(positions[19_999]).toEqual({ line: 1, column: text.indexOf('name: C19999,') + 1 });
    expect(new DocumentLocator(document).locateAll([['spec', 'containers', 20_000]])).toEqual([{ line: 1, column: text.indexOf('containers') + 1 }]);
  }, 60_000);

  test('300,000-character lines: a long value passed by many paths, a key of colons, a JSON string of backslashes', () => {
    const long = 'a'.repeat(300_000);
    const items = Array.from({ length: 500 }, (_, i) => `    - name: c${i}\n      image: x\n`).join('');
    const text = `kind: Pod\nmetadata:\n  name: p\n  annotations: {note: ${long}}\nspec:\n  containers:\n${items}  colons: ${':a'.repeat(150_000)}\n`;
    const document = [...parseDocuments({ displayName: 'long.yaml', json: false, text })][0];
    const paths = [...Array.from({ length: 500 }, (_, i) => ['spec', 'containers', i, 'image']), ['metadata', 'annotations', 'note'], ['spec', 'colons']];
    const positions = new DocumentLocator(document).locateAll(paths);
    expect(positions[499]).toEqual({ line: 7 + 2 * 499 + 1, column: 7 });
    expect(positions[500]).toEqual({ line: 4, column: 17 });
    expect(positions[501]).toEqual({ line: 7 + 1000, column: 3 });
    const json = `{"kind": "Pod", "metadata": {"name": "p", "annotations": {"x": "${'\\\\'.repeat(150_000)}", "y": "${'\\"'.repeat(100_000)}"}}}`;
    const jsonDocument = [...parseDocuments({ displayName: 'x.json', json: true, text: json })][0];
    expect(new DocumentLocator(jsonDocument).locateAll([['metadata', 'annotations', 'y']])).toEqual([{ line: 1, column: json.indexOf('"y"') + 1 }]);
  }, 60_000);

  test('a List of 20,000 aliased items: each alias resolved from one walk of the document', () => {
    const text = `kind: List\nitems:\n  - &pod\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      containers: [{name: App, image: x}]\n${'  - *pod\n'.repeat(20_000)}`;
    const document = [...parseDocuments({ displayName: 'aliases.yaml', json: false, text })][0];
    const paths = Array.from({ length: 20_001 }, (_, i) => ['items', i, 'spec', 'containers', 0, 'name']);
    const positions = new DocumentLocator(document).locateAll([...paths, ['items', 20_000]]);
    expect(positions[0]).toEqual({ line: 7, column: 21 });
    expect(positions[20_000]).toEqual({ line: 7, column: 21 });
    expect(positions[20_001]).toEqual({ line: 20_007, column: 5 });
  }, 60_000);

  test('a List of 2000 items is located in one pass, not once per finding', () => {
    const items = Array.from({ length: 2000 }, (_, i) => `  - kind: Pod\n    metadata:\n      name: p${i}\n    spec:\n      containers:\n        - name: c\n          image: x\n`);
    const text = `kind: List\nitems:\n${items.join('')}`;
    const document = [...parseDocuments({ displayName: 'list.yaml', json: false, text })][0];
    const paths = Array.from({ length: 2000 }, (_, i) => ['items', i, 'spec', 'containers', 0, 'image']);
    const started = Date.now();
    const positions = new DocumentLocator(document).locateAll(paths);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(positions[1999]).toEqual({ line: 2 + 1999 * 7 + 7, column: 11 });
  });
});

/**
 * Both ways the scanner works agree with the exact parse: every path of the document at once (each
 * collection read once and kept, as for a document with many findings) and each path alone (each
 * step scanning its collection afresh, as for the usual one or two findings).
 */
function expectAgreement(document: ParsedDocument, exact: (path: PathSegment[]) => Position): void {
  const paths = allPaths(document.value);
  const together = new DocumentLocator(document).locateAll(paths);
  const alone = paths.map(p => new DocumentLocator(document).locateAll([p])[0]);
  const mismatches = paths.flatMap((p, i) => [
    { way: 'together', path: p.join('.'), located: together[i], exact: exact(p) },
    { way: 'alone', path: p.join('.'), located: alone[i], exact: exact(p) },
  ]).filter(entry => entry.located.line !== entry.exact.line || entry.located.column !== entry.exact.column);
  expect(mismatches).toEqual([]);
}

/** Reference positions from the `yaml` package: the key of a mapping entry, the start of a list item, the deepest that exists. */
function exactYamlPositions(document: ParsedDocument): (path: PathSegment[]) => Position {
  const lineCounter = new LineCounter();
  const doc = parseDocument(document.text, { lineCounter, uniqueKeys: false, merge: true });
  return (segments: PathSegment[]) => {
    let node: any = doc.contents;
    let offset: number = node.range[0];
    for (const segment of segments) {
      let next: any;
      let at: number | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          if (isScalar(pair.key) && String(pair.key.value) === segment) {
            next = pair.value;
            at = (pair.key as any).range[0];
          }
        }
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        next = node.items[segment];
        at = next.range[0];
      }
      if (at === undefined) break;
      offset = at;
      node = next;
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line: document.startLine + line - 1, column: col };
  };
}
