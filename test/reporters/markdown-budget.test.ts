import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { finding, report } from '../ci/helpers.js';
import type { PathHop } from '../../src/analysis/types.js';

function hop(over: Partial<PathHop> = {}): PathHop {
  return { from: 'a', fromName: 'ci-runner', to: 'b', toName: 'prod-admin', type: 'CAN_ASSUME', reason: 'trust policy allows it', hidden: false, conditional: false, provider: 'aws', ...over } as PathHop;
}

describe('--format markdown: what the per-section limits leave out is said', () => {
  it('paths past the limit are counted, not dropped silently', () => {
    const fs = Array.from({ length: 7 }, () => finding({ path: [hop()] }));
    const md = renderMarkdown(report(fs), { limitPerSeverity: 5 });
    const paths = md.slice(md.indexOf('### Paths'));
    expect(paths.split('\n').filter((l) => l.startsWith('- **'))).toHaveLength(5);
    expect(paths).toContain('- … and 2 more (see the JSON output).');
  });

  it('waived findings past the limit are counted, not dropped silently', () => {
    const waiver = { reason: 'vendor', owner: 'marco', expires: '2027-01-31' };
    const fs = Array.from({ length: 7 }, () => finding({ status: 'waived', waiver }));
    const md = renderMarkdown(report(fs), { limitPerSeverity: 5 });
    const waived = md.slice(md.indexOf('### Waived'));
    expect(waived.split('\n').filter((l) => l.startsWith('| entra'))).toHaveLength(5);
    expect(waived).toContain('… and 2 more (see the JSON or SARIF output).');
  });
});

// '€' is one UTF-16 code unit and three UTF-8 bytes: a budget counted in string length would
// let such a summary grow to three times the budget.
const EURO = '€';
const BYTES = (s: string) => Buffer.byteLength(s, 'utf8');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** A report whose Markdown, unguarded, is several MiB: long texts everywhere the format has room. */
function hugeReport() {
  const findings = SEVERITIES.flatMap((severity) =>
    Array.from({ length: 50 }, (_, i) => finding({ severity, name: `${severity}-${i}`, message: `${severity}-${i} ${EURO.repeat(3990)}` })),
  );
  for (const f of findings.slice(0, 20)) f.path = Array.from({ length: 30 }, () => hop({ reason: EURO.repeat(4000) }));
  const waiver = { reason: 'vendor', owner: 'marco', expires: '2027-01-31' };
  findings.push(...Array.from({ length: 10 }, (_, i) => finding({ status: 'waived', waiver, name: `waived-${i}` })));
  const coverage = Array.from({ length: 300 }, (_, i) => ({ provider: 'okta' as const, scope: `https://org-${i}.okta.example`, capability: 'okta.apiTokens', status: 'error' as const, reason: EURO.repeat(1000) }));
  const r = report(findings, { coverage });
  r.warnings = Array.from({ length: 30 }, (_, i) => `warning-${i} ${EURO.repeat(3990)}`);
  return r;
}

/** Table rows and list entries of a summary, keyed by a fingerprint or the first 40 characters. */
const rowsOf = (md: string, severity: string) => md.split('\n').filter((l) => l.startsWith(`| entra-secret-long-lived | \`${severity}-`));

