import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraCredentialChoiceWarning } from '../../src/connectors/entra/env.js';
import { cli } from '../helpers/cli.js';

// Several Entra credentials in the environment: the first of secret, certificate, federated token
// is used (azure-identity's DefaultAzureCredential order). A certificate set up to replace a secret
// that was never unset would otherwise be ignored without a word.
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '99999999-8888-4777-8666-555555555555';
const SECRET = 'CHOICE-client-secret-value-0001';
const CERT = '/nowhere/CHOICE-cert-path.pem';
const TOKEN_FILE = '/nowhere/CHOICE-token-file';

describe('entraCredentialChoiceWarning', () => {
  it('names the variables set and the one used, never a value', () => {
    expect(entraCredentialChoiceWarning({ AZURE_CLIENT_SECRET: SECRET })).toBeUndefined();
    expect(entraCredentialChoiceWarning({ AZURE_CLIENT_CERTIFICATE_PATH: CERT, AZURE_CLIENT_SECRET: '' })).toBeUndefined();
    expect(entraCredentialChoiceWarning({ AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_CERTIFICATE_PATH: CERT })).toBe(
      'AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH are both set: the client secret (AZURE_CLIENT_SECRET) is used, as azure-identity orders them; unset the one not meant',
    );
    expect(entraCredentialChoiceWarning({ AZURE_CLIENT_CERTIFICATE_PATH: CERT, AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE })).toBe(
      'AZURE_CLIENT_CERTIFICATE_PATH and AZURE_FEDERATED_TOKEN_FILE are both set: the certificate (AZURE_CLIENT_CERTIFICATE_PATH) is used, as azure-identity orders them; unset the one not meant',
    );
    expect(entraCredentialChoiceWarning({ AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_CERTIFICATE_PATH: CERT, AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE })).toBe(
      'AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH and AZURE_FEDERATED_TOKEN_FILE are all set: the client secret (AZURE_CLIENT_SECRET) is used, as azure-identity orders them; unset the ones not meant',
    );
  });
});

describe('the CLI with both AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH set', () => {
  let work: string;
  let port: number;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nhiscan-entra-choice-'));
    // A closed port on 127.0.0.1: the token request fails at once, nothing leaves the machine.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const env = (extra: Record<string, string>) => ({ HOME: work, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET, ...extra });
  const at = () => `https://127.0.0.1:${port}`;
  const warningLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('are both set'));

  it('collect, scan and doctor print one warning line naming both and the one used, and neither value', () => {
    const runs = [
      cli(['collect', '--entra', '--entra-authority', at(), '--graph-url', at(), '--out', join(work, 'out')], { cwd: work, env: env({ AZURE_CLIENT_CERTIFICATE_PATH: CERT }) }),
      cli(['scan', '--entra', '--entra-authority', at(), '--graph-url', at()], { cwd: work, env: env({ AZURE_CLIENT_CERTIFICATE_PATH: CERT }) }),
      cli(['doctor', '--entra', '--entra-token-endpoint', `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`], { cwd: work, env: env({ AZURE_CLIENT_CERTIFICATE_PATH: CERT }) }),
    ];
    for (const r of runs) {
      // The endpoint cannot be reached: exit 3, as without the warning.
      expect(r.code).toBe(3);
      expect(warningLines(r.stderr)).toEqual([
        'nhiscan: warning: AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH are both set: the client secret (AZURE_CLIENT_SECRET) is used, as azure-identity orders them; unset the one not meant',
      ]);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain('CHOICE-cert-path');
    }
  });

  it('says nothing with the secret alone', () => {
    const r = cli(['doctor', '--entra', '--entra-token-endpoint', `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`], { cwd: work, env: env({}) });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/warning/);
  });
});
