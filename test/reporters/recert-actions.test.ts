import { describe, it, expect } from 'vitest';
import { parseCsv } from '../../src/connectors/aws/transform-csv.js';
import { recommendActions, renderRecertCsv } from '../../src/reporters/recert.js';
import type { IdentitySummary } from '../../src/report/types.js';
import { identitySummary } from '../helpers/identity-summary.js';
import { report, scanDir } from '../ci/helpers.js';

const now = Date.parse('2026-11-20T09:00:00Z');

/** Created in 2022, so "never used" has an age. */
const identity = (over: Partial<IdentitySummary> = {}): IdentitySummary => identitySummary({ createdAt: '2022-01-01T00:00:00Z', ...over });

const actions = (i: IdentitySummary, at = now) => recommendActions(i, at).map((a) => a.action);
const row = (i: IdentitySummary) => parseCsv(renderRecertCsv(report([], { identities: [i] })), 'x')[0];

describe('recert: use that the identity\'s own sign-ins do not show', () => {
  it('does not revoke a service principal that others call as a resource', () => {
    const api = identity({ lastUsedAt: null, indirectUse: [{ via: 'resource', name: 'Ticketing API', lastUsedAt: '2026-11-18T10:00:00Z' }] });
    expect(actions(api)).not.toContain('revoke');
    expect(recommendActions(api, now)).toContainEqual({ action: 'keep', reason: 'never signed in itself, but called as a resource on 2026-11-18' });
    // Near miss: the resource use is old too, so it is idle after all.
    const idle = identity({ lastUsedAt: null, indirectUse: [{ via: 'resource', name: 'Ticketing API', lastUsedAt: '2026-01-01T00:00:00Z' }] });
    expect(recommendActions(idle, now)[0]).toEqual({ action: 'revoke', reason: 'never used (created 1784 days ago); last called as a resource on 2026-01-01' });
  });

  it('does not revoke a user whose API token is in use, and says not used when the token is idle too', () => {
    const user = identity({ type: 'okta-user', lastUsedAt: '2026-07-01T00:00:00Z' });
    const token = { via: 'api-token' as const, name: 'siem-log-pull', estimated: true as const };
    expect(actions(user)[0]).toBe('revoke');
    const used = identity({ ...user, indirectUse: [{ ...token, lastUsedAt: '2026-11-19T08:55:00Z' }] });
    expect(actions(used)).not.toContain('revoke');
    expect(recommendActions(used, now)).toContainEqual({
      action: 'keep',
      reason: 'not used itself for 142 days, but its API token siem-log-pull was used about 2026-11-19 (estimated)',
    });
    const idle = identity({ ...user, indirectUse: [{ ...token, lastUsedAt: '2026-06-01T00:00:00Z' }] });
    expect(actions(idle)[0]).toBe('revoke');
  });

  it('does not revoke when the use of a token that acts as the identity was not collected', () => {
    const user = identity({ type: 'okta-user', lastUsedAt: '2026-07-01T00:00:00Z', indirectUse: [{ via: 'api-token', name: 't', estimated: true }] });
    expect(actions(user)).not.toContain('revoke');
    expect(recommendActions(user, now)).toContainEqual({ action: 'keep', reason: 'not used itself for 142 days, but the use of its API token t was not collected' });
  });

  it('never recommends revoking when the last use is unknown', () => {
    expect(actions(identity({ lastUsedAt: undefined }))).toEqual([]);
    expect(row(identity({ lastUsedAt: undefined })).recommended_action).toBe('keep');
  });
});

describe('recert: AWS root users', () => {
  it('never recommends revoking a root user, unused or never used', () => {
    for (const lastUsedAt of [null, '2026-06-01T00:00:00Z']) {
      const root = identity({ provider: 'aws', type: 'aws-root-user', lastUsedAt, createdAt: undefined, owners: [{ name: 'a', relation: 'owns' }] });
      expect(actions(root)).not.toContain('revoke');
      expect(recommendActions(root, now)).toContainEqual({
        action: 'keep',
        reason: 'a root user cannot be revoked and should stay unused: confirm it has MFA and no access keys',
      });
    }
    // Near miss: an IAM user with the same use is still revoked.
    expect(actions(identity({ provider: 'aws', type: 'aws-iam-user', lastUsedAt: null, createdAt: undefined }))[0]).toBe('revoke');
  });
});

