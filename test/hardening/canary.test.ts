import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws } from '../../src/connectors/aws/client.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { collectOkta, OKTA_READ_SCOPES } from '../../src/connectors/okta/client.js';
import { mergeResults } from '../../src/cli/live.js';
import { FORMATS, render } from '../../src/reporters/index.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws } from '../fakes/aws-iam-server.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake, type EntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake, type OktaFake } from '../fakes/okta-server.js';
import { cliAsync } from './cli-async.js';
import { scanInMemory } from './demo-copy.js';
import { oktaSandbox } from './okta-sandbox.js';
import { fakeEntraOptions } from '../helpers/entra-fake-collect.js';

/**
 * Every secret below, and every secret the fakes put in their answers (client_secret,
 * secretText, private JWK members, passwords, session tokens, access tokens), contains CANARY.
 */
const CANARY = /CANARY/i;
const AWS_KEY = 'AKIACANARY0000000009';
const AWS_SECRET = 'CANARYSECRETawsSecretAccessKey000000009';
const ENTRA_TENANT = '11111111-2222-4333-8444-555555555555';
const ENTRA_CLIENT = '99999999-8888-4777-8666-555555555555';
const ENTRA_SECRET = 'CANARY-ENTRA-client-secret-0009';
const OKTA_TOKEN = 'CANARY-OKTA-ssws-token-0009';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const OKTA_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A line of the PEM body: if any part of the key leaks, this is likely in it. */
const PEM_PROBES = OKTA_PEM.split('\n').filter((l) => l.length > 40).slice(1, 4);

let awsEnv: AwsTestEnv;
let sandbox: { restore(): void };
let aws: FakeAws;
let entra: EntraFake;
let okta: OktaFake;
let oktaOauth: OktaFake;
const progress: string[] = [];
const results: CollectResult[] = [];

function assertClean(text: string, where: string): void {
  expect(text, where).not.toMatch(CANARY);
  for (const probe of PEM_PROBES) expect(text.includes(probe), `${where} holds part of the private key`).toBe(false);
  expect(text, where).not.toContain('PRIVATE KEY');
}

beforeAll(async () => {
  awsEnv = isolateAwsEnv();
  sandbox = oktaSandbox();
  const accounts = [buildAccount('111122223333'), buildAccount('444455556666')];
  aws = await startFakeAws({ accounts, credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET }, deny: ['iam:GenerateCredentialReport'] });
  entra = await startEntraFake({
    dataset: makeEntraDataset(ENTRA_TENANT, { servicePrincipals: 20 }),
    clientId: ENTRA_CLIENT,
    clientSecret: ENTRA_SECRET,
    forbid: ['/beta/reports/servicePrincipalSignInActivities'],
  });
  const clock = new VirtualClock();
  okta = await startOktaFake({ dataset: sampleOrg(), apiToken: OKTA_TOKEN, now: clock.now, responseDelayMs: 0, forbid: ['/api/v1/apps/{id}/grants'] });
  oktaOauth = await startOktaFake({
    dataset: sampleOrg(),
    now: clock.now,
    responseDelayMs: 0,
    serviceApp: { clientId: '0oaCANARYAPP', publicKey, grantedScopes: [...OKTA_READ_SCOPES] },
  });
  const say = (m: string) => void progress.push(m);

  results.push(
    await collectAws({
      endpoint: aws.url,
      credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET },
      assumeRoleName: 'nhiscan-readonly',
      accounts: 'all',
      retryStrategy: new ConfiguredRetryStrategy(2, () => 1),
      progress: say,
    }),
    await collectEntra(fakeEntraOptions(entra, { progress: say }, { tenantId: ENTRA_TENANT, clientId: ENTRA_CLIENT, clientSecret: ENTRA_SECRET })),
    await collectOkta({ orgUrl: okta.url, auth: { kind: 'ssws', token: OKTA_TOKEN }, clock, progress: say }),
  );
  // A second Okta org, read with the OAuth service app, so the private key takes part too.
  const oauth = await collectOkta({ orgUrl: oktaOauth.url, auth: { kind: 'privateKey', clientId: '0oaCANARYAPP', privateKey: OKTA_PEM }, clock, progress: say });
  results.push(oauth);
});

afterAll(async () => {
  for (const f of [aws, entra, okta, oktaOauth]) await f?.close();
  sandbox.restore();
  awsEnv.restore();
});

describe('canary secrets never reach an output', () => {
  it('the fakes really served secrets and the runs really hit error paths (so the checks are not vacuous)', () => {
    expect(aws.counts['sts:AssumeRole']).toBe(2);
    expect(results[0].coverage.some((c) => c.status === 'missing-permission')).toBe(true);
    expect(results[1].coverage.some((c) => c.status === 'missing-permission')).toBe(true);
    expect(results[2].coverage.some((c) => c.status === 'missing-permission')).toBe(true);
    expect(oktaOauth.state.tokenRequests.some((t) => t.ok)).toBe(true);
    expect(progress.length).toBeGreaterThan(5);
  });

  it('is in no collected file, coverage reason, manifest or progress line', () => {
    for (const r of results) assertClean(JSON.stringify(r), 'collect result');
    assertClean(progress.join('\n'), 'progress');
  });

  it('is in no output format', () => {
    const snapshot = mergeResults(results.slice(0, 3), new Date('2026-11-28T09:00:00Z'));
    assertClean(JSON.stringify(snapshot), 'snapshot');
    const scanned = scanInMemory(snapshot);
    expect(scanned.report.identities.length).toBeGreaterThan(0);
    for (const format of FORMATS) {
      let out: string;
      try {
        out = render(format, scanned, { color: false });
      } catch (e) {
        if (/not available yet/.test((e as Error).message)) continue;
        throw e;
      }
      assertClean(out, format);
    }
  });
});

