import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';
import type { Finding } from '../../src/engine/types.js';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { identitySummary } from '../helpers/identity-summary.js';
import { finding, report } from '../ci/helpers.js';

const demo = scan(demoSnapshot()).report;
const rows = (csv: string) => parseCsv(csv, 'x');
const fingerprintsOf = (r: Record<string, string>) => (r.finding_fingerprints === '' ? [] : r.finding_fingerprints.split('; ').map((e) => e.split(' ')[1]));

/** An external subject as the AWS and Entra transforms make it, for synthetic findings. */
const external = (type: string, key: string, name: string, scope: string, over: Partial<Finding> = {}): Finding =>
  finding({
    provider: 'external',
    tier: undefined,
    subject: { id: `external:x:ext:${key}`, name, type, scope, nativeId: key },
    ...over,
  });

describe('recert sheet: subjects with findings that are not identities', () => {
  it('puts every unwaived finding of the demo on exactly one row', () => {
    const sheet = rows(renderRecertCsv(demo));
    const listed = sheet.flatMap(fingerprintsOf);
    // No finding on two rows, and none left off.
    expect(listed.length).toBe(new Set(listed).size);
    const expected = demo.findings.filter((f) => f.status !== 'waived').map((f) => f.fingerprint);
    expect(new Set(listed)).toEqual(new Set(expected));
    expect(listed.length).toBe(expected.length);
    // The demo has findings on external subjects, several critical: the test is not vacuous.
    const outside = demo.findings.filter((f) => !demo.identities.some((i) => i.id === f.subject.id));
    expect(outside.filter((f) => f.severity === 'critical').length).toBeGreaterThan(1);
  });

  it('lists the inventory first, in its order, then the other subjects in id order, one row each', () => {
    const sheet = rows(renderRecertCsv(demo));
    const inventory = demo.identities.map((i) => i.id);
    expect(sheet.slice(0, inventory.length).map((r) => r.id)).toEqual(inventory);
    const rest = sheet.slice(inventory.length).map((r) => r.id);
    const subjects = [...new Set(demo.findings.map((f) => f.subject.id))].filter((id) => !inventory.includes(id));
    expect(rest).toEqual([...subjects].sort());
    expect(rest.length).toBeGreaterThan(3);
  });

  it('fills a federated GitHub subject\'s row from what the report knows, and says unknown for the rest', () => {
    const r = rows(renderRecertCsv(demo)).find((x) => x.name === 'GitHub repo:northwind/*')!;
    expect(r).toBeDefined();
    const mine = demo.findings.filter((f) => f.subject.id === r.id);
    expect(r).toMatchObject({
      provider: 'external',
      type: 'github-repo',
      id: 'external:oidc:ext:https://token.actions.githubusercontent.com|repo:northwind/*',
      native_id: 'https://token.actions.githubusercontent.com|repo:northwind/*',
      scope: 'external:https://token.actions.githubusercontent.com',
      enabled: 'unknown',
      owners: 'none',
      owner_status: 'none',
      credential_types: 'unknown',
      oldest_credential_age_days: 'unknown',
      next_expiry: 'unknown',
      last_used: 'not collected',
      // Its path findings reach an administrator crown jewel (see recert-waived.test.ts).
      capability_tier: 'T4',
      autonomy: 'unknown',
      // It gets in with an OIDC token: federated, whatever else is not known of it.
      strength: 'federated',
      finding_ids: 'nhi-path-to-crown-jewel',
      recommended_action: 're-scope',
      decision: '',
      reviewer: '',
      justification: '',
      unknown_checks: 'unknown',
      classification: 'external workload (federated)',
      highest_severity: 'critical',
    });
    expect(fingerprintsOf(r).sort()).toEqual(mine.map((f) => f.fingerprint).sort());
    expect(r.action_reasons).toMatch(/^re-scope: /);
    expect(r.action_reasons).not.toContain('assign owner');
    // The crown jewels its path findings reach, as an identity row names them.
    expect(r.crown_jewels_reachable.split('; ')).toHaveLength(mine.filter((f) => f.path !== undefined).length);
    expect(r.crown_jewels_reachable).toMatch(/\(admin, \d+ hops?\)/);
  });

  it('writes an OIDC subject\'s native id one way, issuer and subject, whether an IAM role or an Entra app trusts it', () => {
    // The demo's GitHub subjects: repo:northwind/* from an IAM role's trust, the two northwind/infra
    // ones from Entra apps' federated credentials. A subject alone does not say whose token it is
    // (a sub of one issuer can be any text another issuer puts in its tokens).
    const oidc = rows(renderRecertCsv(demo)).filter((r) => r.id.startsWith('external:oidc:ext:'));
    const github = oidc.filter((r) => r.scope === 'external:https://token.actions.githubusercontent.com').map((r) => r.native_id);
    expect(github).toEqual([
      'https://token.actions.githubusercontent.com|repo:northwind/*',
      'https://token.actions.githubusercontent.com|repo:northwind/infra:pull_request',
      'https://token.actions.githubusercontent.com|repo:northwind/infra:ref:refs/heads/main',
    ]);
    // Every OIDC subject: its issuer (the row's scope), a bar, its subject, as the tail of its id.
    expect(oidc.length).toBeGreaterThan(github.length);
    for (const r of oidc) {
      expect(r.native_id.startsWith(`${r.scope.replace(/^external:/, '')}|`)).toBe(true);
      expect(r.native_id).toBe(r.id.slice('external:oidc:ext:'.length));
    }
  });

  it('marks the issuer of a scanned Entra tenant as that tenant\'s service principals, not external, and an Okta AWS app as a privilege', () => {
    const sheet = rows(renderRecertCsv(demo));
    const entra = sheet.find((x) => x.name.endsWith('(any subject)'))!;
    // Tenant 691d0d64-… is the scanned one: any of its service principals can get the token.
    expect(entra.classification).toBe('service principals of the scanned Entra tenant Northwind Robotics (its token issuer)');
    // Near miss: the same issuer of a tenant that was not scanned stays an external workload.
    const other = { ...demo, scopes: demo.scopes.filter((x) => x.provider !== 'entra') };
    expect(rows(renderRecertCsv(other)).find((x) => x.name.endsWith('(any subject)'))!.classification).toBe('external workload (federated)');
    expect(entra.finding_ids).toContain('nhi-entra-token-any-app-assumes-aws-role');
    expect(entra.highest_severity).toBe('critical');
    const app = sheet.find((x) => x.type === 'okta-aws-federation-app')!;
    expect(app).toMatchObject({ provider: 'okta', scope: 'okta:https://northwind.okta.example', classification: 'federation app (a privilege, not an identity)', owner_status: 'none' });
    expect(app.finding_ids).toBe('okta-aws-broad-role-mapping');
    // No path finding starts at the app, but its mapping findings name what the roles behind it reach.
    expect(app.crown_jewels_reachable).toMatch(/^AWS account 111122223333 administrator \(admin, 3 hops\); /);
  });

  it('names a scanned tenant issuer\'s pinned subject as one service principal, not as the tenant\'s service principals', () => {
    // A trust pinned to one object id (sub) of the tenant's tokens: its row is that one principal,
    // as the path finding on the same row says ("one service principal of ... (exact subject)").
    const ISS = 'https://sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/';
    const pin = (sub: string) => (f: Finding): Finding =>
      f.subject.nativeId === `${ISS}|*` ? { ...f, subject: { ...f.subject, id: `external:oidc:ext:${ISS}|${sub}`, nativeId: `${ISS}|${sub}`, name: `sts.windows.net/691d0d64-52fb-4de1-ae87-2e52cdd26449/ ${sub}` } } : f;
    const at = (sub: string) => rows(renderRecertCsv({ ...demo, findings: demo.findings.map(pin(sub)) })).find((x) => x.native_id === `${ISS}|${sub}`)!;
    expect(at('ef64d807-28f7-4739-a893-33575ef793c0').classification).toBe('one service principal of the scanned Entra tenant Northwind Robotics (a subject its token issuer names)');
    expect(at('ef64d807-*').classification).toBe('service principals of the scanned Entra tenant Northwind Robotics whose object id matches a subject pattern (its token issuer)');
    // Near miss: no sub condition keeps the plural of the whole tenant (the demo row, tested above).
  });

  it('crown_jewels_reachable says "may reach" for a path that holds only under a condition, on identity and outside rows', () => {
    // Without the account's OIDC provider for the tenant's issuer, no token passes today: Ops
    // Agent's way into ops-agent-role is conditional, and so are the paths through it.
    const s = demoSnapshot();
    const key = 'aws/111122223333/oidc-providers.json';
    s.files[key] = (s.files[key] as { Url: string }[]).filter((x) => !x.Url.startsWith('sts.windows.net/'));
    const sheet = rows(renderRecertCsv(scan(s).report));
    const jewels = (name: string) => sheet.find((x) => x.name === name)!.crown_jewels_reachable;
    expect(jewels('Ops Agent')).toContain('AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (secrets, 2 hops, may reach: 1 hop conditional)');
    expect(sheet.find((x) => x.name.endsWith('(any subject)'))!.crown_jewels_reachable).toMatch(/\(secrets, 2 hops, may reach: 1 hop conditional\)/);
    // Near miss: the demo as is, a firm path, said as before.
    const firm = rows(renderRecertCsv(demo));
    expect(firm.find((x) => x.name === 'Ops Agent')!.crown_jewels_reachable).toContain('AWS account 111122223333 secrets (Secrets Manager, KMS, SSM) (secrets, 2 hops)');
    expect(firm.map((x) => x.crown_jewels_reachable).join('\n')).not.toMatch(/may reach/);
  });

  it('fills enabled and strength where the report knows them for a subject outside the inventory', () => {
    const sheet = rows(renderRecertCsv(demo));
    // The demo's AWS Prod SSO app is ACTIVE in Okta; its findings say so.
    const app = sheet.find((x) => x.type === 'okta-aws-federation-app')!;
    expect(demo.findings.find((f) => f.subject.id === app.id)!.evidence.appStatus).toBe('ACTIVE');
    expect(app.enabled).toBe('yes');
    // A privilege, not a credential holder: how those who use it sign in is on their own rows.
    expect(app.strength).toBe('unknown');
    // A scanned tenant's issuer stands for its service principals, each getting the token with its
    // own credential (a client secret as likely as a certificate or a managed identity), on its own
    // row: not known here, as for a trusted account's principals. The GitHub workloads are federated.
    const entra = sheet.find((x) => x.name.endsWith('(any subject)'))!;
    expect(entra.classification).toMatch(/^service principals of the scanned Entra tenant/);
    expect(entra.strength).toBe('unknown');
    expect(sheet.find((x) => x.scope === 'external:https://token.actions.githubusercontent.com')!.strength).toBe('federated');
    // Whether an outside workload is still there is nothing the scan reads.
    expect(entra.enabled).toBe('unknown');
    const subject = { id: 'okta:o:app:a', name: 'AWS', type: 'okta-aws-federation-app', scope: 'o', nativeId: 'a' };
    const appRow = (evidence: Record<string, unknown>) =>
      rows(renderRecertCsv(report([finding({ provider: 'okta', tier: undefined, ruleId: 'okta-aws-broad-role-mapping', subject, evidence })])))[0];
    expect(appRow({ appStatus: 'INACTIVE' }).enabled).toBe('no');
    expect(appRow({}).enabled).toBe('unknown');
    const kinds = [
      external('aws-account', '999988887777', 'account', '999988887777'),
      external('anyone', '*', 'anyone', '*'),
      external('aws-saml-provider-ref', 'arn:aws:iam::1:saml-provider/x', 'saml', '111122223333'),
      external('x509-trust-anchor', 'arn:aws:rolesanywhere:a', 'anchor', '111122223333'),
      external('gitlab-project', 'gl', 'gitlab', 'https://gitlab.com'),
      finding({ provider: 'aws', tier: 1, subject: { id: 'aws:1:principal:sso', name: 'first-party', type: 'aws-iam-role', scope: '1', nativeId: 'sso' } }),
    ];
    const strength = Object.fromEntries(rows(renderRecertCsv(report(kinds))).map((x) => [x.name, x.strength]));
    expect(strength).toEqual({ account: 'unknown', anyone: 'unknown', saml: 'federated', anchor: 'private-key', gitlab: 'federated', 'first-party': 'unknown' });
  });

  it('names each kind of outsider, and a first-party identity by its tier', () => {
    const findings = [
      external('aws-account', '999988887777', 'AWS account 999988887777 (not scanned)', '999988887777'),
      external('anyone', '*', 'any AWS principal (Principal "*")', '*'),
      external('aws-saml-provider-ref', 'arn:aws:iam::1:saml-provider/x', 'SAML provider x', '111122223333'),
      external('x509-trust-anchor', 'arn:aws:rolesanywhere:a', 'Roles Anywhere trust anchor a', '111122223333'),
      external('gitlab-project', 'gl', 'GitLab project_path:a/b', 'https://gitlab.com'),
      finding({
        provider: 'aws',
        tier: 1,
        ruleId: 'aws-saml-long-session',
        subject: { id: 'aws:1:principal:sso', name: 'AWSReservedSSO_Billing', type: 'aws-iam-role', scope: '1', nativeId: 'sso' },
      }),
      finding({ provider: 'aws', tier: 4, tierIncomplete: 'the x of y were not read', subject: { id: 'aws:1:principal:admin', name: 'AWSReservedSSO_Admin', type: 'aws-iam-role', scope: '1', nativeId: 'admin' } }),
    ];
    const byName = Object.fromEntries(rows(renderRecertCsv(report(findings))).map((x) => [x.name, x]));
    expect(byName['AWS account 999988887777 (not scanned)'].classification).toBe('external account (trusted AWS account)');
    expect(byName['any AWS principal (Principal "*")'].classification).toBe('external: any AWS principal');
    expect(byName['SAML provider x'].classification).toBe('external identity provider (SAML, outside the scan)');
    expect(byName['Roles Anywhere trust anchor a'].classification).toBe('external certificate authority (Roles Anywhere trust anchor)');
    expect(byName['GitLab project_path:a/b'].classification).toBe('external workload (federated)');
    // An identity outside the inventory has a tier (rules give one only to identities): first-party.
    const billing = byName.AWSReservedSSO_Billing;
    expect(billing.classification).toBe('first-party identity (managed by the provider, not in the inventory)');
    expect(billing.capability_tier).toBe('T1');
    // As on an identity row, re-scope needs tier T3 or higher: T1 with a finding is kept.
    expect(billing.recommended_action).toBe('keep');
    const admin = byName.AWSReservedSSO_Admin;
    expect(admin.capability_tier).toMatch(/^T4 or higher \(/);
    expect(admin.recommended_action).toBe('re-scope');
    expect(admin.action_reasons).toMatch(/^re-scope: capability tier T4 or higher/);
  });

  it('gives no row to a subject whose findings are all waived, and leaves a waived finding off a row', () => {
    const a = external('github-repo', 'a', 'GitHub a', 'https://token.actions.githubusercontent.com', { status: 'waived', fingerprint: 'a'.repeat(32) });
    const b1 = external('github-repo', 'b', 'GitHub b', 'https://token.actions.githubusercontent.com', { severity: 'critical', status: 'waived', fingerprint: 'b'.repeat(32) });
    const b2 = external('github-repo', 'b', 'GitHub b', 'https://token.actions.githubusercontent.com', { severity: 'high', fingerprint: 'c'.repeat(32) });
    const sheet = rows(renderRecertCsv(report([b1, a, b2])));
    expect(sheet.map((x) => x.name)).toEqual(['GitHub b']);
    expect(sheet[0].highest_severity).toBe('high');
    expect(fingerprintsOf(sheet[0])).toEqual(['c'.repeat(32)]);
  });

  it('does not repeat a subject that is an identity row', () => {
    const i = identitySummary({ id: 'entra:t1:sp:me', name: 'Me' });
    const f = finding({ subject: { id: i.id, name: i.name, type: i.type, scope: i.scope, nativeId: i.nativeId } });
    expect(rows(renderRecertCsv(report([f], { identities: [i] }))).map((x) => x.id)).toEqual([i.id]);
  });

  it('makes every new cell safe for a spreadsheet', () => {
    const hostile = external('oidc-workload', '=cmd|x', '=HYPERLINK("http://e")', '+issuer;=1+1', {
      path: [{ from: 'a', fromName: 'a', to: 'b', toName: '@SUM(1)', type: 'FEDERATES_TO', reason: 'r', hidden: true, conditional: false, provider: 'external' }],
      evidence: { crownJewel: 'admin' },
    });
    const [r] = rows(renderRecertCsv(report([hostile])));
    expect(r.name).toBe(`'=HYPERLINK("http://e")`);
    expect(r.native_id).toBe(`'=cmd|x`);
    expect(r.scope).toBe(`external:+issuer;'=1+1`);
    expect(r.crown_jewels_reachable).toBe(`'@SUM(1) (admin, 1 hop)`);
    for (const [col, cell] of Object.entries(r)) expect(cell, col).not.toMatch(/^[\s"]*[=+\-@]/);
  });
});
