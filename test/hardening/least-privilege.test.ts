import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws } from '../../src/connectors/aws/client.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { collectOkta, OKTA_READ_SCOPES } from '../../src/connectors/okta/client.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { readOnlyActions, startFakeAws } from '../fakes/aws-iam-server.js';
import { useIsolatedAwsEnv } from '../fakes/aws-test-env.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { DOCUMENTED_GRAPH_CALLS, ENTRA_SHORT_VERSION } from '../fakes/entra-permissions.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { OKTA_SCOPE_FOR, startOktaFake } from '../fakes/okta-server.js';
import { repoRoot } from '../helpers/cli.js';
import { oktaSandbox } from './okta-sandbox.js';

const docs = (name: string) => readFileSync(join(repoRoot, 'docs', name), 'utf8');

describe('AWS: only docs/aws-readonly-policy.json', () => {
  const env = useIsolatedAwsEnv();

  it('a single-account and an organization-wide run ask for nothing outside the policy, and read-only actions only', async () => {
    const accounts = [buildAccount('111122223333'), buildAccount('444455556666')];
    const fake = await startFakeAws({ accounts, credentials: { accessKeyId: 'AKIALEASTPRIV0000001', secretAccessKey: 'least-privilege-secret-000000000000' } });
    try {
      const base = { endpoint: fake.url, credentials: { accessKeyId: 'AKIALEASTPRIV0000001', secretAccessKey: 'least-privilege-secret-000000000000' }, retryStrategy: new ConfiguredRetryStrategy(2, () => 1) };
      const single = await collectAws(base);
      const org = await collectAws({ ...base, assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
      expect(fake.refused).toEqual([]);
      for (const r of [single, org]) expect(r.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
      const used = Object.keys(fake.counts).filter((a) => a !== 'sts:GetCallerIdentity');
      expect(used.every((a) => readOnlyActions().has(a))).toBe(true);
      // The policy itself grants only reads (and AssumeRole into the scan role).
      for (const action of readOnlyActions()) expect(action).toMatch(/^[a-z]+:(Get|List|Generate|Describe)|^sts:AssumeRole$/);
    } finally {
      await fake.close();
    }
    expect(env.blocked).toEqual([]);
  });
});

describe('Entra: only the permissions of docs/entra-permissions.md', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const CLIENT = '99999999-8888-4777-8666-555555555555';
  const SECRET = 'least-privilege-entra-secret';
  const run = async (grantedPermissions: string[]) => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 20 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions });
    try {
      const result = await collectEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, sleep: async () => {} });
      return { result, undocumented: [...fake.undocumented], refused: [...fake.refused] };
    } finally {
      await fake.close();
    }
  };

  it('the fake table matches the permissions named in the docs', () => {
    const text = docs('entra-permissions.md');
    for (const call of DOCUMENTED_GRAPH_CALLS) for (const p of call.anyOf) expect(text).toContain(p);
  });

  it('with "the short version" granted, every call is documented and only the agent sponsors go unread', async () => {
    const { result, undocumented, refused } = await run(ENTRA_SHORT_VERSION);
    expect(undocumented).toEqual([]);
    // Agent identity sponsors need a write permission the docs tell you not to grant.
    expect(new Set(refused.map((p) => p.replace(/[0-9a-f-]{36}/, '{id}')))).toEqual(new Set(['/beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors']));
    // Refused per agent identity (a blueprint's list is read): a gap of those parents' lists in
    // agentSponsors.json, not of the capability, which stays collected for the rest.
    expect(result.coverage.filter((c) => c.status !== 'collected').map((c) => `${c.capability}:${c.status}`)).toEqual(['entra.agentSponsors@agentSponsors.json:missing-permission']);
    expect(result.coverage.find((c) => c.capability === 'entra.agentSponsors')?.status).toBe('collected');
  });

  it('without AuditLog.Read.All, only the capabilities the docs tie to it are missing', async () => {
    const { result, undocumented } = await run(ENTRA_SHORT_VERSION.filter((p) => p !== 'AuditLog.Read.All'));
    expect(undocumented).toEqual([]);
    const missing = result.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability).sort();
    expect(missing).toEqual(['entra.agentSponsors@agentSponsors.json', 'entra.credentialSignInActivity', 'entra.mfaRegistration', 'entra.signInActivity', 'entra.userSignInActivity']);
    expect(result.coverage.find((c) => c.capability === 'entra.users')?.status).toBe('collected');
  });
});

describe('Okta: only the scopes of docs/okta-permissions.md', () => {
  let sandbox: { restore(): void };
  beforeAll(() => {
    sandbox = oktaSandbox();
  });
  afterAll(() => sandbox.restore());
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('the scopes it asks for are the documented read-only ones, and the fake table matches the docs', () => {
    const text = docs('okta-permissions.md');
    for (const scope of OKTA_READ_SCOPES) {
      expect(scope).toMatch(/\.read$/);
      expect(text).toContain(`\`${scope}\``);
    }
    expect(new Set(Object.values(OKTA_SCOPE_FOR))).toEqual(new Set(OKTA_READ_SCOPES));
  });

  it('a run with exactly those scopes calls nothing its token does not cover', async () => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaLEAST01', publicKey, grantedScopes: [...OKTA_READ_SCOPES] } });
    try {
      const r = await collectOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaLEAST01', privateKey: pem }, clock });
      expect(fake.state.outsideScopes).toEqual([]);
      expect(r.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
      expect(fake.state.requests.every((q) => q.method === 'GET' || q.template === '/oauth2/v1/token')).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('a token without okta.roles.read loses exactly the role capabilities, as missing-permission naming the scope', async () => {
    const clock = new VirtualClock();
    const scopes = OKTA_READ_SCOPES.filter((s) => s !== 'okta.roles.read');
    const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaLEAST02', publicKey, grantedScopes: scopes } });
    try {
      const r = await collectOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaLEAST02', privateKey: pem, scopes }, clock });
      const gaps = r.coverage.filter((c) => c.status !== 'collected');
      expect(gaps.map((c) => c.capability).sort()).toEqual(['okta.adminRoles', 'okta.clientRoles']);
      for (const g of gaps) expect(g).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('okta.roles.read') });
      expect(new Set(fake.state.outsideScopes.map((o) => o.needs))).toEqual(new Set(['okta.roles.read']));
    } finally {
      await fake.close();
    }
  });
});
