import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLiveResults } from '../../src/cli/live.js';
import { InputError } from '../../src/errors.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws } from '../fakes/aws-iam-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake } from '../fakes/okta-server.js';
import { oktaSandbox } from '../hardening/okta-sandbox.js';
import { buildProgram } from '../../src/cli/main.js';
import { existsSync } from 'node:fs';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

/** Bad settings of `--aws`: one line naming the flag, exit 2 (InputError), before any request. */
let env: AwsTestEnv;
beforeAll(() => {
  env = isolateAwsEnv();
  // Should a check be missing, the collector's calls go to a closed loopback port, never to AWS.
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  process.env.AWS_ACCESS_KEY_ID = 'AKIALIVEOPTIONS00001';
  process.env.AWS_SECRET_ACCESS_KEY = 'live-options-secret';
  process.env.AWS_MAX_ATTEMPTS = '1';
});
afterAll(() => {
  env.restore();
  expect(env.blocked).toEqual([]);
});

async function inputError(flags: Parameters<typeof collectLiveResults>[0]): Promise<string> {
  const err = await collectLiveResults(flags).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const line = (err as InputError).oneLine();
  expect(line).not.toMatch(/\n/);
  return line;
}

describe('live AWS flags', () => {
  it('names --aws-assume-role when the role name is not a valid IAM role name', async () => {
    expect(await inputError({ aws: true, awsAssumeRole: 'scan role; drop', awsAccounts: 'all' })).toMatch(/--aws-assume-role/);
  });

  it('names --aws-region when the region is not a region name', async () => {
    for (const region of ['not a region', 'us-east1', 'https://sts.example']) {
      expect(await inputError({ aws: true, awsRegion: region })).toMatch(/^--aws-region/);
    }
  });

  it('names --aws-profile when no shared config or credentials file has that profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-profile-'));
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
    try {
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      writeFileSync(process.env.AWS_CONFIG_FILE, '[profile audit]\nregion = us-east-1\n');
      writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '[keys]\naws_access_key_id = AKIALIVEOPTIONS00002\naws_secret_access_key = x\n');
      const line = await inputError({ aws: true, awsProfile: 'no-such-profile' });
      expect(line).toMatch(/^--aws-profile/);
      expect(line).toContain('no-such-profile');
      // Without any shared file at all, the same.
      process.env.AWS_CONFIG_FILE = join(dir, 'absent-config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'absent-credentials');
      expect(await inputError({ aws: true, awsProfile: 'audit' })).toMatch(/^--aws-profile/);
      process.env.AWS_PROFILE = 'no-such-profile';
      expect(await inputError({ aws: true })).toMatch(/^AWS_PROFILE/);
    } finally {
      delete process.env.AWS_PROFILE;
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a profile found in either shared file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-profile-'));
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: 'AKIALIVEOPTIONS00002', secretAccessKey: 'live-options-secret-2' } });
    const endpoint = process.env.AWS_ENDPOINT_URL;
    try {
      process.env.AWS_ENDPOINT_URL = fake.url;
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      writeFileSync(process.env.AWS_CONFIG_FILE, '[profile audit]\nregion = us-east-1\n');
      writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '[audit]\naws_access_key_id = AKIALIVEOPTIONS00002\naws_secret_access_key = live-options-secret-2\n[keys]\naws_access_key_id = AKIALIVEOPTIONS00002\naws_secret_access_key = live-options-secret-2\n');
      for (const profile of ['audit', 'keys']) {
        const [result] = await collectLiveResults({ aws: true, awsProfile: profile });
        expect(result.coverage.find((c) => c.capability === 'aws.iam')?.status).toBe('collected');
      }
    } finally {
      await fake.close();
      process.env.AWS_ENDPOINT_URL = endpoint;
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks every provider\'s settings before the first request of any of them', async () => {
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: 'AKIALIVEOPTIONS00001', secretAccessKey: 'live-options-secret' } });
    const saved = { endpoint: process.env.AWS_ENDPOINT_URL, tenant: process.env.AZURE_TENANT_ID, client: process.env.AZURE_CLIENT_ID, okta: process.env.OKTA_ORG_URL };
    process.env.AWS_ENDPOINT_URL = fake.url;
    try {
      process.env.AZURE_TENANT_ID = '11111111-2222-4333-8444-555555555555';
      delete process.env.AZURE_CLIENT_ID;
      expect(await inputError({ aws: true, entra: true })).toContain('AZURE_CLIENT_ID');
      delete process.env.AZURE_TENANT_ID;
      process.env.OKTA_ORG_URL = 'http://okta.example.com';
      process.env.OKTA_API_TOKEN = 'live-options-okta-token';
      expect(await inputError({ aws: true, okta: true })).toMatch(/Okta org URL/);
      // Give a collection that was started anyway the time to send its first requests.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fake.totalRequests()).toBe(0);
    } finally {
      await fake.close();
      for (const [k, v] of Object.entries({ AWS_ENDPOINT_URL: saved.endpoint, AZURE_TENANT_ID: saved.tenant, AZURE_CLIENT_ID: saved.client, OKTA_ORG_URL: saved.okta })) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      delete process.env.OKTA_API_TOKEN;
    }
  });

  it('a provider refusing its credential ends collect with that one usage error and no snapshot, and stops the others', async () => {
    const sandbox = oktaSandbox();
    const aws = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: 'AKIALIVEOPTIONS00001', secretAccessKey: 'live-options-secret' }, latencyMs: 40 });
    const okta = await startOktaFake({ dataset: sampleOrg(), apiToken: 'the-right-token', now: new VirtualClock().now, responseDelayMs: 0 });
    const endpoint = process.env.AWS_ENDPOINT_URL;
    const out = join(mkdtempSync(join(tmpdir(), 'nhiscan-refused-')), 'snapshot');
    try {
      process.env.AWS_ENDPOINT_URL = aws.url;
      process.env.OKTA_ORG_URL = okta.url;
      process.env.OKTA_API_TOKEN = 'a-revoked-token';
      process.exitCode = undefined;
      const err = await buildProgram()
        .parseAsync(['node', 'nhiscan', 'collect', '--aws', '--okta', '--out', out])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).oneLine()).toMatch(/Okta rejected the API token/);
      expect(process.exitCode).toBeUndefined(); // main() maps the InputError to exit 2
      // The AWS collection is stopped: it writes nothing and rejects nothing unhandled (vitest
      // fails the run on an unhandled rejection). test/e2e/refused-credential.test.ts counts
      // the requests the stopped collectors still send.
      let seen = -1;
      for (let i = 0; i < 60 && aws.totalRequests() !== seen; i++) {
        seen = aws.totalRequests();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(existsSync(out)).toBe(false);
    } finally {
      process.env.AWS_ENDPOINT_URL = endpoint;
      await aws.close();
      await okta.close();
      sandbox.restore();
    }
  });
});

