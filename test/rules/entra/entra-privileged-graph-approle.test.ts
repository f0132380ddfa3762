import { describe } from 'vitest';
import rule from '../../../rules/entra/entra-privileged-graph-approle.js';
import { ruleCases } from '../../helpers/entra-builders.js';

const NOW = '2026-11-20T00:00:00Z';

describe('entra-privileged-graph-approle', () => {
  ruleCases(rule, NOW, [
    {
      name: 'GroupMember.ReadWrite.All and Policy.ReadWrite.ConditionalAccess each fail high',
      build: (g) => {
        const sp = g.sp('sync');
        g.appRole(sp, 'GroupMember.ReadWrite.All');
        g.appRole(sp, 'Policy.ReadWrite.ConditionalAccess');
        return sp;
      },
      verdict: 'fail',
      severities: ['high', 'high'],
    },
    {
      name: 'Application.ReadWrite.OwnedBy is identity administration',
      build: (g) => {
        const sp = g.sp('owner-bot');
        g.appRole(sp, 'Application.ReadWrite.OwnedBy');
        return sp;
      },
      verdict: 'fail',
      message: ['Application.ReadWrite.OwnedBy'],
    },
    {
      name: 'a disabled app role (isEnabled false) is latent: reported at medium, the message says it is disabled',
      build: (g) => {
        const sp = g.sp('sync-old');
        g.appRole(sp, 'GroupMember.ReadWrite.All', undefined, { disabled: true });
        return sp;
      },
      verdict: 'fail',
      severities: ['medium'],
      message: ['GroupMember.ReadWrite.All', 'manages identities tenant-wide', 'the app role is disabled: no token carries it until it is re-enabled'],
    },
    {
      name: 'a live app role beside a disabled one stays high',
      build: (g) => {
        const sp = g.sp('sync-mixed');
        g.appRole(sp, 'GroupMember.ReadWrite.All', undefined, { disabled: true });
        g.appRole(sp, 'User.ReadWrite.All');
        return sp;
      },
      verdict: 'fail',
      severities: ['high', 'medium'],
    },
    {
      name: 'near miss: T4 and data roles are other rules',
      build: (g) => {
        const sp = g.sp('x');
        g.appRole(sp, 'RoleManagement.ReadWrite.Directory');
        g.appRole(sp, 'Mail.Send');
        g.appRole(sp, 'User.Read.All');
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'unknown when app-role assignments were not collected',
      coverage: { 'entra.appRoleAssignments': 'error' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
  ]);
});
