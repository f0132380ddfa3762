import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-secret-long-lived.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-secret-long-lived', () => {
  ruleCases(rule, NOW, [
    {
      name: 'two-year secret on a T4 app fails, escalated to critical',
      build: (g) => {
        const sp = g.sp('deploy');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        g.secret(sp, { created: '2026-10-01T00:00:00Z', expires: '2028-10-01T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['valid for 731 days', 'limit is 180 days'],
    },
    {
      name: 'secret without an end date fails',
      build: (g) => {
        const sp = g.sp('legacy');
        g.appRole(sp, 'Mail.Send');
        g.secret(sp, { created: '2026-10-01T00:00:00Z', expires: null });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['never expires'],
    },
    {
      name: 'with a longer lifetime allowed, a secret created 200 days ago still fails on age',
      options: { maxSecretLifetimeDays: 365 },
      build: (g) => {
        const sp = g.sp('old');
        g.secret(sp, { created: '2026-05-04T00:00:00Z', expires: '2026-11-30T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      message: ['created 200 days ago'],
    },
    {
      // Its lifetime is set already: it will be valid for too long once it starts.
      name: 'a secret that is not valid yet is judged on its lifetime too',
      build: (g) => {
        const sp = g.sp('staged');
        g.secret(sp, { name: 'next', created: '2027-05-01T00:00:00Z', expires: '2027-11-01T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      message: ['"next"', 'valid for 184 days (until 2027-11-01)'],
    },
    {
      name: 'near miss: 180-day secret created 30 days ago passes',
      build: (g) => {
        const sp = g.sp('fresh');
        g.secret(sp, { created: '2026-10-21T00:00:00Z', expires: '2027-04-19T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: certificate valid 365 days passes (its own limit), expired long secret ignored',
      build: (g) => {
        const sp = g.sp('cert');
        g.cert(sp, { created: '2026-06-01T00:00:00Z', expires: '2027-06-01T00:00:00Z' });
        g.secret(sp, { created: '2022-01-01T00:00:00Z', expires: '2025-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'first-party service principals are not evaluated',
      build: (g) => {
        const sp = g.sp('Microsoft Graph', { firstParty: true });
        g.secret(sp, { created: '2020-01-01T00:00:00Z', expires: null });
        return sp;
      },
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when applications were not collected',
      coverage: { 'entra.applications': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('x');
        g.secret(sp, { created: '2020-01-01T00:00:00Z', expires: null });
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'unknown when a secret has no start date (lifetime and age cannot be computed)',
      build: (g) => {
        const sp = g.sp('undated');
        g.secret(sp, { expires: '2027-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'unknown when a certificate has no start date',
      build: (g) => {
        const sp = g.sp('undated-cert');
        g.cert(sp, { expires: '2027-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'unknown',
    },
  ]);
});

describe('entra-secret-long-lived on end dates as Graph writes them', () => {
  const verdictFor = (pc: Record<string, unknown>) => {
    const sp = rawSp('Legacy');
    const app = { id: gid(), appId: sp.appId, displayName: 'Legacy', passwordCredentials: [{ keyId: gid(), displayName: 'k', ...pc }] };
    return rawVerdict(rule, rawGraph({ 'servicePrincipals.json': [sp], 'applications.json': [app] }), spNodeId(sp));
  };

  it('a secret without endDateTime is unknown, not "never expires"', () => {
    const r = verdictFor({ startDateTime: '2026-01-01T00:00:00Z' });
    expect(r).toMatchObject({ verdict: 'unknown', messages: [] });
    expect(Object.keys(r.unknownReasons)).toEqual(['credential end date not read, so its lifetime and validity are not known']);
  });

  it('a secret made with the old "never" option (end date ~99 years out) fails as no expiry, naming the written date', () => {
    expect(verdictFor({ startDateTime: '2019-01-01T00:00:00Z', endDateTime: '2299-12-31T05:00:00Z' })).toMatchObject({
      verdict: 'fail',
      messages: ['client secret "k" on Legacy is valid until 2299-12-31: no expiry in practice (the old "never" option wrote an end date ~99 years out).'],
    });
  });

  it('near miss: a two-year secret still fails on its lifetime, in days', () => {
    expect(verdictFor({ startDateTime: '2026-10-01T00:00:00Z', endDateTime: '2028-10-01T00:00:00Z' }).messages[0]).toContain('is valid for 731 days');
  });
});
