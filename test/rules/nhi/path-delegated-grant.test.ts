import { describe, it, expect } from 'vitest';
import { demoSnapshot, demoFile, scan } from '../../e2e/demo.js';

// A delegated permission works only in a token issued for a signed-in user, and then only as far
// as that user's own rights go. A workload that signs in as the app with its own credential (a
// secret, or a federated token exchanged for an app-only token) gets no such token: a delegated
// grant is no hop a machine walks on its own, only one that holds when a user signs in.
const INFRA_DEPLOYER_SP = '17d50a4b-dc01-45d2-ba56-482d3a428ff6';
const DOCS_SUMMARIZER_SP = '8dbc4639-f3bf-4528-aa54-be3b8ad7a3dc';
const GRAPH_SP = 'a42eec4b-8a89-4632-add4-799005465768';
const ALICE = '5125ad0d-dc18-40a5-8165-4fc7f25883d6';

/**
 * The demo, with admin consent (all users) for delegated RoleManagement.ReadWrite.Directory on
 * Infra Deployer (which also reaches tenant admin app-only, through Application Administrator)
 * and on Docs Summarizer (which holds nothing else near it).
 */
function withDelegatedAdmin() {
  const snap = demoSnapshot();
  const grants = demoFile<{ value: Record<string, unknown>[] }>(snap, 'entra/oauth2PermissionGrants.json');
  for (const clientId of [INFRA_DEPLOYER_SP, DOCS_SUMMARIZER_SP]) {
    grants.value.push({ clientId, consentType: 'AllPrincipals', id: `test-delegated-admin-${clientId}`, principalId: null, resourceId: GRAPH_SP, scope: 'RoleManagement.ReadWrite.Directory' });
  }
  return scan(snap);
}

describe('nhi-path-to-crown-jewel: a delegated grant holds only for a signed-in user', () => {
  const result = withDelegatedAdmin();
  const paths = (entry: RegExp) => result.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && entry.test(f.subject.name));

  it('marks the delegated hop conditional, and reports the firm app-only route to the same kind of jewel instead', () => {
    const [admin] = paths(/^GitHub repo:northwind\/infra:pull_request$/).filter((f) => f.evidence.crownJewel === 'admin');
    // Not "reaches RoleManagement.ReadWrite.Directory (Microsoft Graph, all users) in 2 hops": the
    // workload's app-only token carries no delegated scope. Its firm route is the escalation
    // through Application Administrator to Legacy Provisioning Sync's app permission.
    expect(admin.message).toMatch(/ reaches RoleManagement\.ReadWrite\.Directory \(Microsoft Graph\) \(admin\) in 4 hops/);
    expect(admin.severity).toBe('critical');
    expect(admin.path!.map((h) => h.type)).toEqual(['FEDERATES_TO', 'HAS_ROLE', 'CAN_ESCALATE_TO', 'GRANTED']);
  });

  it('a delegated grant that is the only route is a "may reach", at high, and says what it waits for', () => {
    const [f] = paths(/^GitHub repo:northwind\/docs:environment:production$/);
    expect(f.path!.map((h) => [h.type, h.conditional])).toEqual([
      ['FEDERATES_TO', false],
      ['DELEGATED_GRANT', true],
    ]);
    expect(f.message).toContain('may reach RoleManagement.ReadWrite.Directory (Microsoft Graph, all users) (admin) in 2 hops; 1 hop(s) act only for a signed-in user, within that user\'s own rights;');
    expect(f.severity).toBe('high');
    expect(f.evidence.conditional).toBe(true);
    // The tier counts it (an administrator may sign in), but as a "may reach", as the path says.
    const docs = result.graph.ofKind('identity').find((n) => n.nativeId === DOCS_SUMMARIZER_SP)!;
    expect(result.analysis.tier(docs)).toBe(4);
    expect(result.analysis.tierReasons(docs)).toEqual(['may reach RoleManagement.ReadWrite.Directory (Microsoft Graph, all users) (T4)']);
  });

  it("a user's own consent gives the app that user's rights only in tokens issued while the user signs in", () => {
    const snap = demoSnapshot();
    const grants = demoFile<{ value: Record<string, unknown>[] }>(snap, 'entra/oauth2PermissionGrants.json');
    // Alice (Global Administrator) consents for herself to Docs Summarizer acting as her in the directory.
    grants.value.push({ clientId: DOCS_SUMMARIZER_SP, consentType: 'Principal', id: 'test-alice-consent', principalId: ALICE, resourceId: GRAPH_SP, scope: 'Directory.AccessAsUser.All' });
    const [f] = scan(snap).report.findings.filter((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.name === 'GitHub repo:northwind/docs:environment:production' && x.evidence.crownJewel === 'admin');
    expect(f.path!.map((h) => [h.type, h.conditional])).toEqual([
      ['FEDERATES_TO', false],
      ['ACTS_AS', true],
      ['HAS_ROLE', false],
    ]);
    expect(f.message).toMatch(/^GitHub repo:northwind\/docs:environment:production \(external federated workload\) may reach Global Administrator \(admin\) in 3 hops; 1 hop\(s\) act only for a signed-in user, within that user's own rights;/);
    expect(f.severity).toBe('high');
  });
});

