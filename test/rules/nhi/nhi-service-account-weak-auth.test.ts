import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-service-account-weak-auth.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node, edge } from '../../helpers/graph.js';

const now = '2026-11-20T00:00:00Z';
const pw = (id: string) => node(id, { kind: 'credential', type: 'c', credentialType: 'password', expiresAt: null, status: 'active' });
const svc = (id: string, provider: 'entra' | 'okta' | 'aws', mfa?: boolean) =>
  node(id, { provider, type: `${provider}-user`, machineReasons: ['name matches ^svc'], attrs: mfa === undefined ? {} : { mfa } });

describe('nhi-service-account-weak-auth', () => {
  it('fails without MFA in every provider, passes with MFA or without a password, unknown when MFA was not read', () => {
    const g = graphOf(
      [svc('e', 'entra', false), svc('o', 'okta', false), svc('a', 'aws', false), svc('ok', 'entra', true), svc('nopw', 'aws', false), svc('unk', 'entra'), pw('p1'), pw('p2'), pw('p3'), pw('p4'), pw('p5')],
      [edge('e', 'p1', 'HAS_CREDENTIAL'), edge('o', 'p2', 'HAS_CREDENTIAL'), edge('a', 'p3', 'HAS_CREDENTIAL'), edge('ok', 'p4', 'HAS_CREDENTIAL'), edge('unk', 'p5', 'HAS_CREDENTIAL')],
    );
    const r = runRule(rule, g, { now });
    for (const id of ['e', 'o', 'a']) expect(r.verdicts.get(id), id).toBe('fail');
    expect(r.verdicts.get('ok')).toBe('pass');
    expect(r.verdicts.get('nopw')).toBe('pass');
    expect(r.verdicts.get('unk')).toBe('unknown');
    expect(r.findings[0].message).toMatch(/never expires/);
  });
});
