import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import type { ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { EntraFake } from '../fakes/entra-server.js';
import { demoSnapshot, findingsOf, fingerprints, restrictDemo, scan, scanLive } from './demo.js';
import { E2E_SECRETS, collectEntraDemo, isolate, type LiveRun } from './live.js';

const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const sp = (objectId: string) => `entra:${TENANT}:sp:${objectId}`;
const HELPDESK = sp('730dda39-af77-4d5d-8e57-d7d13651725f');
const OPS_AGENT = sp('ef64d807-28f7-4739-a893-33575ef793c0');
const LEGACY_SYNC = sp('c808fcb1-fee2-48fe-8a05-cac58233ce37');
const INFRA_DEPLOYER = sp('17d50a4b-dc01-45d2-ba56-482d3a428ff6');
const SLIDEGENIE = sp('7f97f6ec-1d74-4df1-8b74-dff70efbba92');
const SVC_BACKUP = `entra:${TENANT}:user:46bd9401-490b-406d-b5a6-1db96bfd7d7f`;

let env: ReturnType<typeof isolate>;
let run: LiveRun<EntraFake>;
let live: { snapshot: Snapshot; scan: ScanResult };
let expected: ScanResult;

beforeAll(async () => {
  env = isolate();
  const demo = demoSnapshot();
  run = await collectEntraDemo(demo);
  live = scanLive([run.result]);
  expected = scan(restrictDemo(demo, ['entra']));
});
afterAll(async () => {
  await run?.fake.close();
  // Nothing but the fake on 127.0.0.1 was contacted (no authority discovery, no real Graph).
  expect(env.restore()).toEqual([]);
});

const subjects = (ruleId: string) => [...new Set(findingsOf(live.scan.report.findings, ruleId).map((f) => f.subject.id))].sort();

describe('Entra round trip: demo tenant → fake Graph → collectEntra → scan', () => {
  it('finds exactly the findings of the demo snapshot', () => {
    const got = fingerprints(live.scan.report.findings);
    // The collector reads the owners of other tenants' service principals too (SlideGenie), so
    // live matches the demo snapshot, which records its owner list as read and empty.
    const want = fingerprints(expected.report.findings);
    expect(got.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
    // The collector reads managers of the users that look like service accounts; Graph's 404
    // for svc-backup ("no manager") is kept as null, so the ownerless service account is found.
    const managers = live.snapshot.files['entra/userManagers.json'] as Record<string, unknown>;
    expect(managers[live.scan.graph.node(SVC_BACKUP)!.nativeId]).toBeNull();
    expect(live.scan.graph.node(SVC_BACKUP)?.attrs.hasManager).toBe(false);
  });

  it('reports credential hygiene: long-lived secrets, rated by what the app can do', () => {
    const long = findingsOf(live.scan.report.findings, 'entra-secret-long-lived');
    expect(Object.fromEntries(long.map((f) => [f.subject.id, f.severity]))).toEqual({
      [LEGACY_SYNC]: 'critical',
      // high in the full demo, where its AWS role reads every secret; Entra alone cannot see that.
      [OPS_AGENT]: 'medium',
      [HELPDESK]: 'medium',
    });
    expect(subjects('entra-secret-on-privileged-app')).toEqual([LEGACY_SYNC]);
  });

  it('reports accountability: ownerless apps and the agent whose only owner left', () => {
    expect(subjects('entra-app-no-owner')).toEqual([OPS_AGENT, LEGACY_SYNC].sort());
    expect(subjects('entra-agent-no-sponsor')).toEqual([OPS_AGENT]);
    // Ben Ortiz is disabled: the owner was read live, and joined with the live user list.
    const ops = findingsOf(live.scan.report.findings, 'entra-app-no-owner').find((f) => f.subject.id === OPS_AGENT);
    expect(JSON.stringify(ops?.evidence)).toContain('7da04c59-13ed-404c-bfb2-48fda1f318c9');
  });

  it('reports privilege: Tier-0 Graph app role and a privileged directory role held by service principals', () => {
    expect(subjects('entra-tier0-graph-approle')).toEqual([LEGACY_SYNC]);
    expect(subjects('entra-privileged-graph-approle')).toEqual([LEGACY_SYNC]);
    expect(subjects('entra-privileged-directory-role')).toEqual([INFRA_DEPLOYER, SVC_BACKUP].sort());
  });

  it('reports delegated consent for all users and the AI assistant that inherits it', () => {
    const consent = findingsOf(live.scan.report.findings, 'entra-delegated-all-principals-high-risk');
    expect(consent.map((f) => f.subject.id)).toEqual([HELPDESK]);
    expect(JSON.stringify(consent[0].args)).toContain('Mail.Send');
    expect(subjects('nhi-ai-agent-delegated-high-impact')).toContain(HELPDESK);
  });

  it('reports the privileged third-party app', () => {
    expect(subjects('entra-third-party-app-privileged')).toEqual([SLIDEGENIE]);
    expect(subjects('entra-tenantwide-data-approle')).toEqual([SLIDEGENIE]);
  });

  it('reports the federated credential that trusts every pull request', () => {
    const fic = findingsOf(live.scan.report.findings, 'entra-fic-weak-subject');
    expect(fic.map((f) => [f.subject.id, f.severity])).toEqual([[INFRA_DEPLOYER, 'critical']]);
    expect(JSON.stringify(fic[0])).toContain('repo:northwind/infra:pull_request');
  });

  it('reports the escalation path from a pull request to Global Administrator, with its reasons', () => {
    const g = live.scan.graph;
    const crown = ids.crownJewel('entra', TENANT, 'global-admin');
    const intoCrown = g.in(crown, 'CAN_ESCALATE_TO');
    expect(intoCrown.length).toBeGreaterThan(0);
    expect(intoCrown.every((e) => /Global Administrator/.test(e.reason))).toBe(true);

    const paths = findingsOf(live.scan.report.findings, 'nhi-path-to-crown-jewel').filter(
      (f) => f.subject.id.includes('repo:northwind/infra:pull_request') && f.severity === 'critical',
    );
    expect(paths.length).toBeGreaterThan(0);
    const hops = paths[0].path!;
    expect(hops.map((h) => h.type)).toEqual(['FEDERATES_TO', 'HAS_ROLE', 'CAN_ESCALATE_TO', 'GRANTED']);
    expect(hops[1].toName).toBe('Application Administrator');
    expect(hops[2]).toMatchObject({ to: LEGACY_SYNC, reason: expect.stringMatching(/add a credential/) });
    expect(hops[3].toName).toMatch(/RoleManagement\.ReadWrite\.Directory/);
    expect(hops.every((h) => h.reason.length > 0)).toBe(true);
  });

  it('collected every capability except the per-credential sign-in report the fake refused', () => {
    const notCollected = run.result.coverage.filter((c) => c.status !== 'collected');
    expect(notCollected).toEqual([
      expect.objectContaining({
        capability: 'entra.credentialSignInActivity',
        status: 'missing-permission',
        reason: expect.stringMatching(/403|Authorization_RequestDenied/),
      }),
    ]);
    expect(run.result.coverage.length).toBeGreaterThan(10);
    // Same conclusion as the demo's manifest: Entra credentials are "unknown", not "unused".
    const unused = live.scan.report.rules.find((s) => s.ruleId === 'entra-credential-unused');
    const demoUnused = expected.report.rules.find((s) => s.ruleId === 'entra-credential-unused');
    expect(unused?.unknown).toBeGreaterThan(0);
    // The reason quotes each coverage record's own words, which the demo's manifest puts
    // differently from the fake's 403: the same sentence otherwise, with the same count.
    const { unknownReasons: liveReasons, ...liveCounts } = unused!;
    const { unknownReasons: demoReasons, ...demoCounts } = demoUnused!;
    expect(liveCounts).toEqual(demoCounts);
    const sameSentence = (reasons: Record<string, number>) =>
      Object.entries(reasons).map(([k, v]) => [k.replace(/\(denied: 403 Authorization_RequestDenied[^;]*\); /, '(denied: 403 …); '), v]);
    expect(sameSentence(liveReasons)).toEqual(sameSentence(demoReasons));
    expect(sameSentence(liveReasons)).toEqual([[expect.stringMatching(/^the app credential sign-in activity report of tenant \S+ was not read \(denied: 403 …\); /), unused!.unknown]]);
  });

  it('used one token, $batch for per-object reads, asked for nothing the tenant lacks, and kept no secret', () => {
    expect(run.fake.counts.token).toBe(1);
    expect(run.fake.counts.batchItems).toBeGreaterThan(0);
    // The only 404s are Graph's answers for users without a manager.
    expect(run.fake.log.filter((l) => l.status === 404 && !/\/users\/[^/]+\/manager$/.test(l.path))).toEqual([]);
    const text = JSON.stringify(run.result);
    for (const s of E2E_SECRETS) expect(text).not.toContain(s);
  });
});
