import { describe, it, expect } from 'vitest';
import rule from '../../../rules/okta/okta-service-app-secret-age.js';
import { runRule } from '../../helpers/rule-tester.js';
import { NOW, oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const A = I.app('a1');
const cases: OktaRuleCase[] = [
  { name: 'active secret 200 days old', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: [{ id: 's1', created: '2026-05-04T09:00:00Z' }] }), subject: A, verdict: 'fail', severities: ['low'] },
  { name: 'old secret on a T4 app → critical', org: () => oktaOrg().serviceApp({ id: 'a1', roles: ['SUPER_ADMIN'], secrets: [{ id: 's1', created: '2025-01-01T00:00:00Z' }] }), subject: A, verdict: 'fail', severities: ['critical'] },
  { name: 'near miss: old secret is INACTIVE', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: [{ id: 's1', status: 'INACTIVE', created: '2025-01-01T00:00:00Z' }] }), subject: A, verdict: 'pass' },
  { name: 'near miss: 60 days old', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: [{ id: 's1', created: '2026-09-21T09:00:00Z' }] }), subject: A, verdict: 'pass' },
  { name: 'unknown: secrets of this app not read', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: null }).serviceApp({ id: 'a2' }), subject: A, verdict: 'unknown' },
  { name: 'unknown: credentials capability not collected', org: () => oktaOrg().serviceApp({ id: 'a1' }).without('appSecrets').without('appJwks'), subject: A, verdict: 'unknown' },
  // Policy for every Okta service-app rule: an INACTIVE app gets no token, so it is not evaluated.
  { name: 'inactive apps are not evaluated, even with an old secret and a T4 grant', org: () => oktaOrg().serviceApp({ id: 'a1', status: 'INACTIVE', grants: ['okta.roles.manage'], secrets: [{ id: 's1', created: '2024-10-03T00:00:00Z' }] }), subject: A, verdict: undefined },
];

describe('okta-service-app-secret-age', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('reports each old secret once, keyed by secret', () => {
    const g = oktaOrg()
      .serviceApp({ id: 'a1', secrets: [{ id: 's1', created: '2025-01-01T00:00:00Z' }, { id: 's2', created: '2025-02-01T00:00:00Z' }, { id: 's3', created: '2026-11-01T00:00:00Z' }] })
      .graph();
    const run = runRule(rule, g, { now: NOW });
    expect(run.findings.map((f) => f.args.secret).sort()).toEqual(['s1', 's2']);
    expect(new Set(run.findings.map((f) => f.fingerprint)).size).toBe(2);
  });
});
