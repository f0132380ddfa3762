import { describe, it, expect } from 'vitest';
import rule from '../../../rules/entra/entra-privileged-directory-role.js';
import { EntraGraph, ruleCases } from '../../helpers/entra-builders.js';
import { runRule } from '../../helpers/rule-tester.js';
import { gid, rawGraph, rawGraphSp, rawSp, rawVerdict, spNodeId } from '../../helpers/entra-raw.js';
import {
  APPLICATION_ADMIN,
  CLOUD_APPLICATION_ADMIN,
  GLOBAL_ADMIN,
  PRIVILEGED_ROLE_ADMIN,
} from '../../../src/connectors/entra/permissions.js';

const NOW = '2026-11-20T00:00:00Z';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

describe('entra-privileged-directory-role', () => {
  ruleCases(rule, NOW, [
    {
      name: 'Global Administrator on an SP is critical',
      build: (g) => {
        const sp = g.sp('tenant-bot');
        g.dirRole(sp, GLOBAL_ADMIN);
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['holds Global Administrator at scope /'],
    },
    {
      name: 'Application Administrator is high; PIM eligibility is noted',
      build: (g) => {
        const sp = g.sp('app-bot');
        g.dirRole(sp, APPLICATION_ADMIN, { eligible: true });
        return sp;
      },
      verdict: 'fail',
      severities: ['high'],
      message: ['is eligible (PIM) for Application Administrator'],
    },
    {
      name: 'a service-account user in a role-assignable group with PRA fails through the group',
      build: (g) => {
        const svc = g.user('svc-backup', { kind: 'identity', machineReasons: ['name'] });
        const grp = g.group('Tier0');
        g.member(svc, grp);
        g.dirRole(grp, PRIVILEGED_ROLE_ADMIN);
        return svc;
      },
      verdict: 'fail',
      severities: ['critical'],
      message: ['through group Tier0'],
    },
    {
      name: 'near miss: Cloud Application Administrator scoped to one app is not tenant-wide',
      build: (g) => {
        const sp = g.sp('scoped');
        g.dirRole(sp, CLOUD_APPLICATION_ADMIN, { scope: '/b2000000-0000-4000-8000-000000000003' });
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: Global Reader is T1',
      build: (g) => {
        const sp = g.sp('reporting');
        g.dirRole(sp, GLOBAL_READER);
        return sp;
      },
      verdict: 'pass',
    },
    {
      name: 'people are not subjects',
      build: (g) => {
        const u = g.user('Alice');
        g.dirRole(u, GLOBAL_ADMIN);
        return u;
      },
      verdict: 'not-evaluated',
    },
    {
      name: 'unknown when directory roles were not collected',
      coverage: { 'entra.directoryRoles': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
    {
      name: 'unknown when PIM eligibility was not collected (an eligible role would be missed)',
      coverage: { 'entra.pim': 'missing-permission' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
    {
      name: 'unknown when role-assignable groups were not collected (a role through a group would be missed)',
      coverage: { 'entra.groups': 'not-collected' },
      build: (g) => g.sp('x'),
      verdict: 'unknown',
    },
    {
      name: 'unknown when a group holding a privileged role is missing from groupMembers.json (the subject may be a member)',
      build: (g) => {
        const grp = g.group('Tier0', { membersRead: false });
        g.dirRole(grp, PRIVILEGED_ROLE_ADMIN);
        return g.sp('x');
      },
      verdict: 'unknown',
    },
    {
      name: 'near miss: the unread group holds only a T1 role, so membership cannot make the subject privileged',
      build: (g) => {
        const grp = g.group('Readers', { membersRead: false });
        g.dirRole(grp, GLOBAL_READER);
        return g.sp('x');
      },
      verdict: 'pass',
    },
    {
      name: 'near miss: the privileged group\'s members were read and the subject is not one',
      build: (g) => {
        const grp = g.group('Tier0');
        g.dirRole(grp, PRIVILEGED_ROLE_ADMIN);
        return g.sp('x');
      },
      verdict: 'pass',
    },
    {
      name: 'an active role still fails when PIM eligibility was not collected',
      coverage: { 'entra.pim': 'missing-permission' },
      build: (g) => {
        const sp = g.sp('tenant-bot');
        g.dirRole(sp, GLOBAL_ADMIN);
        return sp;
      },
      verdict: 'fail',
      severities: ['critical'],
    },
  ]);

  // CI baselines and waivers key a finding by its fingerprint: moving an assignment to PIM
  // eligibility is a remediation step, and must not make the finding look new.
  describe('fingerprint', () => {
    const findingsOf = (build: (g: EntraGraph) => string) => {
      const g = new EntraGraph();
      const sp = build(g);
      return runRule(rule, g.build(), { now: NOW }).findings.filter((f) => f.subject.id === sp);
    };

    it('stays the same when an active assignment becomes PIM-eligible', () => {
      const active = findingsOf((g) => {
        const sp = g.sp('app-bot');
        g.dirRole(sp, APPLICATION_ADMIN);
        return sp;
      });
      const eligible = findingsOf((g) => {
        const sp = g.sp('app-bot');
        g.dirRole(sp, APPLICATION_ADMIN, { eligible: true });
        return sp;
      });
      expect(active.map((f) => f.message)).toEqual([expect.stringContaining('holds Application Administrator')]);
      expect(eligible.map((f) => f.message)).toEqual([expect.stringContaining('is eligible (PIM) for Application Administrator')]);
      expect(eligible[0].fingerprint).toBe(active[0].fingerprint);
    });

    it('differs between two roles, and between a role held directly and through a group', () => {
      const fs = findingsOf((g) => {
        const sp = g.sp('app-bot');
        g.dirRole(sp, APPLICATION_ADMIN);
        g.dirRole(sp, CLOUD_APPLICATION_ADMIN, { eligible: true });
        const grp = g.group('Tier0');
        g.member(sp, grp);
        g.dirRole(grp, APPLICATION_ADMIN);
        return sp;
      });
      expect(fs).toHaveLength(3);
      expect(new Set(fs.map((f) => f.fingerprint)).size).toBe(3);
    });

    it('an active and an eligible assignment of the same role are one finding, not two with one fingerprint', () => {
      const fs = findingsOf((g) => {
        const sp = g.sp('app-bot');
        g.dirRole(sp, APPLICATION_ADMIN, { eligible: true });
        g.dirRole(sp, APPLICATION_ADMIN);
        return sp;
      });
      expect(fs.map((f) => f.message)).toEqual([expect.stringContaining('holds Application Administrator')]);
      expect(fs[0].evidence.eligible).toBe(false);
    });
  });
});

// A privileged role assigned below the tenant (roleAssignment.directoryScopeId: an administrative
// unit `/administrativeUnits/<id>` or one object `/<id>`) is narrower, but still privileged.
describe('entra-privileged-directory-role: scoped assignments (through the transform)', () => {
  const PRIVILEGED_AUTH_ADMIN = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
  const ROLE_MGMT = '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8';
  const graphSp = rawGraphSp({ 'RoleManagement.ReadWrite.Directory': ROLE_MGMT });
  const crown = rawSp('Provisioning Sync');
  const plain = rawSp('Phone Book');
  const holder = rawSp('Deployer');
  const build = (roleDefinitionId: string, directoryScopeId: string) =>
    rawGraph({
      'servicePrincipals.json': [graphSp, crown, plain, holder],
      'appRoleAssignments.json': [{ id: gid(), principalId: crown.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: ROLE_MGMT }],
      'roleAssignments.json': [{ id: gid(), principalId: holder.id, roleDefinitionId, directoryScopeId }],
    });

  it('a privileged role scoped to an administrative unit is high, naming the unit', () => {
    const v = rawVerdict(rule, build(PRIVILEGED_AUTH_ADMIN, '/administrativeUnits/aaaaaaaa-0000-4000-8000-000000000001'), spNodeId(holder));
    expect(v.verdict).toBe('fail');
    expect(v.messages).toEqual([expect.stringContaining('Privileged Authentication Administrator at scope /administrativeUnits/aaaaaaaa-0000-4000-8000-000000000001')]);
  });

  it('Application Administrator scoped to a tier-4 service principal is high, naming it', () => {
    const g = build(APPLICATION_ADMIN, `/${crown.id}`);
    const r = runRule(rule, g, { now: NOW });
    const f = r.findings.filter((x) => x.subject.id === spNodeId(holder));
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('high');
    expect(f[0]!.message).toContain(`at scope /${crown.id}`);
    expect(f[0]!.message).toContain('Provisioning Sync');
  });

  it('near miss: Application Administrator scoped to a service principal that reaches nothing privileged passes', () => {
    expect(rawVerdict(rule, build(APPLICATION_ADMIN, `/${plain.id}`), spNodeId(holder)).verdict).toBe('pass');
  });
});
