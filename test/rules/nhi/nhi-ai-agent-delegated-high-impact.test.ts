import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-ai-agent-delegated-high-impact.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import type { CoverageStatus } from '../../../src/snapshot/types.js';
import { allRules } from '../../../rules/index.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { scanSnapshot } from '../../../src/scan.js';

const now = '2026-11-20T00:00:00Z';
const agent = { confidence: 'name' as const, reasons: ['name matches assistant'] };
// Every capability behind an Entra identity's power: the grants, and what would show power of its
// own (directory roles, PIM, groups, owners), which decides a delegated consent's severity.
const grantsRead = (status: { [cap: string]: CoverageStatus } = {}) =>
  ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim', 'entra.groups', 'entra.owners'].map((capability) => ({ provider: 'entra' as const, scope: 'acct', capability, status: status[capability] ?? 'collected' }));
const GRAPH = '00000003-0000-0000-c000-000000000000';
const TENANT = '5f0c2b1e-8d3a-4c6f-9b27-1e4d7a9c3b50';
const scope = (id: string, value: string, tier: 0 | 1 | 2 | 3 | 4, resourceAppId = GRAPH) =>
  node(id, { kind: 'privilege', provider: 'entra', type: 'entra-delegated-scope', name: `Microsoft Graph ${value}`, tier, attrs: { value, resourceAppId } });

