import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-sp-dormant.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-sp-dormant', () => {
  ruleCases(rule, NOW, [
    {
      name: 'last sign-in 323 days ago on a T2 app fails medium',
      build: (g) => {
        const sp = g.sp('notifier', { lastUsedAt: '2026-01-01T00:00:00Z' });
        g.appRole(sp, 'Mail.Send');
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['2026-01-01 (323 days ago)'],
    },
    {
      name: 'never signed in and created long ago fails',
      build: (g) => g.sp('ghost', { lastUsedAt: null, createdAt: '2024-01-01T00:00:00Z' }),
      verdict: 'fail',
      message: ['no sign-in on record (created 2024-01-01)'],
    },
    {
      name: 'near miss: never signed in but created 10 days ago passes',
      build: (g) => g.sp('new', { lastUsedAt: null, createdAt: '2026-11-10T00:00:00Z' }),
      verdict: 'pass',
    },
    {
      name: 'unknown when never signed in and the creation date is not known (managed identity: the grace period cannot be judged)',
      build: (g) => g.sp('mi', { type: 'entra-managed-identity', lastUsedAt: null, createdAt: undefined }),
      verdict: 'unknown',
    },
    {
      name: 'near miss: signed in 89 days ago passes',
      build: (g) => g.sp('busy', { lastUsedAt: '2026-08-23T00:00:00Z' }),
      verdict: 'pass',
    },
    {
      name: 'disabled service principals are not evaluated',
      build: (g) => g.sp('off', { enabled: false, lastUsedAt: null }),
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when sign-in activity was not collected',
      coverage: { 'entra.signInActivity': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
