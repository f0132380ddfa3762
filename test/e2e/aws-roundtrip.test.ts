import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { FakeAws } from '../fakes/aws-iam-server.js';
import { demoSnapshot, findingsOf, fingerprints, restrictDemo, scan, scanLive } from './demo.js';
import { E2E_SECRETS, collectAwsDemo, isolate, type LiveRun } from './live.js';

const PROD = '111122223333';
const DEV = '444455556666';
const role = (account: string, name: string) => `aws:${account}:principal:arn:aws:iam::${account}:role/${name}`;
const user = (account: string, name: string) => `aws:${account}:principal:arn:aws:iam::${account}:user/${name}`;

let env: ReturnType<typeof isolate>;
let run: LiveRun<FakeAws>;
let demo: Snapshot;
let live: { snapshot: Snapshot; scan: ScanResult };
let expected: ScanResult;

beforeAll(async () => {
  env = isolate();
  demo = demoSnapshot();
  run = await collectAwsDemo(demo);
  live = scanLive([run.result]);
  expected = scan(restrictDemo(demo, ['aws']));
});
afterAll(async () => {
  await run?.fake.close();
  expect(env.restore()).toEqual([]);
});

describe('AWS round trip: demo accounts → fake IAM → collectAws (real SDK) → scan', () => {
  it('finds exactly the findings of the demo snapshot', () => {
    const got = fingerprints(live.scan.report.findings);
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(fingerprints(expected.report.findings));
  });

  it('writes back the demo files: authorization details, credential report, federation, Roles Anywhere, role sessions', () => {
    for (const account of [PROD, DEV]) {
      const dir = `aws/${account}`;
      // Policy documents went out URL-encoded in XML and dates as ISO-8601; both come back CLI-shaped.
      expect(run.result.files[`${dir}/authorization-details.json`]).toEqual(demo.files[`${dir}/authorization-details.json`]);
      expect(run.result.files[`${dir}/credential-report.csv`]).toBe(demo.files[`${dir}/credential-report.csv`]);
      expect(run.result.files[`${dir}/saml-providers.json`]).toEqual(demo.files[`${dir}/saml-providers.json`]);
      expect(run.result.files[`${dir}/rolesanywhere.json`]).toEqual(demo.files[`${dir}/rolesanywhere.json`]);
      // ListRoles, paged by Marker, for what the authorization details lack: MaxSessionDuration.
      expect(run.result.files[`${dir}/list-roles.json`]).toEqual(demo.files[`${dir}/list-roles.json`]);
      // GetOpenIDConnectProvider also returns the provider's tags, which the demo omits.
      const oidc = (run.result.files[`${dir}/oidc-providers.json`] as Record<string, unknown>[]).map(({ Tags, ...rest }) => rest);
      expect(oidc).toEqual(demo.files[`${dir}/oidc-providers.json`]);
    }
  });

  it('judges the SAML roles\' session length from ListRoles: okta-admin\'s and entra-dev-admin\'s 12 hours fail, okta-readonly\'s hour passes', () => {
    const long = findingsOf(live.scan.report.findings, 'aws-saml-long-session').map((f) => [f.subject.id, f.evidence.maxSessionDuration]);
    expect(long).toEqual(
      expect.arrayContaining([
        [role(PROD, 'okta-admin'), 43200],
        [role(DEV, 'entra-dev-admin'), 43200],
      ]),
    );
    expect(long).toHaveLength(2);
    const stats = live.scan.report.rules.find((r) => r.ruleId === 'aws-saml-long-session')!;
    expect(stats).toMatchObject({ evaluated: 3, failing: 2, unknown: 0 });
  });

  it('reports the GitHub trust for the whole org on an admin role, and the old integration key', () => {
    const weak = findingsOf(live.scan.report.findings, 'aws-oidc-trust-weak-subject').map((f) => [f.subject.id, f.severity]);
    expect(weak).toContainEqual([role(PROD, 'github-deploy'), 'critical']);
    expect(findingsOf(live.scan.report.findings, 'aws-principal-admin').map((f) => f.subject.id)).toContain(role(PROD, 'github-deploy'));
    expect(findingsOf(live.scan.report.findings, 'aws-access-key-not-rotated').map((f) => f.subject.id)).toEqual([user(PROD, 'legacy-erp-integration')]);
    // Near misses read live: pinned GitHub subject, SPIFFE and Roles Anywhere workloads, the dev account's prod trust.
    const flagged = new Set(live.scan.report.findings.map((f) => f.subject.id));
    for (const quiet of ['github-docs-publish', 'payments-ledger-spiffe', 'batch-export-x509']) expect(flagged.has(role(PROD, quiet))).toBe(false);
    expect(findingsOf(live.scan.report.findings, 'aws-trust-third-party-no-external-id')).toEqual([]);
  });

  it('entered both accounts through sts:AssumeRole, collected everything and asked for nothing outside the read-only policy', () => {
    expect(run.result.coverage.map((c) => `${c.scope} ${c.capability} ${c.status}`)).toEqual(
      [PROD, DEV].flatMap((a) => ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.roleSessions', 'aws.organization'].map((c) => `${a} ${c} collected`)),
    );
    expect(run.fake.counts['sts:AssumeRole']).toBe(2);
    expect(run.fake.refused).toEqual([]);
    expect(run.fake.unsigned).toBe(0);
    const text = JSON.stringify(run.result);
    for (const s of E2E_SECRETS) expect(text).not.toContain(s);
    expect(text).not.toContain('CANARYSESSION');
  });
});
