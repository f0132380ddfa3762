import { describe, it, expect } from 'vitest';
import { runRule } from '../../helpers/rule-tester.js';
import rule from '../../../rules/aws/aws-role-unused.js';
import { NOW, allow, daysAgo, doc, oneAccount, roleId, ruleCases, trust, type RoleSpec } from '../../helpers/aws-builders.js';

const role = (spec: Partial<RoleSpec>) => oneAccount({ roles: [{ name: 'batch', trust: trust.service('ecs-tasks.amazonaws.com'), inline: [doc(allow('s3:GetObject'))], ...spec }] });

describe('aws-role-unused', () => {
  ruleCases(rule, [
    {
      name: 'last assumed 200 days ago',
      graph: () => role({ lastUsed: daysAgo(200) }),
      subject: roleId('batch'),
      verdict: 'fail',
      severities: ['medium'],
      then: (f) => expect(f[0].args.days).toBe(200),
    },
    { name: 'never assumed, created a year ago', graph: () => role({ lastUsed: null, created: daysAgo(365) }), subject: roleId('batch'), verdict: 'fail', then: (f) => expect(f[0].messageId).toBe('never') },
    { name: 'an unused administrator role is critical', graph: () => role({ lastUsed: daysAgo(200), managed: ['AdministratorAccess'] }), subject: roleId('batch'), verdict: 'fail', severities: ['critical'] },
    { name: 'assumed last week', graph: () => role({ lastUsed: daysAgo(7) }), subject: roleId('batch'), verdict: 'pass' },
    { name: 'never assumed, created 60 days ago (grace period 90 days, as for a stale role)', graph: () => role({ lastUsed: null, created: daysAgo(60) }), subject: roleId('batch'), verdict: 'pass' },
    { name: 'never assumed, created 100 days ago', graph: () => role({ lastUsed: null, created: daysAgo(100) }), subject: roleId('batch'), verdict: 'fail', then: (f) => expect(f[0].messageId).toBe('never') },
    { name: 'never assumed but created ten days ago', graph: () => role({ lastUsed: null, created: daysAgo(10) }), subject: roleId('batch'), verdict: 'pass' },
    { name: 'RoleLastUsed absent from the file', graph: () => role({ lastUsed: undefined }), subject: roleId('batch'), verdict: 'unknown' },
  ]);

  it('does not evaluate IAM Identity Center roles, which people sign in through and IAM cannot delete', () => {
    // Identity Center makes and manages these roles from permission sets; "delete the role" is
    // advice IAM refuses. They are workforce access, not machine identities.
    const name = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';
    const g = oneAccount({
      roles: [{ name, path: '/aws-reserved/sso.amazonaws.com/', trust: trust.saml('AWSSSO_0123456789abcdef_DO_NOT_DELETE'), managed: ['AdministratorAccess'], lastUsed: null, created: daysAgo(900) }],
      samlProviders: ['AWSSSO_0123456789abcdef_DO_NOT_DELETE'],
    });
    const run = runRule(rule, g, { now: NOW });
    expect(run.stats.evaluated).toBe(0);
    expect(g.node(roleId(`aws-reserved/sso.amazonaws.com/${name}`))).toMatchObject({ firstParty: true, attrs: { managedBy: 'IAM Identity Center' } });
  });

  it('does not evaluate service-linked roles', () => {
    const g = oneAccount({ roles: [{ name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust: trust.service('support.amazonaws.com'), lastUsed: null, created: daysAgo(900) }] });
    const run = runRule(rule, g, { now: NOW });
    expect(run.stats.evaluated).toBe(0);
    expect(run.findings).toEqual([]);
  });
});
