// `npx projen rules-doc`: regenerate RULES.md from the rule definitions in src/rules.
import * as fs from 'fs';
import * as path from 'path';
import { renderRulesMarkdown } from '../src/rules/catalog';

const target = path.join(__dirname, '..', 'RULES.md');
fs.writeFileSync(target, renderRulesMarkdown());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