describe('nhi-ai-agent-delegated-high-impact', () => {
  it('flags an agent with an all-users Mail.Send consent, and not per-user consent or non-agents', () => {
    const g = graphOf(
      [
        node('bot', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('peruser', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('plainapp', { provider: 'entra', type: 'entra-service-principal' }),
        scope('send', 'Mail.Send', 2),
        scope('read', 'User.Read', 0),
      ],
      [
        edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('bot', 'read', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('peruser', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'Principal' } }),
        edge('plainapp', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
      ],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('bot')).toBe('fail');
    expect(r.findings[0].message).toMatch(/Mail\.Send for ALL users/);
    expect(r.findings[0].message).not.toMatch(/User\.Read/);
    expect(r.verdicts.get('peruser')).toBe('pass');
    expect(r.verdicts.has('plainapp')).toBe(false);
  });

  // RULES-CATALOG §3.4: high; critical when the agent acts on its own (A2) or is third-party. A
  // delegated token exists only for a user signed in to the agent: with nothing else it acts for
  // them (a person in the loop), and the AI-agent label is no evidence of acting alone.
  it('rates a tenant-wide consent high when the agent acts only for signed-in users, critical when it also acts on its own', () => {
    const userReadAll = node('users', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'User.Read.All (Microsoft Graph)', tier: 1, attrs: { permission: 'User.Read.All', resourceAppId: GRAPH } });
    const ga = node('ga', { kind: 'privilege', provider: 'entra', type: 'entra-directory-role', name: 'Global Reader', tier: 1 });
    const g = graphOf(
      [
        // Owners read: otherwise 'inloop' may own one that holds power (not known, below).
        node('inloop', { provider: 'entra', type: 'entra-service-principal', agent, attrs: { ownersCollected: true } }),
        node('approle', { provider: 'entra', type: 'entra-service-principal', agent, attrs: { ownersCollected: true } }),
        node('viagroup', { provider: 'entra', type: 'entra-service-principal', agent, attrs: { ownersCollected: true } }),
        node('vendor', { provider: 'entra', type: 'entra-service-principal', agent, thirdParty: { ownerScope: 'other-tenant', verifiedPublisher: true }, attrs: { ownersCollected: true } }),
        // Its members were read: otherwise 'inloop' may be one (not known, below).
        node('grp', { kind: 'group', provider: 'entra', type: 'entra-group', attrs: { membersCollected: true } }),
        scope('send', 'Mail.Send', 2),
        userReadAll,
        ga,
      ],
      [
        ...['inloop', 'approle', 'viagroup', 'vendor'].map((id) => edge(id, 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } })),
        // Any application permission lets it act without a user, not only one of the pattern.
        edge('approle', 'users', 'GRANTED'),
        edge('viagroup', 'grp', 'MEMBER_OF'),
        edge('grp', 'ga', 'HAS_ROLE'),
      ],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    const of = (id: string) => r.findings.filter((f) => f.subject.id === id).map((f) => [f.messageId, f.severity, f.evidence.autonomy]);
    expect(of('inloop')).toEqual([['delegated', 'high', 'delegated only']]);
    expect(r.findings.find((f) => f.subject.id === 'inloop')!.message).toBe('inloop is an AI agent (name: name matches assistant) and can Mail.Send for ALL users through a tenant-wide consent, for whoever signs in to it');
    expect(of('approle')).toEqual([['delegatedOwn', 'critical', 'acts on its own']]);
    expect(r.findings.find((f) => f.subject.id === 'approle')!.message).toMatch(/; it also acts on its own: holds app-only permissions or roles$/);
    expect(of('viagroup')).toEqual([['delegatedOwn', 'critical', 'acts on its own']]);
    expect(r.findings.find((f) => f.subject.id === 'viagroup')!.message).toMatch(/member of grp/);
    expect(of('vendor')).toEqual([['delegatedOwn', 'critical', 'third-party']]);
  });

  // Unread application permission assignments may hide an app role that makes it autonomous: the
  // finding keeps the higher rating and says why, never the lower one by default.
  it('keeps a delegated-only agent critical when its tenant\'s application permissions were not read', () => {
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), scope('send', 'Mail.Send', 2)],
      [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } })],
      grantsRead({ 'entra.appRoleAssignments': 'missing-permission' }),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => [f.messageId, f.severity, f.evidence.autonomy])).toEqual([['delegatedOwn', 'critical', 'not known']]);
    expect(r.findings[0].message).toMatch(/whether it also holds application permissions was not read$/);
  });

  // A disabled app role (isEnabled false) is in no token: latent, so medium and named disabled;
  // a live one beside it keeps the finding critical (listing only the live one).
  it('reports an application permission whose app role is disabled at medium, saying so, and a live one still critical', () => {
    const role = (id: string, permission: string, off: boolean) =>
      node(id, { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: `${permission} (Microsoft Graph)`, tier: 1, attrs: { permission, resourceAppId: GRAPH }, ...(off ? { enabled: false } : {}) });
    const g = graphOf(
      [
        node('old', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('mixed', { provider: 'entra', type: 'entra-service-principal', agent }),
        role('send-off', 'Mail.Send', true),
        role('files', 'Files.ReadWrite.All', false),
      ],
      [edge('old', 'send-off', 'GRANTED'), edge('mixed', 'send-off', 'GRANTED'), edge('mixed', 'files', 'GRANTED')],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    const old = r.findings.filter((f) => f.subject.id === 'old');
    expect(old.map((f) => [f.messageId, f.severity])).toEqual([['applicationDisabled', 'medium']]);
    expect(old[0].message).toContain('Mail.Send over every mailbox or site; for each, the app role is disabled: no token carries it until it is re-enabled');
    const mixed = r.findings.filter((f) => f.subject.id === 'mixed');
    expect(mixed.map((f) => [f.messageId, f.severity])).toEqual([['application', 'critical']]);
    expect(mixed[0].message).toMatch(/Files\.ReadWrite\.All over/);
    expect(mixed[0].message).not.toMatch(/Mail\.Send/);
  });

  // Consistent with the medium finding of a disabled app role: beside a tenant-wide consent it
  // does not make the agent act on its own either (the consent stays high, the role medium).
  it('rates a tenant-wide consent high when the agent\'s only app role is disabled', () => {
    const off = node('send-off', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Mail.Send (Microsoft Graph)', tier: 2, attrs: { permission: 'Mail.Send', resourceAppId: GRAPH }, enabled: false });
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent, attrs: { ownersCollected: true } }), scope('send', 'Mail.Send', 2), off],
      [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }), edge('bot', 'send-off', 'GRANTED')],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => [f.messageId, f.severity, f.evidence.autonomy])).toEqual([
      ['delegated', 'high', 'delegated only'],
      ['applicationDisabled', 'medium', undefined],
    ]);
  });

  // Microsoft Graph names: ChatMessage.Send (delegated: send chat messages as the user) and
  // Chat.ReadWrite.All (application); "Chat.Send" does not exist (RULES-CATALOG §3.4 "Chat/ChannelMessage.Send").
  it('flags the real Graph chat permissions: ChatMessage.Send consent and Chat.ReadWrite.All', () => {
    const g = graphOf(
      [
        node('bot', { provider: 'entra', type: 'entra-service-principal', agent }),
        scope('chat', 'ChatMessage.Send', 2),
        node('chatall', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Chat.ReadWrite.All (Microsoft Graph)', tier: 2, attrs: { permission: 'Chat.ReadWrite.All', resourceAppId: GRAPH } }),
      ],
      [
        edge('bot', 'chat', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('bot', 'chatall', 'GRANTED'),
      ],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => f.messageId).sort()).toEqual(['application', 'delegatedOwn']);
    expect(r.findings.find((f) => f.messageId === 'delegatedOwn')!.message).toMatch(/ChatMessage\.Send/);
  });

  // The names mean mail, files and chat on Microsoft's resources only: an API of the tenant or a
  // vendor's that calls an app role or scope Mail.Send is another permission.
  it('matches an Entra permission only on Microsoft Graph, Exchange Online or SharePoint Online', () => {
    const appRole = (id: string, permission: string, resourceAppId: string) =>
      node(id, { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: `${permission} (${resourceAppId})`, tier: 1, attrs: { permission, resourceAppId } });
    const OWN_API = '6a1f0c55-3b2e-4f7a-9d10-2c4e8b7f1a90';
    const g = graphOf(
      [
        node('graph', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('exo', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('spo', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('own', { provider: 'entra', type: 'entra-service-principal', agent }),
        node('unread', { provider: 'entra', type: 'entra-service-principal', agent }),
        appRole('send-graph', 'Mail.Send', GRAPH),
        appRole('send-exo', 'Mail.Send', '00000002-0000-0ff1-ce00-000000000000'),
        appRole('sites-spo', 'Sites.FullControl.All', '00000003-0000-0ff1-ce00-000000000000'),
        appRole('send-own', 'Mail.Send', OWN_API),
        scope('scope-own', 'Mail.Send', 2, OWN_API),
        // A delegated grant whose resource is not in the snapshot: its scope's name is all there is.
        node('scope-unread', { kind: 'privilege', provider: 'entra', type: 'entra-delegated-scope', name: 'Mail.Send', tier: 2, attrs: { permission: 'Mail.Send', resourceAppId: OWN_API, resourceUnread: true } }),
      ],
      [
        edge('graph', 'send-graph', 'GRANTED'),
        edge('exo', 'send-exo', 'GRANTED'),
        edge('spo', 'sites-spo', 'GRANTED'),
        edge('own', 'send-own', 'GRANTED'),
        edge('own', 'scope-own', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('unread', 'scope-unread', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
      ],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    expect(['graph', 'exo', 'spo', 'own', 'unread'].map((id) => [id, r.verdicts.get(id)])).toEqual([
      ['graph', 'fail'],
      ['exo', 'fail'],
      ['spo', 'fail'],
      ['own', 'pass'],
      ['unread', 'fail'],
    ]);
  });

  it('reads the resource the Entra transform records: Mail.Send of a tenant API is no finding, of Microsoft Graph one', () => {
    const sp = (id: string, appId: string, name: string, extra: Record<string, unknown> = {}) => ({
      id, appId, displayName: name, accountEnabled: true, servicePrincipalType: 'Application', appOwnerOrganizationId: TENANT, keyCredentials: [], passwordCredentials: [], servicePrincipalNames: [], tags: [], ...extra,
    });
    const snapshot = (resourceAppId: string) => ({
      manifest: { schemaVersion: 1, collectedAt: now, providers: { entra: { tenantId: TENANT } }, coverage: [] },
      files: {
        'entra/servicePrincipals.json': {
          value: [
            sp('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000a1', 'mail-assistant-agent', { tags: ['AIAgent'] }),
            sp('a0000000-0000-4000-8000-000000000002', resourceAppId, 'Mail resource', { appRoles: [{ id: 'b0000000-0000-4000-8000-000000000001', value: 'Mail.Send', isEnabled: true, allowedMemberTypes: ['Application'] }] }),
          ],
        },
        'entra/appRoleAssignments.json': {
          value: [{ id: 'asg-1', appRoleId: 'b0000000-0000-4000-8000-000000000001', principalId: 'a0000000-0000-4000-8000-000000000001', principalType: 'ServicePrincipal', resourceId: 'a0000000-0000-4000-8000-000000000002', createdDateTime: '2026-01-01T00:00:00Z' }],
        },
      },
    });
    const found = (resourceAppId: string) =>
      scanSnapshot(snapshot(resourceAppId) as never, { now: new Date(now), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' }).report.findings.filter((f) => f.ruleId === rule.meta.id);
    expect(found(GRAPH).map((f) => f.messageId)).toEqual(['application']);
    expect(found('c0000000-0000-4000-8000-0000000000c1')).toEqual([]);
    // A consent for all users on a resource the snapshot does not hold (warned about): which
    // resource it is cannot be told, so the scope's name decides, as before.
    const unread = snapshot(GRAPH);
    (unread.files as Record<string, unknown>)['entra/oauth2PermissionGrants.json'] = {
      value: [{ id: 'g-1', clientId: 'a0000000-0000-4000-8000-000000000001', consentType: 'AllPrincipals', resourceId: 'd0000000-0000-4000-8000-0000000000d1', scope: 'Mail.Send' }],
    };
    const all = scanSnapshot(unread as never, { now: new Date(now), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' }).report.findings.filter((f) => f.ruleId === rule.meta.id);
    expect(all.map((f) => f.messageId).sort()).toEqual(['application', 'delegatedOwn']);
  });

  it('matches permission names whatever their case (Entra scope names are case-insensitive)', () => {
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), scope('send', 'mail.send', 2)],
      [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } })],
      grantsRead(),
    );
    expect(runRule(rule, g, { now }).verdicts.get('bot')).toBe('fail');
  });

  it('flags application permissions too, as critical', () => {
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), node('files', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Files.ReadWrite.All', tier: 2, attrs: { value: 'Files.ReadWrite.All', resourceAppId: GRAPH } })],
      [edge('bot', 'files', 'GRANTED')],
    );
    const [f] = runRule(rule, g, { now }).findings;
    expect(f.severity).toBe('critical');
    expect(f.messageId).toBe('application');
  });

  it('is unknown, not passing, when the grants of its tenant were not read; a grant found still fails', () => {
    const build = (status: { [cap: string]: CoverageStatus }) =>
      graphOf(
        [node('quiet', { provider: 'entra', type: 'entra-service-principal', agent }), node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), scope('send', 'Mail.Send', 2)],
        [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } })],
        grantsRead(status),
      );
    // Grants are held by service principals: with that list not read, an app registration's may hold one.
    const labels: Record<string, string> = {
      'entra.servicePrincipals': 'the service principal list of tenant acct was',
      'entra.appRoleAssignments': 'the application permission assignments of tenant acct were',
      'entra.oauth2PermissionGrants': 'the delegated permission grants of tenant acct were',
    };
    for (const [cap, label] of Object.entries(labels)) {
      const r = runRule(rule, build({ [cap]: 'missing-permission' }), { now });
      expect(r.verdicts.get('quiet')).toBe('unknown');
      expect(r.stats.unknownReasons).toEqual({ [`${label} not read (denied); so whether it can act for every user on mail, files or chat cannot be judged`]: 1 });
      expect(r.verdicts.get('bot')).toBe('fail');
    }
    expect(runRule(rule, build({}), { now }).verdicts.get('quiet')).toBe('pass');
  });

  it('checks the grant capability of the agent\'s own provider (AWS: aws.iam)', () => {
    const build = (status: CoverageStatus) =>
      graphOf([node('role', { agent })], [], [{ provider: 'aws', scope: 'acct', capability: 'aws.iam', status }]);
    expect(runRule(rule, build('error'), { now }).verdicts.get('role')).toBe('unknown');
    expect(runRule(rule, build('collected'), { now }).verdicts.get('role')).toBe('pass');
  });
});

