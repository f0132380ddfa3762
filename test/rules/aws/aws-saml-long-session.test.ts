import { describe, it, expect } from 'vitest';
import rule from '../../../rules/aws/aws-saml-long-session.js';
import { runRule } from '../../helpers/rule-tester.js';
import { NOW, oneAccount, roleId, ruleCases, trust, type RoleSpec } from '../../helpers/aws-builders.js';

const role = (spec: Partial<RoleSpec>) => oneAccount({ roles: [{ name: 'sso-admin', trust: trust.saml(), ...spec }], samlProviders: ['Okta'] });

describe('aws-saml-long-session', () => {
  ruleCases(rule, [
    {
      name: '12-hour sessions through SAML',
      graph: () => role({ maxSessionDuration: 43200 }),
      subject: roleId('sso-admin'),
      verdict: 'fail',
      severities: ['low'],
      then: (f) => expect(f[0].args).toMatchObject({ hours: 12, providers: 'Okta', limitHours: 1 }),
    },
    { name: 'one-hour sessions', graph: () => role({ maxSessionDuration: 3600 }), subject: roleId('sso-admin'), verdict: 'pass' },
    { name: '2-hour sessions exceed the default one-hour limit', graph: () => role({ maxSessionDuration: 7200 }), subject: roleId('sso-admin'), verdict: 'fail', then: (f) => expect(f[0].args).toMatchObject({ hours: 2, limitHours: 1 }) },
    { name: 'a looser limit from the options', graph: () => role({ maxSessionDuration: 4 * 3600 }), subject: roleId('sso-admin'), verdict: 'pass', options: { maxSessionHours: 4 } },
    { name: 'MaxSessionDuration not collected (GAAD omits it)', graph: () => role({}), subject: roleId('sso-admin'), verdict: 'unknown' },
  ]);

  it('evaluates only roles entered through SAML', () => {
    const g = oneAccount({ roles: [{ name: 'svc', trust: trust.service('ec2.amazonaws.com'), maxSessionDuration: 43200 }] });
    expect(runRule(rule, g, { now: NOW }).stats.evaluated).toBe(0);
  });
});
