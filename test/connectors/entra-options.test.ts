import { describe, expect, it } from 'vitest';
import { collectEntra, entraOptionsFromEnv, EntraConfigError } from '../../src/connectors/entra/client.js';
import { resolveGraphOrigin } from '../../src/connectors/entra/cloud.js';
import { stripSecretValues } from '../../src/connectors/entra/redact.js';

const BASE = { AZURE_TENANT_ID: 'contoso.onmicrosoft.com', AZURE_CLIENT_ID: 'c1' };

describe('entraOptionsFromEnv', () => {
  it('prefers a client secret over a certificate and a federated token, like azure-identity', () => {
    const all = { ...BASE, AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem', AZURE_FEDERATED_TOKEN_FILE: '/t' };
    expect(entraOptionsFromEnv(all).credential).toEqual({ kind: 'secret', clientSecret: 's' });
    const { AZURE_CLIENT_SECRET: _s, ...noSecret } = all;
    expect(entraOptionsFromEnv(noSecret).credential).toMatchObject({ kind: 'certificateFile', path: '/c.pem' });
    const { AZURE_CLIENT_CERTIFICATE_PATH: _c, ...federatedOnly } = noSecret;
    expect(entraOptionsFromEnv(federatedOnly).credential).toEqual({ kind: 'federated', tokenFile: '/t' });
  });

  it('lets flags override the environment and carries the authority host', () => {
    const opts = entraOptionsFromEnv(
      { ...BASE, AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' },
      { tenantId: 'fabrikam.example', graphUrl: 'https://dod-graph.microsoft.us' },
    );
    expect(opts).toMatchObject({ tenantId: 'fabrikam.example', authorityHost: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us' });
  });

  it.each([
    [{ AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }, /AZURE_TENANT_ID is not set/],
    [{ AZURE_TENANT_ID: 't', AZURE_CLIENT_SECRET: 's' }, /AZURE_CLIENT_ID is not set/],
    [BASE, /no Entra credential/],
    [{ ...BASE, AZURE_TENANT_ID: 'common', AZURE_CLIENT_SECRET: 's' }, /cannot be "common"/],
  ])('rejects an incomplete environment (%#)', (env, message) => {
    expect(() => entraOptionsFromEnv(env)).toThrow(message);
  });

  it('rejects a tenant that is neither a GUID nor a domain without echoing it (a client secret in the wrong variable)', () => {
    const secret = 'abc8Q~swapped.client-secret_0001';
    let err: unknown;
    try {
      entraOptionsFromEnv({ AZURE_TENANT_ID: secret, AZURE_CLIENT_ID: 'c1', AZURE_CLIENT_SECRET: '11111111-2222-4333-8444-555555555555' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EntraConfigError);
    expect((err as Error).message).toMatch(/AZURE_TENANT_ID/);
    expect(`${(err as Error).message} ${(err as EntraConfigError).hint}`).not.toContain('swapped');
    for (const tenantId of ['11111111-2222-4333-8444-555555555555', 'contoso.onmicrosoft.com', 'fabrikam.example']) {
      expect(entraOptionsFromEnv({ AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: 'c1', AZURE_CLIENT_SECRET: 's' }).tenantId).toBe(tenantId);
    }
  });
});

describe('national clouds and URL safety', () => {
  it('derives the Graph origin from the authority host', () => {
    expect(resolveGraphOrigin(undefined, 'https://login.microsoftonline.com')).toBe('https://graph.microsoft.com');
    expect(resolveGraphOrigin(undefined, 'https://login.microsoftonline.us')).toBe('https://graph.microsoft.us');
    expect(resolveGraphOrigin(undefined, 'https://login.chinacloudapi.cn')).toBe('https://microsoftgraph.chinacloudapi.cn');
    expect(() => resolveGraphOrigin(undefined, 'https://login.example.org')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('no known Microsoft Graph endpoint'), hint: 'pass --graph-url for this cloud' }),
    );
  });

  it('refuses to send a bearer token over plain http except to loopback', async () => {
    expect(resolveGraphOrigin('http://127.0.0.1:8080/v1.0', 'https://login.microsoftonline.com')).toBe('http://127.0.0.1:8080');
    const opts = { tenantId: 't', clientId: 'c', credential: { kind: 'secret', clientSecret: 's' } } as const;
    await expect(collectEntra({ ...opts, graphUrl: 'http://graph.example.org' })).rejects.toBeInstanceOf(EntraConfigError);
    await expect(collectEntra({ ...opts, tokenEndpoint: 'http://login.example.org/t/oauth2/v2.0/token', graphUrl: 'http://127.0.0.1:1' })).rejects.toThrow(/token endpoint must use https/);
  });
});

describe('bad Entra URLs name the setting to fix', () => {
  it('names --entra-authority / AZURE_AUTHORITY_HOST and --graph-url', async () => {
    const opts = { tenantId: 't', clientId: 'c', credential: { kind: 'secret', clientSecret: 's' } } as const;
    const line = async (extra: object): Promise<string> => {
      const err = await collectEntra({ ...opts, ...extra }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EntraConfigError);
      return `${(err as EntraConfigError).message} (${(err as EntraConfigError).hint})`;
    };
    for (const authorityHost of ['not a url', 'http://login.microsoftonline.com']) {
      const text = await line({ authorityHost });
      expect(text).toContain('--entra-authority');
      expect(text).toContain('AZURE_AUTHORITY_HOST');
    }
    for (const graphUrl of ['not a url', 'ftp://graph.example.org']) expect(await line({ graphUrl })).toContain('--graph-url');
  });
});

describe('stripSecretValues', () => {
  it('drops secret values and certificate blobs but keeps hints, key ids and thumbprints', () => {
    const app = {
      id: 'a',
      passwordCredentials: [{ keyId: 'k1', hint: 'abc', secretText: 'S3CRET' }],
      keyCredentials: [{ keyId: 'k2', customKeyIdentifier: 'THUMB', key: 'MIIB...' }],
      web: { key: 'not a credential blob' },
    };
    expect(stripSecretValues(app)).toEqual({
      id: 'a',
      passwordCredentials: [{ keyId: 'k1', hint: 'abc' }],
      keyCredentials: [{ keyId: 'k2', customKeyIdentifier: 'THUMB' }],
      web: { key: 'not a credential blob' },
    });
  });
});
