import { describe, it, expect } from 'vitest';
import noExpiry from '../../rules/nhi/nhi-credential-no-expiry.js';
import { runRule } from '../helpers/rule-tester.js';
import { NOW, oktaIds as I, oktaOrg, type OktaOrg } from '../helpers/okta-builders.js';
import type { Graph } from '../../src/graph/graph.js';
import { InputError } from '../../src/errors.js';
import { earlierJwkCredentialId } from '../../src/connectors/okta/transform-apps.js';

// The RSA key of RFC 7638, section 3.1, whose thumbprint the RFC gives.
const RFC_KEY = {
  kty: 'RSA',
  e: 'AQAB',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
};
const RFC_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRjmhpMY5ii3TmjddP2Fvg3jsXOddkd1otOkVAU' };

const APP = 'a1';
const jwt = { authMethod: 'private_key_jwt' };
/** Another service app keeps appJwks.json read: a1 missing from it means its keys were not read. */
const inline = (keys: Record<string, unknown>[]): OktaOrg =>
  oktaOrg().serviceApp({ id: APP, ...jwt, jwks: null, inlineJwks: keys }).serviceApp({ id: 'a2' });
const listed = (keys: ({ id: string } & Record<string, unknown>)[], inlineKeys?: Record<string, unknown>[]): OktaOrg =>
  oktaOrg().serviceApp({ id: APP, ...jwt, jwks: keys, inlineJwks: inlineKeys }).serviceApp({ id: 'a2' });

