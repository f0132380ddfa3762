import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCiLayer } from '../../src/cli/ci.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import type { RuleStats } from '../../src/engine/types.js';
import { demoDir } from '../../src/cli/io.js';
import { finding, report, scanDir } from './helpers.js';

const gap = (provider: CoverageRecord['provider'], capability: string, scope = 's1'): CoverageRecord => ({ provider, scope, capability, status: 'missing-permission' });
const stats = (ruleId: string, unknown: number): RuleStats => ({ ruleId, evaluated: 1, failing: 0, unknown, unknownReasons: {}, byProvider: {} });

/** The messages of the CI layer for one waivers file over a report with the given gaps. */
function messagesFor(waivers: string, coverage: CoverageRecord[], rules: RuleStats[] = []): { file: string; messages: string[] } {
  const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-wg-'));
  const file = join(cwd, 'w.yaml');
  writeFileSync(file, waivers);
  const r = report([finding()], { coverage, rules });
  return { file, messages: applyCiLayer(r, { waivers: file }, r.scannedAt, cwd).messages };
}

const ROLE_WAIVER = '- ruleId: aws-role-unused\n  subject: "arn:aws:iam::111122223333:role/break-glass-*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
const STALE = ': waiver for aws-role-unused on "arn:aws:iam::111122223333:role/break-glass-*" matches no finding (stale); remove it';
/** The message keeping ROLE_WAIVER, naming the gap that keeps it. */
const KEEP = (gapText: string) =>
  `: waiver for aws-role-unused on "arn:aws:iam::111122223333:role/break-glass-*" matches no finding, but collection was incomplete (${gapText}; see coverage): its finding may be unknown in this scan; keep it until a complete scan`;

