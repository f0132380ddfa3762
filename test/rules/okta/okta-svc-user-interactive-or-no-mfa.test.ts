import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-svc-user-interactive-or-no-mfa.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const U = I.user('sa');
const cases: OktaRuleCase[] = [
  { name: 'no factor, user admin → high base, tiered to critical', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [], roles: ['USER_ADMIN'] }), subject: U, verdict: 'fail', severities: ['critical'], messageIds: ['noMfa'] },
  { name: 'signed in 5 days ago, has a factor', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', lastLogin: '2026-11-15T09:00:00Z' }), subject: U, verdict: 'fail', messageIds: ['interactive'], severities: ['low'] },
  { name: 'both at once', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [], lastLogin: '2026-11-19T09:00:00Z' }), subject: U, verdict: 'fail', messageIds: ['interactive', 'noMfa'] },
  { name: 'near miss: factor enrolled, last sign-in 90 days ago', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', lastLogin: '2026-08-22T09:00:00Z' }), subject: U, verdict: 'pass' },
  { name: 'near miss: federated account without a password', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [], password: false }), subject: U, verdict: 'pass' },
  { name: 'people are not evaluated', org: () => oktaOrg().user({ id: 'sa', login: 'alice@acme.com', factors: [] }), subject: U, verdict: undefined },
  // Roles not read (no userRoles entry, okta.adminRoles forbidden): the account may hold one, so
  // no MFA is rated as for an admin, and the unread tier evidence does not lower either finding.
  { name: 'no factor, admin roles not read → high, not lowered', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [], roles: null, lastLogin: '2026-11-19T09:00:00Z' }).withCoverage('okta.adminRoles', 'missing-permission'), subject: U, verdict: 'fail', severities: ['high', 'medium'], messageIds: ['interactive', 'noMfa'] },
  { name: 'no factor, roles read but group roles forbidden → high', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [] }).withCoverage('okta.adminRoles', 'missing-permission'), subject: U, verdict: 'fail', severities: ['high'], messageIds: ['noMfa'] },
  { name: 'unknown: factors not read', org: () => oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: null }), subject: U, verdict: 'unknown' },
];

describe('okta-svc-user-interactive-or-no-mfa', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown when the payload has no lastLogin field (interactive use cannot be checked)', () => {
    const snap = oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com' }).snapshot();
    delete (snap.files['okta/users.json'] as Record<string, unknown>[])[0].lastLogin;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: U, verdict: 'unknown' });
  });
  it('still fails on a missing factor when lastLogin is absent', () => {
    const snap = oktaOrg().user({ id: 'sa', login: 'svc-hr@acme.com', factors: [] }).snapshot();
    delete (snap.files['okta/users.json'] as Record<string, unknown>[])[0].lastLogin;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: U, verdict: 'fail', messageIds: ['noMfa'] });
  });
});
