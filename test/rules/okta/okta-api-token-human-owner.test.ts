import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-human-owner.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'personal admin account with MFA', org: () => oktaOrg().user({ id: 'u1', login: 'alice@acme.com', roles: ['ORG_ADMIN'], factors: ['push'] }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'fail', severities: ['critical'] },
  { name: 'near miss: service account by naming convention', org: () => oktaOrg().user({ id: 'u1', login: 'svc-okta@acme.com' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass' },
  { name: 'near miss: listed in knownServiceAccounts', org: () => oktaOrg().user({ id: 'u1', login: 'okta.integrations@acme.com' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass', config: { knownServiceAccounts: ['OKTA.integrations@acme.com'] } },
  { name: 'near miss: token owner with no MFA factor (two machine signals)', org: () => oktaOrg().user({ id: 'u1', login: 'jenkins@acme.com', factors: [] }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass' },
  { name: 'near miss: owner of a service-account user type, named through userTypes.json', org: () => oktaOrg().userType('oty1svc', 'serviceAccount', 'Service Account').user({ id: 'u1', login: 'okta.sync@acme.com', typeId: 'oty1svc' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass' },
  { name: 'near miss: owner of the default user type whose profile.userType names a service account', org: () => oktaOrg().user({ id: 'u1', login: 'reporting@acme.com', userType: 'ServiceAccount' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass' },
  // The Users API names a user's type by id only: without the org's user types, a type listed in
  // serviceAccountTypes cannot be recognised, so the owner is not known to be a person.
  { name: "unknown: user types not read, so the owner's type cannot be named", org: () => oktaOrg().user({ id: 'u1', login: 'okta.sync@acme.com', typeId: 'oty1svc' }).token({ id: 't1', userId: 'u1' }).without('userTypes'), subject: T, verdict: 'unknown' },
  { name: 'near miss: user types not read, but serviceAccountTypes lists the type id', org: () => oktaOrg().user({ id: 'u1', login: 'okta.sync@acme.com', typeId: 'oty1svc' }).token({ id: 't1', userId: 'u1' }).without('userTypes'), subject: T, verdict: 'pass', config: { serviceAccountTypes: ['service', 'oty1svc'] } },
  // With no serviceAccountTypes, no type could make the owner a service account: naming it changes nothing.
  { name: 'user types not read but serviceAccountTypes is empty: a personal account as before', org: () => oktaOrg().user({ id: 'u1', login: 'okta.sync@acme.com', typeId: 'oty1svc', factors: ['push'] }).token({ id: 't1', userId: 'u1' }).without('userTypes'), subject: T, verdict: 'fail', config: { serviceAccountTypes: [] } },
  { name: 'unknown: owner not listed', org: () => oktaOrg().token({ id: 't1', userId: 'nobody' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-human-owner', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
