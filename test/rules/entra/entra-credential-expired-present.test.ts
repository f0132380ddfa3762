import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-credential-expired-present.js';
import { ruleCases } from '../../helpers/entra-builders.js';

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
