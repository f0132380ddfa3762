import { describe, it, expect } from 'vitest';
import rule from '../../../rules/aws/aws-saml-long-session.js';
import { runRule } from '../../helpers/rule-tester.js';
import { ACCT, NOW, awsSnapshot, missing, oneAccount, roleId, ruleCases, trust, type RoleSpec } from '../../helpers/aws-builders.js';
import { GraphBuilder } from '../../../src/graph/graph.js';
import { transformAws } from '../../../src/connectors/aws/transform.js';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { InputError } from '../../../src/errors.js';
import type { Snapshot } from '../../../src/snapshot/snapshot.js';
import type { CoverageRecord } from '../../../src/snapshot/types.js';

const role = (spec: Partial<RoleSpec>) => oneAccount({ roles: [{ name: 'sso-admin', trust: trust.saml(), ...spec }], samlProviders: ['Okta'] });

describe('aws-saml-long-session', () => {
  ruleCases(rule, [
    {
      name: '12-hour sessions through SAML',
      graph: () => role({ maxSessionDuration: 43200 }),
      subject: roleId('sso-admin'),
      verdict: 'fail',
      severities: ['low'],
      then: (f) => {
        expect(f[0].args).toMatchObject({ hours: 12, providers: 'Okta', limitHours: 1 });
        // In hours, as a person says it (was "; the limit is 1 hours").
        expect(f[0].message).toBe('Role sso-admin is entered through SAML (Okta) and allows 12-hour sessions, longer than the 1-hour limit');
      },
    },
    { name: 'one-hour sessions', graph: () => role({ maxSessionDuration: 3600 }), subject: roleId('sso-admin'), verdict: 'pass' },
    { name: '2-hour sessions exceed the default one-hour limit', graph: () => role({ maxSessionDuration: 7200 }), subject: roleId('sso-admin'), verdict: 'fail', then: (f) => expect(f[0].args).toMatchObject({ hours: 2, limitHours: 1 }) },
    {
      name: 'a limit in part-hours is said as one',
      graph: () => role({ maxSessionDuration: 3 * 3600 }),
      subject: roleId('sso-admin'),
      verdict: 'fail',
      options: { maxSessionHours: 1.5 },
      then: (f) => expect(f[0].message).toBe('Role sso-admin is entered through SAML (Okta) and allows 3-hour sessions, longer than the 1.5-hour limit'),
    },
    // Rounded to a tenth, 3,660 seconds would read as "1-hour sessions, longer than the 1-hour limit".
    {
      name: 'a session just over the limit is said with the decimals that show it is over',
      graph: () => role({ maxSessionDuration: 3660 }),
      subject: roleId('sso-admin'),
      verdict: 'fail',
      then: (f) => expect(f[0].message).toBe('Role sso-admin is entered through SAML (Okta) and allows 1.02-hour sessions, longer than the 1-hour limit'),
    },
    {
      name: 'one second over the limit',
      graph: () => role({ maxSessionDuration: 3601 }),
      subject: roleId('sso-admin'),
      verdict: 'fail',
      then: (f) => expect(f[0].args).toMatchObject({ hours: 1.0003, limitHours: 1 }),
    },
    { name: 'a looser limit from the options', graph: () => role({ maxSessionDuration: 4 * 3600 }), subject: roleId('sso-admin'), verdict: 'pass', options: { maxSessionHours: 4 } },
    { name: 'MaxSessionDuration not collected (GAAD omits it)', graph: () => role({}), subject: roleId('sso-admin'), verdict: 'unknown' },
  ]);

  it('does not evaluate IAM Identity Center roles: their session length is the permission set\'s, and IAM refuses changes to them', () => {
    const sso = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';
    const g = oneAccount({
      roles: [
        { name: sso, path: '/aws-reserved/sso.amazonaws.com/eu-west-1/', trust: trust.saml(), maxSessionDuration: 43200 },
        { name: 'sso-admin', trust: trust.saml(), maxSessionDuration: 43200 },
      ],
      samlProviders: ['Okta'],
    });
    const r = runRule(rule, g, { now: NOW });
    expect(r.verdicts.has(roleId(sso))).toBe(false);
    expect(r.findings.map((f) => f.subject.id)).toEqual([roleId('sso-admin')]);
  });

  // GetAccountAuthorizationDetails does not return MaxSessionDuration: the collector reads it with
  // ListRoles into list-roles.json (capability aws.roleSessions).
  describe('MaxSessionDuration from list-roles.json', () => {
    const snap = (spec: Partial<RoleSpec>, opts: { listRoles?: boolean; coverage?: CoverageRecord[] } = {}): Snapshot => {
      const s = awsSnapshot({ [ACCT]: { roles: [{ name: 'sso-admin', trust: trust.saml(), ...spec }], samlProviders: ['Okta'], listRoles: opts.listRoles } }, { coverage: opts.coverage });
      // As IAM answers: the authorization details never carry it.
      const details = s.files[`aws/${ACCT}/authorization-details.json`] as { RoleDetailList: Record<string, unknown>[] };
      for (const r of details.RoleDetailList) delete r.MaxSessionDuration;
      return s;
    };
    const graphOf = (s: Snapshot) => {
      const b = new GraphBuilder();
      transformAws(s, b, DEFAULT_CONFIG);
      return b.build();
    };
    const verdict = (s: Snapshot) => {
      const r = runRule(rule, graphOf(s), { now: NOW });
      return { verdict: r.verdicts.get(roleId('sso-admin')), reasons: Object.keys(r.stats.unknownReasons), findings: r.findings };
    };

    it('judges the duration ListRoles gave, with no MaxSessionDuration in the authorization details', () => {
      const long = verdict(snap({ maxSessionDuration: 43200 }));
      expect(long.verdict).toBe('fail');
      expect(long.findings[0].evidence.maxSessionDuration).toBe(43200);
      expect(verdict(snap({ maxSessionDuration: 3600 })).verdict).toBe('pass');
    });

    it('a snapshot without list-roles.json (made before ListRoles was read): unknown, and the coverage says so', () => {
      const s = snap({ maxSessionDuration: 43200 }, { listRoles: false });
      const g = graphOf(s);
      expect(g.coverageRecord('aws', ACCT, 'aws.roleSessions')).toEqual({ provider: 'aws', scope: ACCT, capability: 'aws.roleSessions', status: 'not-collected', reason: `no aws/${ACCT}/list-roles.json in the snapshot` });
      const v = verdict(s);
      expect(v.verdict).toBe('unknown');
      expect(v.reasons).toEqual(['the maximum session durations of the roles (ListRoles) of account 111122223333 were not read (not collected: no aws/111122223333/list-roles.json in the snapshot); so whether its sessions outlast the limit cannot be judged (ListRoles returns MaxSessionDuration; the authorization details do not)']);
    });

    it('ListRoles denied (manifest record): unknown, the file not read even when present', () => {
      const v = verdict(snap({ maxSessionDuration: 43200 }, { coverage: [missing('aws.roleSessions')] }));
      expect(v.verdict).toBe('unknown');
      expect(v.reasons[0]).toContain('the maximum session durations of the roles (ListRoles) of account 111122223333 were not read (denied: AccessDenied); so whether its sessions outlast the limit cannot be judged');
    });

    it('a role missing from the list (made after it was read) is unknown, saying so', () => {
      const v = verdict(snap({}));
      expect(v.verdict).toBe('unknown');
      expect(v.reasons[0]).toContain('not in the ListRoles answer');
    });

    it('a malformed list-roles.json is an input error naming the place', () => {
      const s = snap({ maxSessionDuration: 43200 });
      (s.files[`aws/${ACCT}/list-roles.json`] as { Roles: Record<string, unknown>[] }).Roles[0].MaxSessionDuration = '12h';
      const thrown = (): InputError => {
        try {
          graphOf(s);
        } catch (e) {
          if (e instanceof InputError) return e;
          throw e;
        }
        throw new Error('no input error');
      };
      expect(thrown()).toMatchObject({ file: `aws/${ACCT}/list-roles.json`, location: '$.Roles[0].MaxSessionDuration' });
      s.files[`aws/${ACCT}/list-roles.json`] = [];
      expect(thrown().message).toMatch(/"Roles" array/);
    });
  });

  it('evaluates only roles entered through SAML', () => {
    const g = oneAccount({ roles: [{ name: 'svc', trust: trust.service('ec2.amazonaws.com'), maxSessionDuration: 43200 }] });
    expect(runRule(rule, g, { now: NOW }).stats.evaluated).toBe(0);
  });
});
