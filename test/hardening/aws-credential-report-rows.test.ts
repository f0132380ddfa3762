import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
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