describe('recert: credentials that are not usable', () => {
  const billing = identity({
    provider: 'aws',
    type: 'aws-iam-user',
    credentials: [
      { type: 'access-key', name: 'k1', createdAt: '2026-10-21T00:00:00Z', expiresAt: null, status: 'active' },
      { type: 'access-key', name: 'k2', createdAt: '2026-01-20T00:00:00Z', expiresAt: null, status: 'inactive' },
    ],
  });

  it('ages only active, unexpired credentials and says how many are not', () => {
    const r = row(billing);
    expect([r.credential_types, r.oldest_credential_age_days]).toEqual(['access-key x2 (1 inactive)', '30']);
    // Near miss: both active, the older one counts.
    const both = identity({ ...billing, credentials: billing.credentials.map((c) => ({ ...c, status: 'active' })) });
    expect([row(both).credential_types, row(both).oldest_credential_age_days]).toEqual(['access-key x2', '304']);
  });

  it('recommends removing an expired credential rather than rotating it', () => {
    const token = identity({
      type: 'okta-api-token',
      lastUsedAt: undefined,
      credentials: [{ type: 'api-token', name: 'SSWS token zapier-prod', createdAt: '2025-01-01T00:00:00Z', expiresAt: '2026-11-01T00:00:00Z', status: 'active' }],
    });
    const r = row(token);
    expect([r.next_expiry, r.recommended_action, r.oldest_credential_age_days, r.credential_types]).toEqual(['expired', 'remove expired', 'none', 'api-token (1 expired)']);
    expect(r.action_reasons).toBe('remove expired: 1 credential expired (SSWS token zapier-prod, 2026-11-01): remove it, or issue a new one if still needed');
    // Near miss: before it expires, the old secret is to be rotated.
    expect(actions(token, Date.parse('2026-10-01T00:00:00Z'))[0]).toBe('rotate');
  });

  it('counts a credential whose end is the scan time itself as expired, as the analysis and the rules do', () => {
    // The scan's clock (--now) on the very instant a secret ends: strength leaves it out
    // (isUnexpiredCredential), so the sheet must not age it, rotate it or name it the next expiry.
    const secret = { type: 'client-secret', name: 'prov-sync', createdAt: '2025-01-15T09:00:00Z', expiresAt: '2026-11-20T09:00:00Z', status: 'active' as const };
    const r = row(identity({ credentials: [secret] }));
    expect([r.credential_types, r.next_expiry, r.oldest_credential_age_days, r.recommended_action]).toEqual(['client-secret (1 expired)', 'expired', 'none', 'remove expired']);
    // Near miss: a second later it is live, to be rotated.
    const live = row(identity({ credentials: [{ ...secret, expiresAt: '2026-11-20T09:00:01Z' }] }));
    expect([live.credential_types, live.next_expiry, live.recommended_action]).toEqual(['client-secret', '2026-11-20T09:00:01.000Z', 'rotate']);
  });
});

describe('recert: the demo sheet', () => {
  const rows = parseCsv(renderRecertCsv(scanDir().report), 'recert.csv');
  const byName = (n: string) => rows.find((x) => x.name === n)!;

  it('keeps the Entra API that others call and the Okta user whose token is used daily', () => {
    expect(byName('Northwind Ticketing API').recommended_action).toBe('keep');
    expect(byName('Northwind Ticketing API').action_reasons).toMatch(/^keep: never signed in itself, but called as a resource on 2026-11-/);
    const siem = byName('svc.siem@northwind.example');
    expect(siem.action_reasons).not.toMatch(/(^|; )revoke:/);
    expect(siem.action_reasons).toContain('its API token siem-log-pull was used about 2026-11-');
  });

  it('does not recommend revoking the AWS root users', () => {
    const roots = rows.filter((x) => x.type === 'aws-root-user');
    expect(roots).toHaveLength(2);
    for (const r of roots) {
      expect(r.action_reasons).not.toMatch(/(^|; )revoke:/);
      expect(r.action_reasons).toContain('keep: a root user cannot be revoked');
    }
  });

  it('ages billing-export by its active key only', () => {
    const b = byName('billing-export');
    expect(b.credential_types).toBe('access-key x2 (1 inactive)');
    expect(Number(b.oldest_credential_age_days)).toBeLessThan(90);
  });
});
