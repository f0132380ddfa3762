import { describe, expect, it } from 'vitest';
import { OktaConfigError } from '../../src/connectors/okta/errors.js';
import { normaliseOrgUrl, oktaOptionsFromEnv } from '../../src/connectors/okta/options.js';
import { manifestOktaOrigin } from '../../src/connectors/okta/org-url.js';

const noFile = (p: string): string => {
  throw Object.assign(new Error(`no ${p}`), { code: 'ENOENT' });
};

describe('oktaOptionsFromEnv', () => {
  it('returns undefined when nothing Okta-related is set, ignoring the SDK OKTA_CLIENT_* variables', () => {
    expect(oktaOptionsFromEnv({ OKTA_CLIENT_ORGURL: 'https://x.okta.com', OKTA_CLIENT_TOKEN: 't' }, {}, noFile)).toBeUndefined();
  });

  it('builds SSWS options from the environment', () => {
    expect(oktaOptionsFromEnv({ OKTA_ORG_URL: 'https://c.okta.com', OKTA_API_TOKEN: ' tok ' }, {}, noFile)).toEqual({
      orgUrl: 'https://c.okta.com',
      auth: { kind: 'ssws', token: 'tok' },
    });
  });

  it('builds private-key options and reads the key through the injected reader; flags win', () => {
    const read: string[] = [];
    const opts = oktaOptionsFromEnv(
      { OKTA_ORG_URL: 'https://env.okta.com', OKTA_CLIENT_ID: 'env-client', OKTA_PRIVATE_KEY_PATH: '/env.pem', OKTA_KEY_ID: 'k1' },
      { oktaOrgUrl: 'https://flag.okta.com', oktaPrivateKeyPath: '/flag.pem' },
      (p) => {
        read.push(p);
        return 'PEM';
      },
    );
    expect(read).toEqual(['/flag.pem']);
    expect(opts).toEqual({
      orgUrl: 'https://flag.okta.com',
      auth: { kind: 'privateKey', clientId: 'env-client', privateKey: 'PEM', keyId: 'k1' },
    });
  });

  it.each([
    [{ OKTA_API_TOKEN: 't' }, /OKTA_ORG_URL/],
    [{ OKTA_ORG_URL: 'https://c.okta.com', OKTA_API_TOKEN: 't', OKTA_CLIENT_ID: 'c' }, /choose one/],
    [{ OKTA_ORG_URL: 'https://c.okta.com', OKTA_CLIENT_ID: 'c' }, /OKTA_PRIVATE_KEY_PATH is not/],
    // Only the org: the error once said OKTA_PRIVATE_KEY_PATH was set, when nothing but the org was.
    [{ OKTA_ORG_URL: 'https://c.okta.com' }, /^no Okta credential is set: set OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY_PATH$/],
    [{ OKTA_ORG_URL: 'https://c.okta.com', OKTA_PRIVATE_KEY_PATH: '/k' }, /OKTA_CLIENT_ID is not/],
    [{ OKTA_ORG_URL: 'https://c.okta.com', OKTA_CLIENT_ID: 'c', OKTA_PRIVATE_KEY_PATH: '/missing.pem' }, /cannot read .*ENOENT/],
  ])('rejects incomplete or conflicting settings %#', (env, message) => {
    expect(() => oktaOptionsFromEnv(env, {}, noFile)).toThrow(OktaConfigError);
    expect(() => oktaOptionsFromEnv(env, {}, noFile)).toThrow(message);
  });

  // The variable names a file; a key pasted into it instead (`OKTA_PRIVATE_KEY_PATH="$(cat key.pem)"`)
  // must not come back in the error line, nor should a path, which is the user's setting (as Entra's).
  it.each([
    ['a PEM key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCanarySecretBody\n-----END PRIVATE KEY-----\n', /looks like the key itself/],
    ['a JWK', '{"kty":"RSA","n":"pasted-modulus","d":"CanarySecretExponent"}', /looks like the key itself/],
    ['a path', '/keys/CanarySecretName.pem', /cannot read the file OKTA_PRIVATE_KEY_PATH names \(ENOENT\)/],
  ])('does not echo the value of OKTA_PRIVATE_KEY_PATH it cannot read (%s)', (_what, value, message) => {
    let error: unknown;
    try {
      oktaOptionsFromEnv({ OKTA_ORG_URL: 'https://c.okta.com', OKTA_CLIENT_ID: 'c', OKTA_PRIVATE_KEY_PATH: value }, {}, noFile);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OktaConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(message);
    expect(text).toMatch(/OKTA_PRIVATE_KEY_PATH must name the file that holds the private key/);
    expect(text).not.toMatch(/CanarySecret|BEGIN|kty/);
  });
});

describe('normaliseOrgUrl', () => {
  it('drops the trailing slash and keeps https origins', () => {
    expect(normaliseOrgUrl('https://contoso.okta.com/')).toBe('https://contoso.okta.com');
    expect(normaliseOrgUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
  });

  it.each(['http://contoso.okta.com', 'https://contoso.okta.com/oauth2/default', 'https://u:p@contoso.okta.com', 'not a url'])(
    'rejects %s',
    (raw) => {
      expect(() => normaliseOrgUrl(raw)).toThrow(OktaConfigError);
    },
  );

  it('does not echo a value that is not a URL (an API token pasted into OKTA_ORG_URL) and names the setting', () => {
    const token = '00aBcDeF-swapped-ssws-token-0001';
    let message = '';
    try {
      normaliseOrgUrl(token);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/OKTA_ORG_URL/);
    expect(message).not.toContain('swapped-ssws-token');
  });

  it('does not echo the path or credentials of a URL given with more than the origin (a token pasted after the host)', () => {
    for (const raw of ['https://contoso.okta.com/00aBcDeF-pasted-token-0002', 'https://user:00aBcDeF-pasted-token-0002@contoso.okta.com', 'http://contoso.okta.com/00aBcDeF-pasted-token-0002']) {
      let message = '';
      try {
        normaliseOrgUrl(raw);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, raw).toMatch(/OKTA_ORG_URL/);
      expect(message, raw).toContain('contoso.okta.com');
      expect(message, raw).not.toContain('pasted-token');
    }
  });
});

// One org URL, one origin: the collector writes what a hand-written manifest of the same org is
// read as, or a baseline taken from one snapshot calls every finding of the other new.
describe('the collector and a manifest read an org URL by the same rules', () => {
  it.each([
    'https://contoso.okta.com',
    'https://Contoso.OKTA.com/',
    'HTTPS://contoso.okta.com:443//',
    '  https://contoso.okta.com  ',
    'https://contoso.okta.com:8443',
    'http://127.0.0.1:8080/',
    'http://localhost:9000',
  ])('%j', (raw) => {
    expect(normaliseOrgUrl(raw)).toBe(manifestOktaOrigin(raw));
  });

  it.each(['https://contoso.okta.com/admin', 'https://contoso.okta.com?x=1', 'https://u:p@contoso.okta.com', 'https://con\ttoso.okta.com', 'ftp://contoso.okta.com'])(
    'both refuse %j',
    (raw) => {
      expect(manifestOktaOrigin(raw)).toBeUndefined();
      expect(() => normaliseOrgUrl(raw)).toThrow(OktaConfigError);
    },
  );

  it('a live setting must write its scheme: a bare value is not sent requests (a token in the URL\'s place)', () => {
    expect(manifestOktaOrigin('contoso.okta.com')).toBe('https://contoso.okta.com');
    expect(() => normaliseOrgUrl('contoso.okta.com')).toThrow(/is not a valid URL/);
    expect(() => normaliseOrgUrl('00aBcDeFswappedtoken')).toThrow(/is not a valid URL/);
  });

  it('another scheme is refused as not https, without an origin of "null"', () => {
    expect(() => normaliseOrgUrl('ftp://contoso.okta.com')).toThrow(/must use https/);
    expect(() => normaliseOrgUrl('ftp://contoso.okta.com')).not.toThrow(/null/);
  });
});
