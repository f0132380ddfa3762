import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws } from '../../src/connectors/aws/client.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { collectOkta } from '../../src/connectors/okta/client.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { isolateAwsEnv } from '../fakes/aws-test-env.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake, type EntraFake, type EntraFakeOptions } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { startOktaFake, type OktaFake, type OktaFakeOptions } from '../fakes/okta-server.js';
import { oktaSandbox } from '../hardening/okta-sandbox.js';
import { awsAccountsFromDemo } from './aws-demo-dataset.js';
import { DEMO_NOW } from './demo.js';
import { DEMO_ENTRA_FORBID, entraDatasetFromDemo } from './entra-demo-dataset.js';
import { oktaDatasetFromDemo } from './okta-demo-dataset.js';

const ENTRA_CLIENT_ID = '0d5e2c8a-7b1f-4e3a-9c6d-2f8b1a4e7c90';
const ENTRA_SECRET = 'E2E-ENTRA-CLIENT-SECRET-0001';
const OKTA_TOKEN = 'E2E-OKTA-SSWS-TOKEN-0001';
const AWS_KEY = 'AKIAE2EROUNDTRIP0001';
const AWS_SECRET = 'E2ESECRETroundTrip0000000000000000000001';
/** The scan role the fake accepts in every account (its default). */
const SCAN_ROLE = 'nhiscan-readonly';

/** Every secret the round trip hands a collector; none may appear in a result. */
export const E2E_SECRETS = [ENTRA_SECRET, OKTA_TOKEN, AWS_SECRET];

/**
 * Process-wide isolation for talking to the fakes: no ambient AWS/MSAL/Okta configuration or
 * proxies, an empty HOME and working folder for the Okta SDK, and a guard that refuses any TCP
 * connect off loopback. `restore` undoes it in reverse order and returns what the guard blocked.
 */
export function isolate(): { restore(): string[] } {
  const aws = isolateAwsEnv();
  const msal: Record<string, string | undefined> = {};
  // MSAL reads these to change authority handling (SDK-NOTES §1.3).
  for (const k of ['MSAL_FORCE_REGION', 'REGION_NAME']) {
    msal[k] = process.env[k];
    delete process.env[k];
  }
  const okta = oktaSandbox();
  // This guard also understands the [options, callback] form net.connect uses internally.
  const guard = installNetGuard();
  return {
    restore() {
      guard.uninstall();
      okta.restore();
      for (const [k, v] of Object.entries(msal)) if (v !== undefined) process.env[k] = v;
      aws.restore();
      return [...guard.attempts, ...aws.blocked];
    },
  };
}

/** A collector run against a fake, with the fake kept for request assertions. */
export interface LiveRun<F> {
  fake: F;
  result: CollectResult;
}

export async function collectEntraDemo(demo: Snapshot, extra: Partial<EntraFakeOptions> = {}): Promise<LiveRun<EntraFake>> {
  const dataset = entraDatasetFromDemo(demo);
  const fake = await startEntraFake({ dataset, clientId: ENTRA_CLIENT_ID, clientSecret: ENTRA_SECRET, forbid: DEMO_ENTRA_FORBID, ...extra });
  try {
    const result = await collectEntra({
      tenantId: dataset.tenantId,
      clientId: ENTRA_CLIENT_ID,
      credential: { kind: 'secret', clientSecret: ENTRA_SECRET },
      tokenEndpoint: fake.tokenEndpoint,
      graphUrl: fake.url,
      sleep: async () => {},
    });
    return { fake, result };
  } catch (e) {
    await fake.close();
    throw e;
  }
}

export async function collectOktaDemo(demo: Snapshot, extra: Partial<OktaFakeOptions> = {}): Promise<LiveRun<OktaFake>> {
  const clock = new VirtualClock(DEMO_NOW.getTime());
  const fake = await startOktaFake({ dataset: oktaDatasetFromDemo(demo), apiToken: OKTA_TOKEN, now: clock.now, responseDelayMs: 0, ...extra });
  try {
    const result = await collectOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: OKTA_TOKEN }, clock });
    return { fake, result };
  } catch (e) {
    await fake.close();
    throw e;
  }
}

/** Both demo accounts, entered the multi-account way: sts:AssumeRole into each. */
export async function collectAwsDemo(demo: Snapshot, extra: Partial<FakeAwsOptions> = {}): Promise<LiveRun<FakeAws>> {
  const accounts = awsAccountsFromDemo(demo);
  const fake = await startFakeAws({ accounts, credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET }, assumableRoleName: SCAN_ROLE, ...extra });
  try {
    const result = await collectAws({
      endpoint: fake.url,
      credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET },
      assumeRoleName: SCAN_ROLE,
      accounts: accounts.map((a) => a.accountId),
      retryStrategy: new ConfiguredRetryStrategy(4, () => 1),
      sleep: async () => {},
      now: () => DEMO_NOW,
    });
    return { fake, result };
  } catch (e) {
    await fake.close();
    throw e;
  }
}

/**
 * The fake Okta org listens on `http://127.0.0.1:<port>`, and Okta node ids (so fingerprints) are
 * built from the org URL. To compare with the demo, the live snapshot's org is renamed to the
 * demo's URL: only the scope label changes, every object inside was collected live.
 */
export function renameOktaOrg(snapshot: Snapshot, orgUrl: string): Snapshot {
  const okta = snapshot.manifest.providers.okta;
  if (!okta) return snapshot;
  const from = okta.orgUrl;
  return {
    ...snapshot,
    manifest: {
      ...snapshot.manifest,
      providers: { ...snapshot.manifest.providers, okta: { ...okta, orgUrl } },
      coverage: snapshot.manifest.coverage.map((c) => (c.provider === 'okta' && c.scope === from ? { ...c, scope: orgUrl } : c)),
    },
  };
}
