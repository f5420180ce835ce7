import * as fs from 'fs';
import * as path from 'path';
import { renderRulesMarkdown, ruleCatalog } from '../src/rules/catalog';
import { RULES } from '../src/rules/pack';

test('RULES.md is generated from the rule definitions (run `npx projen rules-doc` when this fails)', () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', 'RULES.md'), 'utf8');
  expect(committed).toEqual(renderRulesMarkdown());
});

test('every rule id is unique, well formed, and has a row in RULES.md', () => {
  const ids = ruleCatalog().map(r => r.id);
  expect(new Set(ids).size).toEqual(ids.length);
  const committed = fs.readFileSync(path.join(__dirname, '..', 'RULES.md'), 'utf8');
  for (const id of ids) {
    expect(id).toMatch(/^SC\d{3}$/);
    expect(committed).toContain(`| ${id} |`);
  }
});

test('the pack is in id order and every rule documents why, fix and source', () => {
  const ids = RULES.map(r => r.id);
  expect(ids).toEqual([...ids].sort());
  for (const rule of RULES) {
    for (const field of [rule.title, rule.why, rule.fix, rule.source]) {
      expect(field.length).toBeGreaterThan(5);
    }
  }
});
