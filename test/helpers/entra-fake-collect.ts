import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { collectEntra, type EntraCollectOptions } from '../../src/connectors/entra/client.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import type { EntraDataset } from '../fakes/entra-dataset.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake, type EntraFake, type EntraFakeOptions } from '../fakes/entra-server.js';

/** The tenant, client and secret the Entra collector tests sign in with (the secret is a canary). */
export const FAKE_ENTRA = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  clientId: '99999999-8888-4777-8666-555555555555',
  clientSecret: 'CANARY-ENTRA-SECRET-client-secret-0004',
} as const;

/**
 * collectEntra's options against the fake `f`, signed in as `who` (FAKE_ENTRA unless told), with
 * no real waits between retries; `extra` adds or overrides.
 */
export function fakeEntraOptions(
  f: Pick<EntraFake, 'tokenEndpoint' | 'url'>,
  extra: Partial<EntraCollectOptions> = {},
  who: { tenantId: string; clientId: string; clientSecret: string } = FAKE_ENTRA,
): EntraCollectOptions {
  return {
    tenantId: who.tenantId,
    clientId: who.clientId,
    credential: { kind: 'secret', clientSecret: who.clientSecret },
    tokenEndpoint: f.tokenEndpoint,
    graphUrl: f.url,
    sleep: async () => {},
    ...extra,
  };
}

/**
 * For a test file that collects from fakes: installs the network guard (no request may leave
 * 127.0.0.1; checked after the file), closes each test's fakes after it, and returns `collect`,
 * which starts a fake on `dataset` (with `extra`) and collects it as FAKE_ENTRA.
 */
export function useEntraFakes(): (dataset: EntraDataset, extra?: Partial<EntraFakeOptions>) => Promise<CollectResult> {
  const collect = useEntraFakeServers();
  return async (dataset, extra = {}) => (await collect(dataset, extra)).result;
}

/** useEntraFakes, whose `collect` also gives the fake `f` it collected from (its requests, for one). */
export function useEntraFakeServers(): (dataset: EntraDataset, extra?: Partial<EntraFakeOptions>) => Promise<{ result: CollectResult; f: EntraFake }> {
  let guard: ReturnType<typeof installNetGuard>;
  const fakes: EntraFake[] = [];
  beforeAll(() => {
    guard = installNetGuard();
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  afterAll(() => {
    guard.uninstall();
    expect(guard.attempts).toEqual([]);
  });
  return async (dataset, extra = {}) => {
    const f = await startEntraFake({ dataset, clientId: FAKE_ENTRA.clientId, clientSecret: FAKE_ENTRA.clientSecret, ...extra });
    fakes.push(f);
    return { result: await collectEntra(fakeEntraOptions(f)), f };
  };
}