describe('a waiver that matches nothing while collection was incomplete', () => {
  it('is stale when every gap is in a provider its rule does not look at', () => {
    const { file, messages } = messagesFor(ROLE_WAIVER, [gap('entra', 'entra.credentialSignInActivity'), gap('okta', 'okta.apiTokens')], [stats('aws-role-unused', 0)]);
    expect(messages).toEqual([`${file}:1${STALE}`]);
  });

  it('is kept when a gap is in a capability its rule requires, in the account its subject names', () => {
    // aws-role-unused requires aws.iam (the roles and their last use).
    const { file, messages } = messagesFor(ROLE_WAIVER, [gap('entra', 'entra.credentialSignInActivity'), gap('aws', 'aws.iam', '111122223333')], [stats('aws-role-unused', 0)]);
    expect(messages).toEqual([`${file}:1${KEEP('not collected: aws.iam in aws 111122223333')}`]);
  });

  it('names the gap that keeps it: the first such gap, and how many more there are', () => {
    // Only the gaps that may hide its finding count: the Entra one does not, the two AWS ones in its account do.
    const one = messagesFor(ROLE_WAIVER, [gap('entra', 'entra.credentialSignInActivity'), gap('aws', 'aws.iam', '111122223333')], [stats('aws-role-unused', 0)]);
    expect(one.messages[0]).toContain('but collection was incomplete (not collected: aws.iam in aws 111122223333; see coverage): its finding may be unknown');
    const three = messagesFor(
      ROLE_WAIVER,
      [gap('entra', 'entra.credentialSignInActivity'), gap('aws', 'aws.iam', '111122223333'), gap('aws', 'aws.iam', '444455556666'), gap('aws', 'aws.iam@x', '111122223333')],
      [stats('aws-role-unused', 0)],
    );
    expect(three.messages[0]).toContain('(not collected: aws.iam in aws 111122223333, and 1 other gap; see coverage)');
    // Any gap may hide a waiver by fingerprint: all are counted, the first named.
    const fp = messagesFor('- fingerprint: deadbeef\n  reason: r\n  owner: o\n  expires: 2030-01-01\n', [gap('okta', 'okta.apiTokens', 'https://a.okta.example'), gap('entra', 'entra.owners', 't1'), gap('aws', 'aws.iam', '1')]);
    expect(fp.messages[0]).toContain('(not collected: okta.apiTokens in okta https://a.okta.example, and 2 other gaps; see coverage)');
  });

  it('is stale when the gap in its rule’s provider is in a capability the rule does not require', () => {
    // The roles' session durations (ListRoles) decide nothing about a role's last use.
    const { file, messages } = messagesFor(ROLE_WAIVER, [gap('aws', 'aws.roleSessions', '111122223333'), gap('aws', 'aws.credentialReport', '111122223333')], [stats('aws-role-unused', 0)]);
    expect(messages).toEqual([`${file}:1${STALE}`]);
  });

  it('is stale when the required capability is missing only in another account than the one its subject names', () => {
    const { file, messages } = messagesFor(ROLE_WAIVER, [gap('aws', 'aws.iam', '444455556666')], [stats('aws-role-unused', 0)]);
    expect(messages).toEqual([`${file}:1${STALE}`]);
    // By stable id, the account is named too; a pattern that names none may be in any account.
    const byId = '- ruleId: aws-role-unused\n  subject: "aws:111122223333:principal:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(byId, [gap('aws', 'aws.iam', '444455556666')], [stats('aws-role-unused', 0)]).messages[0]).toMatch(/\(stale\); remove it$/);
    expect(messagesFor(byId, [gap('aws', 'aws.iam', '111122223333')], [stats('aws-role-unused', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
    const anyAccount = '- ruleId: aws-role-unused\n  subject: "*role/break-glass-*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(anyAccount, [gap('aws', 'aws.iam', '444455556666')], [stats('aws-role-unused', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
  });

  it('is kept when the gap is in the capability that lists its rule’s subjects, required or not', () => {
    // aws-user-unused requires the credential report, but IAM users come from aws.iam: without it
    // there is no user to judge, and the rule says nothing, not even unknown.
    const w = '- ruleId: aws-user-unused\n  subject: "arn:aws:iam::111122223333:user/svc-*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(w, [gap('aws', 'aws.iam', '111122223333')], [stats('aws-user-unused', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
    // entra-sp-dormant requires the sign-in activity; its service principals come from their list.
    const sp = '- ruleId: entra-sp-dormant\n  subject: "entra:t3:sp:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(sp, [gap('entra', 'entra.servicePrincipals', 't3')], [stats('entra-sp-dormant', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
    // Near miss: the app registrations list no service principal.
    expect(messagesFor(sp, [gap('entra', 'entra.owners', 't3')], [stats('entra-sp-dormant', 0)]).messages[0]).toMatch(/\(stale\); remove it$/);
  });

  it('is kept when the Okta API token list was not read and its rule judges Okta service accounts', () => {
    // Owning an API token with no active MFA factor makes an Okta user a service account: with the
    // token list not read such a user is a person in the graph, and the service-account rules
    // have no subject to find it on. Its finding is hidden by the gap, not gone.
    const w = '- ruleId: okta-svc-user-interactive-or-no-mfa\n  subject: "okta:https://a.okta.example:user:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    const rule = [stats('okta-svc-user-interactive-or-no-mfa', 0)];
    expect(messagesFor(w, [gap('okta', 'okta.apiTokens', 'https://a.okta.example')], rule).messages[0]).toMatch(/keep it until a complete scan$/);
    // In another org, or a gap that decides nothing about who is a service account: stale.
    expect(messagesFor(w, [gap('okta', 'okta.apiTokens', 'https://b.okta.example')], rule).messages[0]).toMatch(/\(stale\); remove it$/);
    expect(messagesFor(w, [gap('okta', 'okta.appGrants', 'https://a.okta.example')], rule).messages[0]).toMatch(/\(stale\); remove it$/);
  });

  it('names the Okta org and Entra tenant by their ids as well', () => {
    const token = '- ruleId: okta-api-token-age\n  subject: "okta:https://a.okta.example:token:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(token, [gap('okta', 'okta.apiTokens', 'https://b.okta.example')], [stats('okta-api-token-age', 0)]).messages[0]).toMatch(/\(stale\); remove it$/);
    expect(messagesFor(token, [gap('okta', 'okta.apiTokens', 'https://a.okta.example')], [stats('okta-api-token-age', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
    // (Tenant t3: the report's one finding is an entra-secret-long-lived one in t1, which t1 would match.)
    const secret = '- ruleId: entra-secret-long-lived\n  subject: "entra:t3:sp:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(secret, [gap('entra', 'entra.applications', 't2')], [stats('entra-secret-long-lived', 0)]).messages[0]).toMatch(/\(stale\); remove it$/);
    expect(messagesFor(secret, [gap('entra', 'entra.applications', 't3')], [stats('entra-secret-long-lived', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
  });

  it('is kept on any gap in its rule’s providers when the rule requires no capability (nothing rules a gap out)', () => {
    const w = '- ruleId: entra-app-no-owner\n  subject: "entra:t1:sp:*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    expect(messagesFor(w, [gap('entra', 'entra.owners', 't1')], [stats('entra-app-no-owner', 0)]).messages[0]).toMatch(/keep it until a complete scan$/);
    expect(messagesFor(w, [gap('okta', 'okta.apps')], [stats('entra-app-no-owner', 0)]).messages[0]).toMatch(/\(stale\); remove it$/);
  });

  it('is kept when its rule answered unknown in this scan, whatever the gap’s provider', () => {
    // A rule can read another provider's data (an Okta AWS app links to AWS roles): its unknowns say so.
    const { file, messages } = messagesFor(ROLE_WAIVER, [gap('entra', 'entra.credentialSignInActivity')], [stats('aws-role-unused', 2)]);
    expect(messages).toEqual([`${file}:1${KEEP('not collected: entra.credentialSignInActivity in entra s1')}`]);
  });

  it('is kept when its rule is not known (no provider to rule the gap out)', () => {
    const w = '- ruleId: acme-custom-rule\n  subject: "x-*"\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    const { file, messages } = messagesFor(w, [gap('entra', 'entra.owners')]);
    expect(messages).toEqual([`${file}:1: waiver for acme-custom-rule on "x-*" matches no finding, but collection was incomplete (not collected: entra.owners in entra s1; see coverage): its finding may be unknown in this scan; keep it until a complete scan`]);
  });

  it('by fingerprint alone names no rule, so any gap keeps it', () => {
    const w = '- fingerprint: deadbeef\n  reason: r\n  owner: o\n  expires: 2030-01-01\n';
    const { file, messages } = messagesFor(w, [gap('okta', 'okta.apiTokens')]);
    expect(messages).toEqual([`${file}:1: waiver for fingerprint deadbeef matches no finding, but collection was incomplete (not collected: okta.apiTokens in okta s1; see coverage): its finding may be unknown in this scan; keep it until a complete scan`]);
  });

  it('on the demo, whose only gap is in Entra, the AWS role waiver of the review is stale', () => {
    const { report: r } = scanDir(demoDir(), new Date('2026-11-29T00:00:00Z'));
    expect(r.coverage.filter((c) => c.status !== 'collected').map((c) => c.provider)).toEqual(['entra']);
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-wg-'));
    const file = join(cwd, 'w.yaml');
    writeFileSync(file, ROLE_WAIVER);
    expect(applyCiLayer(r, { waivers: file }, r.scannedAt, cwd).messages).toEqual([`${file}:1${STALE}`]);
  });
});
