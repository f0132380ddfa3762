import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { demoFile, demoSnapshot, restrictDemo, scan } from '../e2e/demo.js';

/*
 * With servicePrincipals.json not read, every app-role assignment, delegated grant and directory
 * role assignment held by a service principal names a principal the snapshot does not have. Each
 * used to be one warning line (100,000 grants, 100,000 lines); now each file says it once, with
 * the counts, the first ids quoted and where the first item is. The coverage effect is the
 * service principal list's record, unchanged: the tiers that rest on it stay lower bounds.
 */

type Json = Record<string, unknown>;
const N = 250;
const id = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** The demo's Entra part without servicePrincipals.json, plus N assignments, grants and role assignments of unknown service principals. */
function withoutSpList(): Snapshot {
  const s = restrictDemo(demoSnapshot(), ['entra']);
  delete s.files['entra/servicePrincipals.json'];
  s.manifest.coverage = s.manifest.coverage.filter((c) => c.capability !== 'entra.servicePrincipals');
  const assignments = demoFile<{ value: Json[] }>(s, 'entra/appRoleAssignments.json').value;
  const grants = demoFile<{ value: Json[] }>(s, 'entra/oauth2PermissionGrants.json').value;
  const roles = demoFile<{ value: Json[] }>(s, 'entra/roleAssignments.json').value;
  for (let i = 0; i < N; i++) {
    assignments.push({ id: `a-${i}`, appRoleId: id('9e3f62cf', i), principalId: id('5ab00000', i), principalType: 'ServicePrincipal', resourceId: id('7e500000', i) });
    grants.push({ id: `g-${i}`, clientId: id('5ab00000', i), consentType: 'AllPrincipals', resourceId: id('7e500000', i), scope: 'User.Read' });
    roles.push({ id: `r-${i}`, principalId: id('5ab00000', i), roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10', directoryScopeId: '/' });
  }
  return s;
}

describe('Entra grants of principals not in the snapshot', () => {
  it('give one warning per file and reason, with counts and a quoted sample, not one per item', () => {
    const r = scan(withoutSpList());
    const about = (file: string) => r.report.warnings.filter((w) => w.startsWith(`entra/${file}:`));
    const assignments = about('appRoleAssignments.json');
    expect(assignments).toHaveLength(2);
    // Items are read in the order of their ids, so the first named is the first by id.
    expect(assignments[0]).toMatch(
      new RegExp(`^entra/appRoleAssignments\\.json: ${N + 6} assignment\\(s\\) name ${N + 5} principal\\(s\\) that are not in the snapshot \\("[0-9a-f-]{36}", "[0-9a-f-]{36}", "[0-9a-f-]{36}" and ${N + 2} more; the first at \\$\\.value\\[\\d+\\]\\); ignored$`),
    );
    expect(assignments[1]).toMatch(/^entra\/appRoleAssignments\.json: 2 assignment\(s\) name 2 resource\(s\) that are not in the snapshot \(.*; the first at \$\.value\[\d+\]\); their app roles left unnamed$/);
    expect(about('oauth2PermissionGrants.json')).toEqual([
      expect.stringMatching(new RegExp(`^entra/oauth2PermissionGrants\\.json: ${N + 7} grant\\(s\\) name ${N + 4} client\\(s\\) that are not in the snapshot \\(.* and ${N + 1} more; the first at \\$\\.value\\[\\d+\\]\\); ignored$`)),
    ]);
    expect(about('roleAssignments.json')).toEqual([
      expect.stringMatching(new RegExp(`^entra/roleAssignments\\.json: ${N + 1} assignment\\(s\\) give a role to ${N + 1} principal\\(s\\) that are not in the snapshot \\(.*; the first at \\$\\.value\\[1\\]\\); ignored$`)),
    ]);
    // The list's own record is what makes the verdicts unknown, as before.
    expect(r.report.coverage.find((c) => c.provider === 'entra' && c.capability === 'entra.servicePrincipals')?.status).toBe('not-collected');
    const users = r.report.identities.filter((i) => i.provider === 'entra' && i.tier < 4);
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u.tierIncomplete, u.name).toMatch(/^the service principal list of tenant \S+ was not read/);
  });

  it('near miss: with the list read, a grant of a known principal gives no warning', () => {
    const r = scan(restrictDemo(demoSnapshot(), ['entra']));
    expect(r.report.warnings.filter((w) => /^entra\/(appRoleAssignments|oauth2PermissionGrants|roleAssignments)\.json:/.test(w))).toEqual([]);
  });
});
