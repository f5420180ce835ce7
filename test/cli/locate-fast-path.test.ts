/**
 * Locating findings must stay cheap on real streams: block YAML as Helm, Kustomize and cdk8s
 * write it is searched line by line, and only what the scanner cannot read costs a full parse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { allPaths, TRICKY } from './locate-samples';
import { FIXTURES } from './run-cli';
import { parseDocuments } from '../../src/cli/documents';
import { DocumentLocator } from '../../src/cli/locate';

jest.mock('yaml', () => {
  const actual = jest.requireActual('yaml');
  return { ...actual, parseDocument: jest.fn(actual.parseDocument) };
});

/** Keys whose values the fixtures write in flow style (`{ app: web }`, `["sleep", "5"]`): paths into them need the exact parse. */
const FLOW_VALUES = new Set(['matchLabels', 'labels', 'selector', 'args', 'command']);

test('block YAML is located without a full parse; flow style falls back to one parse per document', () => {
  const parse = parseDocument as jest.Mock;
  for (const file of ['manifests/app.yaml', 'manifests/helm.yaml', 'manifests/list.yaml', 'manifests/clean.yaml']) {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    for (const document of parseDocuments({ displayName: file, json: false, text })) {
      const paths = allPaths(document.value).filter(p => !p.slice(0, -1).some(segment => FLOW_VALUES.has(String(segment))));
      new DocumentLocator(document).locateAll(paths);
    }
  }
  expect(parse).not.toHaveBeenCalled();
  const flow = [...parseDocuments({ displayName: 'flow.yaml', json: false, text: TRICKY[1] })][0];
  new DocumentLocator(flow).locateAll([['metadata', 'name'], ['spec', 'containers', 0, 'image']]);
  expect(parse).toHaveBeenCalledTimes(1);
});
