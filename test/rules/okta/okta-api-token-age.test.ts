import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-age.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const org = (created: string | undefined, roles: string[] = []) => () => {
  const o = oktaOrg().user({ id: 'u1', roles }).token({ id: 't1', userId: 'u1', created });
  return o;
};
const cases: OktaRuleCase[] = [
  { name: '200 days old, owner org admin → critical', org: org('2026-05-04T09:00:00Z', ['ORG_ADMIN']), subject: T, verdict: 'fail', severities: ['critical'] },
  { name: '91 days old, owner user admin → high', org: org('2026-08-21T08:00:00Z', ['USER_ADMIN']), subject: T, verdict: 'fail', severities: ['high'] },
  { name: 'near miss: 89 days old', org: org('2026-08-23T09:00:00Z', ['ORG_ADMIN']), subject: T, verdict: 'pass' },
  { name: 'option: 30-day window', org: org('2026-10-01T09:00:00Z'), subject: T, verdict: 'fail', options: { maxAgeDays: 30 } },
];

describe('okta-api-token-age', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown without a creation date', () => {
    const o = oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' });
    const snap = o.snapshot();
    delete (snap.files['okta/apiTokens.json'] as Record<string, unknown>[])[0].created;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: T, verdict: 'unknown' });
  });
});
