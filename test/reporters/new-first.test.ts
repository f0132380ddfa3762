import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderTable } from '../../src/reporters/table.js';
import { finding, report } from '../ci/helpers.js';
import type { Finding } from '../../src/engine/types.js';

/**
 * A gate that fails on new findings (`--baseline … --fail-on high`) prints the table, and the same
 * run's Markdown goes to the step summary. Both list a limited number of findings per severity:
 * the ones that failed the gate must be among them, as SARIF keeps them first among equally severe
 * findings, or the log says "3 new findings" and shows only accepted ones.
 */
function baselined(unchanged: number, fresh: number): { findings: Finding[]; fresh: Finding[] } {
  const old = Array.from({ length: unchanged }, (_, i) => finding({ name: `known-${i}`, status: 'unchanged', baselineState: 'unchanged' }));
  const added = Array.from({ length: fresh }, (_, i) => finding({ name: `fresh-${i}`, status: 'new', baselineState: 'new' }));
  // Report order puts the new ones last (they sort after the known ones by rule and subject).
  return { findings: [...old, ...added], fresh: added };
}

describe('new findings first within a severity (table and Markdown)', () => {
  it('the Markdown step summary shows the new findings when the severity has more rows than it lists', () => {
    const { findings, fresh } = baselined(60, 3);
    const md = renderMarkdown(report(findings));
    for (const f of fresh) expect(md).toContain(`| ${f.fingerprint} |`);
    const rows = md.split('\n').filter((l) => l.startsWith('| entra-secret-long-lived |'));
    expect(rows).toHaveLength(50);
    // New first, then the known ones in report order.
    expect(rows.slice(0, 3).every((l) => l.includes('| new |'))).toBe(true);
    expect(rows[3]).toContain('`known-0`');
    expect(md).toContain('… and 13 more');
  });

  it('the table shows the new findings when the severity has more than it lists', () => {
    const { findings, fresh } = baselined(12, 2);
    const text = renderTable(report(findings), { color: false, limitPerSeverity: 10 });
    for (const f of fresh) expect(text).toContain(f.fingerprint);
    const heads = text.split('\n').filter((l) => /^ {2}(known|fresh)-/.test(l));
    expect(heads).toHaveLength(10);
    expect(heads[0]).toMatch(/^ {2}fresh-0 .*\[new\]$/);
    expect(heads[1]).toMatch(/^ {2}fresh-1 /);
    expect(heads[2]).toMatch(/^ {2}known-0 /);
    expect(text).toContain('… and 4 more');
  });

  it('the Markdown paths list the new ones first within a severity', () => {
    const hop = { from: 'a', fromName: 'ci-runner', to: 'b', toName: 'prod-admin', type: 'CAN_ASSUME', reason: 'trust policy allows it', hidden: false, conditional: false, provider: 'aws' } as never;
    const { findings, fresh } = baselined(55, 1);
    for (const f of findings) f.path = [hop];
    const md = renderMarkdown(report(findings));
    const paths = md.slice(md.indexOf('### Paths')).split('\n').filter((l) => l.startsWith('- **'));
    expect(paths).toHaveLength(50);
    expect(paths[0]).toContain(fresh[0].fingerprint);
  });

  it('without a baseline the order is the report\'s', () => {
    const fs = Array.from({ length: 4 }, (_, i) => finding({ name: `plain-${i}` }));
    const text = renderTable(report(fs), { color: false });
    const heads = text.split('\n').filter((l) => l.startsWith('  plain-'));
    expect(heads.map((l) => l.split(' ')[2])).toEqual(['plain-0', 'plain-1', 'plain-2', 'plain-3']);
    const md = renderMarkdown(report(fs));
    expect(md.indexOf('`plain-0`')).toBeLessThan(md.indexOf('`plain-3`'));
  });
});
