import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-tier0-graph-approle.js';
import { ruleCases, type RuleCase } from '../../helpers/entra-builders.js';
import { EXCHANGE_APP_ID } from '../../../src/connectors/entra/permissions.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-tier0-graph-approle', () => {
  ruleCases(rule, NOW, [
    {
      name: 'RoleManagement.ReadWrite.Directory fails critical',
      build: (g) => {
        const sp = g.sp('deploy');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['RoleManagement.ReadWrite.Directory', 'one step from Global Administrator'],
    },
    {
      name: 'a managed identity with Application.ReadWrite.All fails',
      build: (g) => {
        const mi = g.sp('func', { type: 'entra-managed-identity' });
        g.appRole(mi, 'Application.ReadWrite.All');
        return mi;
      },
      verdict: 'fail',
    },
    ...[
      'Directory.ReadWrite.All',
      'PrivilegedAccess.ReadWrite.AzureADGroup',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
      'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
      'UserAuthenticationMethod.ReadWrite.All',
      'Policy.ReadWrite.PermissionGrant',
    ].map(
      (permission): RuleCase => ({
        name: `${permission} is one step from Global Administrator and fails critical`,
        build: (g) => {
          const sp = g.sp('bot');
          g.appRole(sp, permission);
          return sp;
        },
        verdict: 'fail',
        severities: ['critical'],
      }),
    ),
    {
      name: 'a disabled app role (isEnabled false) is latent: reported at medium, the message says it is disabled',
      build: (g) => {
        const sp = g.sp('retired');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory', undefined, { disabled: true });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['RoleManagement.ReadWrite.Directory', 'one step from Global Administrator', 'the app role is disabled: no token carries it until it is re-enabled'],
    },
    {
      name: 'near miss: Application.ReadWrite.OwnedBy is not tenant-wide',
      build: (g) => {
        const sp = g.sp('owner-bot');
        g.appRole(sp, 'Application.ReadWrite.OwnedBy');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: a same-named role of another resource is not Graph',
      build: (g) => {
        const sp = g.sp('exo');
        g.appRole(sp, 'Application.ReadWrite.All', 'c3000000-0000-4000-8000-0000000000aa');
        g.appRole(sp, 'Mail.Send', EXCHANGE_APP_ID);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when app-role assignments were not collected',
      coverage: { 'entra.appRoleAssignments': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
