import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-multiple-active-secrets.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-multiple-active-secrets', () => {
  ruleCases(rule, NOW, [
    {
      name: 'three active secrets (app and SP level together) fail',
      build: (g) => {
        const sp = g.sp('shared');
        g.appRole(sp, 'User.ReadWrite.All');
        g.secret(sp, { name: 'a' });
        g.secret(sp, { name: 'b' });
        g.secret(sp, { name: 'c', location: 'servicePrincipal' });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['3 active client secrets (a, b, c)'],
    },
    {
      name: 'near miss: two active secrets and one expired pass (rotation overlap)',
      build: (g) => {
        const sp = g.sp('rotating');
        g.secret(sp, { name: 'new' });
        g.secret(sp, { name: 'old' });
        g.secret(sp, { name: 'dead', expires: '2025-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      // Graph passwordCredential.startDateTime: the secret is not valid before it.
      name: 'near miss: secrets that are not valid yet are not active (a staged rotation)',
      build: (g) => {
        const sp = g.sp('staged');
        g.secret(sp, { name: 'now', created: '2025-06-01T00:00:00Z' });
        g.secret(sp, { name: 'next', created: '2027-05-01T00:00:00Z' });
        g.secret(sp, { name: 'after', created: '2027-11-01T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'a secret whose start date has passed is active again',
      build: (g) => {
        const sp = g.sp('started');
        g.secret(sp, { name: 'a', created: '2025-06-01T00:00:00Z' });
        g.secret(sp, { name: 'b', created: '2026-11-19T00:00:00Z' });
        g.secret(sp, { name: 'c', created: '2026-11-20T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      message: ['3 active client secrets (a, b, c)'],
    },
    {
      name: 'near miss: certificates do not count as secrets',
      build: (g) => {
        const sp = g.sp('certs');
        g.cert(sp);
        g.cert(sp);
        g.cert(sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'threshold is an option',
      options: { maxActiveSecrets: 1 },
      build: (g) => {
        const sp = g.sp('two');
        g.secret(sp);
        g.secret(sp);
        return sp;
      },
      verdict: 'fail',
      severities: ['low'],
    },
    {
      name: 'unknown when applications were not collected',
      coverage: { 'entra.applications': 'not-collected' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
