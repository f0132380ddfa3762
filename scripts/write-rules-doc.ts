import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../rules/index.js';
import { renderRulesDoc } from './rules-doc.js';

writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules.md'), renderRulesDoc(allRules));