describe('canary secrets never reach stderr of the CLI, even with --debug', () => {
  it('Okta: a refused API token, with --debug', async () => {
    const r = await cliAsync(['scan', '--okta', '--debug'], { OKTA_ORG_URL: okta.url, OKTA_API_TOKEN: 'CANARY-OKTA-wrong-token-0010', HOME: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/401|rejected/);
    assertClean(r.stderr + r.stdout, 'okta stderr');
  });

  // The CLI refuses a plain-http authority before any token request, so this run never shows
  // Entra the secret: it checks that refusal's output. A secret Entra really refuses, with
  // --debug, is checked in process against the fake's token endpoint in
  // test/e2e/refused-credential.test.ts.
  it('Entra: an authority that is not https is refused before the secret is used, with --debug', async () => {
    const before = entra.counts.token;
    const r = await cliAsync(['scan', '--entra', '--debug', '--entra-authority', entra.url, '--graph-url', entra.url], {
      AZURE_TENANT_ID: ENTRA_TENANT,
      AZURE_CLIENT_ID: ENTRA_CLIENT,
      AZURE_CLIENT_SECRET: 'CANARY-ENTRA-wrong-secret-0010',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/https/);
    expect(entra.counts.token).toBe(before);
    assertClean(r.stderr + r.stdout, 'entra stderr');
  });

  // A secret pasted into a setting that names something else (a file, a profile, an account
  // list) is not echoed by the line that says the setting is wrong, with --debug either.
  it('Okta: a private key pasted into OKTA_PRIVATE_KEY_PATH, for doctor, scan and collect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-pasted-'));
    const out = join(dir, 'out');
    for (const args of [['doctor', '--okta'], ['scan', '--okta'], ['collect', '--okta', '--out', out]]) {
      const before = oktaOauth.state.tokenRequests.length;
      const r = await cliAsync([...args, '--debug'], { OKTA_ORG_URL: oktaOauth.url, OKTA_CLIENT_ID: '0oaCANARYAPP', OKTA_PRIVATE_KEY_PATH: OKTA_PEM, HOME: '/nonexistent' });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toMatch(/^nhiscan: OKTA_PRIVATE_KEY_PATH must name the file that holds the private key; its value looks like the key itself/);
      expect(oktaOauth.state.tokenRequests.length, args[0]).toBe(before);
      assertClean(r.stderr + r.stdout, `okta ${args[0]} stderr`);
    }
    expect(existsSync(out)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('AWS: a secret given as the profile name (AWS_PROFILE or --aws-profile) or as a line of --aws-accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-pasted-'));
    const accounts = join(dir, 'accounts.txt');
    writeFileSync(accounts, `${AWS_SECRET}\n111122223333\n`);
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_ENDPOINT_URL: aws.url, HOME: dir };
    writeFileSync(env.AWS_CONFIG_FILE, '[profile audit]\nregion = us-east-1\n');
    const runs: Array<[string[], Record<string, string>, RegExp]> = [
      [['doctor', '--aws'], { AWS_PROFILE: AWS_SECRET }, /^nhiscan: AWS_PROFILE: no profile of that name \(a name of \d+ characters, not shown\)/],
      [['scan', '--aws', '--aws-profile', AWS_SECRET], {}, /^nhiscan: --aws-profile: no profile of that name/],
      [['collect', '--aws', '--out', join(dir, 'out'), '--aws-assume-role', 'nhiscan-readonly', '--aws-accounts', accounts], {}, /^nhiscan: .*accounts\.txt: line 1: not a 12-digit account id/],
    ];
    const before = Object.values(aws.counts).reduce((a, b) => a + b, 0);
    for (const [args, extra, message] of runs) {
      const r = await cliAsync([...args, '--debug'], { ...env, ...extra });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      assertClean(r.stderr + r.stdout, `aws ${args.join(' ')}`);
    }
    // A plain profile name is still named, as before.
    const plain = await cliAsync(['doctor', '--aws'], { ...env, AWS_PROFILE: 'no-such-profile' });
    expect(plain.stderr).toMatch(/^nhiscan: AWS_PROFILE: no profile "no-such-profile"/);
    expect(Object.values(aws.counts).reduce((a, b) => a + b, 0)).toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });

  it('AWS: denied calls and a partial scan, with --debug and every format', async () => {
    for (const format of ['table', 'json']) {
      const r = await cliAsync(['scan', '--aws', '--debug', '--fail-on', 'critical', '--allow-partial', '--format', format], {
          AWS_ACCESS_KEY_ID: AWS_KEY,
          AWS_SECRET_ACCESS_KEY: AWS_SECRET,
          AWS_ENDPOINT_URL: aws.url,
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: '/nonexistent/nhiscan/config',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/nhiscan/credentials',
          AWS_MAX_ATTEMPTS: '1',
      });
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(/GenerateCredentialReport/);
      assertClean(r.stderr + r.stdout, `aws ${format}`);
    }
  });
});
