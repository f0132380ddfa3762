import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-path-to-crown-jewel.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const admin = node('aws-admin', { kind: 'privilege', type: 'aws-capability', tier: 4, crownJewel: 'admin', name: 'AWS admin' });
const secret = (id: string) => node(id, { kind: 'credential', type: 'c', provider: 'entra', credentialType: 'client-secret', createdAt: '2026-01-01T00:00:00Z', expiresAt: '2028-01-01T00:00:00Z' });

describe('nhi-path-to-crown-jewel', () => {
  it('reports a chain from a secret-holding Entra app through an AWS role to AWS admin, once per jewel', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal', scope: 't' }), secret('s1'), node('role'), node('role2'), admin],
      [
        edge('sp', 's1', 'HAS_CREDENTIAL'),
        edge('sp', 'role', 'CAN_ASSUME', { hidden: true }),
        edge('sp', 'role2', 'CAN_ASSUME'),
        edge('role', 'aws-admin', 'GRANTED'),
        edge('role2', 'aws-admin', 'GRANTED'),
      ],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('sp')).toBe('fail');
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f.severity).toBe('critical');
    expect(f.path!.map((h) => h.to)).toEqual(['role', 'aws-admin']);
    expect(f.path![0].hidden).toBe(true);
    expect(f.alternatives).toBe(1);
    expect(f.message).toMatch(/crossing providers/);
  });

  it('reports external federated workloads that reach admin', () => {
    const g = graphOf(
      [node('gh', { kind: 'external', provider: 'external', type: 'github-repo', name: 'GitHub repo:acme/*' }), node('role'), admin],
      [edge('gh', 'role', 'FEDERATES_TO', { hidden: true }), edge('role', 'aws-admin', 'GRANTED')],
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => f.subject.id)).toEqual(['gh']);
  });

  it('does not report a direct one-hop grant (provider rules cover it) nor identities that are not entry points', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal' }), secret('s1'), node('fedrole'), node('role'), admin],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'aws-admin', 'GRANTED'), edge('fedrole', 'role', 'CAN_ASSUME'), edge('role', 'aws-admin', 'GRANTED')],
    );
    const r = runRule(rule, g, { now });
    expect(r.findings).toHaveLength(0);
    expect(r.verdicts.get('sp')).toBe('pass');
    // fedrole holds no credential of its own and is AWS: not an entry point, not evaluated.
    expect(r.verdicts.has('fedrole')).toBe(false);
  });

  it('honours the minHops option', () => {
    const g = graphOf(
      [node('sp', { provider: 'entra', type: 'entra-service-principal' }), secret('s1'), admin],
      [edge('sp', 's1', 'HAS_CREDENTIAL'), edge('sp', 'aws-admin', 'GRANTED')],
    );
    expect(runRule(rule, g, { now, options: { minHops: 1 } }).findings).toHaveLength(1);
  });
});
