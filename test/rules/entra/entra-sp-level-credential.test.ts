import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-sp-level-credential.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-sp-level-credential', () => {
  ruleCases(rule, NOW, [
    {
      name: 'secret on the SP object of a low-tier app is high',
      build: (g) => {
        const sp = g.sp('portal');
        g.secret(sp, { name: 'backdoor', location: 'servicePrincipal' });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['"backdoor"', 'service principal object'],
    },
    {
      name: 'SP-level certificate on a T3 app is critical',
      build: (g) => {
        const sp = g.sp('sync');
        g.appRole(sp, 'GroupMember.ReadWrite.All');
        g.cert(sp, { location: 'servicePrincipal' });
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      name: 'credential on a Microsoft first-party SP is critical',
      build: (g) => {
        const sp = g.sp('Office 365 Exchange Online', { firstParty: true });
        g.secret(sp, { location: 'servicePrincipal' });
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['first-party'],
    },
    {
      // A start date in the future keeps a planted credential out of "active" views; it is on
      // the object all the same and works from that date.
      name: 'a secret on the SP object that is not valid yet is still reported',
      build: (g) => {
        const sp = g.sp('later');
        g.secret(sp, { name: 'sleeper', location: 'servicePrincipal', created: '2027-05-01T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['"sleeper"', 'service principal object'],
    },
    {
      name: 'near miss: app-registration secret and expired SP secret pass',
      build: (g) => {
        const sp = g.sp('normal');
        g.secret(sp, { location: 'application' });
        g.secret(sp, { location: 'servicePrincipal', expires: '2025-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when service principals were not collected',
      coverage: { 'entra.servicePrincipals': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
