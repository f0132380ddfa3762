import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-service-app-manage-scope.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const A = I.app('a1');
const cases: OktaRuleCase[] = [
  { name: 'okta.roles.manage → critical', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.roles.manage'] }), subject: A, verdict: 'fail', severities: ['critical'] },
  { name: 'users + apps manage → two high findings', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.users.manage', 'okta.apps.manage', 'okta.logs.read'] }), subject: A, verdict: 'fail', severities: ['high', 'high'] },
  // RULES-CATALOG §3.2 NHI-OKTA-PRIVILEGED-SCOPE-GRANT lists okta.orgs.manage among the T3 scopes (org-wide settings, Okta support access).
  { name: 'okta.orgs.manage → high', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.orgs.manage'] }), subject: A, verdict: 'fail', severities: ['high'] },
  // Okta's OAuth-for-Okta endpoint table: PUT /oauth2/v1/clients/{clientId} and POST
  // /oauth2/v1/clients/{clientId}/lifecycle/newSecret take okta.clients.manage, so its holder can
  // give any service app a new secret or key and authenticate as it, as okta.apps.manage can.
  { name: 'okta.clients.manage → high', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.clients.manage'] }), subject: A, verdict: 'fail', severities: ['high'] },
  { name: 'near miss: okta.clients.read and okta.clients.register', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.clients.read', 'okta.clients.register'] }), subject: A, verdict: 'pass' },
  { name: 'near miss: read scopes and a non-identity manage scope', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.users.read', 'okta.networkZones.manage'] }), subject: A, verdict: 'pass' },
  { name: 'near miss: manage grant is INACTIVE', org: () => oktaOrg().serviceApp({ id: 'a1', grants: [{ scopeId: 'okta.users.manage', status: 'INACTIVE' }] }), subject: A, verdict: 'pass' },
  { name: 'near miss: scope accepted by option', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.users.manage'] }), subject: A, verdict: 'pass', options: { ignoreScopes: ['okta.users.manage'] } },
  { name: 'unknown: grants of this app not read', org: () => oktaOrg().serviceApp({ id: 'a1', grants: null }), subject: A, verdict: 'unknown' },
  { name: 'unknown: grants capability missing-permission', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.roles.manage'] }).withCoverage('okta.appGrants', 'missing-permission', '403'), subject: A, verdict: 'unknown' },
  // Policy for every Okta service-app rule: an INACTIVE app gets no token, so it is not evaluated;
  // who can reactivate it (okta.apps.manage, APP_ADMIN) is reported on those holders.
  { name: 'inactive apps are not evaluated, even with okta.roles.manage', org: () => oktaOrg().serviceApp({ id: 'a1', status: 'INACTIVE', grants: ['okta.roles.manage', 'okta.users.manage'] }), subject: A, verdict: undefined },
];

describe('okta-service-app-manage-scope', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
