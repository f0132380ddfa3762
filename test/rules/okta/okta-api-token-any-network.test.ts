import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-any-network.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'ANYWHERE, owner is super admin → tier-escalated to critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['anywhere'] },
  { name: 'ANYWHERE, owner without roles → low', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['low'] },
  { name: 'ZONE naming no zone', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: [] }), subject: T, verdict: 'fail', messageIds: ['emptyZone'] },
  { name: 'near miss: restricted to a zone', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['nzo1corp'] }), subject: T, verdict: 'pass' },
  { name: 'unknown: no network in the payload', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-any-network', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
