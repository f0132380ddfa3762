import { describe, expect, it } from 'vitest';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';
import { oktaIds as I, oktaOrg, NOW, ORG } from '../helpers/okta-builders.js';

// An API token whose owner is a super admin: with the admin roles read it is T4; with them
// forbidden the scanner sees no privilege, which must read as "not known", not as "harmless".
const org = () =>
  oktaOrg()
    .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles: ['SUPER_ADMIN'] })
    .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' });

const scan = (o: ReturnType<typeof org>) => scanSnapshot(o.snapshot(), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' }).report;

describe('an identity whose tier evidence was not read', () => {
  it('says its tier is a lower bound, and why', () => {
    const partial = scan(org().without('userRoles').without('groupRoles').withCoverage('okta.adminRoles', 'missing-permission'));
    const token = partial.identities.find((i) => i.id === I.token('tok'))!;
    expect(token.tier).toBe(0);
    expect(token.tierIncomplete).toBe(`the admin role assignments of org ${ORG} were not read (denied)`);
    expect(token.tierReasons).toContain(`may reach more: the admin role assignments of org ${ORG} were not read (denied); so whether it reaches a tier above T0 cannot be judged (the tier is a lower bound)`);
  });

  it('never has its tiered findings lowered below their base severity', () => {
    const partial = scan(org().without('userRoles').without('groupRoles').withCoverage('okta.adminRoles', 'missing-permission'));
    const tiered = partial.findings.filter((f) => f.subject.id === I.token('tok') && allRules.find((r) => r.meta.id === f.ruleId)!.meta.tiered);
    expect(tiered.length).toBeGreaterThan(0);
    for (const f of tiered) expect(f.severity).toBe(f.baseSeverity);
  });

  it('also when only this owner is missing from the per-user files (the capability itself was collected)', () => {
    // Review case: the org-wide records say collected, but the owner's roles and groups were
    // never read (collected with another configuration, or an older snapshot).
    const unread = oktaOrg()
      .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles: null, groups: null })
      .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' });
    const report = scan(unread);
    const token = report.identities.find((i) => i.id === I.token('tok'))!;
    expect(token.tier).toBe(0);
    expect(token.tierIncomplete).toMatch(/^the admin roles or groups of user svc\.zapier@acme\.com of org https:\/\/acme\.okta\.com were not read \(error: /);
    const tiered = report.findings.filter((f) => f.subject.id === I.token('tok') && allRules.find((r) => r.meta.id === f.ruleId)!.meta.tiered);
    expect(tiered.length).toBeGreaterThan(0);
    for (const f of tiered) expect(f.severity).toBe(f.baseSeverity);
    // The service account itself too.
    const account = report.identities.find((i) => i.id === I.user('sa'));
    expect(account?.tierIncomplete).toMatch(/^the admin roles or groups of user svc\.zapier@acme\.com of org https:\/\/acme\.okta\.com were not read \(error: /);
  });

  it('is not marked when everything feeding the tier was read', () => {
    const full = scan(org());
    const token = full.identities.find((i) => i.id === I.token('tok'))!;
    expect(token.tier).toBe(4);
    expect(token.tierIncomplete).toBeUndefined();
    expect(token.tierReasons.some((r) => r.startsWith('may reach more'))).toBe(false);
  });
});
