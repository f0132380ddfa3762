import { afterAll, describe, expect, it } from 'vitest';
import { copyDemo, readJsonFile, reportOf, scratch, setAwsCoverage, writeJsonFile } from './demo-copy.js';

// A rule that selects every identity by kind but whose `where` never takes some of the kind's
// types (the root user; every identity but a user) has no gap when only those types' list was
// not read: counting one would be an unknown for a subject the rule never judges.
const tmp = scratch('kind-rule-skipped-types');
afterAll(() => tmp.cleanup());

const ACCOUNT = '111122223333';
const ROOT_SKIPPED = ['nhi-credential-no-expiry', 'nhi-shared-secret-high-tier', 'nhi-tier-policy-violation'];
const USERS_ONLY = ['nhi-human-use-of-machine-account', 'nhi-service-account-no-owner', 'nhi-service-account-weak-auth'];

function unknownReasons(report: ReturnType<typeof reportOf>, id: string): string[] {
  const st = report.rules.find((r) => r.ruleId === id);
  expect(st, id).toBeDefined();
  return Object.keys(st!.unknownReasons);
}

describe('a kind rule and a subject list of a type its filter never takes', () => {
  it('the credential report not read is no unknown of the rules that skip the root user', () => {
    const dir = copyDemo(tmp.dir, 'report-denied');
    setAwsCoverage(dir, ACCOUNT, 'aws.credentialReport', 'missing-permission', 'AccessDenied on GenerateCredentialReport');
    const report = reportOf(dir);
    // (An IAM user whose keys the report would show still answers unknown for itself.)
    for (const id of ROOT_SKIPPED) expect(unknownReasons(report, id).filter((r) => r.startsWith(`the IAM credential report of account ${ACCOUNT} was not read`)), id).toEqual([]);
    // A rule that takes the root user still counts it (nhi-path-to-crown-jewel has no such filter).
    expect(unknownReasons(report, 'nhi-path-to-crown-jewel').some((r) => r.startsWith(`the IAM credential report of account ${ACCOUNT} was not read`))).toBe(true);
  });

  it('the service principal list not read is no unknown of the rules on service-account users', () => {
    const dir = copyDemo(tmp.dir, 'sps-denied');
    const m = readJsonFile(dir, 'manifest.json');
    const rec = m.coverage.find((c: { capability: string }) => c.capability === 'entra.servicePrincipals');
    Object.assign(rec, { status: 'missing-permission', reason: '403 Authorization_RequestDenied' });
    writeJsonFile(dir, 'manifest.json', m);
    const report = reportOf(dir);
    for (const id of USERS_ONLY) expect(unknownReasons(report, id).filter((r) => r.includes('service principal list')), id).toEqual([]);
    expect(unknownReasons(report, 'nhi-credential-no-expiry').some((r) => r.includes('service principal list'))).toBe(true);
  });
});
