import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-service-app-multiple-secrets.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const A = I.app('a1');
const two = (newest: string) => [{ id: 's1', created: '2025-01-01T00:00:00Z' }, { id: 's2', created: newest }];
const cases: OktaRuleCase[] = [
  { name: 'two active secrets, newest 60 days old', org: () => oktaOrg().serviceApp({ id: 'a1', grants: ['okta.apps.manage'], secrets: two('2026-09-21T09:00:00Z') }), subject: A, verdict: 'fail', severities: ['high'] },
  { name: 'near miss: rotation in progress (newest 3 days old)', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: two('2026-11-17T09:00:00Z') }), subject: A, verdict: 'pass' },
  { name: 'near miss: second secret deactivated', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: [{ id: 's1', created: '2025-01-01T00:00:00Z' }, { id: 's2', status: 'INACTIVE', created: '2026-01-01T00:00:00Z' }] }), subject: A, verdict: 'pass' },
  { name: 'unknown: secrets not read', org: () => oktaOrg().serviceApp({ id: 'a1', secrets: null }), subject: A, verdict: 'unknown' },
  // Policy for every Okta service-app rule: an INACTIVE app gets no token, so it is not evaluated.
  { name: 'inactive apps are not evaluated, even with two old secrets', org: () => oktaOrg().serviceApp({ id: 'a1', status: 'INACTIVE', secrets: [{ id: 's1', created: '2025-01-01T00:00:00Z' }, { id: 's2', created: '2025-02-01T00:00:00Z' }] }), subject: A, verdict: undefined },
];

describe('okta-service-app-multiple-secrets', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
