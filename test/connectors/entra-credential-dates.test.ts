import { describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import { RAW_TENANT, gid, rawGraph, rawSp } from '../helpers/entra-raw.js';

// Graph always returns endDateTime on passwordCredential and keyCredential (default lifetime two
// years); the retired "never" choice wrote an end date about 99 years out (Microsoft devblog,
// "Client Secret expiration now limited to a maximum of two years"). So a missing end date is
// "not read" (undefined) and a ~99-year end date is "no expiry" (null).
describe('Entra credential end dates', () => {
  const keys = { twoYears: gid(), never: gid(), noEnd: gid(), certNever: gid(), certNoEnd: gid(), noStart: gid() };
  const sp = rawSp('Legacy');
  const app = {
    id: gid(),
    appId: sp.appId,
    displayName: 'Legacy',
    passwordCredentials: [
      { keyId: keys.twoYears, startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2028-01-01T00:00:00.000Z' },
      { keyId: keys.never, startDateTime: '2019-01-01T00:00:00Z', endDateTime: '2299-12-31T05:00:00Z' },
      { keyId: keys.noEnd, startDateTime: '2026-01-01T00:00:00Z' },
      // No start date: the lifetime is measured from the collection time (2026-11-20).
      { keyId: keys.noStart, endDateTime: '2118-01-01T00:00:00Z' },
    ],
    keyCredentials: [
      { keyId: keys.certNever, usage: 'Verify', type: 'AsymmetricX509Cert', startDateTime: '2020-01-01T00:00:00Z', endDateTime: '2119-01-01T00:00:00Z' },
      { keyId: keys.certNoEnd, usage: 'Verify', type: 'AsymmetricX509Cert', startDateTime: '2026-01-01T00:00:00Z' },
    ],
  };
  const g = rawGraph({ 'servicePrincipals.json': [sp], 'applications.json': [app] });
  const cred = (k: string) => g.node(ids.entraCredential(RAW_TENANT, k))!;

  it('keeps a real end date', () => {
    expect(cred(keys.twoYears).expiresAt).toBe('2028-01-01T00:00:00.000Z');
    expect(cred(keys.twoYears).attrs.endDateTime).toBeUndefined();
  });

  it('a missing endDateTime is not read (undefined), never "never expires" (null)', () => {
    expect(cred(keys.noEnd).expiresAt).toBeUndefined();
    expect(cred(keys.certNoEnd).expiresAt).toBeUndefined();
  });

  it('a lifetime over ~90 years is no expiry (null), with the written end date kept', () => {
    expect(cred(keys.never)).toMatchObject({ expiresAt: null, attrs: { endDateTime: '2299-12-31T05:00:00.000Z' } });
    expect(cred(keys.certNever)).toMatchObject({ expiresAt: null, attrs: { endDateTime: '2119-01-01T00:00:00.000Z' } });
    expect(cred(keys.noStart)).toMatchObject({ expiresAt: null, attrs: { endDateTime: '2118-01-01T00:00:00.000Z' } });
  });
});
