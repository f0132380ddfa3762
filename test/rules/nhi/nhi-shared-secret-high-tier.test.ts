import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-shared-secret-high-tier.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { EntraGraph } from '../../helpers/entra-builders.js';

const now = '2026-11-20T00:00:00Z';
const p = (id: string, tier: 0 | 1 | 2 | 3 | 4) => node(id, { kind: 'privilege', type: 'p', tier });
const iam = (status: 'collected' | 'missing-permission') => ({ provider: 'aws' as const, scope: 'acct', capability: 'aws.iam', status });
const cred = (id: string, credentialType: 'client-secret' | 'certificate') => node(id, { kind: 'credential', type: 'c', credentialType, expiresAt: '2027-06-01T00:00:00Z' });

describe('nhi-shared-secret-high-tier', () => {
  it('flags a T4 identity on a client secret, not a T4 on a certificate nor a T2 on a secret', () => {
    const g = graphOf(
      [node('a'), node('b'), node('c'), p('p4', 4), p('p2', 2), cred('s1', 'client-secret'), cred('k1', 'certificate'), cred('s2', 'client-secret')],
      [edge('a', 'p4', 'GRANTED'), edge('a', 's1', 'HAS_CREDENTIAL'), edge('b', 'p4', 'GRANTED'), edge('b', 'k1', 'HAS_CREDENTIAL'), edge('c', 'p2', 'GRANTED'), edge('c', 's2', 'HAS_CREDENTIAL')],
      [iam('collected')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('a')).toBe('fail');
    expect(r.findings[0].severity).toBe('critical');
    expect(r.verdicts.get('b')).toBe('pass');
    expect(r.verdicts.get('c')).toBe('pass');
  });

  it('is unknown, not passing, for a secret-holding identity whose tier evidence was not collected', () => {
    const g = graphOf([node('c'), p('p2', 2), cred('s2', 'client-secret')], [edge('c', 'p2', 'GRANTED'), edge('c', 's2', 'HAS_CREDENTIAL')], [iam('missing-permission')]);
    expect(runRule(rule, g, { now }).verdicts.get('c')).toBe('unknown');
  });

  it('is unknown for an Entra SP with a secret when owner lists were not read (it may own a T4 app), pass when they were', () => {
    const verdict = (owners: 'collected' | 'missing-permission') => {
      const g = new EntraGraph({ 'entra.owners': owners });
      const sp = g.sp('maybe-owner');
      g.secret(sp);
      return runRule(rule, g.build(), { now }).verdicts.get(sp);
    };
    expect(verdict('missing-permission')).toBe('unknown');
    expect(verdict('collected')).toBe('pass');
  });

  it('is unknown for a T4 Entra app on a certificate whose federated credentials were not read (one may not pin its subject)', () => {
    const verdict = (ficsCollected: boolean) => {
      const g = new EntraGraph();
      const sp = g.sp('deployer', { attrs: { ficsCollected } });
      g.cert(sp);
      g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
      return runRule(rule, g.build(), { now }).verdicts.get(sp);
    };
    expect(verdict(false)).toBe('unknown');
    expect(verdict(true)).toBe('pass');
  });
});
