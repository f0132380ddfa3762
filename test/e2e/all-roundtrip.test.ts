import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { FakeAws } from '../fakes/aws-iam-server.js';
import type { EntraFake } from '../fakes/entra-server.js';
import type { OktaFake } from '../fakes/okta-server.js';
import { demoSnapshot, findingsOf, fingerprints, scan, scanLive } from './demo.js';
import { collectAwsDemo, collectEntraDemo, collectOktaDemo, isolate, renameOktaOrg, type LiveRun } from './live.js';

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ORG = 'https://northwind.okta.example';
const PROD = '111122223333';
const OPS_AGENT = `entra:${TENANT}:sp:ef64d807-28f7-4739-a893-33575ef793c0`;
const HR_SYNC = `okta:${ORG}:app:0oaKYWOIriafAH29u2He`;
const ALICE_OKTA = `okta:${ORG}:user:00u64WsCeWG0NUJEXKGT`;
const DANA_ENTRA = `entra:${TENANT}:user:ebfe2ce4-5013-4602-9279-e3341c0453f9`;
/** Default access (all-zero app role) on Helpdesk AI Assistant, whose appId is 315c3a67-…. */
const HELPDESK_DEFAULT_ACCESS = `entra:${TENANT}:approle:315c3a67-f4b2-47d8-ba2f-52d17ff68555/00000000-0000-0000-0000-000000000000`;
const role = (name: string) => `aws:${PROD}:principal:arn:aws:iam::${PROD}:role/${name}`;

let env: ReturnType<typeof isolate>;
let runs: [LiveRun<EntraFake>, LiveRun<OktaFake>, LiveRun<FakeAws>] | undefined;
let live: { snapshot: Snapshot; scan: ScanResult };
let expected: ScanResult;

