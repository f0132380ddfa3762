import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const ORG = 'https://northwind.okta.example';
const JORDAN = ids.oktaUser(ORG, '00uALsvFO0rPShXu0fXS');
const DANA = ids.oktaUser(ORG, '00ukYYLpouQiwynTxTvh');
const HR_SYNC = ids.oktaApp(ORG, '0oaKYWOIriafAH29u2He');
const ADMIN_GROUP = '00gNWWidH8fEpVh4t1BF';
const READONLY_GROUP = '00gzQkDMjTJ9YRmkxaht';
const roleName = (r: ReturnType<typeof scan>, id: string) => r.graph.node(id)?.name;

/** The demo with Jordan moved from the okta-admin group to the okta-readonly group. */
function jordanReadOnly(): Snapshot {
  const s = demoSnapshot();
  const groups = s.files['okta/userGroups.json'] as Record<string, { id: string }[]>;
  groups['00uALsvFO0rPShXu0fXS'] = groups['00uALsvFO0rPShXu0fXS'].map((g) => (g.id === ADMIN_GROUP ? { ...g, id: READONLY_GROUP } : g));
  return s;
}

describe('Okta AWS app: an assignment reaches only the roles its mapping names', () => {
  it('a member of the okta-readonly group does not reach okta-admin through the shared SAML provider', () => {
    const r = scan(demoSnapshot());
    const danaAws = r.analysis.crownJewelPaths(DANA).filter((p) => p.group.startsWith('aws|'));
    expect(danaAws).toEqual([]);
    expect(r.analysis.tier(DANA)).toBeLessThan(4);
    // Jordan, in aws_111122223333_okta-admin, does reach it, through that role.
    const jordan = r.analysis.crownJewelPaths(JORDAN).find((p) => p.crownJewel === 'admin' && p.group.startsWith('aws|'));
    expect(jordan?.hops.map((h) => roleName(r, h.to))).toContain('okta-admin');
    // Every SAML hop into a role names the mapping that justifies it.
    const samlHop = jordan!.hops.find((h) => h.type === 'SAML_MAPS_TO')!;
    expect(samlHop.reason).toMatch(/okta-admin/);
  });

  it('with nobody in the okta-admin group, HR Sync Service has no path to AWS administrator', () => {
    const r = scan(jordanReadOnly());
    expect(r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    expect(r.report.findings.filter((f) => f.ruleId === 'nhi-path-to-crown-jewel' && f.subject.id === HR_SYNC)).toEqual([]);
  });

  it('still reports the app\'s broad mapping (assignments stay visible to okta-aws-broad-role-mapping)', () => {
    const r = scan(demoSnapshot());
    const broad = r.report.findings.filter((f) => f.ruleId === 'okta-aws-broad-role-mapping').map((f) => f.message);
    expect(broad.length).toBeGreaterThan(0);
  });
});

describe('Okta AWS app mappings without group mapping, or unreadable', () => {
  type App = { id: string; name?: string; settings: { app: Record<string, unknown> } };
  const withApp = (edit: (app: App, s: Snapshot) => void): Snapshot => {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as App[]).find((a) => a.name === 'amazon_aws')!;
    edit(app, s);
    return s;
  };

  it('per-assignment SAML roles: a group whose assignment names only okta-readonly does not reach okta-admin', () => {
    const s = withApp((app, snap) => {
      app.settings.app.useGroupMapping = false;
      const groups = (snap.files['okta/appGroups.json'] as Record<string, { profile: Record<string, unknown> }[]>)[(app as { id: string }).id];
      for (const g of groups) g.profile = { samlRoles: ['okta-readonly'] };
    });
    const r = scan(s);
    expect(r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    expect(r.analysis.crownJewelPaths(JORDAN).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });

  it('a mapping that cannot be read keeps the route, marked conditional', () => {
    const r = scan(withApp((app) => delete app.settings.app.groupFilter));
    const p = r.analysis.crownJewelPaths(HR_SYNC).find((x) => x.crownJewel === 'admin' && x.group.startsWith('aws|'));
    expect(p?.hops.some((h) => h.type === 'SAML_MAPS_TO' && h.conditional && /could not be read/.test(h.reason))).toBe(true);
  });
});

describe('an inactive Okta AWS app', () => {
  it('signs nobody in to AWS: its assignments reach no role', () => {
    const s = demoSnapshot();
    const app = (s.files['okta/apps.json'] as { name: string; status: string }[]).find((a) => a.name === 'amazon_aws')!;
    app.status = 'INACTIVE';
    const r = scan(s);
    expect(r.analysis.crownJewelPaths(JORDAN).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
    expect(r.analysis.crownJewelPaths(HR_SYNC).filter((p) => p.group.startsWith('aws|'))).toEqual([]);
  });
});

describe('a role trusting a SAML provider the account does not have', () => {
  it('is a possibility, not a path', () => {
    const s = demoSnapshot();
    s.files['aws/111122223333/saml-providers.json'] = [];
    const r = scan(s);
    const f = r.report.findings.find((x) => x.ruleId === 'nhi-path-to-crown-jewel' && x.subject.id === HR_SYNC && x.evidence.crownJewel === 'admin')!;
    expect(f.message).toMatch(/may reach/);
    expect(f.path!.some((h) => h.conditional && /no SAML provider/.test(h.reason))).toBe(true);
  });
});
