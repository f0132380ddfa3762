import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { recommendActions, renderRecertCsv } from '../../src/reporters/recert.js';
import type { ScanReport } from '../../src/report/types.js';
import { demoSnapshot, restrictDemo, scan } from '../e2e/demo.js';
import { finding, report as reportOf } from '../ci/helpers.js';
import { identitySummary } from '../helpers/identity-summary.js';

const demo = scan(demoSnapshot()).report;
const now = Date.parse(demo.scannedAt);
const sheet = (r: ScanReport) => parseCsv(renderRecertCsv(r), 'x');
const rowById = (r: ScanReport, id: string) => sheet(r).find((x) => x.id === id);

/** The demo with every finding of `subject` (of `rule`, when given) waived. */
function waive(subject: string, rule?: string): ScanReport {
  const copy = structuredClone(demo);
  for (const f of copy.findings) if (f.subject.id === subject && (rule === undefined || f.ruleId === rule)) f.status = 'waived';
  return copy;
}

const OKTA_ADMIN = demo.identities.find((i) => i.nativeId.endsWith(':role/okta-admin'))!;
const ENTRA_ISSUER = demo.findings.find((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role')!.subject.id;

describe('recert sheet: waived findings do not drive the recommended action', () => {
  it('keeps the row of an identity whose findings are all waived, with the action its other facts give', () => {
    // The demo's okta-admin role is T4 with two finding rules: re-scope, for those findings only.
    expect(OKTA_ADMIN.tier).toBe(4);
    expect(OKTA_ADMIN.findingIds.length).toBe(2);
    expect(rowById(demo, OKTA_ADMIN.id)!.recommended_action).toBe('re-scope');
    const r = rowById(waive(OKTA_ADMIN.id), OKTA_ADMIN.id)!;
    expect(r).toBeDefined();
    const expected = recommendActions({ ...OKTA_ADMIN, findingIds: [] }, now);
    expect(r.recommended_action).toBe(expected[0]?.action ?? 'keep');
    expect(r.recommended_action).not.toBe('re-scope');
    expect(r.action_reasons).not.toMatch(/finding rule/);
    expect(r.highest_severity).toBe('none');
    expect(r.finding_fingerprints).toBe('');
    // finding_ids still names the rules (the JSON report's findingIds), each marked waived.
    expect(r.finding_ids).toBe(OKTA_ADMIN.findingIds.map((id) => `${id} (waived)`).join('; '));
  });

  it('counts only the rules with a finding not waived on an identity row', () => {
    const rule = OKTA_ADMIN.findingIds[0];
    const r = rowById(waive(OKTA_ADMIN.id, rule), OKTA_ADMIN.id)!;
    expect(r.recommended_action).toBe('re-scope');
    expect(r.action_reasons).toContain('capability tier T4 with 1 finding rule');
    expect(r.finding_ids).toBe([`${rule} (waived)`, ...OKTA_ADMIN.findingIds.slice(1)].join('; '));
  });

  it('counts a rule with one of its findings waived and another open as open', () => {
    // HR Sync Service has several findings of one rule (paths to different crown jewels).
    const hr = demo.identities.find((i) => i.name === 'HR Sync Service')!;
    const mine = demo.findings.filter((f) => f.subject.id === hr.id);
    const rule = mine.find((f) => mine.filter((g) => g.ruleId === f.ruleId).length > 1)!.ruleId;
    const copy = structuredClone(demo);
    copy.findings.find((f) => f.subject.id === hr.id && f.ruleId === rule)!.status = 'waived';
    const before = rowById(demo, hr.id)!;
    const after = rowById(copy, hr.id)!;
    expect(after.finding_ids).toBe(before.finding_ids);
    expect(after.action_reasons).toBe(before.action_reasons);
  });

  it('counts only the open rules on a row outside the inventory, and marks the waived ones', () => {
    const before = rowById(demo, ENTRA_ISSUER)!;
    expect(before.action_reasons).toContain('with 2 finding rules');
    const r = rowById(waive(ENTRA_ISSUER, 'nhi-path-to-crown-jewel'), ENTRA_ISSUER)!;
    expect(r.recommended_action).toBe('re-scope');
    expect(r.action_reasons).toContain('with 1 finding rule');
    expect(r.action_reasons).not.toContain('2 finding rules');
    expect(r.finding_ids).toBe('nhi-entra-token-any-app-assumes-aws-role; nhi-path-to-crown-jewel (waived)');
    // A waiver accepts the risk; the path is still there.
    expect(r.crown_jewels_reachable).toBe(before.crown_jewels_reachable);
    // All waived: a subject that is no identity has no row.
    expect(rowById(waive(ENTRA_ISSUER), ENTRA_ISSUER)).toBeUndefined();
  });
});

describe('recert sheet: what a row outside the inventory reaches, from its findings', () => {
  it('gives the Okta AWS app the tier its mapping findings name', () => {
    const app = demo.findings.find((f) => f.ruleId === 'okta-aws-broad-role-mapping')!;
    expect(app.evidence.mapsToTier).toBe(4);
    const r = rowById(demo, app.subject.id)!;
    expect(r.capability_tier).toBe('T4');
    expect(r.action_reasons).toMatch(/^re-scope: capability tier T4 with 1 finding rule/);
  });

  it('gives the Okta AWS app the crown jewels of the roles its SAML provider opens, as its findings name them', () => {
    const app = demo.findings.find((f) => f.ruleId === 'okta-aws-broad-role-mapping')!;
    // AWS Prod SSO -> SAML provider Okta -> okta-admin -> the account's crown jewels.
    expect(app.evidence.mapsToCrownJewels).toContainEqual({ target: 'aws:111122223333:crown:admin', name: 'AWS account 111122223333 administrator', crownJewel: 'admin', hops: 3 });
    const r = rowById(demo, app.subject.id)!;
    expect(r.crown_jewels_reachable).toBe(
      'AWS account 111122223333 administrator (admin, 3 hops); AWS account 111122223333 IAM write (identity-admin, 3 hops); AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (secrets, 3 hops)',
    );
    // The same, with every finding of the app waived but one: any of them says it.
    const copy = structuredClone(demo);
    copy.findings.find((f) => f.fingerprint === app.fingerprint)!.status = 'waived';
    expect(rowById(copy, app.subject.id)!.crown_jewels_reachable).toBe(r.crown_jewels_reachable);
  });

  it('says "may reach" for an Okta AWS app\'s crown jewel that its findings mark conditional, as on an identity row', () => {
    const subject = { id: 'okta:o:app:a', name: 'AWS', type: 'okta-aws-federation-app', scope: 'o', nativeId: 'a' };
    const jewels = [
      { target: 'aws:1:crown:admin', name: 'AWS account 1 administrator', crownJewel: 'admin', hops: 3, conditionalHops: 1 },
      { target: 'aws:1:crown:secrets', name: 'AWS account 1 secrets', crownJewel: 'secrets', hops: 3, conditionalHops: 2 },
    ];
    const f = finding({ provider: 'okta', tier: undefined, ruleId: 'okta-aws-broad-role-mapping', subject, evidence: { joinAllRoles: true, mapsToCrownJewels: jewels } });
    expect(sheet(reportOf([f]))[0].crown_jewels_reachable).toBe('AWS account 1 administrator (admin, 3 hops, may reach: 1 hop conditional); AWS account 1 secrets (secrets, 3 hops, may reach: 2 hops conditional)');
    // Near miss: the firm entries of the demo, said as before (tested above without "may reach").
    const app = demo.findings.find((x) => x.ruleId === 'okta-aws-broad-role-mapping')!;
    expect(rowById(demo, app.subject.id)!.crown_jewels_reachable).not.toMatch(/may reach/);
  });

  it('says an Okta AWS app reaches none when its findings say so, and unknown when they do not say', () => {
    const subject = { id: 'okta:o:app:a', name: 'AWS', type: 'okta-aws-federation-app', scope: 'o', nativeId: 'a' };
    const none = finding({ provider: 'okta', tier: undefined, ruleId: 'okta-aws-broad-role-mapping', subject, evidence: { joinAllRoles: true, mapsToCrownJewels: [] } });
    // Blank, as on an identity row that reaches no crown jewel.
    expect(sheet(reportOf([none]))[0].crown_jewels_reachable).toBe('');
    const unread = finding({ provider: 'okta', tier: undefined, ruleId: 'okta-aws-broad-role-mapping', subject, evidence: { joinAllRoles: true } });
    expect(sheet(reportOf([unread]))[0].crown_jewels_reachable).toBe('unknown');
    // The demo without its AWS account: the roles behind the app were not read, so not known.
    const oktaOnly = scan(restrictDemo(demoSnapshot(), ['entra', 'okta'])).report;
    const app = oktaOnly.findings.find((f) => f.ruleId === 'okta-aws-broad-role-mapping')!;
    expect(app.evidence).not.toHaveProperty('mapsToCrownJewels');
    expect(rowById(oktaOnly, app.subject.id)!.crown_jewels_reachable).toBe('unknown');
  });

  it('gives a workload the tier of the crown jewels its paths reach', () => {
    const gh = demo.findings.find((f) => f.subject.id.endsWith('|repo:northwind/*'))!.subject.id;
    const r = rowById(demo, gh)!;
    expect(r.crown_jewels_reachable).toContain('(admin, ');
    expect(r.capability_tier).toBe('T4');
  });

  it('says a tier below T4 read from findings is a lower bound', () => {
    // The Entra issuer: a T3 role (roleTier) and a path to secrets (T3), nothing at T4.
    const r = rowById(demo, ENTRA_ISSUER)!;
    expect(r.capability_tier).toMatch(/^T3 or higher \(/);
    expect(r.recommended_action).toBe('re-scope');
    expect(r.action_reasons).toMatch(/^re-scope: capability tier T3 or higher with 2 finding rules/);
  });

  it('keeps unknown where no finding says what the subject reaches', () => {
    const f = finding({
      provider: 'external',
      tier: undefined,
      evidence: { ownerTier: 4 },
      subject: { id: 'external:x:ext:a', name: 'A', type: 'github-repo', scope: 'https://token.actions.githubusercontent.com', nativeId: 'a' },
    });
    const r = sheet(reportOf([f]))[0];
    expect(r.capability_tier).toBe('unknown');
    expect(r.crown_jewels_reachable).toBe('unknown');
    expect(r.action_reasons).toMatch(/^re-scope: no capability tier for a subject outside the inventory, with 1 finding rule/);
  });
});

describe('recert sheet: a waiver silences the advice drawn from the fact its finding judges', () => {
  const byName = (name: string) => demo.identities.find((i) => i.name === name)!;
  const reasons = (r: Record<string, string>) => r.action_reasons.split('; ').map((x) => x.split(':')[0]);

  it('drops rotate when the finding on the old secret is waived, and keeps the age in its column', () => {
    const legacy = byName('Legacy Provisioning Sync');
    const before = rowById(demo, legacy.id)!;
    expect(before.action_reasons).toContain('rotate: 1 shared secret older than 90 days');
    const after = rowById(waive(legacy.id, 'entra-secret-long-lived'), legacy.id)!;
    expect(reasons(after)).not.toContain('rotate');
    expect(after.recommended_action).toBe('re-scope');
    // The fact stays on the sheet; the acceptance shows in finding_ids.
    expect(after.oldest_credential_age_days).toBe(before.oldest_credential_age_days);
    expect(after.finding_ids).toContain('entra-secret-long-lived (waived)');
    // Near miss: a waiver of a rule that judges something else leaves rotate alone.
    expect(rowById(waive(legacy.id, 'entra-secret-on-privileged-app'), legacy.id)!.action_reasons).toContain('rotate: 1 shared secret older than 90 days');
  });

  it('drops only the secrets a waived finding covers: an old password no rule judged still asks for rotation', () => {
    // legacy-erp-integration: an old access key (aws-access-key-not-rotated) and an old console password.
    const erp = byName('legacy-erp-integration');
    expect(rowById(demo, erp.id)!.action_reasons).toContain('rotate: 2 shared secrets older than 90 days');
    const r = rowById(waive(erp.id, 'aws-access-key-not-rotated'), erp.id)!;
    expect(r.action_reasons).toContain('rotate: 1 shared secret older than 90 days');
  });

  it('drops rotate on an Okta token and an Okta app secret whose age finding is waived', () => {
    for (const [name, rule] of [['siem-log-pull', 'okta-api-token-age'], ['HR Sync Service', 'okta-service-app-secret-age']]) {
      const i = byName(name);
      expect(reasons(rowById(demo, i.id)!), name).toContain('rotate');
      expect(reasons(rowById(waive(i.id, rule), i.id)!), name).not.toContain('rotate');
    }
  });

  it('drops assign owner when the owner finding is waived, unless another open finding asks for an owner', () => {
    const legacy = byName('Legacy Provisioning Sync');
    expect(reasons(rowById(waive(legacy.id, 'entra-app-no-owner'), legacy.id)!)).not.toContain('assign owner');
    const svc = byName('svc-reporting');
    const r = rowById(waive(svc.id, 'nhi-service-account-no-owner'), svc.id)!;
    expect(reasons(r)).not.toContain('assign owner');
    expect(r.recommended_action).toBe('keep');
    expect(r.owners).toBe(rowById(demo, svc.id)!.owners);
    // Ops Agent: entra-agent-no-sponsor still open asks for an accountable person too.
    const ops = byName('Ops Agent');
    expect(reasons(rowById(waive(ops.id, 'entra-app-no-owner'), ops.id)!)).toContain('assign owner');
    expect(reasons(rowById(waive(ops.id, 'entra-agent-no-sponsor'), ops.id)!)).toContain('assign owner');
    const both = waive(ops.id, 'entra-app-no-owner');
    for (const f of both.findings) if (f.subject.id === ops.id && f.ruleId === 'entra-agent-no-sponsor') f.status = 'waived';
    expect(reasons(rowById(both, ops.id)!)).not.toContain('assign owner');
  });

  it('drops revoke when the dormancy finding is waived, and remove expired when the expired-credential finding is', () => {
    const id = identitySummary({
      lastUsedAt: '2026-01-01T00:00:00Z',
      credentials: [
        { type: 'client-secret', name: 'old', createdAt: '2025-01-01T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z' },
        { type: 'client-secret', name: 'older', createdAt: '2024-01-01T00:00:00Z', expiresAt: '2025-02-01T00:00:00Z' },
      ],
      findingIds: ['entra-credential-expired-present', 'entra-sp-dormant'],
    });
    const subject = { id: id.id, name: id.name, type: id.type, scope: id.scope, nativeId: id.nativeId };
    const dormant = finding({ ruleId: 'entra-sp-dormant', subject, status: 'waived', evidence: { lastUsedAt: id.lastUsedAt } });
    const expiredOld = finding({ ruleId: 'entra-credential-expired-present', subject, status: 'waived', args: { credential: 'old' }, evidence: { expiresAt: '2026-02-01T00:00:00Z' } });
    const expiredOlder = finding({ ruleId: 'entra-credential-expired-present', subject, args: { credential: 'older' }, evidence: { expiresAt: '2025-02-01T00:00:00Z' } });
    const r = sheet(reportOf([dormant, expiredOld, expiredOlder], { identities: [id] }))[0];
    expect(reasons(r)).not.toContain('revoke');
    // One of the two expired secrets is accepted; the other is still to be removed.
    expect(r.recommended_action).toBe('remove expired');
    expect(r.action_reasons).toContain('1 credential expired (client secret older');
    expect(r.last_used).toBe('2026-01-01T00:00:00.000Z');
  });
});
