import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-shared.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const cases: OktaRuleCase[] = [
  { name: 'owner backs two tokens', org: () => oktaOrg().user({ id: 'u1', roles: ['ORG_ADMIN'] }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u1' }), subject: I.token('t2'), verdict: 'fail', severities: ['critical'] },
  { name: 'near miss: two owners, one token each', org: () => oktaOrg().user({ id: 'u1' }).user({ id: 'u2' }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u2' }), subject: I.token('t1'), verdict: 'pass' },
  { name: 'near miss: limit raised to 2', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' }).token({ id: 't2', userId: 'u1' }), subject: I.token('t1'), verdict: 'pass', options: { maxTokensPerOwner: 2 } },
];

describe('okta-api-token-shared', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown when the token names no owner', () => {
    const snap = oktaOrg().token({ id: 't1', userId: 'u1' }).snapshot();
    delete (snap.files['okta/apiTokens.json'] as Record<string, unknown>[])[0].userId;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: I.token('t1'), verdict: 'unknown' });
  });
});