describe('--okta with a config file', () => {
  // The config's serviceAccountTypes decide which Okta users are service accounts in the
  // transform; the collector must read those users' roles, factors and groups too.
  it("passes serviceAccountTypes to the collector's choice of users to read in detail", async () => {
    const sandbox = oktaSandbox();
    const ds = sampleOrg();
    ds.userTypes = [...(ds.userTypes ?? []), { id: 'oty1rbt', name: 'robotAccount', displayName: 'Robot Account', default: false }];
    const human = ds.users.find((u) => u.id === '00uHUMAN01')!;
    ds.users.push({ ...human, id: '00uROBOT01', type: { id: 'oty1rbt' }, profile: { login: 'reporting-four@corp.example' } });
    const okta = await startOktaFake({ dataset: ds, apiToken: 'the-right-token', now: new VirtualClock().now, responseDelayMs: 0 });
    const saved = { url: process.env.OKTA_ORG_URL, token: process.env.OKTA_API_TOKEN };
    try {
      process.env.OKTA_ORG_URL = okta.url;
      process.env.OKTA_API_TOKEN = 'the-right-token';
      const config = { ...DEFAULT_CONFIG, serviceAccountTypes: ['robot account'] };
      const [result] = await collectLiveResults({ okta: true }, config);
      expect(Object.keys(result.files['okta/userRoles.json'] as object)).toContain('00uROBOT01');
      expect(okta.state.requests.some((q) => q.path.includes('00uHUMAN01'))).toBe(false);
    } finally {
      for (const [k, v] of Object.entries({ OKTA_ORG_URL: saved.url, OKTA_API_TOKEN: saved.token })) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await okta.close();
      sandbox.restore();
    }
  });
});
