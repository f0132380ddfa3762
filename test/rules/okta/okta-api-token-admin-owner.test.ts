import { describe, expect, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-admin-owner.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runRule } from '../../helpers/rule-tester.js';
import { NOW } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'super admin owner, any network → critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['adminAnywhere'] },
  { name: 'org admin owner, zone-restricted → high', org: () => oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['nzo1'] }), subject: T, verdict: 'fail', severities: ['high'], messageIds: ['admin'] },
  // "Not in any of the following zones" accepts every IP outside the excluded zones: as exposed as ANYWHERE.
  { name: 'super admin owner, zone condition that only excludes zones → critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', exclude: ['nzo1blocked'] }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['adminAnywhereExcept'] },
  { name: 'super admin through a group', org: () => oktaOrg().group('g1', 'Admins', ['SUPER_ADMIN']).user({ id: 'u1', groups: ['g1'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['z'] }), subject: T, verdict: 'fail', severities: ['high'] },
  // Okta rejects a token while its creator is not active: not a usable admin credential now, but one
  // that comes back with the owner; okta-api-token-owner-inactive is the finding to act on.
  { name: 'super admin owner SUSPENDED, any network → medium, usable again on reactivation', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'], status: 'SUSPENDED' }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['medium'], messageIds: ['adminDormant'] },
  { name: 'org admin owner DEPROVISIONED → medium', org: () => oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'], status: 'DEPROVISIONED' }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['z'] }), subject: T, verdict: 'fail', severities: ['medium'], messageIds: ['adminDormant'] },
  // Locked out or with an expired password the user is still active: its tokens keep working.
  { name: 'super admin owner LOCKED_OUT is still active → critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'], status: 'LOCKED_OUT' }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['adminAnywhere'] },
  { name: 'near miss: owner is only an app admin', org: () => oktaOrg().user({ id: 'u1', roles: ['APP_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'pass' },
  { name: 'unknown: owner roles not read', org: () => oktaOrg().user({ id: 'u1', roles: null }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: owner groups not read', org: () => oktaOrg().user({ id: 'u1', roles: [], groups: null }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: admin roles capability missing', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1' }).without('userRoles').without('groupRoles'), subject: T, verdict: 'unknown' },
  { name: 'unknown: owner not listed', org: () => oktaOrg().token({ id: 't1', userId: 'gone' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-admin-owner', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));

  it('says a suspended owner\'s token is rejected now and usable again on reactivation', () => {
    const graph = oktaOrg().user({ id: 'u1', login: 'svc.zapier@corp.example', roles: ['SUPER_ADMIN'], status: 'SUSPENDED' }).token({ id: 't1', name: 'zapier', userId: 'u1', connection: 'ANYWHERE' }).graph();
    const [f] = runRule(rule, graph, { now: NOW }).findings;
    expect(f?.message).toBe('API token zapier acts as svc.zapier@corp.example, who holds SUPER_ADMIN; Okta rejects it while that account is SUSPENDED, and it is usable again if the owner is reactivated');
    expect(f?.evidence).toMatchObject({ ownerStatus: 'SUSPENDED', networkConnection: 'ANYWHERE' });
  });
});
