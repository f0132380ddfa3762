import { describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import { gid, RAW_TENANT, rawGraph } from '../helpers/entra-raw.js';

describe('Entra Agent ID agent users', () => {
  it('a user of @odata.type agentUser is an AI agent identity, not a person; a user is still a person', () => {
    const agentUser = gid();
    const person = gid();
    const g = rawGraph({
      'users.json': [
        { '@odata.type': '#microsoft.graph.agentUser', id: agentUser, displayName: 'Sales Agent', userPrincipalName: 'sales-agent@contoso.example', accountEnabled: true, userType: 'Member' },
        { id: person, displayName: 'Claude Martin', userPrincipalName: 'claude.martin@contoso.example', accountEnabled: true, userType: 'Member' },
      ],
    });
    const a = g.node(ids.entraUser(RAW_TENANT, agentUser))!;
    expect(a.kind).toBe('identity');
    expect(a.agent).toEqual({ confidence: 'authoritative', reasons: ['@odata.type agentUser'] });
    // No service account: the password and MFA rules do not judge it.
    expect(a.machineReasons).toBeUndefined();
    const p = g.node(ids.entraUser(RAW_TENANT, person))!;
    expect(p.kind).toBe('human');
    expect(p.agent).toBeUndefined();
  });
});
