import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess as cli } from '../helpers/cli-in-process.js';
import type { Manifest } from '../../src/snapshot/snapshot.js';
import type { ScanReport } from '../../src/report/types.js';
import { buildAccount, FAKE_ORG_ID, type FakeAwsAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { isolate } from './live.js';

/**
 * The organisation of the scanned account, read by `collect --aws` (DescribeOrganization, through
 * the real SDK against the fake) into aws/<account>/organization.json, and what the scan of that
 * folder makes of it: aws-trust-third-party-no-external-id takes it for yours, and no other
 * organisation. A refused read is a coverage record and a warning, and the trusts whose answer
 * turns on an organisation it cannot place are unknown; an account in no organisation is a fact,
 * with no warning.
 */

const MAIN = '111122223333';
const VENDOR = '999988887777';
const VENDOR_ORG = 'o-vendor1234';
const KEY = 'AKIAORGREAD000000001';
const SECRET = 'ORGREADsecretAccessKey00000000000000001';
const RULE = 'aws-trust-third-party-no-external-id';
const roleId = (name: string) => `aws:${MAIN}:principal:arn:aws:iam::${MAIN}:role/${name}`;

/** The fake account, with two roles a vendor's account may assume from inside an organisation: the vendor's, and the account's own. */
function account(organizationId?: string | null): FakeAwsAccount {
  const a = buildAccount(MAIN, { users: 1, roles: 1, policies: 1 });
  const template = a.roles[0];
  const trusting = (name: string, org: string) => ({
    ...template,
    RoleName: name,
    RoleId: `AROA${MAIN}${name.length}X`,
    Arn: `arn:aws:iam::${MAIN}:role/${name}`,
    InstanceProfileList: [],
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } }],
    },
  });
  a.roles.push(trusting('vendor-org', VENDOR_ORG), trusting('own-org', FAKE_ORG_ID));
  return organizationId === undefined ? a : { ...a, organizationId };
}

let env: ReturnType<typeof isolate>;
let dir: string;

beforeAll(() => {
  env = isolate();
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-aws-org-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(env.restore()).toEqual([]);
});

interface Collected {
  folder: string;
  collect: { code: number; stderr: string };
  scan: { code: number; stderr: string };
  report: ScanReport;
  manifest: Manifest;
}

