import { describe, expect, it } from 'vitest';
import { CoverageBook } from '../../src/connectors/okta/coverage.js';
import { nextLinkOf } from '../../src/connectors/okta/paging.js';
import { bucketOf, parseRateLimitHeaders, RateGate } from '../../src/connectors/okta/rate-gate.js';
import { redactSecrets } from '../../src/connectors/okta/redact.js';
import { isMachineApp, looksLikeServiceAccount } from '../../src/connectors/okta/selection.js';
import { VirtualClock } from '../fakes/okta-clock.js';

describe('nextLinkOf', () => {
  it('finds rel="next" among joined Link headers', () => {
    const h = '<https://o.okta.com/api/v1/users?limit=200>; rel="self", <https://o.okta.com/api/v1/users?after=00u9&limit=200>; rel="next"';
    expect(nextLinkOf(h)).toBe('https://o.okta.com/api/v1/users?after=00u9&limit=200');
  });

  it('reads the relation type case-insensitively, as RFC 8288 compares it', () => {
    expect(nextLinkOf('<https://o.okta.com/api/v1/users>; rel="self", <https://o.okta.com/api/v1/users?after=00u9>; REL="Next"')).toBe('https://o.okta.com/api/v1/users?after=00u9');
  });

  it('refuses a link cut short in its relation, or with none: it may have been the next link', () => {
    const self = '<https://o.okta.com/api/v1/users?limit=2>; rel="self"';
    for (const cut of [`${self}, <https://o.okta.com/api/v1/users?after=x&limit=2>; rel="nex`, `${self}, <https://o.okta.com/api/v1/users?after=x&limit=2>`, `${self}, <https://o.okta.com/api/v1/users?after=x&limit=2>; rel=`]) {
      expect(() => nextLinkOf(cut, '/api/v1/users')).toThrow(/malformed Link header .* on \/api\/v1\/users/);
    }
    // Near miss: a bare token relation is valid (RFC 8288).
    expect(nextLinkOf(`${self}, <https://o.okta.com/api/v1/users?after=x>; rel=next`)).toBe('https://o.okta.com/api/v1/users?after=x');
  });

  it('returns undefined without a next relation', () => {
    expect(nextLinkOf('<https://o.okta.com/api/v1/users>; rel="self"')).toBeUndefined();
    expect(nextLinkOf(null)).toBeUndefined();
  });
});

describe('redactSecrets', () => {
  it('drops secret values and private JWK members, keeps hashes, ids and public key parts', () => {
    const input = {
      credentials: { oauthClient: { client_id: 'c1', client_secret: 's', token_endpoint_auth_method: 'client_secret_basic' } },
      items: [{ id: 'x', secret_hash: 'h', client_secret: 's2' }],
      jwks: [{ kty: 'RSA', kid: 'k', n: 'N', e: 'AQAB', d: 'D', p: 'P' }],
      userCreds: { password: { value: 'pw' }, provider: { type: 'OKTA' } },
      flags: { secret: false },
    };
    expect(redactSecrets(input)).toEqual({
      credentials: { oauthClient: { client_id: 'c1', token_endpoint_auth_method: 'client_secret_basic' } },
      items: [{ id: 'x', secret_hash: 'h' }],
      jwks: [{ kty: 'RSA', kid: 'k', n: 'N', e: 'AQAB' }],
      userCreds: { password: {}, provider: { type: 'OKTA' } },
      flags: { secret: false },
    });
    // A "d" outside a JWK is ordinary data.
    expect(redactSecrets({ d: 'kept' })).toEqual({ d: 'kept' });
  });

  it('drops members whose name only contains a secret-like word, keeps the metadata the transform reads', () => {
    const input = {
      signingSecret: 's',
      client_secret_value: 's',
      'Private-Key-PEM': 's',
      scimBearerToken: 's',
      api_passphrase: 's',
      pin: 1234,
      webhook: { signing_secret: { value: 's', rotated: true, history: ['s', { value: 's' }] } },
      clientSecrets: ['s', 's'],
      token_endpoint_auth_method: 'client_secret_jwt',
      tokenWindow: 'P30D',
      passwordChanged: '2024-01-01T00:00:00.000Z',
      revealPassword: false,
      secret_hash: 'h',
      refresh_token: null,
    };
    expect(redactSecrets(input)).toEqual({
      webhook: { signing_secret: { rotated: true, history: [{}] } },
      clientSecrets: [],
      token_endpoint_auth_method: 'client_secret_jwt',
      tokenWindow: 'P30D',
      passwordChanged: '2024-01-01T00:00:00.000Z',
      revealPassword: false,
      secret_hash: 'h',
      refresh_token: null,
    });
  });
});

