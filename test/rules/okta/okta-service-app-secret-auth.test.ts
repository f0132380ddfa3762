import { describe, it } from 'vitest';
import rule from '../../../rules/okta/okta-service-app-secret-auth.js';
import { oktaIds as I, oktaOrg, type OktaRuleCase } from '../../helpers/okta-builders.js';
import { runCase } from './run-case.js';

const A = I.app('a1');
const cases: OktaRuleCase[] = [
  { name: 'client_secret_basic on a T1 app → medium', org: () => oktaOrg().serviceApp({ id: 'a1', authMethod: 'client_secret_basic', grants: ['okta.logs.read'] }), subject: A, verdict: 'fail', severities: ['medium'] },
  { name: 'client_secret_post on a T3 app → high', org: () => oktaOrg().serviceApp({ id: 'a1', authMethod: 'client_secret_post', grants: ['okta.users.manage'] }), subject: A, verdict: 'fail', severities: ['high'] },
  { name: 'client_secret_jwt is still a shared secret', org: () => oktaOrg().serviceApp({ id: 'a1', authMethod: 'client_secret_jwt' }), subject: A, verdict: 'fail' },
  { name: 'near miss: private_key_jwt', org: () => oktaOrg().serviceApp({ id: 'a1', authMethod: 'private_key_jwt', grants: ['okta.users.manage'] }), subject: A, verdict: 'pass' },
  { name: 'inactive apps are not evaluated', org: () => oktaOrg().serviceApp({ id: 'a1', status: 'INACTIVE' }), subject: A, verdict: undefined },
  { name: 'a web app with client_credentials counts as a service app', org: () => oktaOrg().serviceApp({ id: 'a1', applicationType: 'web', grantTypes: ['authorization_code', 'client_credentials'] }), subject: A, verdict: 'fail' },
];

describe('okta-service-app-secret-auth', () => {
  it.each(cases)('$name', (c) => runCase(rule, c));
});
