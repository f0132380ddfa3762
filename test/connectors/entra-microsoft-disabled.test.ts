import { describe, expect, it } from 'vitest';
import dormant from '../../rules/entra/entra-sp-dormant.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { ids } from '../../src/graph/ids.js';
import { RAW_TENANT as TENANT, gid, rawGraph, rawGraphSp, rawSp, rawVerdict, spNodeId } from '../helpers/entra-raw.js';

// servicePrincipal.disabledByMicrosoftStatus (Microsoft Graph): an SP Microsoft disabled
// (DisabledDueToViolationOfServicesAgreement) gets no tokens, whatever accountEnabled says.
describe('service principals disabled by Microsoft', () => {
  const ROLE_MANAGEMENT = '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8';
  const APP_RW_OWNED_BY = '18a4783c-866b-4cc7-a460-3d5e5662c884';
  const graphSp = rawGraphSp({ 'RoleManagement.ReadWrite.Directory': ROLE_MANAGEMENT, 'Application.ReadWrite.OwnedBy': APP_RW_OWNED_BY });
  const build = (status: string | null, appStatus: string | null = null) => {
    const sp = rawSp('Deployer', { disabledByMicrosoftStatus: status });
    const app = { id: gid(), appId: sp.appId, displayName: 'Deployer', createdDateTime: '2020-01-01T00:00:00Z', disabledByMicrosoftStatus: appStatus };
    const g = rawGraph({
      'servicePrincipals.json': [graphSp, sp],
      'applications.json': [app],
      'appRoleAssignments.json': [{ id: gid(), principalId: sp.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: ROLE_MANAGEMENT }],
      'federatedIdentityCredentials.json': {
        [app.id]: [{ id: gid(), name: 'pr', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/infra:pull_request', audiences: ['api://AzureADTokenExchange'] }],
      },
      // Signed in as a client two years ago: dormant if evaluated.
      'servicePrincipalSignInActivities.json': [{ id: gid(), appId: sp.appId, applicationAuthenticationClientSignInActivity: { lastSignInDateTime: '2024-11-01T00:00:00Z' } }],
    });
    const node = g.node(spNodeId(sp))!;
    const repo = g.in(node.id, 'FEDERATES_TO')[0].from;
    const a = analyze(g, { now: new Date('2026-11-20T00:00:00Z'), config: DEFAULT_CONFIG });
    return { node, dormant: rawVerdict(dormant, g, node.id).verdict, repoPaths: a.crownJewelPaths(repo).length };
  };

  it('is disabled: no dormancy verdict and no path from its federated workload into it', () => {
    const r = build('DisabledDueToViolationOfServicesAgreement');
    expect(r.node.enabled).toBe(false);
    expect(r.node.attrs.disabledByMicrosoftStatus).toBe('DisabledDueToViolationOfServicesAgreement');
    expect(r.dormant).toBeUndefined();
    expect(r.repoPaths).toBe(0);
  });

  // application.disabledByMicrosoftStatus: Microsoft disabled the registration itself, so no
  // token is issued for its appId in any tenant, even where its service principal's own status
  // was never set.
  it('is disabled when Microsoft disabled its application registration, whatever the SP says', () => {
    for (const spStatus of [null, 'NotDisabled']) {
      const r = build(spStatus, 'DisabledDueToViolationOfServicesAgreement');
      expect(r.node.enabled, String(spStatus)).toBe(false);
      expect(r.node.attrs.applicationDisabledByMicrosoftStatus).toBe('DisabledDueToViolationOfServicesAgreement');
      expect(r.dormant, String(spStatus)).toBeUndefined();
      expect(r.repoPaths, String(spStatus)).toBe(0);
    }
  });

  it('near miss: an application NotDisabled (or null) leaves the service principal active', () => {
    for (const appStatus of ['NotDisabled', null]) {
      const r = build(null, appStatus);
      expect(r.node.enabled, String(appStatus)).toBe(true);
      expect(r.dormant, String(appStatus)).toBe('fail');
      expect(r.repoPaths, String(appStatus)).toBeGreaterThan(0);
    }
  });

  it('disables an application registration that has no service principal here, and nobody escalates into it', () => {
    for (const [status, disabled] of [['DisabledDueToViolationOfServicesAgreement', true], [null, false]] as const) {
      const owner = rawSp('Owner');
      const app = { id: gid(), appId: gid(), displayName: 'Lonely', disabledByMicrosoftStatus: status };
      const g = rawGraph({
        'servicePrincipals.json': [graphSp, owner],
        'applications.json': [app],
        'appRoleAssignments.json': [{ id: gid(), principalId: owner.id, principalType: 'ServicePrincipal', resourceId: graphSp.id, appRoleId: APP_RW_OWNED_BY }],
        'applicationOwners.json': { [app.id]: [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: owner.id, displayName: 'Owner' }] },
      });
      const node = g.node(ids.entraApp(TENANT, app.id))!;
      expect(node.enabled !== false, String(status)).toBe(!disabled);
      expect(g.in(node.id, 'CAN_ESCALATE_TO').length > 0, String(status)).toBe(!disabled);
    }
  });

  it('near miss: NotDisabled (or null, as v1.0 returns for most SPs) keeps it active', () => {
    for (const status of ['NotDisabled', null]) {
      const r = build(status);
      expect(r.node.enabled, String(status)).toBe(true);
      expect(r.dormant, String(status)).toBe('fail');
      expect(r.repoPaths, String(status)).toBeGreaterThan(0);
    }
  });
});