describe('redactSecrets: values shaped like a credential', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n';
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  // A review: "scheme word, space, 8+ token characters" also matched names and descriptions.
  it('keeps prose that starts with an authorization scheme word, wherever it is', () => {
    const groups = [{ id: 'g1', profile: { name: 'Basic Services', description: 'Bearer Readonly' } }, { id: 'g2', profile: { name: 'Basic Auth App' } }];
    expect(redactSecrets(groups)).toEqual(groups);
    const app = { id: 'a1', label: 'Basic Authentication', settings: { app: { description: 'Basic Authentication', mode: 'SSWS Integration' } } };
    expect(redactSecrets(app)).toEqual(app);
  });

  it('drops a short scheme token where secrets live (settings, credentials) and a long one anywhere', () => {
    const input = {
      settings: { app: { notes: 'Basic dXNlcjpwYXNz', mode: 'Bearer Readonly' }, other: { note: 'Bearer abc12345' } },
      credentials: { signing: { value: 'SSWS 00aB3xY9' } },
      profile: { note: 'Bearer aB3dEf6hIj9kLm2nOp', cert: pem, id: jwt, title: 'Bearer of news' },
    };
    expect(redactSecrets(input)).toEqual({
      settings: { app: { mode: 'Bearer Readonly' }, other: {} },
      credentials: { signing: {} },
      profile: { title: 'Bearer of news' },
    });
  });

  it('tells where each value-shaped drop was, never the value; name-matched secrets are not counted', () => {
    const dropped: string[] = [];
    const out = redactSecrets(
      [
        { id: 'g1', profile: { name: 'Basic Services', 'display name': pem } },
        { id: 'a1', client_secret: 's', settings: { app: { notes: 'Basic dXNlcjpwYXNz' } }, keys: [jwt, 'public'] },
      ],
      (path) => dropped.push(path),
    );
    expect(dropped).toEqual(['$[0].profile["display name"]', '$[1].settings.app.notes', '$[1].keys[0]']);
    expect(out).toEqual([{ id: 'g1', profile: { name: 'Basic Services' } }, { id: 'a1', settings: { app: {} }, keys: ['public'] }]);
    const under: string[] = [];
    redactSecrets([{ note: jwt }], (path) => under.push(path), '$["0oa1"]');
    expect(under).toEqual(['$["0oa1"][0].note']);
  });
});

describe('rate limit helpers', () => {
  it('maps object paths onto one bucket per endpoint', () => {
    expect(bucketOf('get', 'https://o/api/v1/users/00u1/roles')).toBe('GET /api/v1/users/{id}/roles');
    expect(bucketOf('get', 'https://o/api/v1/users?limit=200&after=x')).toBe('GET /api/v1/users');
    expect(bucketOf('post', 'https://o/oauth2/v1/token')).toBe('POST /oauth2/v1/token');
  });

  it('ignores missing or comma-duplicated headers', () => {
    const h = (m: Record<string, string>) => (n: string) => m[n] ?? null;
    expect(parseRateLimitHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '5', 'x-rate-limit-reset': '1700000000' }))).toEqual({
      limit: 600,
      remaining: 5,
      reset: 1700000000,
    });
    expect(parseRateLimitHeaders(h({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '5, 5', 'x-rate-limit-reset': '1' }))).toBeUndefined();
  });

  it('pauses a bucket until its reset once the advertised budget is used, other buckets go on', async () => {
    const clock = new VirtualClock(1_000_000);
    const gate = new RateGate({ maxConcurrent: 5, reserveFraction: 0, resetPaddingMs: 0, clock });
    await gate.acquire('A');
    gate.release('A', { limit: 10, remaining: 1, reset: 1_060 });
    await gate.acquire('A');
    gate.release('A', { limit: 10, remaining: 0, reset: 1_060 });
    await gate.acquire('B');
    expect(clock.now()).toBe(1_000_000);
    gate.release('B', undefined);
    await gate.acquire('A');
    expect(clock.now()).toBe(1_060_000);
    expect(gate.pauses).toBe(1);
  });

  it('maps X-Rate-Limit-Reset onto our clock with the Date headers seen', async () => {
    const clock = new VirtualClock(1_000_000_000);
    const gate = new RateGate({ maxConcurrent: 5, reserveFraction: 0, resetPaddingMs: 100, clockAheadWithoutDateMs: 900, clock });
    const reset = { limit: 10, remaining: 0, reset: 1_000_060 };
    // Nothing known yet: the allowance for an unknown clock applies.
    expect(gate.msUntilReset(reset)).toBe(60_000 + 900 + 100);
    // Okta's clock reads 3.4 s less than ours (Date has whole seconds, rounded down).
    gate.noteServerDate(new Date(1_000_000_000 - 3_400).toUTCString(), clock.now());
    expect(gate.msUntilReset(reset)).toBe(60_000 + 4_000 + 100);
    // A later answer narrows the bound; an unusable header changes nothing.
    gate.noteServerDate(new Date(1_000_000_000 - 3_000).toUTCString(), clock.now());
    gate.noteServerDate('not a date', clock.now());
    expect(gate.msUntilReset(reset)).toBe(60_000 + 3_000 + 100);
    expect(gate.msUntilReset(reset, 3)).toBe(60_000 + 3_000 + 400);
  });

  it('lets one request into an unknown bucket at a time', async () => {
    const gate = new RateGate({ maxConcurrent: 5, reserveFraction: 0, resetPaddingMs: 0, clock: new VirtualClock() });
    await gate.acquire('A');
    let second = false;
    const p = gate.acquire('A').then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    gate.release('A', undefined);
    await p;
    expect(second).toBe(true);
  });
});

