import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-third-party-app-privileged.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';
const vendor = (verified: boolean) => ({
  thirdParty: { ownerScope: '9f8e7d6c-5b4a-4321-8fed-cba987654321', verifiedPublisher: verified },
  attrs: { tenantOwned: false },
});

describe('entra-third-party-app-privileged', () => {
  ruleCases(rule, NOW, [
    {
      name: 'unverified vendor app with tenant-wide Mail.Send (T2) fails high',
      build: (g) => {
        const sp = g.sp('Acme CRM', vendor(false));
        g.delegated(sp, 'Mail.Send', 'AllPrincipals');
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['no verified publisher', 'T2'],
    },
    {
      name: 'with PIM eligibilities not read, the tier in the message is a lower bound',
      coverage: { 'entra.pim': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('Acme CRM', vendor(false));
        g.delegated(sp, 'Mail.Send', 'AllPrincipals');
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['no verified publisher and reaches tier T2 or higher (the PIM role eligibilities of tenant 11111111-2222-4333-8444-555555555555 were not read (denied: test); so whether it reaches a tier above T2 cannot be judged) ('],
    },
    {
      name: 'verified vendor app at T4 fails critical',
      build: (g) => {
        const sp = g.sp('Big Vendor', vendor(true));
        g.appRole(sp, 'Application.ReadWrite.All');
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      name: 'near miss: verified vendor app at T2 passes',
      build: (g) => {
        const sp = g.sp('Mailer SaaS', vendor(true));
        g.appRole(sp, 'Mail.Send');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: unverified vendor with only User.Read passes',
      build: (g) => {
        const sp = g.sp('Tiny', vendor(false));
        g.delegated(sp, 'User.Read', 'AllPrincipals');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'tenant-owned apps are not evaluated',
      build: (g) => {
        const sp = g.sp('ours');
        g.appRole(sp, 'Application.ReadWrite.All');
        return sp;
      },
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when grants were not collected',
      coverage: { 'entra.oauth2PermissionGrants': 'missing-permission' },
      build: (g) => g.sp('Acme', vendor(false)),
      verdict: 'unknown',
    },
    {
      name: 'unknown when directory roles were not collected (a vendor app holding a directory role would be missed)',
      coverage: { 'entra.directoryRoles': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('Tiny', vendor(false));
        g.delegated(sp, 'User.Read', 'AllPrincipals');
        return sp;
      },
      verdict: 'unknown',
    },
  ]);
});
