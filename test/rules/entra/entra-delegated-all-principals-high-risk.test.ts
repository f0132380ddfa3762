import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-delegated-all-principals-high-risk.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-delegated-all-principals-high-risk', () => {
  ruleCases(rule, NOW, [
    {
      name: 'Mail.Send consented for all users fails high',
      build: (g) => {
        const sp = g.sp('crm');
        g.delegated(sp, 'Mail.Send', 'AllPrincipals');
        g.delegated(sp, 'User.Read', 'AllPrincipals');
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['any user with Mail.Send'],
    },
    {
      name: 'Directory.AccessAsUser.All for all users is critical',
      build: (g) => {
        const sp = g.sp('admin-tool');
        g.delegated(sp, 'Directory.AccessAsUser.All', 'AllPrincipals');
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      // Entra scope names are case-insensitive; grants made by scripts often carry them in lower case.
      name: 'directory.accessasuser.all (lower case) for all users is critical too',
      build: (g) => {
        const sp = g.sp('admin-tool');
        g.delegated(sp, 'directory.accessasuser.all', 'AllPrincipals');
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
    {
      name: 'near miss: the same scope with per-user consent passes',
      build: (g) => {
        const sp = g.sp('crm');
        g.delegated(sp, 'Mail.Send', 'Principal');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: sign-in scopes for all users pass',
      build: (g) => {
        const sp = g.sp('sso');
        g.delegated(sp, 'openid', 'AllPrincipals');
        g.delegated(sp, 'User.Read', 'AllPrincipals');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when grants were not collected',
      coverage: { 'entra.oauth2PermissionGrants': 'error' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
