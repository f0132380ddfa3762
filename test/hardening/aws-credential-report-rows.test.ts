import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { parseCsv } from './csv-parse.js';
import { copyDemo, readJsonFile, reportOf, scratch, writeJsonFile } from './demo-copy.js';

// An IAM user of the authorization details with no row in the credential report: its keys,
// password and MFA were not read. Its findings must not vanish as if it had no credentials.

const tmp = scratch('aws-credential-report-rows');
afterAll(() => tmp.cleanup());

const PROD = '111122223333';
const REPORT = `aws/${PROD}/credential-report.csv`;
const USER = 'legacy-erp-integration';

let n = 0;
function withoutRow(name: string, user = USER): string {
  const dir = copyDemo(tmp.dir, `${name}-${n++}`);
  const file = join(dir, REPORT);
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((l) => !l.startsWith(`${user},`));
  if (kept.length !== lines.length - 1) throw new Error(`no row of ${user}`);
  writeFileSync(file, kept.join('\n'));
  return dir;
}

describe('an IAM user missing from its account credential report', () => {
  it('gives one error record for the file, one warning naming it, and unknown for the rules that read its credentials', () => {
    const report = reportOf(withoutRow('row'));
    const recs = report.coverage.filter((c) => c.capability.startsWith('aws.credentialReport'));
    expect(recs).toContainEqual({ provider: 'aws', scope: PROD, capability: 'aws.credentialReport@credential-report.csv', status: 'error', reason: expect.stringMatching(/^1 of \d+ IAM users is not in credential-report\.csv: .* \(first: legacy-erp-integration\)$/) });
    expect(recs.find((c) => c.capability === 'aws.credentialReport' && c.scope === PROD)?.status).toBe('collected');
    expect(report.warnings).toContainEqual(expect.stringContaining(`${REPORT}: 1 of`));
    const user = report.identities.find((i) => i.scope === PROD && i.name === USER)!;
    for (const rule of ['aws-key-user-console-access', 'aws-access-key-not-rotated', 'aws-access-key-unused', 'nhi-credential-no-expiry']) {
      expect(user.unknownRuleIds, rule).toContain(rule);
    }
  });

  it('is still classified from its name, tags and the configuration: the service-account rules judge what does not need the report', () => {
    // legacy-erp-integration is a service account by its name; with its row it fails all three.
    const report = reportOf(withoutRow('classified'));
    const user = report.identities.find((i) => i.scope === PROD && i.name === USER)!;
    expect(user.machineReasons).toEqual(['name matches [-_.](svc|service|bot|integration)$']);
    // No owner tag: the finding stands without the report.
    expect(user.findingIds).toContain('nhi-service-account-no-owner');
    // Its password, MFA and sign-ins are in the missing row.
    for (const rule of ['nhi-service-account-weak-auth', 'nhi-human-use-of-machine-account']) expect(user.unknownRuleIds, rule).toContain(rule);
    const stats = report.rules.find((s) => s.ruleId === 'nhi-service-account-weak-auth')!;
    expect(stats.unknownReasons).toHaveProperty(['the user has no row in the credential report']);
  });

  it('without any machine evidence outside the report, whether it is a service account is unknown, not "no"', () => {
    // billing-export is a service account only by its access key (in the report); its owner tag names a person.
    const report = reportOf(withoutRow('unclassified', 'billing-export'));
    const user = report.identities.find((i) => i.scope === PROD && i.name === 'billing-export')!;
    expect(user.machineReasons).toBeUndefined();
    for (const rule of ['nhi-service-account-weak-auth', 'nhi-human-use-of-machine-account']) expect(user.unknownRuleIds, rule).toContain(rule);
    // An owner tag naming a person answers the ownership rule whatever the account is: a pass,
    // still one of its evaluations, as with the row (which makes it a service account).
    expect(user.unknownRuleIds).not.toContain('nhi-service-account-no-owner');
    expect(user.findingIds ?? []).not.toContain('nhi-service-account-no-owner');
    const evaluated = (r: typeof report) => r.rules.find((s) => s.ruleId === 'nhi-service-account-no-owner')!.evaluated;
    expect(evaluated(report)).toBe(evaluated(reportOf(copyDemo(tmp.dir, `demo-${n++}`))));
    const stats = report.rules.find((s) => s.ruleId === 'nhi-human-use-of-machine-account')!;
    expect(Object.keys(stats.unknownReasons)).toContain('whether it is a service account is not known: the user has no row in the credential report');
  });

  it('without machine evidence or an owner tag, the ownership rule is unknown too', () => {
    const dir = withoutRow('untagged', 'billing-export');
    const details = readJsonFile(dir, `aws/${PROD}/authorization-details.json`);
    const u = details.UserDetailList.find((x: { UserName: string }) => x.UserName === 'billing-export');
    u.Tags = u.Tags.filter((t: { Key: string }) => t.Key !== 'owner');
    writeJsonFile(dir, `aws/${PROD}/authorization-details.json`, details);
    const user = reportOf(dir).identities.find((i) => i.scope === PROD && i.name === 'billing-export')!;
    expect(user.unknownRuleIds).toContain('nhi-service-account-no-owner');
    expect(user.findingIds ?? []).not.toContain('nhi-service-account-no-owner');
  });

  it('fails a baseline gate (--fail-on high) with exit 3', () => {
    const base = join(tmp.dir, 'base.json');
    expect(cli(['scan', '--demo', '--write-baseline', base, '--format', 'json']).code).toBe(0);
    const r = cli(['scan', '--snapshot', withoutRow('gate'), '--baseline', base, '--fail-on', 'high']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('aws.credentialReport@credential-report.csv: error');
  });

  it('near miss: every user has a row (the demo): no such record', () => {
    const report = reportOf(copyDemo(tmp.dir, 'demo'));
    expect(report.coverage.filter((c) => c.capability.includes('@credential-report'))).toEqual([]);
  });
});

// The whole credential report of an account not read (file absent, or the collection recorded
// 403 or an error): every IAM user of the account lacks its row. The account-level record
// `aws.credentialReport` says so once; each user is still classified from its name, tags and the
// configuration, and every rule that needs the report answers unknown for it, not nothing.
describe('an account whose credential report was not read', () => {
  const UNREAD = 'the credential report of its account was not read';
  const USERS = ['billing-export', 'legacy-erp-integration', 'maria.gomez', 'svc-reporting'];
  const NOW = ['--now', '2026-11-29T00:00:00Z', '--no-color'];

  function withoutReport(name: string): string {
    const dir = copyDemo(tmp.dir, `${name}-${n++}`);
    rmSync(join(dir, REPORT));
    return dir;
  }

  /** The report kept, but the manifest records the read as forbidden: the file is not used. */
  function forbidden(name: string): string {
    const dir = copyDemo(tmp.dir, `${name}-${n++}`);
    const manifest = readJsonFile(dir, 'manifest.json');
    const rec = manifest.coverage.find((c: { scope: string; capability: string }) => c.scope === PROD && c.capability === 'aws.credentialReport');
    rec.status = 'missing-permission';
    rec.reason = '403 AccessDenied on iam:GenerateCredentialReport';
    writeJsonFile(dir, 'manifest.json', manifest);
    return dir;
  }

  for (const [how, make] of [
    ['absent', withoutReport],
    ['recorded as forbidden', forbidden],
  ] as const) {
    it(`(${how}) classifies every IAM user of the account from its name, tags and config, and the rules that need the report answer unknown naming it`, () => {
      const report = reportOf(make(how.replace(/ /g, '-')));
      const users = report.identities.filter((i) => i.scope === PROD && i.type === 'aws-iam-user');
      expect(users.map((u) => u.name).sort()).toEqual(USERS);
      for (const u of users) {
        expect(u.credentialsIncomplete, u.name).toBe(UNREAD);
        // A report-derived fact with no report: unknown, never a silent skip.
        expect(u.unknownRuleIds, u.name).toContain('nhi-credential-no-expiry');
        expect(u.unknownRuleIds, u.name).toContain('nhi-service-account-weak-auth');
        expect(u.unknownRuleIds, u.name).toContain('nhi-human-use-of-machine-account');
      }
      const user = (name: string) => users.find((u) => u.name === name)!;
      // By name: a service account without an owner tag fails the ownership rule without the report.
      expect(user(USER).machineReasons).toEqual(['name matches [-_.](svc|service|bot|integration)$']);
      expect(user(USER).findingIds).toContain('nhi-service-account-no-owner');
      expect(user('svc-reporting').findingIds).toContain('nhi-service-account-no-owner');
      // No machine evidence outside the report: not known to be a service account; its owner tag still passes ownership.
      expect(user('billing-export').machineReasons).toBeUndefined();
      expect(user('billing-export').unknownRuleIds).not.toContain('nhi-service-account-no-owner');
      expect(user('billing-export').findingIds ?? []).not.toContain('nhi-service-account-no-owner');
      const reasons = (rule: string) => Object.keys(report.rules.find((s) => s.ruleId === rule)!.unknownReasons);
      expect(reasons('nhi-credential-no-expiry')).toContain(UNREAD);
      expect(reasons('nhi-service-account-weak-auth')).toContain(UNREAD);
      expect(reasons('nhi-human-use-of-machine-account')).toContain(`whether it is a service account is not known: ${UNREAD}`);
      // One account-level record, no per-user or per-file duplicates; the other account is untouched.
      const recs = report.coverage.filter((c) => c.capability.startsWith('aws.credentialReport'));
      expect(recs.filter((c) => c.scope === PROD)).toEqual([expect.objectContaining({ capability: 'aws.credentialReport', status: how === 'absent' ? 'error' : 'missing-permission' })]);
      expect(recs.filter((c) => c.scope !== PROD)).toEqual([expect.objectContaining({ capability: 'aws.credentialReport', status: 'collected' })]);
      expect(report.identities.filter((i) => i.scope !== PROD && i.credentialsIncomplete !== undefined)).toEqual([]);
    });
  }

  it('explain and the recertification sheet say unknown for the credentials and last use, not none', () => {
    const dir = withoutReport('explain');
    const card = cli(['explain', 'svc-reporting', '--snapshot', dir, ...NOW]);
    expect(card.code).toBe(0);
    expect(card.stdout).toContain(`unknown: ${UNREAD}`);
    expect(card.stdout).not.toContain('no credentials recorded');
    const [header, ...rows] = parseCsv(cli(['scan', '--snapshot', dir, '--format', 'recert-csv', ...NOW]).stdout);
    for (const name of USERS) {
      const row = rows.find((r) => r[header.indexOf('native_id')] === `arn:aws:iam::${PROD}:user/${name}`)!;
      for (const col of ['credential_types', 'oldest_credential_age_days', 'next_expiry']) expect(row[header.indexOf(col)], `${name} ${col}`).toBe('unknown');
      expect(row[header.indexOf('last_used')], name).toBe('not collected');
    }
  });

  it('near miss: the per-row case keeps its own reason', () => {
    const report = reportOf(withoutRow('row-reason'));
    expect(report.identities.find((i) => i.scope === PROD && i.name === USER)?.credentialsIncomplete).toBe('the user has no row in the credential report');
    expect(report.identities.filter((i) => i.scope === PROD && i.name !== USER && i.credentialsIncomplete !== undefined)).toEqual([]);
  });
});
