import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-shared-secret-high-tier.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { EntraGraph } from '../../helpers/entra-builders.js';
import { fingerprint } from '../../../src/engine/run.js';
import type { FederationInfo, GraphNode } from '../../../src/graph/model.js';

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

  it('says the tier is a lower bound when evidence feeding it was not collected, and states it plainly otherwise', () => {
    const g = (status: 'collected' | 'missing-permission') => graphOf([node('a'), p('p3', 3), cred('s1', 'client-secret')], [edge('a', 'p3', 'GRANTED'), edge('a', 's1', 'HAS_CREDENTIAL')], [iam(status)]);
    expect(runRule(rule, g('missing-permission'), { now }).findings[0].message).toMatch(/^a is T3 or higher \(the IAM authorization details \(users, roles, groups and policies\) of account acct were not read \(denied\); so whether it reaches a tier above T3 cannot be judged\) and proves itself with /);
    expect(runRule(rule, g('collected'), { now }).findings[0].message).toMatch(/^a is T3 and proves itself with /);
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

  describe('names the weak credential and lists only the ones that make it weak', () => {
    const trust = (id: string, credentialType: 'federated-oidc' | 'x509-trust-anchor', federation: FederationInfo, attrs: GraphNode['attrs'] = {}) =>
      node(id, { kind: 'credential', type: 'aws-role-trust', credentialType, expiresAt: null, federation, attrs: { sessionSeconds: 3600, ...attrs } });
    const gh = (match: FederationInfo['subjectMatch'], subject?: string): FederationInfo => ({ issuer: 'https://token.actions.githubusercontent.com', subjectMatch: match, ...(subject ? { subject } : {}) });
    /** One T4 identity `a` holding the given credentials. */
    const run = (creds: GraphNode[]) => {
      const g = graphOf(
        [node('a'), p('p4', 4), ...creds],
        [edge('a', 'p4', 'GRANTED'), ...creds.map((c) => edge('a', c.id, 'HAS_CREDENTIAL'))],
        [iam('collected')],
      );
      return runRule(rule, g, { now });
    };
    const pinned = trust('main', 'federated-oidc', gh('exact', 'repo:o/r:ref:refs/heads/main'));
    const wild = trust('prs', 'federated-oidc', gh('wildcard', 'repo:o/*'));

    it('calls a federation trust without a pinned subject that, not a shared secret, and leaves out the pinned trust and the certificate', () => {
      const r = run([pinned, wild, cred('k1', 'certificate')]);
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0].message).toBe('a is T4 and proves itself with a federation trust that does not pin the subject (OIDC federation prs (wildcard subject repo:o/*))');
      expect(r.findings[0].evidence).toEqual({ tier: 4, strength: 'shared-secret', credentials: ['OIDC federation prs (wildcard subject repo:o/*)'] });
      // The id and fingerprint do not depend on the message: baselines and waivers keep matching.
      expect(r.findings[0].ruleId).toBe('nhi-shared-secret-high-tier');
      expect(r.findings[0].fingerprint).toBe(fingerprint('nhi-shared-secret-high-tier', 'a'));
    });

    it('calls a client secret a shared secret and lists it alone, not the certificate, the pinned trust or a deactivated secret', () => {
      const old = node('s0', { kind: 'credential', type: 'c', credentialType: 'client-secret', status: 'inactive' });
      const r = run([cred('s1', 'client-secret'), cred('k1', 'certificate'), pinned, old]);
      expect(r.findings[0].message).toBe('a is T4 and proves itself with a shared secret (client secret s1)');
      expect(r.findings[0].evidence.credentials).toEqual(['client secret s1']);
    });

    it('calls an IAM Roles Anywhere trust without a certificate subject condition a certificate trust', () => {
      const ra = trust('rolesanywhere', 'x509-trust-anchor', { issuer: 'rolesanywhere.amazonaws.com', subjectMatch: 'missing' });
      const r = run([ra]);
      expect(r.findings[0].message).toBe(
        'a is T4 and proves itself with a certificate trust that does not pin the certificate subject (X.509 trust anchor rolesanywhere (no subject condition: every identity the issuer vouches for))',
      );
    });

    it('names every kind present, plural where there are several, in a fixed order', () => {
      const r = run([wild, cred('s2', 'client-secret'), cred('s1', 'client-secret'), pinned]);
      expect(r.findings[0].message).toBe(
        'a is T4 and proves itself with shared secrets and a federation trust that does not pin the subject (client secret s1; client secret s2; OIDC federation prs (wildcard subject repo:o/*))',
      );
    });

    it('is unknown, not a claim of a weak trust, when the only weak-ranked credential is one whose subject could not be read', () => {
      const unread = trust('flex', 'federated-oidc', gh('missing'), { subjectUndecided: true });
      const r = run([unread, cred('k1', 'certificate')]);
      expect(r.verdicts.get('a')).toBe('unknown');
      expect(r.findings).toHaveLength(0);
      // With a secret as well, the secret is what the finding is about; the unread trust is not listed.
      const both = run([unread, cred('s1', 'client-secret')]);
      expect(both.findings[0].message).toBe('a is T4 and proves itself with a shared secret (client secret s1)');
    });
  });
});
