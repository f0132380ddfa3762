import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-client-admin-role.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const A = I.app('a1');
const cases: OktaRuleCase[] = [
  { name: 'SUPER_ADMIN → critical', org: () => oktaOrg().serviceApp({ id: 'a1', roles: ['SUPER_ADMIN'] }), subject: A, verdict: 'fail', severities: ['critical'] },
  { name: 'APP_ADMIN → high, REPORT_ADMIN → medium', org: () => oktaOrg().serviceApp({ id: 'a1', roles: ['APP_ADMIN', 'REPORT_ADMIN'] }), subject: A, verdict: 'fail', severities: ['high', 'medium'] },
  { name: 'READ_ONLY_ADMIN → low', org: () => oktaOrg().serviceApp({ id: 'a1', roles: ['READ_ONLY_ADMIN'] }), subject: A, verdict: 'fail', severities: ['low'] },
  { name: 'near miss: no roles (scopes alone)', org: () => oktaOrg().serviceApp({ id: 'a1', roles: [], grants: ['okta.users.manage'] }), subject: A, verdict: 'pass' },
  { name: 'unknown: roles of this client not read', org: () => oktaOrg().serviceApp({ id: 'a1', roles: null }), subject: A, verdict: 'unknown' },
  { name: 'unknown: clientRoles.json absent', org: () => oktaOrg().serviceApp({ id: 'a1', roles: ['SUPER_ADMIN'] }).without('clientRoles'), subject: A, verdict: 'unknown' },
  // Policy for every Okta service-app rule: an INACTIVE app gets no token, so it is not evaluated.
  { name: 'inactive apps are not evaluated, even with SUPER_ADMIN', org: () => oktaOrg().serviceApp({ id: 'a1', status: 'INACTIVE', roles: ['SUPER_ADMIN'] }), subject: A, verdict: undefined },
];

describe('okta-client-admin-role', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
