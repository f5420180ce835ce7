/** Sample documents and path enumeration shared by the locator tests. */
import { PathSegment } from '../../src/cli/locate';

/** Tricky but valid block YAML: the scanner must find each field or hand over to the exact parse. */
export const TRICKY = [
  // Compact sequences, comments in odd places, quoted keys, block scalars that look like keys.
  [
    '# leading comment',
    '---   # marker with a comment',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: tricky',
    '  annotations:',
    '    "quoted.io/key": "a: b"',
    '    \'single\': x',
    '    plain.io/key: yes # comment',
    'spec:',
    '  initContainers:',
    '  - name: first',
    '    image: x',
    '    args:',
    '    - |',
    '      containers:',
    '        - name: fake',
    '    - "--flag"',
    '  # a comment at a lower indentation',
    '  - name: second',
    '    restartPolicy: Always',
    '    env:',
    '      - {name: A, value: b}',
    '      - name: B',
    '        value: >-',
    '          folded',
    '          text',
    '  containers:',
    '    -   name: wide',
    '        image: y',
    '        ports:',
    '          -',
    '            containerPort: 80',
    '        command:',
    '          - - nested',
    '            - seq',
    '',
  ].join('\n'),
  // Flow collections, anchors and aliases: handed to the exact parse.
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: flow, labels: {a: b}}',
    'spec:',
    '  containers: [{name: app, image: x, ports: [{containerPort: 1}]}]',
    '  initContainers:',
    '    - &side',
    '      name: side',
    '      image: z',
    '      restartPolicy: Always',
    '  volumes: *missing_is_invalid_so_not_used',
    '',
  ].join('\n').replace('  volumes: *missing_is_invalid_so_not_used\n', ''),
  // Windows line endings.
  'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\nspec:\r\n  containers:\r\n    - name: app\r\n      image: x\r\n',
  // Duplicate keys: the last one wins, as when parsing.
  'kind: Pod\nmetadata:\n  name: one\nmetadata:\n  name: two\n',
  // Multi-line plain and quoted scalars.
  'kind: Pod\nmetadata:\n  name: multi\n  annotations:\n    long: this is\n      a plain scalar\n    quoted: "and this\n      one"\n    after: x\n',
  // A whole document in flow style on one line, as `kubectl get -o json | jq -c` or a generator writes it.
  '{apiVersion: v1, kind: Pod, metadata: {name: one-line, annotations: {"a\\"b": "}]", \'it\'\'s\': x, url: http://x:80/y}}, spec: {containers: [{name: App, image: x, ports: [{containerPort: 80}, ], args: [a, "b, c", \'d]\']}, {name: b, image: y, env: [{name: A}, {name: B, value: }]}]}}\n',
  // Flow style over several lines, with comments, a key without a value and a repeated key.
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {',
    '  name: multi-flow,   # a comment',
    '  labels: {a: b, a: c, flag},',
    '}',
    'spec:',
    '  containers: [',
    '    {',
    '      "name": "app", "image": "x",',
    '      "resources": {"limits": {"memory": "1Gi"}}',
    '    },',
    '    {name: side, image: y, command: [sh, -c, "sleep 1"]}',
    '  ]',
    '  initContainers:',
    '    - {name: init, image: z, restartPolicy: Always}',
    '    - name: plain',
    '      image: w',
    '',
  ].join('\n'),
  // Flow values the scanner does not read (an alias, a YAML-only escape, a tag): the exact parse places them.
  'kind: Pod\nmetadata: {name: x, annotations: {"\\x41": b, c: !!str d}}\nspec:\n  containers: [{name: a, image: &img x}, {name: b, image: *img}]\n',
];

/** Every path of the document's value, plus a missing key under each mapping and a missing index under each list. */
export function allPaths(value: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => allPaths(item, [...prefix, i], out));
    out.push([...prefix, value.length + 3]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) allPaths(item, [...prefix, key], out);
    out.push([...prefix, 'no-such-field']);
  }
  return out;
}

