/**
 * keepUntouchedItems (src/cli/list-items.ts): the items of a `List` that the migration left alone
 * are copied back from the input byte for byte; when that cannot be done safely, the migration's
 * own text is kept.
 */
import { keepUntouchedItems } from '../../src/cli/list-items';

test('an untouched item comes back as it was; a changed one stays as migrated', () => {
  const original = 'kind: List\nitems:\n  - {name: a}    # two spaces\n  - name: b\n    port: 0xFF\n';
  const migrated = 'kind: List\nitems:\n  - {name: a} # two spaces\n  - name: b\n    port: 0xff\n    added: true\n';
  expect(keepUntouchedItems(original, migrated)).toBe('kind: List\nitems:\n  - {name: a}    # two spaces\n  - name: b\n    port: 0xff\n    added: true\n');
});

test('comments between two items go with the second; CRLF line ends are kept', () => {
  const original = 'kind: List\r\nitems:\r\n  - name: a\r\n\r\n  #   between\r\n  - {name: b}  # b\r\n';
  const migrated = 'kind: List\r\nitems:\r\n  - name: a\r\n    added: true\r\n\r\n  # between\r\n  - {name: b} # b\r\n';
  expect(keepUntouchedItems(original, migrated)).toBe('kind: List\r\nitems:\r\n  - name: a\r\n    added: true\r\n\r\n  #   between\r\n  - {name: b}  # b\r\n');
});

test('a JSON List', () => {
  const original = '{\n  "kind": "List",\n  "items": [\n    {"name": "a"},\n    {\n      "name": "b"\n    }\n  ]\n}\n';
  const migrated = '{\n  "kind": "List",\n  "items": [\n    {\n      "name": "a"\n    },\n    {\n      "name": "b",\n      "added": true\n    }\n  ]\n}\n';
  expect(keepUntouchedItems(original, migrated)).toBe('{\n  "kind": "List",\n  "items": [\n    {"name": "a"},\n    {\n      "name": "b",\n      "added": true\n    }\n  ]\n}\n');
});

test('the migrated text is kept when items cannot be put back safely', () => {
  // Items on one line.
  const flowOriginal = 'kind: List\nitems: [{name: a},  {name: b}]\n';
  const flowMigrated = 'kind: List\nitems: [{name: a}, {name: b, added: true}]\n';
  expect(keepUntouchedItems(flowOriginal, flowMigrated)).toBe(flowMigrated);
  // A different indentation of the sequence.
  const original = 'kind: List\nitems:\n- {name: a}    # x\n- name: b\n';
  const migrated = 'kind: List\nitems:\n  - {name: a} # x\n  - name: b\n    added: true\n';
  expect(keepUntouchedItems(original, migrated)).toBe(migrated);
  // Not a List, or a different number of items.
  expect(keepUntouchedItems('kind: Pod\nitems:\n  - {a: 1}\n', 'kind: Pod\nitems:\n  - {a: 2}\n')).toBe('kind: Pod\nitems:\n  - {a: 2}\n');
  expect(keepUntouchedItems('kind: List\nitems:\n  - {a: 1}\n', 'kind: List\nitems:\n  - {a: 1}\n  - {b: 2}\n')).toBe('kind: List\nitems:\n  - {a: 1}\n  - {b: 2}\n');
});
