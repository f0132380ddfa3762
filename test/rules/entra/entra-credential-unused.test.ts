import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-credential-unused.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-credential-unused', () => {
  ruleCases(rule, NOW, [
    {
      name: 'secret last used 200 days ago fails',
      build: (g) => {
        const sp = g.sp('app');
        g.secret(sp, { name: 's1', created: '2025-01-01T00:00:00Z', lastUsed: '2026-05-04T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      message: ['"s1"', '200 days ago'],
    },
    {
      name: 'certificate never used since creation a year ago fails',
      build: (g) => {
        const sp = g.sp('app');
        g.cert(sp, { created: '2025-11-20T00:00:00Z', lastUsed: null });
        return sp;
      },
      verdict: 'fail',
      message: ['no sign-in on record'],
    },
    {
      name: 'near miss: new unused secret and recently used secret pass',
      build: (g) => {
        const sp = g.sp('app');
        g.secret(sp, { created: '2026-11-01T00:00:00Z', lastUsed: null });
        g.secret(sp, { created: '2025-01-01T00:00:00Z', lastUsed: '2026-11-19T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: a secret that is not valid yet cannot have been used',
      build: (g) => {
        const sp = g.sp('staged');
        g.secret(sp, { created: '2027-05-01T00:00:00Z', lastUsed: null });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when credential sign-in activity was not collected',
      coverage: { 'entra.credentialSignInActivity': 'not-collected' },
      build: (g) => {
        const sp = g.sp('app');
        g.secret(sp, { created: '2025-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'unknown when a secret was never used and its creation date is not known',
      build: (g) => {
        const sp = g.sp('app');
        g.secret(sp, { lastUsed: null });
        return sp;
      },
      verdict: 'unknown',
    },
  ]);
});
