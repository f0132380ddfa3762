import { describe, expect, it } from 'vitest';
import { ids } from '../../src/graph/ids.js';
import { GRAPH_APP, RAW_TENANT, gid, rawGraph, rawSp } from '../helpers/entra-raw.js';

// When the Microsoft Graph service principal itself was not collected, app-role ids are named
// from a static table (Microsoft Graph permissions reference). These tier-4 permissions were
// missing from it and came out as unnamed tier-1 roles.
describe('well-known Microsoft Graph app roles without the Graph service principal', () => {
  it.each([
    ['7e05723c-0bb0-42da-be95-ae9f08a6e53c', 'Domain.ReadWrite.All'],
    ['dd199f4a-f148-40a4-a2ec-f0069cc799ec', 'RoleAssignmentSchedule.ReadWrite.Directory'],
    ['fee28b28-e1f3-4841-818e-2704dc62245f', 'RoleEligibilitySchedule.ReadWrite.Directory'],
  ])('%s is %s, tier 4', (appRoleId, name) => {
    const sp = rawSp('Automation');
    const graphSpId = gid(); // not in servicePrincipals.json
    const g = rawGraph({
      'servicePrincipals.json': [sp],
      'appRoleAssignments.json': [{ id: gid(), principalId: sp.id, principalType: 'ServicePrincipal', resourceId: graphSpId, appRoleId }],
    });
    expect(g.node(ids.entraAppRole(RAW_TENANT, GRAPH_APP, appRoleId))).toMatchObject({ tier: 4, attrs: { permission: name, nameSource: 'static-table' } });
  });
});
