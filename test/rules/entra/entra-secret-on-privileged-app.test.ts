import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-secret-on-privileged-app.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { APPLICATION_ADMIN, GLOBAL_ADMIN } from '../../../src/connectors/entra/permissions.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-secret-on-privileged-app', () => {
  ruleCases(rule, NOW, [
    {
      name: 'secret on an Application Administrator SP fails high',
      build: (g) => {
        const sp = g.sp('app-admin-bot');
        g.dirRole(sp, APPLICATION_ADMIN);
        g.secret(sp, { name: 'prod' });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['T3', 'client secret "prod"'],
    },
    {
      name: 'with PIM eligibilities not read, the tier in the message is a lower bound',
      coverage: { 'entra.pim': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('app-admin-bot');
        g.dirRole(sp, APPLICATION_ADMIN);
        g.secret(sp, { name: 'prod' });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['reaches tier T3 or higher (the PIM role eligibilities of tenant 11111111-2222-4333-8444-555555555555 were not read (denied: test); so whether it reaches a tier above T3 cannot be judged) (', 'client secret "prod"'],
    },
    {
      name: 'secret on a T4 app is critical',
      build: (g) => {
        const sp = g.sp('grant-bot');
        g.appRole(sp, 'AppRoleAssignment.ReadWrite.All');
        g.secret(sp);
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      // Not valid yet, but on the app: whoever copies it becomes the app from its start date.
      name: 'a secret that is not valid yet on a T4 app fails, saying when it becomes valid',
      build: (g) => {
        const sp = g.sp('staged-bot');
        g.appRole(sp, 'AppRoleAssignment.ReadWrite.All');
        g.secret(sp, { name: 'next', created: '2027-05-01T00:00:00Z' });
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['holds client secret "next", which becomes valid on 2027-05-01'],
    },
    {
      name: 'unknown when the tier is not known and the only secret is not valid yet',
      coverage: { 'entra.directoryRoles': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('staged-unknown');
        g.secret(sp, { created: '2027-05-01T00:00:00Z' });
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'near miss: certificate-only privileged app passes',
      build: (g) => {
        const sp = g.sp('cert-bot');
        g.appRole(sp, 'AppRoleAssignment.ReadWrite.All');
        g.cert(sp);
        g.secret(sp, { expires: '2025-01-01T00:00:00Z' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: secret on a T2 app passes',
      build: (g) => {
        const sp = g.sp('mailer');
        g.appRole(sp, 'Mail.Send');
        g.secret(sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when applications were not collected',
      coverage: { 'entra.applications': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
    {
      name: 'unknown when a secret sits on an app whose directory roles were not collected (its tier is not known)',
      coverage: { 'entra.directoryRoles': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('mailer');
        g.appRole(sp, 'Mail.Send');
        g.secret(sp);
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'a secret on an app already known to be T4 still fails when other grants were not collected',
      coverage: { 'entra.directoryRoles': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('deploy');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        g.secret(sp);
        return sp;
      },
      verdict: 'fail',
    },
    {
      name: 'unknown when a group holding Global Administrator is missing from groupMembers.json (the app may be a member)',
      build: (g) => {
        const grp = g.group('Tier0', { membersRead: false });
        g.dirRole(grp, GLOBAL_ADMIN);
        const sp = g.sp('mailer');
        g.secret(sp);
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'near miss: the Global Administrator group\'s members were read and the app is not one',
      build: (g) => {
        const grp = g.group('Tier0');
        g.dirRole(grp, GLOBAL_ADMIN);
        const sp = g.sp('mailer');
        g.secret(sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when owner lists were not read: the app may own a T4 app and add a credential to it',
      coverage: { 'entra.owners': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('owner-of-something');
        g.secret(sp);
        return sp;
      },
      verdict: 'unknown',
    },
    {
      name: 'near miss: owner lists read, the same app passes (it owns nothing)',
      build: (g) => {
        const sp = g.sp('owner-of-nothing');
        g.secret(sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: an app registration without a service principal owns nothing, so unread owner lists do not make it unknown',
      coverage: { 'entra.owners': 'missing-permission' },
      build: (g) => {
        const app = g.app('registration-only');
        g.secret(app);
        return app;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: with grants not collected, an app without a secret still passes',
      coverage: { 'entra.appRoleAssignments': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('cert-bot');
        g.cert(sp);
        return sp;
      },
      verdict: 'pass',
    },
  ]);
});
