import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-owner-inactive.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'owner suspended', org: () => oktaOrg().user({ id: 'u1', status: 'SUSPENDED', roles: ['ORG_ADMIN'] }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'fail', messageIds: ['inactive'] },
  { name: 'owner deprovisioned (listed with a filter)', org: () => oktaOrg().user({ id: 'u1', status: 'DEPROVISIONED' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'fail' },
  { name: 'near miss: owner locked out is still active', org: () => oktaOrg().user({ id: 'u1', status: 'LOCKED_OUT' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'pass' },
  { name: 'unknown: owner not in users.json', org: () => oktaOrg().token({ id: 't1', userId: 'gone' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: users not collected', org: () => oktaOrg().token({ id: 't1', userId: 'u1' }).without('users'), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-owner-inactive', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
