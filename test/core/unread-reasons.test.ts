import { describe, expect, it } from 'vitest';
import pathRule from '../../rules/nhi/nhi-path-to-crown-jewel.js';
import delegatedRule from '../../rules/nhi/nhi-ai-agent-delegated-high-impact.js';
import roleRule from '../../rules/entra/entra-privileged-directory-role.js';
import agentPrivileged from '../../rules/nhi/nhi-ai-agent-privileged.js';
import tierPolicy from '../../rules/nhi/nhi-tier-policy-violation.js';
import { runRule } from '../helpers/rule-tester.js';
import { graphOf, node, edge } from '../helpers/graph.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';
import { tierLabel } from '../../src/report/tier-label.js';
import { oktaIds as I, oktaOrg, NOW, ORG } from '../helpers/okta-builders.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';

// The reasons a rule gives for an unknown it decides itself, and the notes that a tier is only a
// lower bound, are read by an analyst: like the engine's reason for a required capability, each
// says what was not read, of which tenant, org or account, the coverage record's status and
// reason, and what cannot be judged because of it. Never the bare "<capability> <status>".

const now = '2026-11-20T00:00:00Z';
const ENTRA_TIER_CAPS = ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'];
/** Every capability of tenant `t` collected, but for the records given (which replace theirs). */
const tenant = (scope: string, ...over: Omit<CoverageRecord, 'provider' | 'scope'>[]): CoverageRecord[] => [
  ...ENTRA_TIER_CAPS.filter((c) => !over.some((o) => o.capability === c)).map((capability) => ({ provider: 'entra' as const, scope, capability, status: 'collected' as const })),
  ...over.map((o) => ({ provider: 'entra' as const, scope, ...o })),
];
const secret = (id: string) => node(id, { kind: 'credential', type: 'c', provider: 'entra', credentialType: 'client-secret', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2028-01-01T00:00:00Z' });

describe('nhi-path-to-crown-jewel: why no path found is not a pass', () => {
  const entry = () => [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' }), secret('s1')];

  it('names the unread owner lists, the tenant, the denial and its reason, and that reaching a crown jewel cannot be judged', () => {
    const g = graphOf(entry(), [edge('sp', 's1', 'HAS_CREDENTIAL')], tenant('t', { capability: 'entra.owners', status: 'missing-permission', reason: '403 Authorization_RequestDenied on GET /v1.0/applications/a/owners' }));
    expect(runRule(pathRule, g, { now }).stats.unknownReasons).toEqual({
      'the owners of the app registrations and service principals of tenant t were not read (denied: 403 Authorization_RequestDenied on GET /v1.0/applications/a/owners); so whether it reaches a crown jewel cannot be judged': 1,
    });
  });

  it('names a group whose members were not read, with the record of the file that lacks it', () => {
    const g = graphOf(
      [
        ...entry(),
        node('grp', { kind: 'group', provider: 'entra', type: 'entra-group', name: 'Tier0 Admins', scope: 't' }),
        node('ga', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', scope: 't', tier: 4, crownJewel: 'admin' }),
      ],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('grp', 'ga', 'HAS_ROLE')],
      tenant('t', { capability: 'entra.groups@groupMembers.json', status: 'error', reason: '1 of 2 groups is not in groupMembers.json: their members were not read (first: grp)' }),
    );
    expect(runRule(pathRule, g, { now }).stats.unknownReasons).toEqual({
      'the members of group Tier0 Admins of tenant t were not read (error: 1 of 2 groups is not in groupMembers.json: their members were not read (first: grp)); so whether it reaches a crown jewel cannot be judged': 1,
    });
  });
});

describe('nhi-ai-agent-delegated-high-impact: grants not read', () => {
  it('says which grants of which tenant were not read, why, and what cannot be judged', () => {
    const g = graphOf(
      [node('quiet', { provider: 'entra', type: 'entra-service-principal', scope: 't', agent: { confidence: 'name', reasons: ['name matches assistant'] } })],
      [],
      tenant('t', { capability: 'entra.oauth2PermissionGrants', status: 'error', reason: '503 on GET /v1.0/oauth2PermissionGrants' }),
    );
    expect(runRule(delegatedRule, g, { now }).stats.unknownReasons).toEqual({
      'the delegated permission grants of tenant t were not read (error: 503 on GET /v1.0/oauth2PermissionGrants); so whether it can act for every user on mail, files or chat cannot be judged': 1,
    });
  });
});

describe('entra-privileged-directory-role: PIM, groups and group members not read', () => {
  it('says the PIM eligibilities of the tenant were denied, with the reason, and what cannot be judged', () => {
    const g = graphOf([node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' })], [], tenant('t', { capability: 'entra.pim', status: 'missing-permission', reason: 'RoleEligibilitySchedule.Read.Directory not consented' }));
    expect(runRule(roleRule, g, { now }).stats.unknownReasons).toEqual({
      'the PIM role eligibilities of tenant t were not read (denied: RoleEligibilitySchedule.Read.Directory not consented); so whether it holds a privileged directory role as a PIM eligibility or through a role-assignable group cannot be judged': 1,
    });
  });

  it('names the group whose members were not read; without a record of its file, no status is claimed', () => {
    const g = graphOf(
      [
        node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' }),
        node('grp', { kind: 'group', provider: 'entra', type: 'entra-group', name: 'Tier0', scope: 't' }),
        node('pra', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', scope: 't', tier: 4 }),
      ],
      [edge('grp', 'pra', 'HAS_ROLE')],
      tenant('t'),
    );
    expect(runRule(roleRule, g, { now }).stats.unknownReasons).toEqual({
      'the members of group Tier0 of tenant t were not read; so whether it holds a privileged directory role through that group cannot be judged': 1,
    });
  });
});

describe('tier rules: the unknown when the tier may be higher', () => {
  it('nhi-ai-agent-privileged names the IAM data of the account and the tier that cannot be judged', () => {
    const g = graphOf(
      [node('reader', { agent: { confidence: 'permission', reasons: ['may invoke bedrock:InvokeModel'] } }), node('read', { kind: 'privilege', type: 'p', tier: 1 })],
      [edge('reader', 'read', 'GRANTED')],
      [{ provider: 'aws', scope: 'acct', capability: 'aws.iam', status: 'error', reason: 'GetAccountAuthorizationDetails throttled' }],
    );
    expect(runRule(agentPrivileged, g, { now }).stats.unknownReasons).toEqual({
      'the IAM authorization details (users, roles, groups and policies) of account acct were not read (error: GetAccountAuthorizationDetails throttled); so whether its tier reaches T3 cannot be judged': 1,
    });
  });
  it('nhi-tier-policy-violation says which tier policy applies cannot be judged', () => {
    // A T0 role with an active access key and no owner: no breach of T0's policy, but T3's or T4's
    // would be breached; with the account's IAM data not read, its tier may be one of them.
    const g = graphOf(
      [node('r', { type: 'aws-iam-user' }), node('k', { kind: 'credential', type: 'aws-access-key', credentialType: 'access-key', createdAt: '2024-01-01T00:00:00Z' })],
      [edge('r', 'k', 'HAS_CREDENTIAL')],
      [{ provider: 'aws', scope: 'acct', capability: 'aws.iam', status: 'missing-permission', reason: 'AccessDenied on GetAccountAuthorizationDetails' }],
    );
    expect(runRule(tierPolicy, g, { now }).stats.unknownReasons).toEqual({
      'the IAM authorization details (users, roles, groups and policies) of account acct were not read (denied: AccessDenied on GetAccountAuthorizationDetails); so its tier, and so which tier policy applies, cannot be judged': 1,
    });
  });
});

describe('nhi-path-to-crown-jewel on an Okta org', () => {
  it('names the AWS app whose assignments were not read, the org and the record of the file that lacks it', () => {
    const o = oktaOrg()
      .user({ id: 'sa', login: 'svc.sync@acme.com', factors: [], roles: [], groups: [] })
      .token({ id: 'tok', name: 'sync', userId: 'sa', created: '2026-10-01T00:00:00.000Z', connection: 'ANYWHERE' })
      .awsApp({ id: 'aws1', label: 'AWS prod' });
    const snap = o.snapshot();
    delete (snap.files['okta/appUsers.json'] as Record<string, unknown>).aws1;
    const result = scanSnapshot(snap, { now: new Date(NOW), config: DEFAULT_CONFIG, rules: [pathRule], version: 'test' });
    const record = result.report.coverage.find((c) => c.capability === 'okta.appAssignments@appUsers.json')!;
    expect(record.status).toBe('error');
    // Both entry points of the org say it: the token and its user, a service account.
    expect(result.report.rules[0].unknownReasons).toEqual({
      [`the user and group assignments of the AWS app AWS prod of org ${ORG} were not read (error: ${record.reason}); so whether it reaches a crown jewel cannot be judged`]: 2,
    });
  });
});

describe('a tier that is only a lower bound', () => {
  const scan = (o: ReturnType<typeof oktaOrg>) => scanSnapshot(o.snapshot(), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' }).report;
  const withOwner = (roles: string[] | null, groups?: null) =>
    oktaOrg()
      .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles, ...(groups === null ? { groups } : {}) })
      .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' });
  const GAP = `the admin role assignments of org ${ORG} were not read (denied: 403 E0000006 You do not have permission to perform the requested action)`;

  it('names what was not read, where, the status and its reason, in the identity and its tier reasons', () => {
    const report = scan(withOwner(['SUPER_ADMIN']).without('userRoles').without('groupRoles').withCoverage('okta.adminRoles', 'missing-permission', '403 E0000006 You do not have permission to perform the requested action'));
    const token = report.identities.find((i) => i.id === I.token('tok'))!;
    expect(token.tierIncomplete).toBe(GAP);
    expect(token.tierReasons).toContain(`may reach more: ${GAP}; so whether it reaches a tier above T0 cannot be judged (the tier is a lower bound)`);
    for (const f of report.findings.filter((x) => x.subject.id === I.token('tok'))) expect(f.tierIncomplete).toBe(GAP);
  });

  it('reads "T0 or higher" with the sentence wherever a tier is shown to a person', () => {
    expect(tierLabel(0, GAP)).toBe(`T0 or higher (${GAP}; so whether it reaches a tier above T0 cannot be judged)`);
    expect(tierLabel(2)).toBe('T2');
  });

  it('names the service app whose grants or roles were not read, the org and the record of the file that lacks it', () => {
    const report = scan(oktaOrg().serviceApp({ id: 'app1', label: 'Sync app', grants: null }));
    const app = report.identities.find((i) => i.id === I.app('app1'))!;
    const record = report.coverage.find((c) => c.capability === 'okta.appGrants@appGrants.json')!;
    expect(app.tierIncomplete).toBe(`the scope grants or admin roles of app Sync app of org ${ORG} were not read (error: ${record.reason})`);
  });

  it('names the user whose roles or groups were not read, the org, and the records of the files that lack it', () => {
    const report = scan(withOwner(null, null));
    const token = report.identities.find((i) => i.id === I.token('tok'))!;
    const records = report.coverage.filter((c) => c.capability === 'okta.adminRoles@userRoles.json' || c.capability === 'okta.groups@userGroups.json');
    expect(records).toHaveLength(2);
    const roles = records.find((c) => c.capability === 'okta.adminRoles@userRoles.json')!;
    const groups = records.find((c) => c.capability === 'okta.groups@userGroups.json')!;
    expect(token.tierIncomplete).toBe(`the admin roles or groups of user svc.zapier@acme.com of org ${ORG} were not read (error: ${roles.reason}; error: ${groups.reason})`);
  });
});
