import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-api-token-unused.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const T = I.token('t1');
const cases: OktaRuleCase[] = [
  // Window 180 days, expires in 60 → last used ~120 days ago.
  { name: 'long window, last use estimated 120 days ago', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', tokenWindow: 'P180D', expiresAt: '2027-01-19T09:00:00Z' }), subject: T, verdict: 'fail', severities: ['low'] },
  { name: 'near miss: default window, used yesterday', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', tokenWindow: 'P30D', expiresAt: '2026-12-19T09:00:00Z' }), subject: T, verdict: 'pass' },
  { name: 'near miss: threshold raised', org: () => oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1', tokenWindow: 'P180D', expiresAt: '2027-01-19T09:00:00Z' }), subject: T, verdict: 'pass', options: { dormantDays: 150 } },
];

describe('okta-api-token-unused', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown without tokenWindow (no last-use signal)', () => {
    const snap = oktaOrg().user({ id: 'u1' }).token({ id: 't1', userId: 'u1' }).snapshot();
    delete (snap.files['okta/apiTokens.json'] as Record<string, unknown>[])[0].tokenWindow;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: T, verdict: 'unknown' });
  });
});
