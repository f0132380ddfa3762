import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCiLayer } from '../../src/cli/ci.js';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { scanDir } from '../ci/helpers.js';
import { demoDir } from '../../src/cli/io.js';

const NOW = new Date('2026-11-29T00:00:00Z');

// The review's waivers: two by fingerprint, five by rule and subject (one expired, one outgrown
// by its finding's severity, one stale), seven findings of the demo waived in all.
const WAIVERS = `waivers:
  - fingerprint: 6047099e4488a0825e91d73ec9265ded
    reason: 12h sessions accepted until IdP migration
    owner: it@northwind.example
    expires: 2027-01-31
  - fingerprint: 7ba6ac7106f1d421563192bc0a387829
    reason: join all roles accepted
    owner: it@northwind.example
    expires: 2027-01-31
  - ruleId: nhi-path-to-crown-jewel
    subject: "external:oidc:ext:https://token.actions.githubusercontent.com|repo:northwind/infra:*"
    reason: infra pipeline reviewed
    owner: platform@northwind.example
    expires: 2027-01-31
  - ruleId: nhi-path-to-crown-jewel
    subject: "https://token.actions.githubusercontent.com|repo:northwind/*"
    reason: by native id
    owner: platform@northwind.example
    expires: 2026-11-01
  - ruleId: okta-api-token-age
    subject: "00TBqZkzBR7HiSynAOaW"
    reason: token rotation planned
    owner: sec@northwind.example
    expires: 2027-01-31
    severity: medium
  - ruleId: entra-secret-long-lived
    subject: "entra:*:sp:730dda39-af77-4d5d-8e57-d7d13651725f"
    reason: helpdesk
    owner: sec@northwind.example
    expires: 2027-01-31
  - ruleId: aws-role-unused
    subject: "arn:aws:iam::111122223333:role/break-glass-*"
    reason: stale
    owner: sec@northwind.example
    expires: 2027-01-31
`;

function scanned(waivers: boolean) {
  const { report } = scanDir(demoDir(), NOW);
  if (waivers) {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-tw-'));
    writeFileSync(join(cwd, 'w.yaml'), WAIVERS);
    applyCiLayer(report, { waivers: join(cwd, 'w.yaml') }, report.scannedAt, cwd);
  }
  return report;
}

const summaryOf = (table: string) => table.slice(table.indexOf('\nSummary\n'));

describe('the table summary with waivers', () => {
  it('counts the findings that count, as its headings and the Markdown do, and says how many are waived', () => {
    const report = scanned(true);
    const counted = report.findings.filter((f) => f.status !== 'waived');
    const waived = report.findings.length - counted.length;
    expect(waived).toBe(7);
    const table = renderTable(report, { color: false, width: 100 });
    const md = renderMarkdown(report);
    const sev = (l: string) => counted.filter((f) => f.severity === l).length;
    // The Markdown's header, and the table's own section headings.
    expect(md).toContain(`## nhiscan: ${counted.length} findings (+7 waived)`);
    expect(md).toContain(`critical ${sev('critical')} · high ${sev('high')} · medium ${sev('medium')} · low ${sev('low')} · info ${sev('info')}`);
    expect(table).toContain(` CRITICAL  ${sev('critical')} findings`);
    expect(table).toContain(` HIGH  ${sev('high')} findings`);
    const summary = summaryOf(table);
    expect(summary).toContain(` · ${counted.length} findings (+7 waived)\n`);
    expect(summary).toContain(`  severity: critical ${sev('critical')} · high ${sev('high')} · medium ${sev('medium')} · low ${sev('low')} · info ${sev('info')}\n`);
    // Per provider: the findings that count there, plus those waived there; the checks are the rules' own counts.
    for (const [p, v] of Object.entries(report.summary.byProvider)) {
      const n = counted.filter((f) => f.provider === p).length;
      const w = report.findings.filter((f) => f.provider === p && f.status === 'waived').length;
      const tail = w > 0 ? ` (+${w} waived)` : '';
      expect(summary).toContain(`identities · ${n} finding${n === 1 ? '' : 's'}${tail} · ${v.evaluated} checks`);
    }
    const owasp = new Map<string, number>();
    for (const f of counted) for (const o of f.owasp) owasp.set(o, (owasp.get(o) ?? 0) + 1);
    const nhi = (k: string) => Number(/^NHI(\d+)/.exec(k)![1]);
    const owaspLine = Object.keys(report.summary.byOwasp).filter((k) => owasp.has(k)).sort((a, b) => nhi(a) - nhi(b)).map((k) => `${k.replace(':2025', '')} ${owasp.get(k)}`).join(' · ');
    expect(summary).toContain(`  OWASP NHI: ${owaspLine}\n`);
    const perProvider = Object.keys(report.summary.byProvider).reduce((t, p) => t + counted.filter((f) => f.provider === p).length, 0);
    expect(perProvider).toBe(counted.length);
    // The JSON's summary is left as documented: all findings, waived included.
    expect(report.summary.findings).toBe(report.findings.length);
    expect(report.summary.waived).toBe(7);
  });

  it('without waivers the summary is what it was', () => {
    const summary = summaryOf(renderTable(scanned(false), { color: false, width: 100 }));
    expect(summary).toContain('\n  32 machine identities · 142 nodes · 175 edges · 103 findings\n');
    expect(summary).toContain('\n  severity: critical 40 · high 35 · medium 11 · low 17 · info 0\n');
    expect(summary).toContain('\n  aws           16 identities · 25 findings · 204 checks (rule × subject): 24 failing, 0 unknown\n');
    expect(summary).not.toContain('waived');
  });
});
