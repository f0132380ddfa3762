import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-ai-agent-delegated-high-impact.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import type { CoverageStatus } from '../../../src/snapshot/types.js';

const now = '2026-11-20T00:00:00Z';
const agent = { confidence: 'name' as const, reasons: ['name matches assistant'] };
const grantsRead = (status: { [cap: string]: CoverageStatus } = {}) =>
  ['entra.servicePrincipals', 'entra.appRoleAssignments', 'entra.oauth2PermissionGrants'].map((capability) => ({ provider: 'entra' as const, scope: 'acct', capability, status: status[capability] ?? 'collected' }));
const scope = (id: string, value: string, tier: 0 | 1 | 2 | 3 | 4) => node(id, { kind: 'privilege', provider: 'entra', type: 'entra-delegated-scope', name: `Microsoft Graph ${value}`, tier, attrs: { value } });

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

  // A disabled app role (isEnabled false) is in no token: latent, so medium and named disabled;
  // a live one beside it keeps the finding critical (listing only the live one).
  it('reports an application permission whose app role is disabled at medium, saying so, and a live one still critical', () => {
    const role = (id: string, permission: string, off: boolean) =>
      node(id, { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: `${permission} (Contoso Mail API)`, tier: 1, attrs: { permission }, ...(off ? { enabled: false } : {}) });
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

  // Microsoft Graph names: ChatMessage.Send (delegated: send chat messages as the user) and
  // Chat.ReadWrite.All (application); "Chat.Send" does not exist (RULES-CATALOG §3.4 "Chat/ChannelMessage.Send").
  it('flags the real Graph chat permissions: ChatMessage.Send consent and Chat.ReadWrite.All', () => {
    const g = graphOf(
      [
        node('bot', { provider: 'entra', type: 'entra-service-principal', agent }),
        scope('chat', 'ChatMessage.Send', 2),
        node('chatall', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Chat.ReadWrite.All (Microsoft Graph)', tier: 2, attrs: { permission: 'Chat.ReadWrite.All' } }),
      ],
      [
        edge('bot', 'chat', 'DELEGATED_GRANT', { evidence: { consentType: 'AllPrincipals' } }),
        edge('bot', 'chatall', 'GRANTED'),
      ],
      grantsRead(),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => f.messageId).sort()).toEqual(['application', 'delegated']);
    expect(r.findings.find((f) => f.messageId === 'delegated')!.message).toMatch(/ChatMessage\.Send/);
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
      [node('bot', { provider: 'entra', type: 'entra-service-principal', agent }), node('files', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'Files.ReadWrite.All', tier: 2, attrs: { value: 'Files.ReadWrite.All' } })],
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
