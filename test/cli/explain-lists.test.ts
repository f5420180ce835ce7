/**
 * `explain` places each item of a List at its own line. It must find all of them in one pass over
 * the document: searching once per item is quadratic (a 3,000-item JSON List took 14 s that way).
 */
import { explainInputs } from '../../src/cli/explain';
import { CliIo } from '../../src/cli/io';
import { DocumentLocator } from '../../src/cli/locate';
import { parseKubeVersion } from '../../src/version';

const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}` }, spec: { containers: [{ name: 'c', image: 'x' }] } });
const list = (count: number) => ({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: count }, (_, i) => pod(i)) });

function stdinIo(text: string): CliIo {
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    readStdin: async () => Buffer.from(text),
    stdoutIsTTY: false,
    env: {},
    cwd: process.cwd(),
  };
}

afterEach(() => jest.restoreAllMocks());

test.each([
  ['YAML', false, (count: number) => `apiVersion: v1\nkind: List\nitems:\n${list(count).items.map(item =>
    `  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: ${item.metadata.name}\n    spec:\n      containers:\n        - name: c\n          image: x\n`).join('')}`],
  ['JSON', true, (count: number) => JSON.stringify(list(count), null, 2)],
])('%s: every item of a List is placed by one call, at its own line', async (_format, json, text) => {
  const locateAll = jest.spyOn(DocumentLocator.prototype, 'locateAll');
  const workloads = await explainInputs([{ displayName: '<stdin>', json }], parseKubeVersion('1.33'), stdinIo(text(40)));
  expect(workloads.map(w => w.name)).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}`));
  expect(locateAll).toHaveBeenCalledTimes(1);
  // Each item starts 8 lines after the one before (YAML) or 15 (JSON, two-space indent).
  const step = json ? 15 : 8;
  const first = workloads[0].line;
  expect(workloads.map(w => w.line)).toEqual(Array.from({ length: 40 }, (_, i) => first + i * step));
});
