/**
 * Locating findings must stay cheap on real streams: block YAML as Helm, Kustomize and cdk8s
 * write it is searched line by line, flow collections (`{ app: web }`, `["sleep", "5"]`, one-line
 * documents) by one token scan, and only what the scanners cannot read costs a full parse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { allPaths, TRICKY } from './locate-samples';
import { FIXTURES } from './run-cli';
import { parseDocuments } from '../../src/cli/documents';
import { DocumentLocator, EXACT_PARSE_LIMIT } from '../../src/cli/locate';

jest.mock('yaml', () => {
  const actual = jest.requireActual('yaml');
  return { ...actual, parseDocument: jest.fn(actual.parseDocument) };
});

beforeEach(() => (parseDocument as jest.Mock).mockClear());

test('block YAML and flow collections are located without a full parse; an anchor falls back to one parse per document', () => {
  const parse = parseDocument as jest.Mock;
  for (const file of ['manifests/app.yaml', 'manifests/helm.yaml', 'manifests/list.yaml', 'manifests/clean.yaml']) {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    for (const document of parseDocuments({ displayName: file, json: false, text })) {
      new DocumentLocator(document).locateAll(allPaths(document.value));
    }
  }
  const oneLine = [...parseDocuments({ displayName: 'one-line.yaml', json: false, text: TRICKY[5] })][0];
  new DocumentLocator(oneLine).locateAll(allPaths(oneLine.value));
  expect(parse).not.toHaveBeenCalled();
  const flow = [...parseDocuments({ displayName: 'flow.yaml', json: false, text: TRICKY[1] })][0];
  new DocumentLocator(flow).locateAll([['metadata', 'name'], ['spec', 'containers', 0, 'image']]);
  expect(parse).not.toHaveBeenCalled();
  new DocumentLocator(flow).locateAll([['metadata', 'name'], ['spec', 'initContainers', 0, 'image'], ['spec', 'initContainers', 0, 'name']]);
  expect(parse).toHaveBeenCalledTimes(1);
});

test('a document too big to parse exactly, that the scanners cannot read, is placed at its first line', () => {
  const filler = 'x'.repeat(EXACT_PARSE_LIMIT);
  const text = `kind: Pod\nmetadata:\n  name: p\n  annotations: {a: &anchor "${filler}"}\nspec:\n  containers:\n    - &c {name: App, image: x}\n`;
  const document = [...parseDocuments({ displayName: 'big.yaml', json: false, text })][0];
  const positions = new DocumentLocator(document).locateAll([['spec', 'containers', 0, 'name'], ['spec', 'containers']]);
  expect(parseDocument).not.toHaveBeenCalled();
  expect(positions).toEqual([{ line: 1, column: 1 }, { line: 6, column: 3 }]);
});
