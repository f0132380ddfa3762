import { describe, expect, it } from 'vitest';
import rule from '../../../rules/entra/entra-app-no-owner.js';
import { ruleCases } from '../../helpers/entra-builders.js';
import { RAW_TENANT, gid, rawGraph, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';
import { ids } from '../../../src/graph/ids.js';
import { runRule } from '../../helpers/rule-tester.js';

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
    {
      name: 'owned only by a service-account user: no person is accountable, so it fails',
      build: (g) => {
        const sp = g.sp('Legacy sync');
        g.owner(g.user('svc-backup', { kind: 'identity', machineReasons: ['employeeType service'] }), sp);
        return sp;
      },
      verdict: 'fail',
      message: ['Legacy sync is owned only by machine identities (svc-backup)'],
    },
    {
      name: 'owned only by another service principal: fails',
      build: (g) => {
        const sp = g.sp('Ops Agent');
        g.owner(g.sp('Infra Deployer'), sp);
        return sp;
      },
      verdict: 'fail',
      message: ['owned only by machine identities (Infra Deployer)'],
    },
    {
      name: 'near miss: a service principal and an active person own it',
      build: (g) => {
        const sp = g.sp('Ops Agent');
        g.owner(g.sp('Infra Deployer'), sp);
        g.owner(g.user('Marco'), sp);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'a service principal and a disabled person: every person who owns it left',
      build: (g) => {
        const sp = g.sp('Ops Agent');
        g.owner(g.sp('Infra Deployer'), sp);
        g.owner(g.user('Ben', { enabled: false }), sp);
        return sp;
      },
      verdict: 'fail',
      message: ['Every owner', 'Ben'],
    },
  ]);
});

describe('entra-app-no-owner through the transform: an app and its SP have two owner lists', () => {
  // One node stands for the app registration and its service principal; an owner of either can
  // add credentials to the app, so "no owner" needs both lists read (applicationOwners.json and
  // servicePrincipalOwners.json; a missing key is a list that was not read).
  const merged = (appOwners: 'read' | 'unread', spOwners: 'read' | 'unread') => {
    const sp = rawSp('Payroll sync');
    const app = { id: gid(), appId: sp.appId, displayName: 'Payroll sync' };
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [app],
      'applicationOwners.json': appOwners === 'read' ? { [app.id]: [] } : {},
      'servicePrincipalOwners.json': spOwners === 'read' ? { [sp.id]: [] } : {},
    });
    return rawVerdict(rule, g, spNodeId(sp));
  };

  it('is unknown when the app owners were read (none) but the SP owners were not', () => {
    expect(merged('read', 'unread')).toMatchObject({ verdict: 'unknown', messages: [] });
  });

  it('is unknown when the SP owners were read (none) but the app owners were not', () => {
    expect(merged('unread', 'read')).toMatchObject({ verdict: 'unknown', messages: [] });
  });

  it('fails when both lists were read and both are empty', () => {
    expect(merged('read', 'read')).toMatchObject({ verdict: 'fail', messages: ['Payroll sync has no owner.'] });
  });

  it('an app registration without an SP needs only its app owner list; an SP without a registration only its own', () => {
    const lone = { id: gid(), appId: gid(), displayName: 'Lone registration' };
    const sp = rawSp('Lone SP');
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [lone],
      'applicationOwners.json': { [lone.id]: [] },
      'servicePrincipalOwners.json': { [sp.id]: [] },
    });
    expect(rawVerdict(rule, g, ids.entraApp(RAW_TENANT, lone.id)).verdict).toBe('fail');
    expect(rawVerdict(rule, g, spNodeId(sp)).verdict).toBe('fail');
  });
});

describe('entra-app-no-owner: an owner of both the registration and its SP', () => {
  it('is named once (two OWNS edges, one person)', () => {
    const sp = rawSp('Ops Agent');
    const app = { id: gid(), appId: sp.appId, displayName: 'Ops Agent' };
    const ben = { '@odata.type': '#microsoft.graph.user', id: gid(), displayName: 'Ben Ortiz', userPrincipalName: 'ben@example.test', accountEnabled: false };
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'applications.json': [app],
      'applicationOwners.json': { [app.id]: [ben] },
      'servicePrincipalOwners.json': { [sp.id]: [ben] },
    });
    expect(rawVerdict(rule, g, spNodeId(sp))).toMatchObject({ verdict: 'fail', messages: ['Every owner of Ops Agent is disabled (Ben Ortiz).'] });
    const f = runRule(rule, g, { now: NOW }).findings.find((x) => x.subject.id === spNodeId(sp))!;
    expect(f.evidence).toEqual({ owners: [ids.entraUser(RAW_TENANT, ben.id)] });
  });
});
