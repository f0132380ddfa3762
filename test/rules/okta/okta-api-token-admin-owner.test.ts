import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-admin-owner.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'super admin owner, any network → critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['adminAnywhere'] },
  { name: 'org admin owner, zone-restricted → high', org: () => oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['nzo1'] }), subject: T, verdict: 'fail', severities: ['high'], messageIds: ['admin'] },
  // "Not in any of the following zones" accepts every IP outside the excluded zones: as exposed as ANYWHERE.
  { name: 'super admin owner, zone condition that only excludes zones → critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', exclude: ['nzo1blocked'] }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['adminAnywhereExcept'] },
  { name: 'super admin through a group', org: () => oktaOrg().group('g1', 'Admins', ['SUPER_ADMIN']).user({ id: 'u1', groups: ['g1'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['z'] }), subject: T, verdict: 'fail', severities: ['high'] },
  { name: 'near miss: owner is only an app admin', org: () => oktaOrg().user({ id: 'u1', roles: ['APP_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'pass' },
  { name: 'unknown: owner roles not read', org: () => oktaOrg().user({ id: 'u1', roles: null }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: owner groups not read', org: () => oktaOrg().user({ id: 'u1', roles: [], groups: null }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: admin roles capability missing', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1' }).without('userRoles').without('groupRoles'), subject: T, verdict: 'unknown' },
  { name: 'unknown: owner not listed', org: () => oktaOrg().token({ id: 't1', userId: 'gone' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-admin-owner', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
