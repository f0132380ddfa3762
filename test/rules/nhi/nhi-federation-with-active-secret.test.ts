import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-federation-with-active-secret.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const fic = node('fic', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:o/r:environment:prod', subjectMatch: 'exact' } });
const secret = (id: string, expiresAt: string) => node(id, { kind: 'credential', type: 'c', credentialType: 'client-secret', expiresAt });

describe('nhi-federation-with-active-secret', () => {
  it('flags federation plus an active secret, not federation plus an expired one', () => {
    const g = graphOf(
      [node('mixed'), node('clean'), fic, secret('live', '2027-01-01T00:00:00Z'), secret('dead', '2026-01-01T00:00:00Z')],
      [edge('mixed', 'fic', 'HAS_CREDENTIAL'), edge('mixed', 'live', 'HAS_CREDENTIAL'), edge('clean', 'fic', 'HAS_CREDENTIAL'), edge('clean', 'dead', 'HAS_CREDENTIAL')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('mixed')).toBe('fail');
    expect(r.verdicts.get('clean')).toBe('pass');
  });

  it('is unknown, not passing, when an Entra app with an active secret had its federated credentials not read', () => {
    const app = (id: string, attrs: Record<string, unknown>) => node(id, { provider: 'entra', type: 'entra-service-principal', scope: 't', attrs: { applicationObjectId: `${id}-obj`, ...attrs } });
    const fics = (status: 'collected' | 'missing-permission') => ({ provider: 'entra' as const, scope: 't', capability: 'entra.federatedIdentityCredentials', status });
    const g = graphOf(
      [app('unread', {}), app('read', { ficsCollected: true }), secret('s1', '2027-01-01T00:00:00Z'), secret('s2', '2027-01-01T00:00:00Z')],
      [edge('unread', 's1', 'HAS_CREDENTIAL'), edge('read', 's2', 'HAS_CREDENTIAL')],
      [fics('collected')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('unread')).toBe('unknown');
    expect(r.verdicts.get('read')).toBe('pass');
    const denied = graphOf([app('read', { ficsCollected: true }), secret('s2', '2027-01-01T00:00:00Z')], [edge('read', 's2', 'HAS_CREDENTIAL')], [fics('missing-permission')]);
    expect(runRule(rule, denied, { now }).verdicts.get('read')).toBe('unknown');
  });

  it('is unknown, not passing, when the subject a federated credential accepts could not be read', () => {
    // A flexible credential whose claims-matching expression was not read (Graph beta refused), or
    // one whose expression compares no sub claim: whether it pins the workload is not known.
    const undecided = node('undecided-fic', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'https://token.actions.githubusercontent.com', subjectMatch: 'missing' }, attrs: { subjectUndecided: true } });
    const missing = node('missing-fic', { kind: 'credential', type: 'c', credentialType: 'federated-oidc', federation: { issuer: 'https://token.actions.githubusercontent.com', subjectMatch: 'missing' } });
    const g = graphOf(
      [node('unsure'), node('weak'), undecided, missing, secret('s1', '2027-01-01T00:00:00Z'), secret('s2', '2027-01-01T00:00:00Z')],
      [edge('unsure', 'undecided-fic', 'HAS_CREDENTIAL'), edge('unsure', 's1', 'HAS_CREDENTIAL'), edge('weak', 'missing-fic', 'HAS_CREDENTIAL'), edge('weak', 's2', 'HAS_CREDENTIAL')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('unsure')).toBe('unknown');
    // Near miss: a credential known not to pin a subject is no migration to federation.
    expect(r.verdicts.get('weak')).toBe('pass');
  });
});
