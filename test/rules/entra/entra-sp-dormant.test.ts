import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-sp-dormant.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-sp-dormant', () => {
  ruleCases(rule, NOW, [
    {
      name: 'last sign-in 323 days ago on a T2 app fails medium',
      build: (g) => {
        const sp = g.sp('notifier', { lastUsedAt: '2026-01-01T00:00:00Z' });
        g.appRole(sp, 'Mail.Send');
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['2026-01-01 (323 days ago)'],
    },
    {
      name: 'never signed in and created long ago fails',
      build: (g) => g.sp('ghost', { lastUsedAt: null, createdAt: '2024-01-01T00:00:00Z' }),
      verdict: 'fail',
      message: ['no sign-in on record (created 2024-01-01)'],
    },
    {
      name: 'near miss: never signed in but created 10 days ago passes',
      build: (g) => g.sp('new', { lastUsedAt: null, createdAt: '2026-11-10T00:00:00Z' }),
      verdict: 'pass',
    },
    {
      name: 'unknown when never signed in and the creation date is not known (managed identity: the grace period cannot be judged)',
      build: (g) => g.sp('mi', { type: 'entra-managed-identity', lastUsedAt: null, createdAt: undefined }),
      verdict: 'unknown',
    },
    {
      name: 'near miss: signed in 89 days ago passes',
      build: (g) => g.sp('busy', { lastUsedAt: '2026-08-23T00:00:00Z' }),
      verdict: 'pass',
    },
    {
      name: 'disabled service principals are not evaluated',
      build: (g) => g.sp('off', { enabled: false, lastUsedAt: null }),
      verdict: 'not-evaluated',
    },
    {
      name: 'a dormant third-party app holding no permission is not evaluated',
      build: (g) => g.sp('Vendor', { thirdParty: { ownerScope: 'other', verifiedPublisher: false }, lastUsedAt: '2026-01-01T00:00:00Z' }),
      verdict: 'not-evaluated',
    },
    {
      // Whether it holds one is not known: not a silent skip (a waiver of its finding would then
      // read as stale while only the gap hides it).
      name: 'a dormant third-party app is unknown when the app-role assignments deciding whether it holds a permission were not read',
      coverage: { 'entra.appRoleAssignments': 'missing-permission' },
      build: (g) => g.sp('Vendor', { thirdParty: { ownerScope: 'other', verifiedPublisher: false }, lastUsedAt: '2026-01-01T00:00:00Z' }),
      verdict: 'unknown',
    },
    {
      name: 'near miss: a third-party app that signed in lately passes when its permissions were not read',
      coverage: { 'entra.appRoleAssignments': 'missing-permission' },
      build: (g) => g.sp('Vendor', { thirdParty: { ownerScope: 'other', verifiedPublisher: false }, lastUsedAt: '2026-11-01T00:00:00Z' }),
      verdict: 'pass',
    },
    {
      name: 'unknown when sign-in activity was not collected',
      coverage: { 'entra.signInActivity': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});

describe('entra-sp-dormant on the servicePrincipalSignInActivities report as Graph beta returns it', () => {
  const at = (d: string | null) => (d ? { lastSignInDateTime: d } : { lastSignInDateTime: null });
  const run = (row: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => {
    const sp = rawSp('Client', extra);
    const app = { id: gid(), appId: sp.appId, displayName: 'Client', createdDateTime: '2020-01-01T00:00:00Z' };
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [app],
      'servicePrincipalSignInActivities.json': row ? [{ id: gid(), appId: sp.appId, ...row }] : [],
    });
    return { ...rawVerdict(rule, g, spNodeId(sp)), node: g.node(spNodeId(sp))! };
  };

  it('calls made to the app as a resource are not its own use: a client sign-in 2 years ago is stale', () => {
    const r = run({
      lastSignInActivity: at('2026-11-19T00:00:00Z'),
      applicationAuthenticationClientSignInActivity: at('2024-11-01T00:00:00Z'),
      delegatedClientSignInActivity: at(null),
      applicationAuthenticationResourceSignInActivity: at('2026-11-18T00:00:00Z'),
      delegatedResourceSignInActivity: at('2026-11-19T00:00:00Z'),
    });
    expect(r.node.lastUsedAt).toBe('2024-11-01T00:00:00.000Z');
    expect(r.node.attrs.lastResourceSignInAt).toBe('2026-11-19T00:00:00.000Z');
    expect(r.verdict).toBe('fail');
    expect(r.messages[0]).toBe("Client last signed in on 2024-11-01 (749 days ago); it was last called as a resource on 2026-11-19, which is others' use of it, not its own.");
  });

  it('an app only ever called as a resource has no sign-in of its own on record', () => {
    const r = run({
      lastSignInActivity: at('2026-11-19T00:00:00Z'),
      applicationAuthenticationClientSignInActivity: at(null),
      delegatedClientSignInActivity: at(null),
      applicationAuthenticationResourceSignInActivity: at('2026-11-19T00:00:00Z'),
      delegatedResourceSignInActivity: at(null),
    });
    expect(r.node.lastUsedAt).toBeNull();
    expect(r.verdict).toBe('fail');
  });

  it('a lastSignInActivity that no detailed field explains is not attributed: unknown', () => {
    const r = run({ lastSignInActivity: at('2026-11-19T00:00:00Z'), applicationAuthenticationClientSignInActivity: at('2024-01-01T00:00:00Z') });
    expect(r.node.lastUsedAt).toBeUndefined();
    expect(r.verdict).toBe('unknown');
  });

  it('an app set up for SAML single sign-on is used by the people signing in to it: their sign-ins count', () => {
    const row = {
      lastSignInActivity: at('2026-11-18T00:00:00Z'),
      applicationAuthenticationClientSignInActivity: at(null),
      delegatedClientSignInActivity: at(null),
      applicationAuthenticationResourceSignInActivity: at(null),
      delegatedResourceSignInActivity: at('2026-11-18T00:00:00Z'),
    };
    const r = run(row, { preferredSingleSignOnMode: 'saml' });
    expect(r.node.lastUsedAt).toBe('2026-11-18T00:00:00.000Z');
    expect(r.verdict).toBe('pass');
    // The same row on an app that is not set up for SAML: others' calls to it, not its own use.
    expect(run(row).verdict).toBe('fail');
  });

  it('a SAML app whose users last signed in long ago is dormant, and the message does not call their sign-ins others\' use', () => {
    const r = run(
      {
        lastSignInActivity: at('2026-11-18T00:00:00Z'),
        applicationAuthenticationClientSignInActivity: at(null),
        delegatedClientSignInActivity: at(null),
        // Another app calling it without a user is still not its use.
        applicationAuthenticationResourceSignInActivity: at('2026-11-18T00:00:00Z'),
        delegatedResourceSignInActivity: at('2026-01-01T00:00:00Z'),
      },
      { preferredSingleSignOnMode: 'saml' },
    );
    expect(r.node.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(r.verdict).toBe('fail');
    expect(r.messages[0]).toBe('Client last signed in on 2026-01-01 (323 days ago).');
  });

  it('near miss: a recent delegated client sign-in passes', () => {
    const r = run({
      lastSignInActivity: at('2026-11-19T00:00:00Z'),
      applicationAuthenticationClientSignInActivity: at('2024-01-01T00:00:00Z'),
      delegatedClientSignInActivity: at('2026-11-19T00:00:00Z'),
    });
    expect(r.node.lastUsedAt).toBe('2026-11-19T00:00:00.000Z');
    expect(r.verdict).toBe('pass');
  });
});
