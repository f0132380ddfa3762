import type { RuleDefinition } from '../src/rule-kit.js';

/** The rule table in docs/rules.md, generated from rule metadata (a test keeps it current). */
export function renderRulesDoc(rules: readonly RuleDefinition[]): string {
  const sorted = [...rules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));
  const lines = [
    '# Rules',
    '',
    'Generated from the rules\' metadata by `npm run docs:rules`; do not edit by hand. `nhiscan rules show ID` prints the full text of one rule.',
    '',
    `${sorted.length} rules.`,
    '',
    '| id | severity | OWASP NHI | title |',
    '|---|---|---|---|',
  ];
  for (const r of sorted) {
    lines.push(`| \`${r.meta.id}\` | ${r.meta.severity}${r.meta.tiered ? ' (tiered)' : ''} | ${r.meta.owasp.map((o) => o.replace(':2025', '')).join(', ')} | ${r.meta.title.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}
