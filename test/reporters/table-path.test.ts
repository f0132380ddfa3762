import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { renderTable } from '../../src/reporters/table.js';
import { render } from '../../src/reporters/index.js';
import { displayWidth } from '../../src/reporters/width.js';
import type { ScanReport } from '../../src/report/types.js';
import type { Finding } from '../../src/engine/types.js';

const base = scan(demoSnapshot()).report;

/** The demo report with the first path's first hop given `reason`; the finding is returned too. */
function withReason(reason: string): { report: ScanReport; finding: Finding } {
  const report = structuredClone(base);
  const finding = report.findings.find((f) => f.status !== 'waived' && (f.path?.length ?? 0) > 0)!;
  finding.path![0].reason = reason;
  return { report, finding };
}

/** The hop reasons of a table (lines indented 9, continued at 11), each joined back into one. */
function reasonBlocks(table: string): string[] {
  const blocks: string[] = [];
  let open = false;
  for (const l of table.split('\n')) {
    if (/^ {9}\S/.test(l)) {
      blocks.push(l.slice(9));
      open = true;
    } else if (open && /^ {11}\S/.test(l)) blocks[blocks.length - 1] += ` ${l.slice(11)}`;
    else open = false;
  }
  return blocks;
}

describe('scan table: hop reasons are shown whole, wrapped', () => {
  it('a demo reason longer than 300 characters is not cut', () => {
    const long = base.findings.flatMap((f) => f.path ?? []).map((h) => h.reason).filter((r) => r.length > 300);
    expect(long.length).toBeGreaterThan(0);
    const table = renderTable(base, { color: false });
    for (const r of long) expect(reasonBlocks(table)).toContain(r);
    expect(table).not.toMatch(/can obtain one with its own c…/);
  });

  it('wraps each reason to the width (100 by default), continuation lines indented under it', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const { report } = withReason(words);
    for (const width of [100, 60]) {
      const table = renderTable(report, { color: false, width });
      expect(reasonBlocks(table)).toContain(words);
      const start = table.indexOf('         word0 ');
      const block = table.slice(start, table.indexOf('word119', start) + 7).split('\n');
      expect(block.length).toBeGreaterThan(2);
      for (const l of block) expect(displayWidth(l)).toBeLessThanOrEqual(width);
      for (const l of block.slice(1)) expect(l.startsWith('           word')).toBe(true);
    }
  });

  it('wraps CJK and emoji by terminal columns', () => {
    const text = Array.from({ length: 60 }, (_, i) => (i % 2 ? '管理者グループ' : '\u{1F510}鍵')).join(' ');
    const { report } = withReason(text);
    const table = renderTable(report, { color: false, width: 80 });
    expect(reasonBlocks(table)).toContain(text);
    const lines = table.split('\n').filter((l) => l.includes('管理者') || l.includes('\u{1F510}'));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
  });

  it('a pathological reason is cut with a visible marker that says where the whole text is', () => {
    const huge = 'x'.repeat(20_000);
    const { report, finding } = withReason(huge);
    const table = renderTable(report, { color: false });
    expect(table).not.toContain('x'.repeat(4000));
    expect(table).toContain('x'.repeat(90));
    const flat = table.replace(/\n {11}/g, ' ');
    expect(flat).toContain(`… [reason cut at 4000 of 20000 characters; the whole reason is in --format json and in nhiscan explain ${finding.fingerprint} --format json]`);
  });

  it('colour on: reasons wrapped, hostile text inert, only SGR sequences written', () => {
    const hostile = `evil\u001b]8;;http://x.example/\u0007link\u001b[2J ${'漢字 '.repeat(80)}\u202e end`;
    const { report } = withReason(hostile);
    const out = renderTable(report, { color: true, width: 70 });
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    for (const l of out.split('\n').filter((x) => x.includes('漢字'))) expect(displayWidth(l)).toBeLessThanOrEqual(70);
  });

  it('render passes the width through to the table', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const { report } = withReason(words);
    const narrow = render('table', { report }, { color: false, width: 50 });
    for (const l of narrow.split('\n').filter((x) => /word\d/.test(x))) expect(displayWidth(l)).toBeLessThanOrEqual(50);
  });
});
