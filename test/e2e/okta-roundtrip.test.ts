import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/scan.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { OktaFake } from '../fakes/okta-server.js';
import { demoSnapshot, findingsOf, fingerprints, restrictDemo, scan, scanLive } from './demo.js';
import { E2E_SECRETS, collectOktaDemo, isolate, renameOktaOrg, type LiveRun } from './live.js';

const ORG = 'https://northwind.okta.example';
const okta = (kind: string, id: string) => `okta:${ORG}:${kind}:${id}`;
const ZAPIER_TOKEN = okta('token', '00TBqZkzBR7HiSynAOaW');
const SIEM_TOKEN = okta('token', '00Ty5hUGnTXHY0RSveXP');
const HR_SYNC = okta('app', '0oaKYWOIriafAH29u2He');
const AUDIT_EXPORTER = okta('app', '0oa4J7O526RezV2zvWHX');
const AWS_APP = okta('app', '0oaSsgZIK3850KbT2WP4');
const SVC_ZAPIER = okta('user', '00uAYHkZlcSjTxjsy5uw');

let env: ReturnType<typeof isolate>;
let run: LiveRun<OktaFake>;
let demo: Snapshot;
let live: { snapshot: Snapshot; scan: ScanResult };
let expected: ScanResult;

beforeAll(async () => {
  env = isolate();
  demo = demoSnapshot();
  run = await collectOktaDemo(demo);
  const merged = scanLive([run.result]);
  // Okta ids carry the org URL; the fake's is http://127.0.0.1:<port> (see renameOktaOrg).
  const renamed = renameOktaOrg(merged.snapshot, ORG);
  live = { snapshot: renamed, scan: scan(renamed) };
  expected = scan(restrictDemo(demo, ['okta']));
});
afterAll(async () => {
  await run?.fake.close();
  expect(env.restore()).toEqual([]);
});

const subjects = (ruleId: string) => [...new Set(findingsOf(live.scan.report.findings, ruleId).map((f) => f.subject.id))].sort();

describe('Okta round trip: demo org → fake Okta → collectOkta (real SDK) → scan', () => {
  it('finds exactly the findings of the demo snapshot', () => {
    const got = fingerprints(live.scan.report.findings);
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(fingerprints(expected.report.findings));
  });

  it('reports API tokens owned by a super admin and usable from any network', () => {
    const admin = findingsOf(live.scan.report.findings, 'okta-api-token-admin-owner');
    expect(admin.map((f) => [f.subject.id, f.severity])).toEqual([[ZAPIER_TOKEN, 'critical']]);
    // siem-log-pull is restricted to a network zone: the near miss stays quiet.
    expect(subjects('okta-api-token-any-network')).toEqual([ZAPIER_TOKEN]);
    expect(subjects('okta-api-token-age')).toEqual([ZAPIER_TOKEN, SIEM_TOKEN].sort());
  });

  it('reports the service app that authenticates with an old shared secret', () => {
    expect(subjects('okta-service-app-secret-auth')).toEqual([HR_SYNC]);
    expect(subjects('okta-service-app-secret-age')).toEqual([HR_SYNC]);
    // Audit Exporter signs with a private key (private_key_jwt): no secret finding.
    expect(subjects('okta-service-app-secret-auth')).not.toContain(AUDIT_EXPORTER);
  });

  it('reports the manage scope as CAN_ESCALATE_TO edges with their reasons', () => {
    expect(subjects('okta-service-app-manage-scope')).toEqual([HR_SYNC]);
    const g = live.scan.graph;
    const scope = okta('scope', 'okta.users.manage');
    expect(g.out(HR_SYNC, 'GRANTED').map((e) => e.to)).toContain(scope);
    const escalations = g.out(scope, 'CAN_ESCALATE_TO');
    const jordan = escalations.find((e) => e.to === okta('user', '00uALsvFO0rPShXu0fXS'));
    expect(jordan?.reason).toMatch(/reset the password and MFA factors of jordan\.lee@northwind\.example \(assigned to the AWS federation app\)/);
    expect(subjects('okta-client-admin-role')).toEqual([HR_SYNC, AUDIT_EXPORTER].sort());
  });

  it('reports the service user with no MFA that signs in interactively', () => {
    expect(subjects('okta-svc-user-interactive-or-no-mfa')).toEqual([SVC_ZAPIER]);
    expect(subjects('okta-svc-user-password-never-changed')).toEqual([SVC_ZAPIER]);
  });

  it('reports the broad AWS federation mapping, links the app to the AWS SAML provider and lists its assignees', () => {
    expect(subjects('okta-aws-broad-role-mapping')).toEqual([AWS_APP]);
    const saml = 'external:saml-provider:ext:arn:aws:iam::111122223333:saml-provider/Okta';
    // Without AWS in the scan no role is known: the groups the mapping turns into roles of account
    // 111122223333 (aws_111122223333_okta-admin, _okta-readonly) keep a route to the provider, as the
    // Entra side keeps one, instead of vanishing as if the account had been scanned and had no such role.
    expect(live.scan.graph.in(saml, 'SAML_MAPS_TO').map((e) => e.from).sort()).toEqual(
      [AWS_APP, okta('group', '00gNWWidH8fEpVh4t1BF'), okta('group', '00gzQkDMjTJ9YRmkxaht')].sort(),
    );
    // The app still lists its assignees.
    expect(live.scan.graph.node(AWS_APP)!.attrs.assignees).toEqual(expect.arrayContaining([okta('user', '00uALsvFO0rPShXu0fXS'), okta('group', '00gNWWidH8fEpVh4t1BF')]));
  });

  it('collected every capability, with the real SDK paging the fake org', () => {
    expect(run.result.coverage.map((c) => [c.capability, c.status])).toEqual([
      ['okta.apps', 'collected'],
      ['okta.appCredentials', 'collected'],
      ['okta.appGrants', 'collected'],
      ['okta.clientRoles', 'collected'],
      ['okta.apiTokens', 'collected'],
      ['okta.users', 'collected'],
      ['okta.adminRoles', 'collected'],
      ['okta.factors', 'collected'],
      ['okta.groups', 'collected'],
      ['okta.appAssignments', 'collected'],
      ['okta.userTypes', 'collected'],
      ['okta.authorizationServers', 'collected'],
    ]);
    expect(run.fake.state.violations).toEqual([]);
    const text = JSON.stringify(run.result);
    for (const s of E2E_SECRETS) expect(text).not.toContain(s);
  });

  it('read per-user details only for users that can act as machines or federate into AWS', () => {
    // Alice (a human super admin) and Ben (deprovisioned) own no token, match no service-account
    // pattern and are not assigned to the AWS app: the demo lists their roles and factors, the
    // live collection skips them, and no finding depends on them (the fingerprints match above).
    const perUser = new Set(run.fake.state.requests.filter((q) => q.template.startsWith('/api/v1/users/{id}')).map((q) => q.path.split('/')[4]));
    expect([...perUser].sort()).toEqual(['00uALsvFO0rPShXu0fXS', '00uAYHkZlcSjTxjsy5uw', '00ukYYLpouQiwynTxTvh', '00ur92aLgGtOYaIJ02l0']);
  });
});
