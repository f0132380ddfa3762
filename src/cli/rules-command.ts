import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { allRules } from '../../rules/index.js';
import { CUT, cutLine } from '../reporters/sanitize.js';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('list the rules or show one');
  rules
    .command('list')
    .description('one line per rule: id, severity, OWASP NHI ids, title')
    .option('--format <format>', 'table or json', 'table')
    .action((flags: { format: string }) => {
      const sorted = [...allRules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify(sorted.map((r) => r.meta), null, 2) + '\n');
        return;
      }
      if (flags.format !== 'table') throw new InputError(`--format: expected table or json, got ${cutLine(flags.format, CUT.name, 'format')}`);
      const w = Math.max(...sorted.map((r) => r.meta.id.length));
      for (const r of sorted) {
        process.stdout.write(`${r.meta.id.padEnd(w)}  ${r.meta.severity.padEnd(8)}  ${r.meta.owasp.map((o) => o.replace(':2025', '')).join(',').padEnd(14)}  ${r.meta.title}\n`);
      }
      process.stdout.write(`${sorted.length} rules\n`);
    });
  rules
    .command('show <id>')
    .description('everything about one rule: risk, remediation, options, references')
    .action((id: string) => {
      const r = allRules.find((x) => x.meta.id === id);
      if (!r) throw new InputError(`no rule with id ${cutLine(id, CUT.name, 'id')} (see \`nhiscan rules list\`)`);
      const m = r.meta;
      const lines = [
        `${m.id}: ${m.title}`,
        `severity:    ${m.severity}${m.tiered ? ' (rises with the identity\'s capability tier: T3 +1, T4 +2, T0 -1 only when everything feeding the tier was read)' : ''}`,
        `providers:   ${m.providers.join(', ')}`,
        `OWASP NHI:   ${m.owasp.join(', ')}`,
      ];
      if (m.frameworks?.asi?.length) lines.push(`OWASP ASI:   ${m.frameworks.asi.join(', ')}`);
      if (m.frameworks?.nistCsf?.length) lines.push(`NIST CSF:    ${m.frameworks.nistCsf.join(', ')}`);
      // Cross-provider rules list kinds of node instead of types: without them the line was blank.
      const evaluated = [...r.evaluates.types, ...(r.evaluates.kinds ?? []).map((k) => (k === 'identity' ? 'every identity' : `every ${k} node`))];
      lines.push(`maturity:    ${m.maturity}`, `evaluates:   ${evaluated.join(', ')}${r.evaluates.requires?.length ? ` (needs ${r.evaluates.requires.join(', ')})` : ''}`, '');
      lines.push('What it checks:', `  ${m.description}`, '', 'Why it matters:', `  ${m.risk}`, '', 'How to fix:', `  ${m.remediation}`);
      const opts = Object.entries(m.options ?? {});
      if (opts.length) {
        lines.push('', 'Options (config file: rules.<id>.<option>):');
        for (const [k, o] of opts) {
          // What the config loader accepts beyond the type, so a refused value can be corrected here.
          const limits = [
            o.regex ? 'regular expressions' : '',
            o.values ? `one of: ${o.values.join(', ')}` : '',
            o.form ? o.form.description : '',
            o.integer || o.max !== undefined ? `${o.integer ? 'a whole number' : 'a number'} ${o.max !== undefined ? `from 0 to ${o.max}` : '0 or more'}` : '',
          ].filter(Boolean);
          lines.push(`  ${k} = ${JSON.stringify(o.default)}  ${o.description}${limits.length ? ` (${limits.join('; ')})` : ''}`);
        }
      }
      lines.push('', 'References:', ...m.references.map((u) => `  ${u}`));
      process.stdout.write(lines.join('\n') + '\n');
    });
}
