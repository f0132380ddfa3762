import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-entra-token-any-app-assumes-aws-role.js';
import { runRule } from '../../helpers/rule-tester.js';
import { node, edge } from '../../helpers/graph.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import { claimFact } from '../../../src/aws/trust.js';

const now = '2026-11-20T00:00:00Z';
const T = '691d0d64-52fb-4de1-ae87-2e52cdd26449';

function build(opts: { subjectMatch: string; assignmentRequired: boolean | undefined; scanned?: boolean; sps?: 'collected' | 'missing-permission'; issuer?: string }) {
  const b = new GraphBuilder();
  if (opts.scanned !== false) {
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: opts.sps ?? 'collected' });
  }
  b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, attrs: { appId: 'app-guid', appRoleAssignmentRequired: opts.assignmentRequired } }));
  b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: opts.issuer ?? `https://sts.windows.net/${T}/`, subjectMatch: opts.subjectMatch, audiences: ['app-guid'] } }));
  b.addNode(node('role', { name: 'ops-agent-role' }));
  b.addNode(node('secrets', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' }));
  b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
  b.addEdge(edge('role', 'secrets', 'GRANTED'));
  return b.build();
}

describe('nhi-entra-token-any-app-assumes-aws-role', () => {
  it('flags an audience-only trust when the app does not require assignment', () => {
    const r = runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: false }), { now });
    expect(r.verdicts.get('ext')).toBe('fail');
    expect(r.findings[0].severity).toBe('critical');
    expect(r.findings[0].message).toMatch(/ops-agent-role/);
  });
  it('passes when the subject is pinned or the app requires assignment', () => {
    expect(runRule(rule, build({ subjectMatch: 'exact', assignmentRequired: false }), { now }).verdicts.get('ext')).toBe('pass');
    expect(runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: true }), { now }).verdicts.get('ext')).toBe('pass');
  });
  it('judges the Entra issuers of the sovereign clouds as it judges the global ones', () => {
    // Issuers per cloud (Microsoft Q&A, "token issuers for the sovereign clouds"): v1
    // sts.windows.net or sts.chinacloudapi.cn (21Vianet); v2 login.microsoftonline.com,
    // login.microsoftonline.us or login.partner.microsoftonline.cn. The linker knows them all.
    for (const issuer of [`https://sts.chinacloudapi.cn/${T}/`, `https://login.partner.microsoftonline.cn/${T}/v2.0`, `https://login.microsoftonline.us/${T}/v2.0`]) {
      const r = runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: false, issuer }), { now });
      expect([issuer, r.verdicts.get('ext')]).toEqual([issuer, 'fail']);
      expect(r.findings[0].message).toMatch(new RegExp(`tenant ${T}`));
    }
    // A look-alike host is no Entra issuer: the rule does not take it for one.
    expect(runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: false, issuer: `https://sts.chinacloudapi.cn.example/${T}/` }), { now }).verdicts.get('ext')).toBeUndefined();
  });
  it('is unknown, not failing, when the service principals of the tenant were not collected', () => {
    expect(runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: false, sps: 'missing-permission' }), { now }).verdicts.get('ext')).toBe('unknown');
  });
  it('is unknown, not failing, when the audience app has no appRoleAssignmentRequired field', () => {
    expect(runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: undefined }), { now }).verdicts.get('ext')).toBe('unknown');
  });
  it('is unknown when the tenant was not scanned', () => {
    expect(runRule(rule, build({ subjectMatch: 'missing', assignmentRequired: false, scanned: false }), { now }).verdicts.get('ext')).toBe('unknown');
  });

  it('judges each role by its own audience: the external node is shared by every role trusting the issuer', () => {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('open-app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Open App', attrs: { appId: 'open-guid', appRoleAssignmentRequired: false } }));
    b.addNode(node('strict-app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Strict App', attrs: { appId: 'strict-guid', appRoleAssignmentRequired: true } }));
    // The node carries the first role's audiences (strict); each edge carries its own.
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subjectMatch: 'missing', audiences: ['strict-guid'] } }));
    b.addNode(node('strict-role'));
    b.addNode(node('open-role'));
    b.addEdge(edge('ext', 'strict-role', 'FEDERATES_TO', { evidence: { audiences: ['strict-guid'] } }));
    b.addEdge(edge('ext', 'open-role', 'FEDERATES_TO', { evidence: { audiences: ['open-guid'] } }));
    const r = runRule(rule, b.build(), { now });
    expect(r.findings.map((f) => f.evidence.role)).toEqual(['open-role']);
    expect(r.findings[0].message).toMatch(/for audience open-guid .*Open App does not require/);
  });

  it('finds the audience app by its App ID URI (servicePrincipalNames), not only by app id', () => {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'AWS Fed', attrs: { appId: 'fed-guid', servicePrincipalNames: ['fed-guid', 'api://aws-fed'], appRoleAssignmentRequired: true } }));
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subjectMatch: 'missing', audiences: ['API://aws-fed'] } }));
    b.addNode(node('role'));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    expect(runRule(rule, b.build(), { now }).verdicts.get('ext')).toBe('pass');
    // Near miss: the same app without assignment required.
    const open = new GraphBuilder();
    open.addScope({ provider: 'entra', id: T });
    open.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    open.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'AWS Fed', attrs: { appId: 'fed-guid', servicePrincipalNames: ['fed-guid', 'api://aws-fed'], appRoleAssignmentRequired: false } }));
    open.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subjectMatch: 'missing', audiences: ['api://aws-fed'] } }));
    open.addNode(node('role'));
    open.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    const r = runRule(rule, open.build(), { now });
    expect(r.findings[0].message).toMatch(/AWS Fed does not require/);
  });

  it('names a sub pattern and the service principals it admits, at a lower severity than no sub condition', () => {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', attrs: { appId: 'app-guid', appRoleAssignmentRequired: false } }));
    b.addNode(node('legacy', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Legacy Sync' }));
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subject: 'c808fcb1-*', subjectMatch: 'wildcard', audiences: ['app-guid'] } }));
    b.addNode(node('role', { name: 'ops-agent-role' }));
    b.addNode(node('secrets', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    b.addEdge(edge('legacy', 'role', 'CAN_ASSUME', { evidence: { via: 'ext' } }));
    b.addEdge(edge('role', 'secrets', 'GRANTED'));
    const f = runRule(rule, b.build(), { now }).findings;
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].message).toMatch(/with sub pattern c808fcb1-\*, not one object id; Ops Agent does not require .*\(today: Legacy Sync\)/);
    expect(f[0].message).not.toMatch(/without a sub condition/);
  });

  it('names the first ten service principals a broad sub pattern admits, in text order, and counts the rest', () => {
    // A pattern such as `*-4*` admits most of a tenant: listing each one in the finding of every
    // trust that uses it made the report grow as trusts x service principals.
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', attrs: { appId: 'app-guid', appRoleAssignmentRequired: false } }));
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subject: '*-4*', subjectMatch: 'wildcard', audiences: ['app-guid'] } }));
    b.addNode(node('role', { name: 'ops-agent-role' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    // Linked in an order that is not the names' order (the provider's listing order).
    for (const i of [14, 3, 9, 0, 12, 7, 1, 10, 5, 13, 2, 8, 11, 6, 4]) {
      const id = `sp${i}`;
      b.addNode(node(id, { provider: 'entra', type: 'entra-service-principal', scope: T, name: `Sync ${String(i).padStart(2, '0')}` }));
      b.addEdge(edge(id, 'role', 'CAN_ASSUME', { evidence: { via: 'ext' } }));
    }
    const f = runRule(rule, b.build(), { now }).findings;
    expect(f).toHaveLength(1);
    const shown = Array.from({ length: 10 }, (_, i) => `Sync ${String(i).padStart(2, '0')}`).join(', ');
    expect(f[0].message).toContain(`(today: ${shown} and 5 more)`);
    expect(f[0].message).not.toContain('Sync 10');
    expect(f[0].evidence.admittedToday).toBe(15);
  });

  it('counts service principals, not names: two with one display name are two, one linked through two audiences is one', () => {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', attrs: { appId: 'app-guid', appRoleAssignmentRequired: false } }));
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subject: '*-4*', subjectMatch: 'wildcard', audiences: ['app-guid'] } }));
    b.addNode(node('role', { name: 'ops-agent-role' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    // Twelve service principals named alike (a template), and one reached through two audiences.
    for (let i = 0; i < 12; i++) {
      b.addNode(node(`twin${i}`, { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Sync', nativeId: `oid-${String(i).padStart(2, '0')}` }));
      b.addEdge(edge(`twin${i}`, 'role', 'CAN_ASSUME', { evidence: { via: 'ext' } }));
    }
    b.addNode(node('solo', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Alpha' }));
    b.addEdge(edge('solo', 'role', 'CAN_ASSUME', { evidence: { via: 'ext', audiences: ['a'] } }));
    b.addEdge(edge('solo', 'role', 'CAN_ASSUME', { evidence: { via: 'ext', audiences: ['b'] } }));
    const f = runRule(rule, b.build(), { now }).findings;
    expect(f).toHaveLength(1);
    expect(f[0].evidence.admittedToday).toBe(13);
    const shown = ['Alpha', ...Array.from({ length: 9 }, (_, i) => `Sync (object id oid-${String(i).padStart(2, '0')})`)].join(', ');
    expect(f[0].message).toContain(`(today: ${shown} and 3 more)`);
  });

  // Entra issues no token for a resource whose service principal is disabled (AADSTS500014), nor
  // to a client that is: the open trust is dormant until the app is re-enabled, not gone.
  function withAudience(enabled: { app: boolean; other?: boolean; caller?: boolean; otherRequires?: boolean; appRequires?: boolean }, subject?: string) {
    return withAudienceRun(enabled, subject).findings;
  }
  function withAudienceRun(enabled: { app: boolean; other?: boolean; caller?: boolean; otherRequires?: boolean; appRequires?: boolean }, subject?: string) {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', enabled: enabled.app, attrs: { appId: 'app-guid', appRoleAssignmentRequired: enabled.appRequires ?? false } }));
    if (enabled.other !== undefined) {
      b.addNode(node('other', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent 2', enabled: enabled.other, attrs: { appId: 'other-guid', appRoleAssignmentRequired: enabled.otherRequires ?? false } }));
    }
    const audiences = enabled.other !== undefined ? ['app-guid', 'other-guid'] : ['app-guid'];
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subjectMatch: subject ? 'wildcard' : 'missing', ...(subject ? { subject } : {}), audiences } }));
    b.addNode(node('role', { name: 'ops-agent-role' }));
    b.addNode(node('secrets', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    b.addEdge(edge('role', 'secrets', 'GRANTED'));
    if (enabled.caller !== undefined) {
      b.addNode(node('legacy', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Legacy Sync', enabled: enabled.caller }));
      b.addNode(node('live', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Live Sync', enabled: true }));
      b.addEdge(edge('legacy', 'role', 'CAN_ASSUME', { evidence: { via: 'ext' } }));
      b.addEdge(edge('live', 'role', 'CAN_ASSUME', { evidence: { via: 'ext' } }));
    }
    return runRule(rule, b.build(), { now });
  }

  it('reports a trust whose only audience app is disabled at medium, saying so, not as critical', () => {
    expect(withAudience({ app: true }).map((f) => f.severity)).toEqual(['critical']);
    const f = withAudience({ app: false });
    expect(f.map((x) => [x.severity, x.evidence.audienceAppsDisabled])).toEqual([['medium', true]]);
    expect(f[0].message).toMatch(
      /; Ops Agent is disabled, and Entra issues no token for a disabled app, so no one gets such a token until it is re-enabled$/,
    );
  });

  it('words a latent trust as latent, under its own messageId, and keeps the open trust\'s fingerprint', () => {
    const open = withAudience({ app: true });
    const latent = withAudience({ app: false });
    expect(open.map((f) => f.messageId)).toEqual(['open']);
    expect(latent.map((f) => f.messageId)).toEqual(['latent']);
    expect(latent[0].message).toMatch(/^role ops-agent-role trusts tenant \S+ for audience app-guid without a sub condition, a latent trust: no token passes it today, but it opens with no change to its policy; Ops Agent does not require/);
    // The same trust, waived or tracked while latent, is the same finding once it opens.
    expect(latent[0].fingerprint).toBe(open[0].fingerprint);
    const openPattern = withAudience({ app: true }, 'c808fcb1-*');
    const latentPattern = withAudience({ app: false }, 'c808fcb1-*');
    expect([openPattern[0].messageId, latentPattern[0].messageId]).toEqual(['pattern', 'patternLatent']);
    expect(latentPattern[0].message).toMatch(/with sub pattern c808fcb1-\*, not one object id, a latent trust: no token passes it today, but it opens with no change to its policy; /);
    expect(latentPattern[0].fingerprint).toBe(openPattern[0].fingerprint);
  });

  it('with a sub pattern and every audience app disabled: low', () => {
    expect(withAudience({ app: true }, 'c808fcb1-*').map((f) => f.severity)).toEqual(['high']);
    expect(withAudience({ app: false }, 'c808fcb1-*').map((f) => f.severity)).toEqual(['low']);
  });

  it('an audience app that is enabled keeps the trust open, and is the one named', () => {
    const f = withAudience({ app: false, other: true });
    expect(f.map((x) => x.severity)).toEqual(['critical']);
    expect(f[0].message).toMatch(/Ops Agent 2 does not require app-role assignment/);
    expect(f[0].message).not.toMatch(/Ops Agent,|Ops Agent does not/);
    expect(f[0].evidence.audienceApps).toEqual(['other']);
  });

  it('an enabled audience app that requires assignment does not hide a disabled one that does not: dormant, naming that one', () => {
    expect(withAudience({ app: true, other: true, otherRequires: true }).map((f) => f.severity)).toEqual(['critical']);
    const f = withAudience({ app: false, other: true, otherRequires: true });
    expect(f.map((x) => [x.severity, x.evidence.audienceApps])).toEqual([['medium', ['app']]]);
    expect(f[0].message).toMatch(/Ops Agent does not require app-role assignment, .*; Ops Agent is disabled/);
  });

  it('does not report a trust whose audience apps are all disabled and all require assignment: closed either way', () => {
    // Disabled: no token today; requiring assignment: none for an unassigned caller once re-enabled.
    const alone = withAudienceRun({ app: false, appRequires: true });
    expect(alone.findings).toEqual([]);
    expect(alone.verdicts.get('ext')).toBe('pass');
    expect(withAudience({ app: false, appRequires: true }, 'c808fcb1-*')).toEqual([]);
    expect(withAudience({ app: false, appRequires: true, other: false, otherRequires: true })).toEqual([]);
    // Near misses: an enabled app that requires assignment is closed too; one disabled app that
    // does not require it keeps the trust dormant (medium), and only that one is named.
    expect(withAudience({ app: true, appRequires: true })).toEqual([]);
    const dormant = withAudience({ app: false, appRequires: true, other: false, otherRequires: false });
    expect(dormant.map((x) => [x.severity, x.evidence.audienceApps])).toEqual([['medium', ['other']]]);
    expect(dormant[0].message).not.toMatch(/not in the tenant snapshot/);
    expect(withAudience({ app: false, appRequires: false }).map((x) => x.severity)).toEqual(['medium']);
    // Of two enabled apps, the one that requires assignment is not said not to.
    const mixed = withAudience({ app: true, appRequires: true, other: true, otherRequires: false });
    expect(mixed.map((x) => [x.severity, x.evidence.audienceApps])).toEqual([['critical', ['other']]]);
    expect(mixed[0].message).toMatch(/; Ops Agent 2 does not require app-role assignment/);
  });

  it('an audience no app of the snapshot carries is still reported as not in the snapshot', () => {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, subjectMatch: 'missing', audiences: ['elsewhere-guid'] } }));
    b.addNode(node('role', { name: 'ops-agent-role' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
    const f = runRule(rule, b.build(), { now }).findings;
    expect(f.map((x) => x.messageId)).toEqual(['open']);
    expect(f[0].message).toMatch(/the audience app is not in the tenant snapshot$/);
  });

  it('a disabled service principal the pattern admits today is named as disabled (it gets no token)', () => {
    const f = withAudience({ app: true, caller: false }, 'c808fcb1-*');
    expect(f[0].message).toMatch(/\(today: Legacy Sync \(disabled\), Live Sync\)/);
  });

  it('does not report a trust whose issuer the audience app\'s tokens never carry (token version)', () => {
    const withVersion = (issuer: string, version: number | undefined, aud = 'app-guid') => {
      const b = new GraphBuilder();
      b.addScope({ provider: 'entra', id: T });
      b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
      b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', attrs: { appId: 'app-guid', servicePrincipalNames: ['app-guid', 'api://ops-agent'], appRoleAssignmentRequired: false, accessTokenVersion: version } }));
      b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer, subjectMatch: 'missing', audiences: [aud] } }));
      b.addNode(node('role'));
      b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
      return runRule(rule, b.build(), { now });
    };
    const v2 = `https://login.microsoftonline.com/${T}/v2.0`;
    const v1 = `https://sts.windows.net/${T}/`;
    expect(withVersion(v2, 1).verdicts.get('ext')).toBe('pass');
    expect(withVersion(v1, 2).verdicts.get('ext')).toBe('pass');
    // Near misses: the matching version, and a version not read (reported, saying so).
    expect(withVersion(v2, 2).verdicts.get('ext')).toBe('fail');
    const unread = withVersion(v2, undefined);
    expect(unread.verdicts.get('ext')).toBe('fail');
    expect(unread.findings[0].message).toMatch(/; the role may accept such a token, only if Ops Agent asks for v2 tokens, which the login\.microsoftonline\.com\/<tenant>\/v2\.0 issuer signs \(its api\.requestedAccessTokenVersion was not read\)$/);
    expect(unread.findings[0].evidence.undecided).toEqual([expect.stringMatching(/requestedAccessTokenVersion was not read/)]);
    // An App ID URI on the v2 issuer: a v2 token's aud is always the app id, so no token meets it,
    // whether the version was read or not (the linker marks the trust dead). On the v1 issuer it opens.
    expect(withVersion(v2, undefined, 'api://ops-agent').verdicts.get('ext')).toBe('pass');
    expect(withVersion(v2, 2, 'api://ops-agent').verdicts.get('ext')).toBe('pass');
    expect(withVersion(v1, 1, 'api://ops-agent').verdicts.get('ext')).toBe('fail');
  });
});

describe('nhi-entra-token-any-app-assumes-aws-role: the client id list holding the app id only in another case', () => {
  // Entra writes an app id in aud in lower case; STS must find the aud in the OIDC provider's
  // client id list, and whether it compares that list ignoring case is not documented. The linker
  // makes such a trust conditional (its paths "may reach"): the finding says the same doubt.
  const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/sts.windows.net/${T}/`;
  function trust(opts: { audience: Record<string, unknown>; audiences: string[]; clientIds: string[]; subject?: string }) {
    const b = new GraphBuilder();
    b.addScope({ provider: 'entra', id: T });
    b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
    b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Ops Agent', attrs: { appId: 'app-guid', appRoleAssignmentRequired: false, accessTokenVersion: 1 } }));
    const sub = opts.subject ? { subject: opts.subject, subjectMatch: 'wildcard' } : { subjectMatch: 'missing' };
    b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://sts.windows.net/${T}/`, ...sub, audiences: opts.audiences } }));
    b.addNode(node('role', { name: 'ops-agent-role', attrs: { oidcClientIds: { [PROVIDER]: opts.clientIds } } }));
    b.addNode(node('secrets', { kind: 'privilege', type: 'p', tier: 3, crownJewel: 'secrets' }));
    b.addEdge(edge('ext', 'role', 'FEDERATES_TO', { evidence: { provider: PROVIDER, audience: opts.audience, audiences: opts.audiences } }));
    b.addEdge(edge('role', 'secrets', 'GRANTED'));
    return runRule(rule, b.build(), { now }).findings;
  }
  const none = { key: `sts.windows.net/${T}/:aud`, status: 'missing', values: [], operators: [] };
  const pinned = { key: `sts.windows.net/${T}/:aud`, status: 'pinned', values: ['app-guid'], operators: ['StringEquals'] };
  const doubt = /the role may accept such a token, only if STS compares the token's aud app-guid with the provider's client id list ignoring case, which is not documented: the list holds it only as APP-GUID$/;

  it('with no aud condition, a list holding only the upper-case app id: the finding says the role may accept the token, and on what', () => {
    const f = trust({ audience: none, audiences: ['APP-GUID'], clientIds: ['APP-GUID'] });
    expect(f.map((x) => x.messageId)).toEqual(['open']);
    expect(f[0].message).toMatch(/Ops Agent does not require app-role assignment, so any service principal of the tenant can get such a token; /);
    expect(f[0].message).toMatch(doubt);
    expect(f[0].evidence.undecided).toEqual([expect.stringMatching(/^STS compares the token's aud app-guid with the provider's client id list ignoring case/)]);
    // Near miss: the list holds the id as Entra writes it too, so some token passes as written.
    const firm = trust({ audience: none, audiences: ['APP-GUID', 'app-guid'], clientIds: ['APP-GUID', 'app-guid'] });
    expect(firm.map((x) => x.messageId)).toEqual(['open']);
    expect(firm[0].message).not.toMatch(/may accept|client id list/);
    expect(firm[0].evidence.undecided).toBeUndefined();
  });

  it('a pinned aud the client id list holds only in upper case, and a sub pattern: the same doubt', () => {
    const f = trust({ audience: pinned, audiences: ['app-guid'], clientIds: ['APP-GUID'] });
    expect(f[0].message).toMatch(doubt);
    const p = trust({ audience: pinned, audiences: ['app-guid'], clientIds: ['APP-GUID'], subject: 'c808fcb1-*' });
    expect(p.map((x) => x.messageId)).toEqual(['pattern']);
    expect(p[0].message).toMatch(doubt);
    expect(p[0].evidence.undecided).toHaveLength(1);
    // Near miss: listed as written.
    expect(trust({ audience: pinned, audiences: ['app-guid'], clientIds: ['app-guid'] })[0].message).not.toMatch(/may accept/);
  });

  it('judges each operator on the aud key on its own, as IAM ANDs them: StringEqualsIgnoreCase APP-GUID beside StringLike app-* is open', () => {
    // The fact as the AWS transform makes it from the trust's condition.
    const key = `sts.windows.net/${T}/:aud`;
    const fact = (cond: Record<string, Record<string, string[]>>): Record<string, unknown> => ({ ...claimFact(cond, key) });
    const open = trust({ audience: fact({ StringEqualsIgnoreCase: { [key]: ['APP-GUID'] }, StringLike: { [key]: ['app-*'] } }), audiences: ['APP-GUID'], clientIds: ['app-guid'] });
    expect(open.map((x) => [x.messageId, x.severity])).toEqual([['open', 'critical']]);
    expect(open[0].message).not.toMatch(/may accept|lower case/);
    expect(open[0].evidence.undecided).toBeUndefined();
    // Near misses: StringEquals compares case, and so does the pattern: no token meets both.
    expect(trust({ audience: fact({ StringEquals: { [key]: ['APP-GUID'] }, StringLike: { [key]: ['app-*'] } }), audiences: ['APP-GUID'], clientIds: ['APP-GUID'] })).toEqual([]);
    expect(trust({ audience: fact({ StringEqualsIgnoreCase: { [key]: ['APP-GUID'] }, StringLike: { [key]: ['APP-*'] } }), audiences: ['APP-GUID'], clientIds: ['app-guid'] })).toEqual([]);
  });

  it('does not report a v2 issuer\'s trust whose audience is an App ID URI, token version read or not: a v2 token\'s aud is the app id', () => {
    // Whatever the app asks for, no token meets it: a v1 token comes from sts.windows.net, a v2
    // token names the app id in aud. The linker gives such a trust no caller.
    const withUri = (issuer: string, aud: string) => {
      const b = new GraphBuilder();
      b.addScope({ provider: 'entra', id: T });
      b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
      b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'AWS Fed', attrs: { appId: 'fed-guid', servicePrincipalNames: ['fed-guid', 'api://aws-fed'], appRoleAssignmentRequired: false } }));
      b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer, subjectMatch: 'missing', audiences: [aud] } }));
      b.addNode(node('role'));
      b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
      return runRule(rule, b.build(), { now }).verdicts.get('ext');
    };
    expect(withUri(`https://login.microsoftonline.com/${T}/v2.0`, 'api://aws-fed')).toBe('pass');
    // Near misses: the app id on the v2 issuer, the App ID URI on the v1 issuer.
    expect(withUri(`https://login.microsoftonline.com/${T}/v2.0`, 'fed-guid')).toBe('fail');
    expect(withUri(`https://sts.windows.net/${T}/`, 'api://aws-fed')).toBe('fail');
  });

  it('takes Entra\'s token exchange audience for no App ID URI of the tenant, as the linker does: a v2 trust for it is open', () => {
    // api://AzureADTokenExchange (any case, and its national-cloud forms) is written into the token
    // as it is; a service principal of the tenant that happens to list it as an App ID URI does not
    // make it one no v2 token carries. The linker leaves such a trust's edge live (no evidence.dead).
    const exchange = (aud: string) => {
      const b = new GraphBuilder();
      b.addScope({ provider: 'entra', id: T });
      b.addCoverage({ provider: 'entra', scope: T, capability: 'entra.servicePrincipals', status: 'collected' });
      b.addNode(node('app', { provider: 'entra', type: 'entra-service-principal', scope: T, name: 'Lister', attrs: { appId: 'fed-guid', servicePrincipalNames: ['fed-guid', aud], appRoleAssignmentRequired: false } }));
      b.addNode(node('ext', { kind: 'external', provider: 'external', type: 'oidc-workload', attrs: { issuer: `https://login.microsoftonline.com/${T}/v2.0`, subjectMatch: 'missing', audiences: [aud] } }));
      b.addNode(node('role'));
      b.addEdge(edge('ext', 'role', 'FEDERATES_TO'));
      return runRule(rule, b.build(), { now }).verdicts.get('ext');
    };
    for (const aud of ['api://AzureADTokenExchange', 'API://azureadtokenexchange', 'api://AzureADTokenExchangeChina']) expect([aud, exchange(aud)]).toEqual([aud, 'fail']);
    // Near miss: any other App ID URI under the v2 issuer is still one no token carries.
    expect(exchange('api://AzureADTokenExchange/other')).toBe('pass');
  });
});
