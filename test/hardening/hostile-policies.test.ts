import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshotFromAwsFiles } from '../../src/cli/aws-files.js';
import type { ScanResult } from '../../src/scan.js';
import { cli } from '../helpers/cli.js';
import { outcome, scanInMemory, scratch } from './demo-copy.js';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/probe-role`;
const OTHER_ACCOUNT_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x1' } } }] };
const tmp = scratch('hostile-policies');
afterAll(() => tmp.cleanup());

/** An authorization-details export with one role, its trust policy and one inline policy. */
function export1(policy: unknown, trust: unknown = OTHER_ACCOUNT_TRUST): unknown {
  return {
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
    RoleDetailList: [
      {
        Path: '/',
        RoleName: 'probe-role',
        RoleId: 'AROAPROBEPROBEPROBE1',
        Arn: ROLE_ARN,
        CreateDate: '2024-01-01T00:00:00Z',
        AssumeRolePolicyDocument: trust,
        RolePolicyList: [{ PolicyName: 'probe-policy', PolicyDocument: policy }],
        AttachedManagedPolicies: [],
        InstanceProfileList: [],
        Tags: [],
        RoleLastUsed: {},
      },
    ],
  };
}

let seq = 0;
function scan(policy: unknown, trust?: unknown): ScanResult {
  const file = join(tmp.dir, `authz-${seq++}.json`);
  writeFileSync(file, JSON.stringify(export1(policy, trust)));
  const r = outcome(() => scanInMemory(snapshotFromAwsFiles(file, undefined, '2026-11-20T09:00:00Z')));
  if (r.kind !== 'report') throw new Error(`rejected the whole file: ${r.line}`);
  return r.result;
}

/** pass / fail / unknown of one rule for the probe role, from the rule's own counters. */
function verdict(r: ScanResult, ruleId: string): 'pass' | 'fail' | 'unknown' {
  const st = r.report.rules.find((s) => s.ruleId === ruleId);
  if (!st) throw new Error(`rule ${ruleId} did not run`);
  expect(st.evaluated).toBe(1);
  return st.failing === 1 ? 'fail' : st.unknown === 1 ? 'unknown' : 'pass';
}

const stmt = (s: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [s] });
const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };

/** Shapes the policy grammar allows, each granting every action on every resource. */
const ADMIN_SHAPES: Record<string, unknown> = {
  'arrays of one': stmt({ Effect: 'Allow', Action: ['*'], Resource: ['*'] }),
  'Statement as an object': { Version: '2012-10-17', Statement: ADMIN },
  'no Version (2008 semantics)': { Statement: [ADMIN] },
  'a Sid and an empty Condition': stmt({ Sid: 'All', ...ADMIN, Condition: {} }),
  'a service wildcard next to *': stmt({ Effect: 'Allow', Action: ['iam:*', '*'], Resource: '*' }),
  'a malformed ARN next to *': stmt({ Effect: 'Allow', Action: '*', Resource: ['arn:aws:iam', 'not-an-arn', '*'] }),
  'a Deny that does not cover it': { Version: '2012-10-17', Statement: [ADMIN, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::keep' }] },
  'URL-encoded JSON text': encodeURIComponent(JSON.stringify(stmt(ADMIN))),
  'JSON text': JSON.stringify(stmt(ADMIN)),
};

/** Shapes outside the grammar, or that cannot be decided, whose intent would be admin. */
const BROKEN_SHAPES: Record<string, unknown> = {
  'missing Effect': stmt({ Action: '*', Resource: '*' }),
  'Effect "Maybe"': stmt({ Effect: 'Maybe', Action: '*', Resource: '*' }),
  'a number as Action': stmt({ Effect: 'Allow', Action: 42, Resource: '*' }),
  'an object as Resource': stmt({ Effect: 'Allow', Action: '*', Resource: { any: true } }),
  'Statement as a string': { Version: '2012-10-17', Statement: 'Allow everything' },
  'a document that is not JSON': 'not json at all',
  'a null document': null,
  'a condition value of the wrong type': stmt({ ...ADMIN, Condition: { StringEquals: { 'aws:username': { nested: 1 } } } }),
  'Action and NotAction together': stmt({ Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' }),
};

describe('IAM policies in every shape the grammar allows', () => {
  it.each(Object.entries(ADMIN_SHAPES))('%s: analysed, and the role is found to be admin', (_, policy) => {
    const r = scan(policy);
    expect(verdict(r, 'aws-principal-admin')).toBe('fail');
    expect(r.report.warnings.filter((w) => w.includes('probe-policy'))).toEqual([]);
  });

  it('NotAction and NotResource are analysed, not skipped', () => {
    const r = scan(stmt({ Effect: 'Allow', NotAction: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' }));
    expect(r.report.warnings.filter((w) => w.includes('probe-policy'))).toEqual([]);
    expect(verdict(r, 'aws-principal-admin')).not.toBe('unknown');
  });
});

describe('IAM policies outside the grammar', () => {
  it.each(Object.entries(BROKEN_SHAPES))('%s: never a crash and never a silent pass', (_, policy) => {
    const r = scan(policy);
    expect(verdict(r, 'aws-principal-admin')).not.toBe('pass');
  });

  // The evaluator reads an operator it does not know as "conditional"; aws-principal-admin
  // reports conditional administration instead of passing it.
  it('an unknown condition operator: never a silent pass', () => {
    const r = scan(stmt({ ...ADMIN, Condition: { StringFancy: { 'aws:username': 'x' } } }));
    expect(verdict(r, 'aws-principal-admin')).not.toBe('pass');
  });

  it.each(['missing Effect', 'a number as Action', 'a document that is not JSON', 'a null document', 'Statement as a string'])(
    '%s: reported as unparseable in the warnings and the coverage section',
    (name) => {
      const r = scan(BROKEN_SHAPES[name]);
      expect(verdict(r, 'aws-principal-admin')).toBe('unknown');
      expect(r.report.warnings.some((w) => w.includes('probe-policy') && w.includes('could not be parsed'))).toBe(true);
      const gap = r.report.coverage.find((c) => c.capability.includes('probe-policy'));
      expect(gap?.status).toBe('error');
    },
  );
});

describe('trust policies', () => {
  // IAM does not accept NotPrincipal in a role trust policy (IAM User Guide, NotPrincipal): the
  // document is not what AWS enforces, so the answer is unknown with a warning, never a pass.
  it('Allow with NotPrincipal (rejected by IAM in a trust policy) is unknown with a warning, not a pass', () => {
    const r = scan(stmt(ADMIN), { Version: '2012-10-17', Statement: { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' } });
    expect(verdict(r, 'aws-trust-any-principal')).toBe('unknown');
    expect(r.report.warnings.some((w) => w.includes('NotPrincipal') && w.includes('probe-role'))).toBe(true);
  });

  it('Principal "*" as a bare string fails the any-principal rule', () => {
    const r = scan(stmt(ADMIN), stmt({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }));
    expect(verdict(r, 'aws-trust-any-principal')).toBe('fail');
  });

  it.each([
    ['a number as Principal', stmt({ Effect: 'Allow', Principal: 5, Action: 'sts:AssumeRole' })],
    ['a trust document that is not JSON', 'garbage'],
  ])('%s: unknown with a warning, not a pass', (_, trust) => {
    const r = scan(stmt(ADMIN), trust);
    expect(verdict(r, 'aws-trust-any-principal')).toBe('unknown');
    expect(r.report.warnings.some((w) => w.includes('AssumeRolePolicyDocument') && w.includes('probe-role'))).toBe(true);
  });

  it('a malformed principal ARN is analysed or reported, never a pass by omission', () => {
    const r = scan(stmt(ADMIN), stmt({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::not-an-account:root', '*'] }, Action: 'sts:AssumeRole' }));
    expect(verdict(r, 'aws-trust-any-principal')).not.toBe('pass');
  });
});

describe('through the built CLI', () => {
  it('scan --aws-authz-details with an unparseable policy exits 0 with the gap in the JSON report, and 3 with --fail-on', () => {
    const file = join(tmp.dir, 'cli-authz.json');
    // The unreadable policy may grant anything, so the role keeps conditional routes to the
    // account's administrator (tier T4); a recent RoleLastUsed keeps aws-role-unused (tiered up to
    // critical) out, so that --fail-on critical tests the incomplete-collection exit alone.
    const exported = export1(stmt({ Action: '*', Resource: '*' })) as { RoleDetailList: Array<Record<string, unknown>> };
    exported.RoleDetailList[0].RoleLastUsed = { LastUsedDate: '2026-11-10T00:00:00Z', Region: 'us-east-1' };
    writeFileSync(file, JSON.stringify(exported));
    const r = cli(['scan', '--aws-authz-details', file, '--format', 'json', '--now', '2026-11-20T09:00:00Z']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.coverage.some((c: { capability: string; status: string }) => c.capability.includes('probe-policy') && c.status === 'error')).toBe(true);
    expect(doc.warnings.join('\n')).toMatch(/probe-policy .* could not be parsed/);
    expect(cli(['scan', '--aws-authz-details', file, '--fail-on', 'critical', '--now', '2026-11-20T09:00:00Z']).code).toBe(3);
  });
});
