import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-credential-expired-present.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-credential-expired-present', () => {
  ruleCases(rule, NOW, [
    {
      name: 'secret expired a year ago fails',
      build: (g) => {
        const a = g.app('orphan');
        g.secret(a, { created: '2024-01-01T00:00:00Z', expires: '2025-11-20T00:00:00Z' });
        return a;
      },
      verdict: 'fail',
      severities: ['low'],
      message: ['expired on 2025-11-20 (365 days ago)'],
    },
    {
      name: 'near miss: expired 10 days ago is within the rotation grace period',
      build: (g) => {
        const sp = g.sp('rotating');
        g.cert(sp, { created: '2025-11-10T00:00:00Z', expires: '2026-11-10T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'grace period is an option',
      options: { graceDays: 5 },
      build: (g) => {
        const sp = g.sp('rotating');
        g.cert(sp, { created: '2025-11-10T00:00:00Z', expires: '2026-11-10T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
    },
    {
      name: 'near miss: federated credential without dates is not a finding',
      build: (g) => {
        const sp = g.sp('fed');
        g.fic(sp, { subject: 'repo:a/b:environment:prod', match: 'exact' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when service principals were not collected',
      coverage: { 'entra.servicePrincipals': 'error' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});

describe('entra-credential-expired-present on end dates as Graph writes them', () => {
  const verdictFor = (pc: Record<string, unknown>) => {
    const sp = rawSp('Legacy');
    const app = { id: gid(), appId: sp.appId, displayName: 'Legacy', passwordCredentials: [{ keyId: gid(), ...pc }] };
    return rawVerdict(rule, rawGraph({ 'servicePrincipals.json': [sp], 'applications.json': [app] }), spNodeId(sp)).verdict;
  };

  it('a secret without endDateTime is unknown: it may have expired long ago', () => {
    expect(verdictFor({ startDateTime: '2020-01-01T00:00:00Z' })).toBe('unknown');
  });

  it('near miss: a secret with an end date in the future passes', () => {
    expect(verdictFor({ startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' })).toBe('pass');
  });
});
