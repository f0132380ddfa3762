import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-app-no-owner.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-app-no-owner', () => {
  ruleCases(rule, NOW, [
    {
      name: 'ownerless T4 app fails at critical (medium + 2)',
      build: (g) => {
        const sp = g.sp('automation');
        g.appRole(sp, 'AppRoleAssignment.ReadWrite.All');
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['has no owner'],
    },
    {
      name: 'all owners disabled fails with its own message',
      build: (g) => {
        const sp = g.sp('mailer');
        g.owner(g.user('Bob', { enabled: false }), sp);
        return sp;
      },
      verdict: 'fail',
      message: ['Every owner', 'Bob'],
    },
    {
      name: 'near miss: one active owner among disabled ones passes',
      build: (g) => {
        const sp = g.sp('mailer');
        g.owner(g.user('Bob', { enabled: false }), sp);
        g.owner(g.user('Alice'), sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'third-party apps are not evaluated',
      build: (g) => g.sp('Vendor', { thirdParty: { ownerScope: 'other', verifiedPublisher: false }, attrs: { tenantOwned: false } }),
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when the owners of this object were not read',
      build: (g) => g.sp('x', { attrs: { ownersCollected: false } }),
      verdict: 'unknown',
    },
    {
      name: 'unknown when no owner is known to be enabled and one owner has no account status',
      build: (g) => {
        const sp = g.sp('mailer');
        g.owner(g.user('Bob', { enabled: false }), sp);
        g.owner(g.user('Carol', { enabled: undefined }), sp);
        return sp;
      },
      verdict: 'unknown',
    },
  ]);
});