describe('--format markdown: the whole summary stays within a byte budget', () => {
  const r = hugeReport();
  const whole = renderMarkdown(r, { budget: Infinity });
  const md = renderMarkdown(r);

  it('unguarded, this report would be far over GitHub\'s 1 MiB', () => {
    expect(BYTES(whole)).toBeGreaterThan(3 * 1024 * 1024);
  });

  it('by default stays within 1,000,000 UTF-8 bytes, and uses most of them', () => {
    expect(BYTES(md)).toBeLessThanOrEqual(1_000_000);
    expect(BYTES(md)).toBeGreaterThan(950_000);
  });

  it('keeps the header and every critical row, then as many high rows as fit, in order', () => {
    expect(md.startsWith(whole.slice(0, whole.indexOf('### ')))).toBe(true);
    expect(rowsOf(md, 'critical')).toEqual(rowsOf(whole, 'critical'));
    const high = rowsOf(md, 'high');
    expect(high.length).toBeGreaterThan(0);
    expect(high).toEqual(rowsOf(whole, 'high').slice(0, high.length));
    for (const level of ['medium', 'low', 'info']) expect(rowsOf(md, level)).toEqual([]);
  });

  it('cuts no line: every line is a whole line of the unguarded summary, or says what is not shown', () => {
    const lines = new Set(whole.split('\n'));
    const extra = md.split('\n').filter((l) => !lines.has(l));
    for (const l of extra) expect(l).toMatch(/not shown|… and \d+ more|^\*\*Shortened to fit/);
  });

  it('keeps every section heading with its count, and says per section how much is not shown', () => {
    const high = rowsOf(md, 'high').length;
    expect(md).toContain(`### 🟧 high (50)`);
    expect(md).toContain(`… and ${50 - high} more (see the JSON or SARIF output).`);
    expect(md).toContain('### 🟨 medium (50)\n\n50 not shown (see the JSON or SARIF output).\n');
    expect(md).toContain('### ⚠️ Coverage gaps (300)');
    expect(md).toContain('- 300 not shown (see the JSON output).');
    expect(md).toContain('### Warnings (30)\n\n- 30 not shown (see the JSON output).\n');
  });

  it('ends with one line in nhiscan\'s words: how much was left out and where the whole report is', () => {
    const high = rowsOf(md, 'high').length;
    const last = md.trimEnd().split('\n').at(-1)!;
    expect(last).toBe(
      `**Shortened to fit:** GitHub shows at most 1 MiB of a step summary, so this one is kept within 1000000 bytes and leaves out ${50 - high} high, 50 medium, 50 low and 50 info finding rows, 20 paths, 10 waived findings, 300 coverage gaps and 20 warnings. The same scan with \`--format json\` writes the whole report.`,
    );
    expect(md.endsWith('\n')).toBe(true);
  });

  it('is the same bytes every time', () => {
    expect(renderMarkdown(r)).toBe(md);
  });
});

describe('--format markdown: what the budget keeps first', () => {
  const r = hugeReport();
  const whole = renderMarkdown(r, { budget: Infinity });
  const headerBytes = BYTES(whole.slice(0, whole.indexOf('### ')));

  it('a budget below one critical row still gives the header, the headings and the note, and no cut row', () => {
    const md = renderMarkdown(r, { budget: headerBytes + 4000 });
    expect(rowsOf(md, 'critical')).toEqual([]);
    expect(md).toContain('### 🟥 critical (50)\n\n50 not shown (see the JSON or SARIF output).');
    expect(md).toContain('leaves out 50 critical, 50 high, 50 medium, 50 low and 50 info finding rows, 20 paths');
    expect(BYTES(md)).toBeLessThanOrEqual(headerBytes + 4000);
  });

  it('coverage gaps outrank medium and lower rows; paths, waived rows and warnings go first', () => {
    // Critical and high rows with no long texts, so that they and the gaps fit a small budget.
    const small = hugeReport();
    for (const f of small.findings) if (f.severity === 'critical' || f.severity === 'high') f.message = 'short';
    for (const f of small.findings) f.path = undefined;
    small.findings[0]!.path = [hop()];
    const budget = 40 * 1024 + 300 * 3100;
    const md = renderMarkdown(small, { budget });
    expect(BYTES(md)).toBeLessThanOrEqual(budget);
    expect(rowsOf(md, 'critical')).toHaveLength(50);
    expect(rowsOf(md, 'high')).toHaveLength(50);
    expect(md.split('\n').filter((l) => l.startsWith('- okta `https://org-'))).toHaveLength(300);
    expect(rowsOf(md, 'medium').length).toBeLessThan(50);
    expect(rowsOf(md, 'low')).toEqual([]);
    expect(md).not.toContain('- **`critical-0`**');
    expect(md).not.toContain('`warning-0 ');
    expect(md).not.toContain('`waived-0`');
  });

  it('a report under the budget is the same bytes as without one', () => {
    const fs = [finding({ severity: 'critical', path: [hop()] }), finding({ status: 'waived', waiver: { reason: 'vendor', owner: 'marco', expires: '2027-01-31' } })];
    const small = report(fs, { coverage: [{ provider: 'okta', scope: 'org', capability: 'okta.apiTokens', status: 'error', reason: 'HTTP 500' }] });
    small.warnings = ['w'];
    const unguarded = renderMarkdown(small, { budget: Infinity });
    expect(renderMarkdown(small)).toBe(unguarded);
    // Exactly at the budget is within it.
    expect(renderMarkdown(small, { budget: BYTES(unguarded) })).toBe(unguarded);
    expect(renderMarkdown(small, { budget: BYTES(unguarded) - 1 })).not.toBe(unguarded);
  });
});
