import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-svc-user-password-never-changed.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const U = I.user('sa');
const cases: OktaRuleCase[] = [
  { name: 'never changed since creation 3 years ago', org: () => oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com', created: '2023-11-01T00:00:00Z', passwordChanged: null }), subject: U, verdict: 'fail', messageIds: ['never'] },
  { name: 'last changed 2 years ago', org: () => oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com', passwordChanged: '2024-11-01T00:00:00Z' }), subject: U, verdict: 'fail', messageIds: ['old'] },
  { name: 'near miss: changed 100 days ago', org: () => oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com', created: '2020-01-01T00:00:00Z', passwordChanged: '2026-08-12T00:00:00Z' }), subject: U, verdict: 'pass' },
  { name: 'near miss: no password', org: () => oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com', created: '2020-01-01T00:00:00Z', password: false }), subject: U, verdict: 'pass' },
  { name: 'people are not evaluated', org: () => oktaOrg().user({ id: 'sa', login: 'bob@acme.com', created: '2020-01-01T00:00:00Z' }), subject: U, verdict: undefined },
];

describe('okta-svc-user-password-never-changed', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
  it('unknown when the payload has no credentials object', () => {
    const snap = oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com' }).snapshot();
    delete (snap.files['okta/users.json'] as Record<string, unknown>[])[0].credentials;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: U, verdict: 'unknown' });
  });
  it('unknown, not "never changed", when the payload has no passwordChanged field', () => {
    const snap = oktaOrg().user({ id: 'sa', login: 'svc-a@acme.com', created: '2020-01-01T00:00:00Z' }).snapshot();
    delete (snap.files['okta/users.json'] as Record<string, unknown>[])[0].passwordChanged;
    runCase(rule, { name: 'x', org: () => Object.assign(oktaOrg(), { snapshot: () => snap }), subject: U, verdict: 'unknown' });
  });
});
