import { describe, expect, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-any-network.js';
import { NOW, oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runRule } from '../../helpers/rule-tester.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  { name: 'ANYWHERE, owner is super admin → tier-escalated to critical', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['anywhere'] },
  { name: 'ANYWHERE, owner without roles → low', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['low'] },
  { name: 'ZONE naming no zone', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: [] }), subject: T, verdict: 'fail', messageIds: ['emptyZone'] },
  // Okta's "Not in any of the following zones": only the listed zones are refused, every other IP is accepted.
  { name: 'ZONE excluding zones and including none → allowed from anywhere else', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: [], exclude: ['nzo1blocked'] }), subject: T, verdict: 'fail', severities: ['critical'], messageIds: ['anywhereExcept'] },
  // A token of a SUSPENDED or DEPROVISIONED owner is refused from every address; its network condition
  // matters again only if the owner is reactivated. Reported at base info, so even a T4 token stays medium.
  { name: 'ANYWHERE, super admin owner SUSPENDED → medium at T4, usable again on reactivation', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'], status: 'SUSPENDED' }).token({ id: 't1', userId: 'u1', connection: 'ANYWHERE' }), subject: T, verdict: 'fail', severities: ['medium'], messageIds: ['anywhereDormant'] },
  { name: 'ZONE excluding zones, owner DEPROVISIONED, no roles → low', org: () => oktaOrg().user({ id: 'u1', status: 'DEPROVISIONED' }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: [], exclude: ['nzo1b'] }), subject: T, verdict: 'fail', severities: ['low'], messageIds: ['anywhereExceptDormant'] },
  { name: 'near miss: included zone with an excluded zone carved out', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['nzo1corp'], exclude: ['nzo1lab'] }), subject: T, verdict: 'pass' },
  { name: 'near miss: restricted to a zone', org: () => oktaOrg().user({ id: 'u1', roles: ['SUPER_ADMIN'] }).token({ id: 't1', userId: 'u1', connection: 'ZONE', include: ['nzo1corp'] }), subject: T, verdict: 'pass' },
  // Okta's values are ANYWHERE and ZONE; another (a hand-edited or future value) is not read as a restriction.
  { name: 'unknown: a connection value the rule does not know', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', connection: 'Anywhere' }), subject: T, verdict: 'unknown' },
  { name: 'unknown: no network in the payload', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' }), subject: T, verdict: 'unknown' },
];

describe('okta-api-token-any-network', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));

  it('names the excluded zones in the message', () => {
    const graph = oktaOrg().user({ id: 'u1' }).token({ id: 't1', name: 'ci', userId: 'u1', connection: 'ZONE', exclude: ['nzo1b', 'nzo1a'] }).graph();
    const [f] = runRule(rule, graph, { now: NOW }).findings;
    expect(f?.message).toBe('API token ci is allowed from anywhere except zones nzo1b, nzo1a');
    expect(f?.evidence).toEqual({ connection: 'ZONE', include: [], exclude: ['nzo1b', 'nzo1a'] });
  });

  it('does not call a suspended owner\'s token accepted from any IP address', () => {
    const graph = oktaOrg().user({ id: 'u1', login: 'svc.zapier@corp.example', status: 'SUSPENDED' }).token({ id: 't1', name: 'zapier', userId: 'u1', connection: 'ANYWHERE' }).graph();
    const [f] = runRule(rule, graph, { now: NOW }).findings;
    expect(f?.message).toBe('API token zapier would be accepted from any IP address, but Okta rejects it while svc.zapier@corp.example is SUSPENDED; it is usable again if the owner is reactivated');
    expect(f?.baseSeverity).toBe('info');
  });
});
