import { describe, it, expect } from 'vitest';
import rule from '../../../rules/nhi/nhi-human-use-of-machine-account.js';
import { runRule } from '../../helpers/rule-tester.js';
import { graphOf, node } from '../../helpers/graph.js';
import { demoSnapshot, scan } from '../../e2e/demo.js';

const now = '2026-11-20T00:00:00Z';

describe('nhi-human-use-of-machine-account', () => {
  it('fails on interactive use, passes without it, unknown when not collected, skips non-service accounts', () => {
    const g = graphOf([
      node('svc1', { type: 'aws-iam-user', machineReasons: ['name matches ^svc'], attrs: { interactiveUse: true, interactiveUseEvidence: 'console sign-in 2026-10-02' } }),
      node('svc2', { type: 'aws-iam-user', machineReasons: ['1 active access key'], attrs: { interactiveUse: false } }),
      node('svc3', { type: 'okta-user', provider: 'okta', machineReasons: ['login matches svc'] }),
      node('person', { type: 'aws-iam-user', attrs: { interactiveUse: true } }),
    ]);
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('svc1')).toBe('fail');
    expect(r.findings[0].message).toMatch(/console sign-in 2026-10-02/);
    expect(r.verdicts.get('svc2')).toBe('pass');
    expect(r.verdicts.get('svc3')).toBe('unknown');
    expect(r.verdicts.has('person')).toBe(false);
  });

  // An account that owns an Okta API token signed in once to mint it; a sign-in that old is not a person
  // using the account now (the audit's repro: lastLogin 2023-03-01, three minutes before the token).
  it('does not count a sign-in older than interactiveDays (30 by default) as current human use', () => {
    const g = graphOf([
      node('old', { type: 'okta-user', provider: 'okta', machineReasons: ['owns 1 API token(s)'], attrs: { interactiveUse: true, interactiveUseAt: '2023-03-01T10:00:00.000Z', interactiveUseEvidence: 'Okta sign-in 2023-03-01' } }),
      node('edge', { type: 'entra-user', provider: 'entra', machineReasons: ['no manager'], attrs: { interactiveUse: true, interactiveUseAt: '2026-10-20T23:00:00Z', interactiveUseEvidence: 'interactive sign-in 2026-10-20' } }),
      node('past', { type: 'entra-user', provider: 'entra', machineReasons: ['no manager'], attrs: { interactiveUse: true, interactiveUseAt: '2026-10-19T23:00:00Z' } }),
      node('undated', { type: 'aws-iam-user', machineReasons: ['name matches ^svc'], attrs: { interactiveUse: true } }),
    ]);
    const r = runRule(rule, g, { now });
    expect(r.verdicts.get('old')).toBe('pass');
    expect(r.verdicts.get('edge')).toBe('fail');
    expect(r.verdicts.get('past')).toBe('pass');
    // A sign-in without a date cannot be shown to be old: it still counts.
    expect(r.verdicts.get('undated')).toBe('fail');
    const wide = runRule(rule, g, { now, options: { interactiveDays: 2000 } });
    expect(wide.verdicts.get('old')).toBe('fail');
  });
});

// Microsoft Graph, signInActivity: lastSignInDateTime records interactive attempts, failed ones
// too; lastSuccessfulSignInDateTime is the last sign-in of either kind that succeeded.
describe('nhi-human-use-of-machine-account on Entra sign-in activity', () => {
  const UPN = 'svc-backup@northwind.example';
  const withSignIn = (activity: Record<string, string | null>) => {
    const snap = demoSnapshot();
    const users = snap.files['entra/users.json'] as { value: Record<string, unknown>[] };
    const u = users.value.find((x) => x.userPrincipalName === UPN)!;
    u.signInActivity = activity;
    const r = scan(snap);
    const id = r.report.identities.find((i) => i.nativeId === u.id)!;
    return { findings: r.report.findings.filter((f) => f.ruleId === rule.meta.id && f.subject.nativeId === u.id), identity: id };
  };

  it('an interactive attempt after the last successful sign-in failed: no human use when that success is old', () => {
    const { findings, identity } = withSignIn({ lastSignInDateTime: '2026-11-15T03:12:00Z', lastNonInteractiveSignInDateTime: '2026-06-01T02:00:41Z', lastSuccessfulSignInDateTime: '2026-06-01T02:00:41Z' });
    expect(findings).toEqual([]);
    expect(identity.unknownRuleIds ?? []).not.toContain(rule.meta.id);
    // Nor is the failed attempt the account's last use.
    expect(identity.lastUsedAt).toBe('2026-06-01T02:00:41.000Z');
  });

  it('unknown when the last success is recent but may have been non-interactive', () => {
    const { findings, identity } = withSignIn({ lastSignInDateTime: '2026-11-15T03:12:00Z', lastNonInteractiveSignInDateTime: '2026-11-10T02:00:41Z', lastSuccessfulSignInDateTime: '2026-11-10T02:00:41Z' });
    expect(findings).toEqual([]);
    expect(identity.unknownRuleIds).toContain(rule.meta.id);
  });

  it('a recent interactive sign-in no later than the last success still fails', () => {
    const { findings, identity } = withSignIn({ lastSignInDateTime: '2026-11-15T03:12:00Z', lastNonInteractiveSignInDateTime: '2026-11-10T02:00:41Z', lastSuccessfulSignInDateTime: '2026-11-15T03:12:00Z' });
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('interactive sign-in 2026-11-15')]);
    expect(identity.lastUsedAt).toBe('2026-11-15T03:12:00.000Z');
  });
});