const keysOf = (g: Graph) => g.out(I.app(APP), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
const noExpiryFindings = (g: Graph) => runRule(noExpiry, g, { now: NOW }).findings.filter((f) => f.subject.id === I.app(APP));

describe('an Okta app key has one identity, whichever way it was read', () => {
  it('the same key inline in apps.json and in appJwks.json: the same credential id and finding fingerprint', () => {
    const a = inline([{ ...RFC_KEY, kid: 'deploy-1', use: 'sig' }]).graph();
    const b = listed([{ id: 'pks1', ...RFC_KEY, kid: 'deploy-1', use: 'sig', created: '2025-01-01T00:00:00.000Z' }]).graph();
    const [ka, kb] = [keysOf(a), keysOf(b)];
    expect(ka).toHaveLength(1);
    expect(kb).toHaveLength(1);
    expect(ka[0].id).toBe(I.cred(`jwk/${APP}/${RFC_THUMBPRINT}`));
    expect(kb[0].id).toBe(ka[0].id);
    // Both name it by its kid; the list's own id for it is kept as an attribute.
    expect([ka[0].name, kb[0].name]).toEqual(['public key deploy-1', 'public key deploy-1']);
    expect(kb[0].attrs).toMatchObject({ keyId: 'pks1', kid: 'deploy-1', thumbprint: RFC_THUMBPRINT });
    const [fa, fb] = [noExpiryFindings(a), noExpiryFindings(b)];
    expect(fa).toHaveLength(1);
    expect(fb).toHaveLength(1);
    expect(fb[0].fingerprint).toBe(fa[0].fingerprint);
  });

  it('the kid does not make the identity: a key renamed between the two copies is still one key', () => {
    const a = inline([{ ...RFC_KEY, kid: 'old-name' }]).graph();
    const b = listed([{ id: 'pks1', ...RFC_KEY, kid: 'new-name', created: '2025-01-01T00:00:00.000Z' }]).graph();
    expect(keysOf(b)[0].id).toBe(keysOf(a)[0].id);
  });

  it('a key without a kid (Okta allows it) is read from either source and has one identity', () => {
    const a = inline([{ ...RFC_KEY }]).graph();
    const b = listed([{ id: 'pks1', kid: null, ...RFC_KEY, created: '2025-01-01T00:00:00.000Z' }]).graph();
    expect(keysOf(a).map((k) => k.id)).toEqual([I.cred(`jwk/${APP}/${RFC_THUMBPRINT}`)]);
    expect(keysOf(b).map((k) => k.id)).toEqual(keysOf(a).map((k) => k.id));
    expect(noExpiryFindings(b)[0].fingerprint).toBe(noExpiryFindings(a)[0].fingerprint);
  });

  it('a key present in both places is one credential, with the status and date of the listed copy', () => {
    const g = listed([{ id: 'pks1', ...RFC_KEY, kid: 'deploy-1', status: 'INACTIVE', created: '2025-01-01T00:00:00.000Z' }], [{ ...RFC_KEY, kid: 'deploy-1' }]).graph();
    const keys = keysOf(g);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ status: 'inactive', createdAt: '2025-01-01T00:00:00.000Z' });
  });

  it('one key listed twice in appJwks.json is one credential, active when either copy is', () => {
    const g = listed([
      { id: 'pks1', ...RFC_KEY, kid: 'deploy-1', status: 'INACTIVE', created: '2025-01-01T00:00:00.000Z' },
      { id: 'pks2', ...RFC_KEY, kid: 'deploy-1', status: 'ACTIVE', created: '2025-06-01T00:00:00.000Z' },
    ]).graph();
    const keys = keysOf(g);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ status: 'active', createdAt: '2025-06-01T00:00:00.000Z' });
    expect(keys[0].attrs.keyId).toBe('pks2');
  });

  it('near miss: two different keys with one kid stay two credentials', () => {
    const g = listed([
      { id: 'pks1', ...RFC_KEY, kid: 'k', created: '2025-01-01T00:00:00.000Z' },
      { id: 'pks2', ...OTHER_KEY, kid: 'k', created: '2025-01-01T00:00:00.000Z' },
    ]).graph();
    expect(keysOf(g)).toHaveLength(2);
    expect(new Set(noExpiryFindings(g).map((f) => f.fingerprint)).size).toBe(2);
  });

  it('a key without its public members falls back to its API id in the list, its kid inline', () => {
    // Okta's JWKS API always returns the public members; a key without them is hand-made. The list
    // names each key by an id of its own, which tells two apart where a shared kid would not.
    const a = inline([{ kty: 'RSA', kid: 'bare' }]).graph();
    const b = listed([{ id: 'pks1', kty: 'RSA', kid: 'bare', created: '2025-01-01T00:00:00.000Z' }]).graph();
    expect(keysOf(a).map((k) => k.id)).toEqual([I.cred(`jwk/${APP}/kid:bare`)]);
    expect(keysOf(b).map((k) => k.id)).toEqual([I.cred(`jwk/${APP}/id:pks1`)]);
  });

  it('two listed keys without public members that share a kid stay two credentials (none dropped)', () => {
    const g = listed([
      { id: 'pks1', kty: 'RSA', kid: 'k', created: '2025-01-01T00:00:00.000Z' },
      { id: 'pks2', kty: 'RSA', kid: 'k', created: '2025-01-01T00:00:00.000Z' },
    ]).graph();
    expect(keysOf(g)).toHaveLength(2);
  });

  it('an inline key with neither public members nor a kid is refused, naming its place', () => {
    let err: unknown;
    try {
      inline([{ use: 'sig' }]).graph();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toBe('$[0].settings.oauthClient.jwks.keys[0]');
    expect((err as InputError).message).toMatch(/public key members.*"kid"/);
  });

  it('knows the id earlier versions gave the key: the API id from the list, the kid from the inline copy', () => {
    const earlier = (g: Graph) => earlierJwkCredentialId(keysOf(g)[0], g.node(I.app(APP))!);
    expect(earlier(listed([{ id: 'pks1', ...RFC_KEY, kid: 'deploy-1', created: '2025-01-01T00:00:00.000Z' }]).graph())).toBe(I.cred(`jwk/${APP}/pks1`));
    expect(earlier(inline([{ ...RFC_KEY, kid: 'deploy-1' }]).graph())).toBe(I.cred(`jwk/${APP}/deploy-1`));
    // Earlier versions refused an inline key with no kid: it had no fingerprint to keep.
    expect(earlier(inline([{ ...RFC_KEY }]).graph())).toBeUndefined();
  });
});