describe('selection', () => {
  it('treats service apps and client_credentials apps as machines, not plain web apps', () => {
    const oidc = (type: string, grants: string[]) => ({ signOnMode: 'OPENID_CONNECT', settings: { oauthClient: { application_type: type, grant_types: grants } } });
    expect(isMachineApp(oidc('service', ['client_credentials']))).toBe(true);
    expect(isMachineApp(oidc('web', ['authorization_code', 'client_credentials']))).toBe(true);
    expect(isMachineApp(oidc('web', ['authorization_code']))).toBe(false);
    expect(isMachineApp({ signOnMode: 'SAML_2_0' })).toBe(false);
  });

  it('matches service-account patterns on login and user type, with stateful regexes too', () => {
    const u = { profile: { login: 'svc-ci@corp.example' } };
    const global = [/^svc-/g];
    expect(looksLikeServiceAccount(u, global)).toBe(true);
    expect(looksLikeServiceAccount(u, global)).toBe(true);
    expect(looksLikeServiceAccount({ profile: { login: 'a@b', userType: 'Robot' } }, [/robot/i])).toBe(true);
    expect(looksLikeServiceAccount({ profile: { login: 'alice@corp.example' } }, [/^svc-/])).toBe(false);
  });
});

describe('CoverageBook', () => {
  it('keeps the worst status per capability and its reasons', () => {
    const b = new CoverageBook('https://o');
    b.note('okta.adminRoles', 'collected');
    b.note('okta.adminRoles', 'error', 'HTTP 500 on /api/v1/groups/1/roles');
    b.note('okta.apps', 'collected');
    expect(b.records()).toEqual([
      { provider: 'okta', scope: 'https://o', capability: 'okta.apps', status: 'collected' },
      { provider: 'okta', scope: 'https://o', capability: 'okta.adminRoles', status: 'error', reason: 'HTTP 500 on /api/v1/groups/1/roles' },
    ]);
  });

  // Several reads feed one capability side by side (appSecrets and appJwks, groups.json and
  // userGroups.json, appUsers and appGroups): the record must not depend on which failed first.
  it('gives one record whichever order the same outcomes were noted in', () => {
    const outcomes: [string, string][] = [
      ['missing-permission', 'HTTP 403 E0000006 (needs okta.apps.read and an admin role that can read it)'],
      ['error', '2 of 3 reads for okta/appJwks.json failed (first: HTTP 500)'],
      ['collected', ''],
    ];
    const book = (order: [string, string][]) => {
      const b = new CoverageBook('https://o');
      for (const [status, reason] of order) b.note('okta.appCredentials', status as never, reason || undefined);
      return b.records();
    };
    const one = book(outcomes);
    expect(one[0]).toMatchObject({ status: 'missing-permission' });
    expect(one[0].reason).toContain('appJwks.json');
    expect(book([...outcomes].reverse())).toEqual(one);
    expect(book([outcomes[1], outcomes[2], outcomes[0]])).toEqual(one);
  });
});
