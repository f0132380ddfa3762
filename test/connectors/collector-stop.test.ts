import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws } from '../../src/connectors/aws/client.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { collectOkta, OKTA_READ_SCOPES } from '../../src/connectors/okta/client.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws } from '../fakes/aws-iam-server.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake } from '../fakes/okta-server.js';
import { isolate } from '../e2e/live.js';

/**
 * Each collector's `signal` (how `collect` stops the others once one provider's credential is
 * refused): once it aborts, the collector sends no further request, records nothing, and rejects
 * with the signal's reason. Counted in the fakes' requests, never in time.
 */
const STOP = new Error('another provider refused its credential');
const AWS_KEY = 'AKIASTOPTEST00000001';
const AWS_SECRET = 'STOPTESTsecretAccessKey000000000000001';
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '99999999-8888-4777-8666-555555555555';
const SECRET = 'STOP-TEST-entra-secret';

let env: { restore(): string[] };
beforeAll(() => {
  env = isolate();
});
afterAll(() => {
  expect(env.restore()).toEqual([]);
});

describe('a collector stopped through its signal', () => {
  it('AWS, many accounts: no AssumeRole into the accounts after the stop, and the stop reason is thrown', async () => {
    const ids = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555', '666666666666'];
    const fake = await startFakeAws({ accounts: ids.map((id) => buildAccount(id)), credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET } });
    try {
      const stop = new AbortController();
      const err = await collectAws({
        endpoint: fake.url,
        credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET },
        assumeRoleName: 'nhiscan-readonly',
        accounts: ids,
        concurrency: 1,
        retryStrategy: new ConfiguredRetryStrategy(2, () => 1),
        sleep: async () => {},
        // Stopped as soon as the first account is done.
        progress: (m) => {
          if (/ done$/.test(m)) stop.abort(STOP);
        },
        signal: stop.signal,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBe(STOP);
      expect(fake.counts['sts:AssumeRole']).toBe(1);
      // Without a stop, the same run enters every account.
      await collectAws({
        endpoint: fake.url,
        credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET },
        assumeRoleName: 'nhiscan-readonly',
        accounts: ids,
        concurrency: 1,
        retryStrategy: new ConfiguredRetryStrategy(2, () => 1),
        sleep: async () => {},
        signal: new AbortController().signal,
      });
      expect(fake.counts['sts:AssumeRole']).toBe(1 + ids.length);
    } finally {
      await fake.close();
    }
  });

  it('Entra: stopped after the first list, no Graph request follows', async () => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 30 }), clientId: CLIENT, clientSecret: SECRET, pageSize: 2 });
    try {
      const stop = new AbortController();
      let atStop = -1;
      const err = await collectEntra({
        tenantId: TENANT,
        clientId: CLIENT,
        credential: { kind: 'secret', clientSecret: SECRET },
        tokenEndpoint: fake.tokenEndpoint,
        graphUrl: fake.url,
        concurrency: 1,
        sleep: async () => {},
        progress: () => {
          if (atStop < 0) {
            atStop = fake.counts.graph;
            stop.abort(STOP);
          }
        },
        signal: stop.signal,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBe(STOP);
      expect(atStop).toBeGreaterThan(0);
      expect(fake.counts.graph).toBe(atStop);
    } finally {
      await fake.close();
    }
  });

  it('Okta (OAuth service app): a stop before the start sends not even the token request', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaSTOPTEST', publicKey, grantedScopes: [...OKTA_READ_SCOPES] } });
    try {
      const stop = new AbortController();
      stop.abort(STOP);
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const err = await collectOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaSTOPTEST', privateKey: pem }, clock, signal: stop.signal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBe(STOP);
      expect(fake.state.tokenRequests).toEqual([]);
      expect(fake.state.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('Okta (API token): stopped after the app list, no request follows', async () => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'STOP-TEST-okta-token', now: clock.now, responseDelayMs: 0 });
    try {
      const stop = new AbortController();
      let atStop = -1;
      const err = await collectOkta({
        orgUrl: fake.url,
        auth: { kind: 'ssws', token: 'STOP-TEST-okta-token' },
        clock,
        progress: () => {
          if (atStop < 0) {
            atStop = fake.state.requests.length;
            stop.abort(STOP);
          }
        },
        signal: stop.signal,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBe(STOP);
      expect(atStop).toBeGreaterThan(0);
      // At most the requests in flight at the stop (the rate gate's 3) may still arrive; the
      // whole run sends several times as many.
      expect(fake.state.requests.length).toBeLessThanOrEqual(atStop + 3);
    } finally {
      await fake.close();
    }
  });
});
