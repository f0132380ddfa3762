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
});
