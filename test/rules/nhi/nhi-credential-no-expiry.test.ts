import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-credential-no-expiry.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';
import { gid, rawGraph, rawSp, spNodeId } from '../../helpers/entra-raw.js';

const now = '2026-11-20T00:00:00Z';
const key = (id: string, over: object) => node(id, { kind: 'credential', type: 'c', credentialType: 'access-key', status: 'active', ...over });

describe('nhi-credential-no-expiry', () => {
  it('flags an old key with no expiry; not a new one, an expiring one, an unknown expiry or an inactive one', () => {
    const g = graphOf(
      [
        node('u'),
        key('old', { createdAt: '2024-01-01T00:00:00Z', expiresAt: null }),
        key('new', { createdAt: '2026-11-10T00:00:00Z', expiresAt: null }),
        key('exp', { createdAt: '2024-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' }),
        key('unk', { createdAt: '2024-01-01T00:00:00Z' }),
        key('off', { createdAt: '2024-01-01T00:00:00Z', expiresAt: null, status: 'inactive' }),
      ],
      ['old', 'new', 'exp', 'unk', 'off'].map((k) => edge('u', k, 'HAS_CREDENTIAL')),
    );
    const r = runRule(rule, g, { now });
    expect(r.findings.map((f) => f.evidence.credential)).toEqual(['old']);
    expect(r.findings[0].message).toMatch(/1054 days old/);
  });

  it('is unknown, not passing, when an active credential has no known expiry', () => {
    const g = graphOf(
      [node('u'), key('unk', { createdAt: '2024-01-01T00:00:00Z' }), key('exp', { createdAt: '2024-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' })],
      [edge('u', 'unk', 'HAS_CREDENTIAL'), edge('u', 'exp', 'HAS_CREDENTIAL')],
    );
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('u')).toBe('unknown');
    expect(r.findings).toEqual([]);
  });
});

describe('nhi-credential-no-expiry on Entra end dates as Graph writes them', () => {
  const run = (pc: Record<string, unknown>) => {
    const sp = rawSp('Legacy');
    const app = { id: gid(), appId: sp.appId, displayName: 'Legacy', passwordCredentials: [{ keyId: gid(), displayName: 'k', ...pc }] };
    const r = runRule(rule, rawGraph({ 'servicePrincipals.json': [sp], 'applications.json': [app] }), { now });
    return { verdict: r.verdicts.get(spNodeId(sp)), messages: r.findings.map((f) => f.message) };
  };

  it('a secret without endDateTime is unknown, not "has no expiry"', () => {
    expect(run({ startDateTime: '2026-01-01T00:00:00Z' })).toEqual({ verdict: 'unknown', messages: [] });
  });

  it('a ~99-year secret (the old "never" option) has no expiry', () => {
    expect(run({ startDateTime: '2019-01-01T00:00:00Z', endDateTime: '2299-12-31T05:00:00Z' }).verdict).toBe('fail');
  });

  it('near miss: a two-year secret passes', () => {
    expect(run({ startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2028-01-01T00:00:00Z' }).verdict).toBe('pass');
  });
});