beforeAll(async () => {
  env = isolate();
  const demo = demoSnapshot();
  // The three collectors run at once, as `nhiscan scan --entra --okta --aws` runs them.
  const settled = await Promise.allSettled([collectEntraDemo(demo), collectOktaDemo(demo), collectAwsDemo(demo)]);
  const [entra, okta, aws] = settled;
  if (entra.status === 'rejected' || okta.status === 'rejected' || aws.status === 'rejected') {
    for (const s of settled) if (s.status === 'fulfilled') await s.value.fake.close();
    throw (settled.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
  runs = [entra.value, okta.value, aws.value];
  const merged = scanLive(runs.map((r) => r.result));
  const renamed = renameOktaOrg(merged.snapshot, ORG);
  live = { snapshot: renamed, scan: scan(renamed) };
  expected = scan(demo);
});
afterAll(async () => {
  for (const r of runs ?? []) await r.fake.close();
  expect(env.restore()).toEqual([]);
});

describe('All three providers collected live from the demo, then scanned together', () => {
  it('finds exactly the demo findings, cross-provider ones included', () => {
    const got = fingerprints(live.scan.report.findings);
    // The collector reads the owners of other tenants' service principals too (SlideGenie), so
    // live matches the demo snapshot, which records its owner list as read and empty.
    const want = fingerprints(expected.report.findings);
    expect(got.length).toBeGreaterThan(60);
    expect(got).toEqual(want);
  });

  it('links Entra → AWS: any app of the tenant can assume ops-agent-role, which reads every secret', () => {
    const g = live.scan.graph;
    const assume = g.out(OPS_AGENT, 'CAN_ASSUME').find((e) => e.to === role('ops-agent-role'));
    // The audience is Ops Agent's appId, read live from the OIDC provider and the trust policy; its
    // token version (api.requestedAccessTokenVersion, read live) matches the v1 issuer: a firm link.
    expect(assume?.reason).toMatch(/Entra tenant 691d0d64-52fb-4de1-ae87-2e52cdd26449 .*no sub condition; aud d8b52952-66bf-4927-97a3-022df7648254 is Ops Agent/);
    expect(assume?.conditional).toBe(false);
    const path = findingsOf(live.scan.report.findings, 'nhi-path-to-crown-jewel').find((f) => f.subject.id === OPS_AGENT);
    expect(path?.path?.map((h) => [h.type, h.provider])).toEqual([
      ['CAN_ASSUME', expect.any(String)],
      ['GRANTED', 'aws'],
    ]);
    expect(path?.path?.[0].to).toBe(role('ops-agent-role'));
    const anyApp = findingsOf(live.scan.report.findings, 'nhi-entra-token-any-app-assumes-aws-role');
    expect(anyApp.map((f) => f.severity)).toEqual(['critical']);
    // Ops Agent's secret is rated high only once its AWS reach is known.
    expect(findingsOf(live.scan.report.findings, 'entra-secret-long-lived').find((f) => f.subject.id === OPS_AGENT)?.severity).toBe('high');
    // An AI agent that reaches T3 (the AWS secrets) is critical, unlike its path, which is high.
    const agentPrivileged = findingsOf(live.scan.report.findings, 'nhi-ai-agent-privileged');
    expect(agentPrivileged.map((f) => [f.subject.id, f.severity]).sort()).toEqual([[role('ops-agent-role'), 'critical'], [OPS_AGENT, 'critical']].sort());
  });

  it('links GitHub → AWS: every repository of the org reaches AdministratorAccess through github-deploy', () => {
    const github = findingsOf(live.scan.report.findings, 'nhi-path-to-crown-jewel').filter(
      (f) => f.subject.id === 'external:oidc:ext:https://token.actions.githubusercontent.com|repo:northwind/*' && f.severity === 'critical',
    );
    expect(github).toHaveLength(1);
    expect(github[0].path?.map((h) => h.type)).toEqual(['FEDERATES_TO', 'GRANTED']);
    expect(github[0].path?.[0].to).toBe(role('github-deploy'));
    expect(github[0].path?.[1].toName).toMatch(/AdministratorAccess|admin/i);
  });

  it('links Okta → AWS: HR Sync Service reaches okta-admin through okta.users.manage and a SAML assignment', () => {
    const critical = findingsOf(live.scan.report.findings, 'nhi-path-to-crown-jewel').filter(
      (f) => f.subject.id === HR_SYNC && f.severity === 'critical',
    );
    expect(critical).toHaveLength(1);
    const hops = critical[0].path!;
    // Jordan's group is what the AWS app maps to okta-admin.
    expect(hops.map((h) => h.type)).toEqual(['GRANTED', 'CAN_ESCALATE_TO', 'MEMBER_OF', 'SAML_MAPS_TO', 'GRANTED']);
    expect(hops[1]).toMatchObject({ provider: 'okta', toName: 'jordan.lee@northwind.example' });
    expect(hops[3]).toMatchObject({ to: role('okta-admin') });
    expect(critical[0].args.cross).toMatch(/crossing providers/);
    expect(hops.every((h) => h.reason.length > 0)).toBe(true);
  });

  it('builds the demo graph, minus two edges the collectors do not read by design', () => {
    const edgeKeys = (r: ScanResult) => new Set([...r.graph.edges()].map((e) => `${e.type} ${e.from} -> ${e.to}`));
    const got = edgeKeys(live.scan);
    const want = edgeKeys(expected);
    expect(got.size).toBeGreaterThan(100);
    expect([...got].filter((e) => !want.has(e))).toEqual([]);
    expect([...want].filter((e) => !got.has(e)).sort()).toEqual([
      // collectEntra reads appRoleAssignedTo only on service principals that define app roles or
      // require assignment; Dana's assignment to Helpdesk AI Assistant (which does neither) is
      // "default access".
      `GRANTED ${DANA_ENTRA} -> ${HELPDESK_DEFAULT_ACCESS}`,
      // collectOkta reads roles, factors and groups only of token owners, service-account-like
      // users and AWS-app users; Alice is none of these (a human super admin with factors).
      `HAS_ROLE ${ALICE_OKTA} -> okta:${ORG}:role:SUPER_ADMIN`,
    ]);
    const nodes = (r: ScanResult) => new Set(r.graph.nodes.keys());
    expect([...nodes(expected)].filter((n) => !nodes(live.scan).has(n))).toEqual([HELPDESK_DEFAULT_ACCESS]);
    expect([...nodes(live.scan)].filter((n) => !nodes(expected).has(n))).toEqual([]);
  });

  it('reports coverage as collected everywhere except the Entra report the fake refused', () => {
    const gaps = live.scan.report.coverage.filter((c) => c.status !== 'collected');
    expect(gaps.map((c) => [c.provider, c.capability, c.status])).toEqual([['entra', 'entra.credentialSignInActivity', 'missing-permission']]);
    const providers = new Set(live.scan.report.coverage.map((c) => c.provider));
    expect([...providers].sort()).toEqual(['aws', 'entra', 'okta']);
    // Same gap as in the demo manifest.
    expect(expected.report.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability)).toEqual(['entra.credentialSignInActivity']);
  });
});