// ownAutonomy reads what the agent holds without a signed-in user: with what would show it not
// read, "delegated only" (high) is not known, and the finding stays critical, saying so.
describe('severity split with what shows power of its own not read', () => {
  const delegatedOnly = (coverage: ReturnType<typeof grantsRead>, extraNodes: ReturnType<typeof node>[] = []) =>
    runRule(
      rule,
      graphOf(
        [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), scope('send', 'Mail.Send', 2), ...extraNodes],
        [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } })],
        coverage,
      ),
      { now },
    ).findings.map((f) => [f.messageId, f.severity, f.evidence.autonomy, f.message]);

  it('keeps it critical when its directory role assignments were not read (a role, or a role-assignable group\'s, would make it act on its own)', () => {
    const [[id, severity, autonomy, message]] = delegatedOnly(grantsRead({ 'entra.directoryRoles': 'missing-permission', 'entra.groups': 'missing-permission' }));
    expect([id, severity, autonomy]).toEqual(['delegatedOwn', 'critical', 'not known']);
    expect(message).toMatch(/; whether it also acts on its own is not known: the directory role assignments of tenant acct were not read \(denied\)$/);
  });

  it('keeps it critical when only the groups were not read', () => {
    const [[, severity, autonomy, message]] = delegatedOnly(grantsRead({ 'entra.groups': 'error' }));
    expect([severity, autonomy]).toEqual(['critical', 'not known']);
    expect(message).toMatch(/the role-assignable groups, the groups assigned app roles, and their members of tenant acct were not read \(error\)$/);
  });

  it('keeps it critical when the app role assignments of a resource of its own tenant (not Microsoft\'s) were not read: any app role makes it act on its own', () => {
    const api = node('api', { provider: 'entra', type: 'entra-service-principal', name: 'Contoso Orders API', attrs: { appId: '6a1f0c55-3b2e-4f7a-9d10-2c4e8b7f1a90', appRoleAssignmentsUnread: true, unreadAppRoleTier: 0 } });
    const gap = { provider: 'entra' as const, scope: 'acct', capability: 'entra.appRoleAssignments@appRoleAssignments.json', status: 'error' as CoverageStatus, reason: '1 of 2 resource app role assignment lists not read: 500 on GET x' };
    const [[, severity, autonomy, message]] = delegatedOnly([...grantsRead(), gap], [api]);
    expect([severity, autonomy]).toEqual(['critical', 'not known']);
    expect(message).toMatch(/the app role assignments of resource Contoso Orders API of tenant acct were not read \(error: 1 of 2/);
    // Everything read: delegated only.
    expect(delegatedOnly(grantsRead()).map((f) => f.slice(0, 3))).toEqual([['delegated', 'high', 'delegated only']]);
  });

  it('keeps it critical when the members of a privileged group were not read (it may be one)', () => {
    const admins = node('admins', { provider: 'entra', kind: 'group', type: 'entra-group', name: 'Helpdesk admins', attrs: { membersCollected: false } });
    const role = node('role', { provider: 'entra', kind: 'privilege', type: 'entra-directory-role', name: 'Helpdesk Administrator', tier: 3 });
    const g = graphOf(
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), scope('send', 'Mail.Send', 2), admins, role],
      [edge('bot', 'send', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }), edge('admins', 'role', 'HAS_ROLE')],
      grantsRead(),
    );
    const [f] = runRule(rule, g, { now }).findings;
    expect([f.severity, f.evidence.autonomy]).toEqual(['critical', 'not known']);
    expect(f.message).toMatch(/the members of group Helpdesk admins of tenant acct were not read$/);
  });
});
