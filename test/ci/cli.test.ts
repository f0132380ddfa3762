import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliInProcess, addShadowApp, copyDemo, editJson, LEGACY_SP_ID, SHADOW_SP_ID } from './helpers.js';
import { cli as spawnCli } from '../helpers/cli.js';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';

const cli = cliInProcess;

/**
 * The stderr lines other than the coverage gaps and warnings that every machine format prints
 * (the demo always has one gap); those are checked in test/cli/machine-warnings.test.ts.
 */
function withoutCoverage(stderr: string): string[] {
  const all = stderr.split('\n').filter((l) => l !== '');
  expect(all.filter((l) => l.startsWith('nhiscan: warning: '))).toEqual([expect.stringMatching(/1 capability was not read/), expect.stringMatching(/not read: entra .* entra\.credentialSignInActivity: missing-permission/)]);
  return all.filter((l) => !l.startsWith('nhiscan: warning: '));
}

afterEach(() => {
  process.exitCode = 0;
});

describe('CI gating end to end (issue acceptance)', () => {
  it('exits 1 only for new findings, 0 when they are waived, 1 again when the waiver expires', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const baseline = join(work, 'baseline.json');
    const common = ['--fail-on', 'info', '--allow-partial', '--format', 'json'];

    // Baseline of today's estate, through the subcommand.
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    expect(existsSync(baseline)).toBe(true);

    // The same estate again: every finding is known, nothing counts.
    const same = await cli('scan', '--snapshot', snap, '--baseline', baseline, '-o', join(work, 'same.json'), ...common);
    expect(same.code).toBe(0);
    const sameReport = JSON.parse(readFileSync(join(work, 'same.json'), 'utf8'));
    expect(sameReport.findings.length).toBeGreaterThan(0);
    expect(sameReport.summary.baseline).toEqual({ new: 0, unchanged: sameReport.findings.length, resolved: 0, unknown: 0 });

    // A risky app appears: its findings are new and fail the run.
    addShadowApp(snap);
    const changed = await cli('scan', '--snapshot', snap, '--baseline', baseline, '-o', join(work, 'changed.json'), ...common);
    expect(changed.code).toBe(1);
    const changedReport = JSON.parse(readFileSync(join(work, 'changed.json'), 'utf8'));
    const fresh = changedReport.findings.filter((f: any) => f.status === 'new');
    expect(fresh.length).toBeGreaterThan(0);
    expect(changedReport.summary.baseline.new).toBe(fresh.length);

    // Waive exactly the new findings, by rule and subject id, until a given instant.
    const waive = (expires: string) =>
      [...new Set(fresh.map((f: any) => `${f.ruleId}\u0000${f.subject.id}`))]
        .map((k) => (k as string).split('\u0000'))
        .map(([ruleId, id]) => `- ruleId: ${ruleId}\n  subject: "${id}"\n  reason: migration in progress\n  owner: marco.rossi@northwind.example\n  ticket: SEC-42\n  expires: ${expires}\n`)
        .join('');
    const waivers = join(work, 'waivers.yaml');
    writeFileSync(waivers, waive('2026-11-20T09:30:00Z'));
    const waived = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--waivers', waivers, '-o', join(work, 'waived.json'), ...common);
    expect(withoutCoverage(waived.stderr)).toEqual([]);
    expect(waived.code).toBe(0);
    const waivedReport = JSON.parse(readFileSync(join(work, 'waived.json'), 'utf8'));
    expect(waivedReport.summary.waived).toBe(fresh.length);
    expect(waivedReport.findings.filter((f: any) => f.status === 'waived').every((f: any) => f.subject.id.endsWith(SHADOW_SP_ID) || f.waiver.ticket === 'SEC-42')).toBe(true);
    // Waived, and still new against the baseline: both facts are kept.
    expect(waivedReport.findings.filter((f: any) => f.status === 'waived').map((f: any) => f.baselineState)).toEqual(fresh.map(() => 'new'));
    expect(waivedReport.findings.every((f: any) => f.baselineState === 'new' || f.baselineState === 'unchanged')).toBe(true);

    // Half an hour after expiry the waiver has expired: the findings count again and the run fails.
    const later = ['--now', '2026-11-20T10:00:00Z'];
    const expired = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--waivers', waivers, '-o', join(work, 'expired.json'), ...common, ...later);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/waivers\.yaml:1: waiver for .* expired on 2026-11-20T09:30:00Z/);

    // Control: the same later time with a waiver still valid passes, so the expiry alone failed it.
    writeFileSync(waivers, waive('2026-12-31'));
    const control = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--waivers', waivers, '-o', join(work, 'control.json'), ...common, ...later);
    expect(control.code).toBe(0);
  });

  it('a waiver written on a display name does not silence an app renamed to match it', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const baseline = join(work, 'baseline.json');
    const common = ['--fail-on', 'info', '--allow-partial', '--format', 'json'];
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    // Someone who may register apps adds one with a long-lived secret and no owner, and names it
    // like the vendor app whose findings were waived by name.
    addShadowApp(snap);
    const NAME = 'Legacy Provisioning Sync';
    editJson(join(snap, 'entra/applications.json'), (doc) => {
      for (const a of doc.value) if (a.displayName === 'Shadow Sync') a.displayName = NAME;
    });
    editJson(join(snap, 'entra/servicePrincipals.json'), (doc) => {
      for (const sp of doc.value) if (sp.id === SHADOW_SP_ID) Object.assign(sp, { displayName: NAME, appDisplayName: NAME });
    });
    const changed = await cli('scan', '--snapshot', snap, '--baseline', baseline, '-o', join(work, 'changed.json'), ...common);
    expect(changed.code).toBe(1);
    const fresh = JSON.parse(readFileSync(join(work, 'changed.json'), 'utf8')).findings.filter((f: any) => f.status === 'new');
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((f: any) => f.subject.name === NAME && f.subject.id.endsWith(SHADOW_SP_ID))).toBe(true);

    const rules = [...new Set(fresh.map((f: any) => f.ruleId as string))];
    const waivers = join(work, 'waivers.yaml');
    writeFileSync(waivers, rules.map((r) => `- ruleId: ${r}\n  subject: "${NAME}"\n  reason: vendor app, accepted\n  owner: o\n  expires: 2030-01-01\n`).join(''));
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--waivers', waivers, '-o', join(work, 'waived.json'), ...common);
    expect(r.code).toBe(1);
    const out = JSON.parse(readFileSync(join(work, 'waived.json'), 'utf8'));
    expect(out.summary.waived).toBe(0);
    // The gate's own line (why it fails) comes last; before it, one line per waiver.
    const all = withoutCoverage(r.stderr);
    expect(all.at(-1)).toBe(`nhiscan: ${fresh.length} new finding${fresh.length === 1 ? '' : 's'} at or above info (baseline ${baseline}); failing (exit 1)`);
    const lines = all.slice(0, -1);
    expect(lines).toHaveLength(rules.length);
    for (const line of lines) {
      expect(line).toMatch(new RegExp(`^nhiscan: ${waivers.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: waiver for \\S+ on "${NAME}" matches \\d+ findings? by display name only, which does not waive`));
      // The example to copy is a stable id (here the first match: the vendor app itself).
      expect(line).toMatch(/, e\.g\. "entra:[0-9a-f-]+:sp:[0-9a-f-]+", or its fingerprint$/);
    }
    expect(out.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/by display name only/)]));
  });

  it('a finding above its waiver\'s severity fails the gate only at or above --fail-on', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const baseline = join(work, 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const all = await cli('scan', '--snapshot', snap, '--format', 'json', '-o', join(work, 'all.json'));
    expect(all.code).toBe(0);
    const low = JSON.parse(readFileSync(join(work, 'all.json'), 'utf8')).findings.find((f: any) => f.severity === 'low');
    expect(low).toBeDefined();
    const waivers = join(work, 'waivers.yaml');
    writeFileSync(waivers, `- fingerprint: "${low.fingerprint}"\n  reason: accepted at info\n  owner: o\n  expires: 2030-01-01\n  severity: info\n`);
    const gate = (...more: string[]) => cli('scan', '--snapshot', snap, '--waivers', waivers, '--allow-partial', '--format', 'json', '-o', join(work, 'gate.json'), ...more);
    // Known to the baseline and below the threshold: passes, with the message about the severity.
    const known = await gate('--baseline', baseline, '--fail-on', 'critical');
    expect(known.stderr).toMatch(/accepted severity info, but 1 finding it matches is now low/);
    expect(known.code).toBe(0);
    // New against the baseline (its entry removed), the finding counts: it fails at low, not at medium.
    editJson(baseline, (b) => {
      b.findings = b.findings.filter((e: any) => e.fingerprint !== low.fingerprint);
    });
    expect((await gate('--baseline', baseline, '--fail-on', 'low')).code).toBe(1);
    expect((await gate('--baseline', baseline, '--fail-on', 'medium')).code).toBe(0);
  });

  it('a waiver subject may name an Entra app by its app id', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const sp = JSON.parse(readFileSync(join(snap, 'entra/servicePrincipals.json'), 'utf8')).value.find((s: any) => s.id === LEGACY_SP_ID);
    const waivers = join(work, 'waivers.yaml');
    writeFileSync(waivers, `- ruleId: entra-secret-long-lived\n  subject: "${sp.appId}"\n  reason: by app id\n  owner: o\n  expires: 2030-01-01\n`);
    const r = await cli('scan', '--snapshot', snap, '--waivers', waivers, '--format', 'json', '-o', join(work, 'r.json'));
    expect(withoutCoverage(r.stderr)).toEqual([]);
    const out = JSON.parse(readFileSync(join(work, 'r.json'), 'utf8'));
    const waived = out.findings.filter((f: any) => f.status === 'waived');
    expect(waived.map((f: any) => [f.ruleId, f.subject.nativeId, f.subject.appId])).toEqual([['entra-secret-long-lived', LEGACY_SP_ID, sp.appId]]);
    expect(out.summary.waived).toBe(1);
  });

  it('a bad waiver entry is a usage error naming the file and line', async () => {
    const snap = copyDemo();
    const waivers = join(dirname(snap), 'waivers.yaml');
    writeFileSync(waivers, '- fingerprint: abc\n  reason: r\n  owner: o\n  expires: 2030-01-01\n- fingerprint: def\n  owner: o\n  expires: 2030-01-01\n');
    const r = await cli('scan', '--snapshot', snap, '--waivers', waivers, '-o', join(dirname(snap), 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${waivers}: line 5: waiver is missing "reason"\n`);
  });

  it('a baseline entry whose severity is a name Object.prototype has is a usage error, not a disabled "severity rose" check', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const baseline = join(work, 'baseline.json');
    expect((await cli('baseline', 'write', baseline, '--snapshot', snap)).code).toBe(0);
    const doc = JSON.parse(readFileSync(baseline, 'utf8'));
    const critical = doc.findings.findIndex((e: { severity?: string }) => e.severity === 'critical');
    expect(critical).toBeGreaterThanOrEqual(0);
    // "low" makes that critical finding new again (exit 1); "constructor" must not pass as a severity.
    doc.findings[critical].severity = 'low';
    writeFileSync(baseline, JSON.stringify(doc));
    expect((await cli('scan', '--snapshot', snap, '--baseline', baseline, '--fail-on', 'critical', '-o', join(work, 'low.json'))).code).toBe(1);
    doc.findings[critical].severity = 'constructor';
    writeFileSync(baseline, JSON.stringify(doc));
    const r = await cli('scan', '--snapshot', snap, '--baseline', baseline, '--fail-on', 'critical', '-o', join(work, 'ctor.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nhiscan: ${baseline}: $.findings[${critical}].severity: expected critical, high, medium, low or info\n`);
  });

  it('export --format opengraph and certify write their files', async () => {
    const snap = copyDemo();
    const og = join(dirname(snap), 'og.json');
    const sheet = join(dirname(snap), 'recert.csv');
    expect((await cli('export', '--format', 'opengraph', '--snapshot', snap, '-o', og)).code).toBe(0);
    expect(JSON.parse(readFileSync(og, 'utf8')).metadata.source_kind).toBe('NHI_Base');
    expect((await cli('certify', '--snapshot', snap, '-o', sheet)).code).toBe(0);
    expect(readFileSync(sheet, 'utf8').split('\r\n')[0]).toMatch(/^provider,type,id,/);
  });

  it('certify leaves waived findings out of the sheet as scan --format recert-csv does, from the default waivers file and from --waivers', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const report = join(work, 'report.json');
    expect((await cli('scan', '--snapshot', snap, '--format', 'json', '-o', report)).code).toBe(0);
    const fp: string = JSON.parse(readFileSync(report, 'utf8')).findings[0].fingerprint;
    const entry = `waivers:\n  - fingerprint: ${fp}\n    reason: accepted for the test\n    owner: marco.rossi@northwind.example\n    expires: 2027-12-31\n`;

    // The default file, found in the working directory as scan finds it.
    mkdirSync(join(work, '.nhiscan'));
    writeFileSync(join(work, '.nhiscan', 'waivers.yaml'), entry);
    const certified = spawnCli(['certify', '--snapshot', snap], { cwd: work });
    const scanned = spawnCli(['scan', '--snapshot', snap, '--format', 'recert-csv'], { cwd: work });
    expect(certified.code).toBe(0);
    expect(scanned.stdout).not.toContain(fp);
    expect(certified.stdout).toBe(scanned.stdout);

    // A file named by --waivers.
    const named = join(work, 'accepted.yaml');
    writeFileSync(named, entry);
    const sheet = join(work, 'certify.csv');
    const viaScan = join(work, 'scan.csv');
    expect((await cli('certify', '--snapshot', snap, '--waivers', named, '-o', sheet)).code).toBe(0);
    expect((await cli('scan', '--snapshot', snap, '--format', 'recert-csv', '--waivers', named, '-o', viaScan)).code).toBe(0);
    expect(readFileSync(sheet, 'utf8')).not.toContain(fp);
    expect(readFileSync(sheet, 'utf8')).toBe(readFileSync(viaScan, 'utf8'));
  });

  it('certify with a waiver of the old-secret finding no longer advises rotating that secret, and still shows its age', async () => {
    const snap = copyDemo();
    const work = dirname(snap);
    const rowOf = (csv: string) => parseCsv(csv, 'x').find((r) => r.native_id === LEGACY_SP_ID)!;
    const before = join(work, 'before.csv');
    expect((await cli('certify', '--snapshot', snap, '-o', before)).code).toBe(0);
    expect(rowOf(readFileSync(before, 'utf8')).action_reasons).toMatch(/^rotate: 1 shared secret older than 90 days; /);
    const waivers = join(work, 'w.yaml');
    writeFileSync(waivers, `- ruleId: entra-secret-long-lived\n  subject: "${LEGACY_SP_ID}"\n  reason: replaced by a certificate next quarter\n  owner: marco.rossi@northwind.example\n  expires: 2027-12-31\n`);
    const after = join(work, 'after.csv');
    expect((await cli('certify', '--snapshot', snap, '--waivers', waivers, '-o', after)).code).toBe(0);
    const r = rowOf(readFileSync(after, 'utf8'));
    expect(r.action_reasons).not.toMatch(/rotate/);
    expect(r.recommended_action).toBe('re-scope');
    expect(r.oldest_credential_age_days).toBe(rowOf(readFileSync(before, 'utf8')).oldest_credential_age_days);
    expect(r.finding_ids).toContain('entra-secret-long-lived (waived)');
  });
});
