import { describe, expect, it } from 'vitest';
import { unreadOwned } from '../../src/rule-kit.js';
import { graphOf, node } from '../helpers/graph.js';

const entra = (id: string, type: string, attrs: Record<string, unknown> = {}) => node(id, { provider: 'entra', type, scope: 't1', attrs });

// unreadOwned must agree with the transform on who can own what and take its tier
// (transform-escalation.ts: any service principal or user owner gets OWNS and CAN_ESCALATE_TO;
// the targets are the identities that take a credential).
describe('unreadOwned', () => {
  const all = { key: 'all', test: () => true };

  it('answers for a managed identity subject: it can own an app registration as any service principal can', () => {
    const g = graphOf([entra('mi', 'entra-managed-identity', { ownersCollected: true }), entra('sp-unread', 'entra-service-principal')]);
    expect(unreadOwned(g, g.node('mi')!, all)?.id).toBe('sp-unread');
  });

  it("finds an agent identity blueprint's principal whose owners were not read, not an agent identity", () => {
    const g = graphOf([
      entra('agent', 'entra-agent-identity', { agentKind: 'agent-identity' }),
      entra('blueprint', 'entra-agent-identity', { agentKind: 'blueprint-principal' }),
      entra('user', 'entra-user'),
    ]);
    expect(unreadOwned(g, g.node('user')!, all)?.id).toBe('blueprint');
  });

  it('near miss: read owners, first-party and managed identities (which take no credential) are never the answer', () => {
    const g = graphOf([
      entra('read', 'entra-service-principal', { ownersCollected: true }),
      node('first', { provider: 'entra', type: 'entra-service-principal', scope: 't1', attrs: {}, firstParty: true }),
      entra('mi-unread', 'entra-managed-identity'),
      entra('agent', 'entra-agent-identity', { agentKind: 'agent-identity' }),
      entra('user', 'entra-user'),
    ]);
    expect(unreadOwned(g, g.node('user')!, all)).toBeUndefined();
  });
});
