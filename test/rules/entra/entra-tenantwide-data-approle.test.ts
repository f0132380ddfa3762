import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-tenantwide-data-approle.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-tenantwide-data-approle', () => {
  ruleCases(rule, NOW, [
    {
      name: 'Mail.Send fails high',
      build: (g) => {
        const sp = g.sp('notifier');
        g.appRole(sp, 'Mail.Send');
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['Mail.Send', 'every user'],
    },
    {
      name: 'Files.Read.All fails medium',
      build: (g) => {
        const sp = g.sp('indexer');
        g.appRole(sp, 'Files.Read.All');
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
    },
    {
      name: 'a disabled write app role is latent: medium, and the message says it is disabled',
      build: (g) => {
        const sp = g.sp('old-notifier');
        g.appRole(sp, 'Mail.Send', undefined, { disabled: true });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['Mail.Send', 'every user', 'the app role is disabled: no token carries it until it is re-enabled'],
    },
    {
      name: 'a disabled read-all app role is latent: low, and the message says it is disabled',
      build: (g) => {
        const sp = g.sp('old-indexer');
        g.appRole(sp, 'Files.Read.All', undefined, { disabled: true });
        return sp;
      },
      verdict: 'fail',
      severities: ['low'],
      message: ['Files.Read.All', 'the app role is disabled'],
    },
    {
      name: 'near miss: directory reads and identity roles are not data roles',
      build: (g) => {
        const sp = g.sp('reader');
        g.appRole(sp, 'User.Read.All');
        g.appRole(sp, 'Directory.ReadWrite.All');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: delegated Mail.Send is not an app role',
      build: (g) => {
        const sp = g.sp('user-app');
        g.delegated(sp, 'Mail.Send', 'Principal');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when app-role assignments were not collected',
      coverage: { 'entra.appRoleAssignments': 'not-collected' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
