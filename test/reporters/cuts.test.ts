import { describe, it, expect } from 'vitest';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { explain } from '../../src/explain.js';
import { displayWidth } from '../../src/reporters/width.js';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { finding, report } from '../ci/helpers.js';
import type { PathHop } from '../../src/analysis/types.js';

// The human-readable outputs (table, Markdown, explain) share one rule: nhiscan's own rule text
// is shown whole; provider text is cut only when it is pathological, and then with a note that
// says how much was cut and where the whole value is.

const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
/** Table lines with each wrapped continuation joined back to the line it continues. */
const unwrapped = (text: string) => text.replace(/\n {4,}(?=\S)/g, ' ');

function hop(over: Partial<PathHop> = {}): PathHop {
  return { from: 'a', fromName: 'ci-runner', to: 'b', toName: 'prod-admin', type: 'CAN_ASSUME', reason: 'trust policy allows it', hidden: false, conditional: false, provider: 'aws', ...over } as PathHop;
}

describe('scan table: rule text whole and wrapped', () => {
  it('a long why: and fix: are shown whole, wrapped to the width, no line wider', () => {
    const message = words('why', 150);
    const remediation = words('fix', 150);
    const f = finding({ message, remediation });
    for (const width of [100, 60]) {
      const out = renderTable(report([f]), { color: false, width });
      const flat = unwrapped(out);
      expect(flat).toContain(`why: ${message}`);
      expect(flat).toContain(`fix: ${remediation}`);
      for (const l of out.split('\n').filter((x) => /(why|fix)\d/.test(x))) expect(displayWidth(l), l).toBeLessThanOrEqual(width);
    }
  });

  it('fix: (nhiscan\'s own text) is never cut, however long', () => {
    const remediation = words('step', 2000);
    const out = renderTable(report([finding({ remediation })]), { color: false });
    expect(unwrapped(out)).toContain(`fix: ${remediation}`);
  });

  it('a pathological why: (a hostile name inside the message) is cut with a note saying where it is whole', () => {
    const f = finding({ message: `${'N'.repeat(20_000)} has a secret` });
    const out = renderTable(report([f]), { color: false });
    expect(out).not.toContain('N'.repeat(4000));
    expect(unwrapped(out)).toContain(`… [message cut at 4000 of 20013 characters; the whole message is in --format json and in nhiscan explain ${f.fingerprint} --format json]`);
  });
});

describe('scan table: provider names and texts are cut only with a marker', () => {
  it('a hop name longer than the old 60-character cut is shown whole', () => {
    const name = `sts.windows.net/${'a'.repeat(70)}/ (any subject)`;
    const out = renderTable(report([finding({ path: [hop({ fromName: name, toName: name })] })]), { color: false });
    expect(out).toContain(`1. ${name} ─CAN_ASSUME→ ${name}`);
  });

  it('a pathological hop name or subject name is cut with a note naming where the whole name is', () => {
    const name = 'n'.repeat(5000);
    const f = finding({ name, path: [hop({ toName: name })] });
    const out = unwrapped(renderTable(report([f]), { color: false }));
    const note = `… [name cut at 256 of 5000 characters; the whole name is in --format json and in nhiscan explain ${f.fingerprint} --format json]`;
    expect(out).not.toContain('n'.repeat(300));
    // The subject's heading and the hop both say so.
    expect(out.split(note).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('coverage errors and warnings are whole and wrapped; pathological ones carry a note', () => {
    const reason = words('err', 200);
    const warning = words('warn', 200);
    const r = report([], { coverage: [{ provider: 'okta', scope: 'x.okta.example', capability: 'okta.apiTokens', status: 'error', reason }], warnings: [warning, 'W'.repeat(9000)] });
    const out = renderTable(r, { color: false, width: 80 });
    const flat = unwrapped(out);
    expect(flat).toContain(reason);
    expect(flat).toContain(warning);
    for (const l of out.split('\n').filter((x) => /(err|warn)\d/.test(x))) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    expect(flat).toContain('… [warning cut at 4000 of 9000 characters; the whole warning is in --format json]');
  });

  it('colour on: wrapped coverage and fix lines are each coloured on their own', () => {
    const r = report([finding({ remediation: words('fix', 100) })], { warnings: [words('warn', 100)] });
    const out = renderTable(r, { color: true, width: 60 });
    const wrapped = out.split('\n').filter((x) => /(fix|warn)\d/.test(x));
    expect(wrapped.length).toBeGreaterThan(4);
    for (const l of wrapped) {
      expect(l, l).toMatch(/\u001b\[(90|33)m/);
      expect(l, l).toMatch(/\u001b\[39m$/);
    }
  });
});

describe('markdown: hop reasons and names', () => {
  it('a hop reason longer than the old 200-character cut is whole', () => {
    const reason = words('r', 100);
    const md = renderMarkdown(report([finding({ path: [hop({ reason })] })]));
    expect(md).toContain(`\`${reason}\``);
  });

  it('a pathological reason or name is cut with a note outside the code span', () => {
    const f = finding({ message: 'm'.repeat(9000), path: [hop({ reason: 'r'.repeat(9000), toName: 't'.repeat(1000) })] });
    const md = renderMarkdown(report([f]));
    expect(md).not.toContain('r'.repeat(4000));
    expect(md).toContain(`…\` \\[reason cut at 4000 of 9000 characters; the whole reason is in --format json and in nhiscan explain ${f.fingerprint} --format json\\]`);
    expect(md).toContain(`…\` \\[name cut at 256 of 1000 characters;`);
    expect(md).toContain(`…\` \\[message cut at 4000 of 9000 characters;`);
  });
});

describe('explain: cuts carry a note', () => {
  it('a pathological name and message in the card say where the whole text is', () => {
    const result = scan(demoSnapshot());
    const m = explain(result, 'Ops Agent');
    if (m.kind !== 'card') throw new Error('no card');
    const card = structuredClone(m.card);
    card.identity.name = 'o'.repeat(5000);
    card.findings[0].message = 'x'.repeat(9000);
    const out = renderExplain(card, false).replace(/\n +/g, ' ');
    expect(out).toContain('… [name cut at 256 of 5000 characters; the whole name is in this card with --format json]');
    expect(out).toContain('… [message cut at 4000 of 9000 characters; the whole message is in this card with --format json]');
  });
});

describe('the demo: nothing is cut', () => {
  const demo = scan(demoSnapshot()).report;
  it('table and Markdown carry no cut mark', () => {
    const table = renderTable(demo, { color: false });
    expect(table.replace(/… and \d+ more/g, '')).not.toContain('…');
    const md = renderMarkdown(demo);
    expect(md.replace(/… and \d+ more/g, '')).not.toContain('…');
  });
});
