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
  { name: 'unknown: owner not listed', org: () => oktaOrg().token({ id: 't1', userId: 'nobody' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-human-owner', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