/** `collect --aws --out` against a fake serving `acct`, then `scan --snapshot` of the folder. */
async function collectThenScan(name: string, acct: FakeAwsAccount, fakeOptions: Partial<FakeAwsOptions> = {}): Promise<Collected> {
  const fake = await startFakeAws({ accounts: [acct], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, ...fakeOptions });
  const vars = { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  const folder = join(dir, name);
  let collect;
  try {
    collect = await cli(['collect', '--aws', '--out', folder]);
    expect(fake.refused).toEqual([]);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fake.close();
  }
  const out = join(dir, `${name}.json`);
  const scan = await cli(['scan', '--snapshot', folder, '--format', 'json', '--no-color', '-o', out]);
  return {
    folder,
    collect,
    scan,
    report: JSON.parse(readFileSync(out, 'utf8')) as ScanReport,
    manifest: JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest,
  };
}

const orgRecord = (m: { coverage: Manifest['coverage'] }) => m.coverage.find((c) => c.provider === 'aws' && c.capability === 'aws.organization');
const ruleStats = (r: ScanReport) => r.rules.find((s) => s.ruleId === RULE)!;
const flagged = (r: ScanReport) => r.findings.filter((f) => f.ruleId === RULE).map((f) => f.subject.id).sort();

describe('collect --aws reads the organisation; scan --snapshot uses it', () => {
  it('in an organisation: the folder has its id, the vendor organisation is reported, your own is not, no warning', async () => {
    const run = await collectThenScan('in-org', account());
    expect(JSON.parse(readFileSync(join(run.folder, 'aws', MAIN, 'organization.json'), 'utf8'))).toEqual({
      Organization: { Id: FAKE_ORG_ID, Arn: `arn:aws:organizations::${MAIN}:organization/${FAKE_ORG_ID}`, MasterAccountId: MAIN },
    });
    expect(orgRecord(run.manifest)).toEqual({ provider: 'aws', scope: MAIN, capability: 'aws.organization', status: 'collected' });
    expect(run.collect.code).toBe(0);
    expect(run.collect.stderr).not.toMatch(/organi[sz]ation/i);
    expect(run.scan.stderr).not.toMatch(/organi[sz]ation/i);
    // Without the ownOrganizations option: the organisation read is yours, the vendor's is not.
    expect(flagged(run.report)).toEqual([roleId('vendor-org')]);
    expect(run.report.findings.find((f) => f.ruleId === RULE)!.message).toContain(`from organisation "${VENDOR_ORG}", not yours`);
    expect(ruleStats(run.report)).toMatchObject({ failing: 1, unknown: 0 });
  }, 60_000);

  it('DescribeOrganization refused: a coverage record and a warning, no file, and the trust it cannot place is unknown', async () => {
    const run = await collectThenScan('denied', account(), { deny: ['organizations:DescribeOrganization'] });
    expect(existsSync(join(run.folder, 'aws', MAIN, 'organization.json'))).toBe(false);
    expect(orgRecord(run.manifest)).toMatchObject({ scope: MAIN, status: 'missing-permission', reason: expect.stringContaining('DescribeOrganization: AccessDeniedException') });
    expect(orgRecord(run.report)).toMatchObject({ scope: MAIN, status: 'missing-permission' });
    // Visible at collection and at the scan, naming the capability.
    // Visible at collection (exit 3: capabilities not read) and at the scan, naming the read.
    expect(run.collect.code).toBe(3);
    expect(run.collect.stderr).toContain('1 capabilities not read (see manifest.json coverage)');
    expect(run.scan.stderr).toContain(`nhiscan: warning: not read: aws ${MAIN} aws.organization: missing-permission (DescribeOrganization: AccessDeniedException (HTTP 403)`);
    // Neither a pass (taken for yours) nor a finding (taken for a vendor's): unknown, naming the read.
    expect(flagged(run.report)).toEqual([]);
    expect(ruleStats(run.report)).toMatchObject({ failing: 0, unknown: 2 });
    const reasons = Object.keys(ruleStats(run.report).unknownReasons ?? {});
    expect(reasons).toEqual([
      `whether account ${VENDOR} can assume it without an external id is not known: that turns on whether organisation "${FAKE_ORG_ID}" is yours, and the organisation (DescribeOrganization) of account ${MAIN} was not read (denied: DescribeOrganization: AccessDeniedException (HTTP 403) User with key [redacted-key-id] is not authorized to perform: organizations:DescribeOrganization)`,
      `whether account ${VENDOR} can assume it without an external id is not known: that turns on whether organisation "${VENDOR_ORG}" is yours, and the organisation (DescribeOrganization) of account ${MAIN} was not read (denied: DescribeOrganization: AccessDeniedException (HTTP 403) User with key [redacted-key-id] is not authorized to perform: organizations:DescribeOrganization)`,
    ]);
  }, 60_000);

  it('in no organisation: a fact with no warning, and every organisation a trust names is a vendor\'s', async () => {
    const run = await collectThenScan('no-org', account(null));
    expect(JSON.parse(readFileSync(join(run.folder, 'aws', MAIN, 'organization.json'), 'utf8'))).toEqual({ Organization: null });
    expect(orgRecord(run.manifest)).toEqual({ provider: 'aws', scope: MAIN, capability: 'aws.organization', status: 'collected' });
    expect(run.collect.code).toBe(0);
    expect(run.collect.stderr).not.toMatch(/organi[sz]ation/i);
    expect(run.scan.stderr).not.toMatch(/organi[sz]ation/i);
    expect(flagged(run.report)).toEqual([roleId('own-org'), roleId('vendor-org')]);
    expect(ruleStats(run.report)).toMatchObject({ failing: 2, unknown: 0 });
  }, 60_000);
});
