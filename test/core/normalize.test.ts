import { describe, it, expect } from 'vitest';
import { GraphBuilder } from '../../src/graph/graph.js';
import { normalizeServiceAccounts } from '../../src/graph/normalize.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { node, edge } from '../helpers/graph.js';

describe('normalizeServiceAccounts', () => {
  it('gives service accounts one MFA vocabulary and reads Okta lastLogin as interactive use', () => {
    const b = new GraphBuilder();
    b.addNode(node('e', { provider: 'entra', type: 'entra-user', machineReasons: ['x'], attrs: { mfaRegistered: false } }));
    b.addNode(node('o', { provider: 'okta', type: 'okta-user', machineReasons: ['x'], attrs: { activeFactors: 2, lastLogin: '2026-11-01T00:00:00.000Z' } }));
    b.addNode(node('a', { type: 'aws-iam-user', machineReasons: ['x'], attrs: { mfaActive: true } }));
    b.addNode(node('p', { provider: 'okta', type: 'okta-user', kind: 'human', attrs: { activeFactors: 0 } }));
    normalizeServiceAccounts(b, DEFAULT_CONFIG);
    const g = b.build();
    expect(g.node('e')!.attrs.mfa).toBe(false);
    expect(g.node('o')!.attrs).toMatchObject({ mfa: true, interactiveUse: true, interactiveUseAt: '2026-11-01T00:00:00.000Z' });
    expect(g.node('a')!.attrs.mfa).toBe(true);
    expect(g.node('p')!.attrs.mfa).toBeUndefined();
  });

  it('marks identities with Azure OpenAI permissions and configured agents as AI agents', () => {
    const b = new GraphBuilder();
    b.addNode(node('sp', { provider: 'entra', type: 'entra-service-principal' }));
    b.addNode(node('plain', { provider: 'entra', type: 'entra-service-principal' }));
    b.addNode(node('declared', { name: 'nightly-etl' }));
    b.addNode(node('oai', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'user_impersonation (Azure OpenAI)', attrs: { resourceDisplayName: 'Azure OpenAI' } }));
    b.addNode(node('graph', { kind: 'privilege', provider: 'entra', type: 'entra-app-role', name: 'User.Read.All (Microsoft Graph)' }));
    b.addEdge(edge('sp', 'oai', 'DELEGATED_GRANT'));
    b.addEdge(edge('plain', 'graph', 'GRANTED'));
    normalizeServiceAccounts(b, { ...DEFAULT_CONFIG, knownAgents: ['nightly-etl'] });
    const g = b.build();
    expect(g.node('sp')!.agent?.confidence).toBe('permission');
    expect(g.node('plain')!.agent).toBeUndefined();
    expect(g.node('declared')!.agent?.confidence).toBe('config');
  });
});
