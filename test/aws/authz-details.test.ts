import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthzDetailsError, createEvaluator, parseAuthorizationDetails, type AccountModel } from '../../src/aws/index.js';
import { ACCT, OTHER_ACCT, doc, allow, gaad, managedEntry, roleEntry, trustAccount, userEntry } from './helpers.js';
import { firstArnAccount } from '../../src/aws/authz-details.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

/** Comparable summary of a model (documents included), to check both input forms agree. */
function summary(m: AccountModel) {
  return {
    accountId: m.accountId,
    users: [...m.users.values()],
    groups: [...m.groups.values()],
    roles: [...m.roles.values()],
    policies: [...m.policies.values()],
  };
}

describe('parseAuthorizationDetails on the fixture', () => {
  const cli = parseAuthorizationDetails(fixture('authz-details.cli.json'));
  const raw = parseAuthorizationDetails(fixture('authz-details.raw.json'));

  it('reads users, groups, roles and managed policies keyed by ARN', () => {
    expect(cli.accountId).toBe(ACCT);
    // In the order of their ARNs, whatever order the file lists them in.
    expect([...cli.users.keys()]).toEqual([
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::111122223333:user/ci-deployer',
      'arn:aws:iam::111122223333:user/report-bot',
    ]);
    const ci = cli.users.get('arn:aws:iam::111122223333:user/ci-deployer')!;
    expect(ci.groupArns).toEqual(['arn:aws:iam::111122223333:group/deployers']);
    expect(ci.tags).toEqual({ owner: 'platform-team' });
    expect(ci.inlinePolicies[0].name).toBe('deploy-lambdas');
    expect(ci.inlinePolicies[0].body.ok).toBe(true);
    expect(cli.users.get('arn:aws:iam::111122223333:user/alice')!.passwordLastUsed).toBe('2024-05-01T00:00:00+00:00');
    expect(cli.users.get('arn:aws:iam::111122223333:user/report-bot')!.permissionsBoundary?.arn).toBe('arn:aws:iam::111122223333:policy/bot-boundary');
    expect(cli.membersByGroup.get('arn:aws:iam::111122223333:group/deployers')).toEqual([ci.arn]);
  });

  it('reads role trust, last use, instance profiles and boundary', () => {
    const lambda = cli.roles.get('arn:aws:iam::111122223333:role/app-lambda-admin')!;
    expect(lambda.roleLastUsed).toEqual({ lastUsedDate: '2024-04-30T12:00:00+00:00', region: 'eu-west-1' });
    expect(lambda.trustPolicy.ok && lambda.trustPolicy.document.statements[0].principal).toEqual({ Service: ['lambda.amazonaws.com'] });
    const gh = cli.roles.get('arn:aws:iam::111122223333:role/github-deploy')!;
    // present but empty RoleLastUsed = never used; distinct from "not collected"
    expect(gh.roleLastUsed).toEqual({ lastUsedDate: undefined, region: undefined });
    const ec2 = cli.roles.get('arn:aws:iam::111122223333:role/web-ec2')!;
    expect(ec2.instanceProfiles.map((p) => p.name)).toEqual(['web-ec2']);
    expect(ec2.permissionsBoundary?.arn).toBe('arn:aws:iam::111122223333:policy/bot-boundary');
  });

  it('uses the default policy version, not the first one', () => {
    const p = cli.policies.get('arn:aws:iam::111122223333:policy/deploy-policy')!;
    expect(p.defaultVersionId).toBe('v2');
    expect(p.location).toBe('Policies[0].PolicyVersionList[1].Document');
    expect(p.body.ok && p.body.document.statements[0].action).toEqual(['iam:CreatePolicyVersion', 'iam:GetPolicy*']);
    expect(p.awsManaged).toBe(false);
    expect(cli.policies.get('arn:aws:iam::aws:policy/AdministratorAccess')!.awsManaged).toBe(true);
  });

  it('records an attached AWS managed policy missing from the file as missing, with its location', () => {
    const ro = cli.policies.get('arn:aws:iam::aws:policy/ReadOnlyAccess')!;
    expect(ro.origin).toBe('missing');
    expect(cli.unparseablePolicies).toContainEqual(expect.objectContaining({ policyName: 'ReadOnlyAccess', location: 'UserDetailList[2].AttachedManagedPolicies[0]' }));
    // and a question that depends on it is unknown, not "implicit deny"
    const ev = createEvaluator(cli);
    expect(ev.canDo('arn:aws:iam::111122223333:user/report-bot', 's3:GetObject', 'arn:aws:s3:::x/y').decision).toBe('unknown');
    // …but the boundary settles questions outside it without the missing policy
    expect(ev.canDo('arn:aws:iam::111122223333:user/report-bot', 'iam:CreateUser', '*').decision).toBe('implicit-deny');
  });

  it('fills missing AWS managed policies from a supplied library', () => {
    const m = parseAuthorizationDetails(fixture('authz-details.cli.json'), { awsManagedPolicies: { ReadOnlyAccess: doc(allow('s3:Get*')) } });
    expect(m.policies.get('arn:aws:iam::aws:policy/ReadOnlyAccess')!.origin).toBe('library');
    expect(m.unparseablePolicies).toEqual([]);
    expect(createEvaluator(m).canDo('arn:aws:iam::111122223333:user/report-bot', 's3:GetObject', 'arn:aws:s3:::x/y').decision).toBe('allow');
  });

  it('gives the same model for the CLI form and the URL-encoded raw API form', () => {
    expect(JSON.stringify(raw.users.get('arn:aws:iam::111122223333:user/ci-deployer')!.inlinePolicies)).toContain('iam:PassRole');
    expect(summary(raw)).toEqual(summary(cli));
  });

  it('accepts JSON text and SDK Date objects', () => {
    const text = JSON.stringify(fixture('authz-details.cli.json'));
    expect(parseAuthorizationDetails(text).users.size).toBe(3);
    const withDate = gaad({ users: [{ ...userEntry('d'), CreateDate: new Date('2024-02-03T04:05:06Z') }] });
    expect(parseAuthorizationDetails(withDate).users.get(`arn:aws:iam::${ACCT}:user/d`)!.createDate).toBe('2024-02-03T04:05:06.000Z');
  });
});

describe('parseAuthorizationDetails errors', () => {
  it('throws with a location for files that are not GAAD output', () => {
    expect(() => parseAuthorizationDetails([])).toThrow(AuthzDetailsError);
    expect(() => parseAuthorizationDetails({ foo: 1 })).toThrow(/none of UserDetailList/);
    expect(() => parseAuthorizationDetails('{not json')).toThrow(/not valid JSON/);
    try {
      parseAuthorizationDetails({ RoleDetailList: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AuthzDetailsError);
      expect((e as AuthzDetailsError).location).toBe('RoleDetailList');
    }
  });

  it('records an unparseable trust policy with its JSON path and keeps the rest of the file', () => {
    const roles = [roleEntry('ok', trustAccount()), roleEntry('r1', trustAccount()), roleEntry('r2', trustAccount()), roleEntry('broken', '%7B%22Version%22%3A' as unknown as Record<string, unknown>)];
    const m = parseAuthorizationDetails(gaad({ roles }));
    expect(m.roles.size).toBe(4);
    const broken = m.roles.get(`arn:aws:iam::${ACCT}:role/broken`)!;
    expect(broken.trustPolicy.ok).toBe(false);
    expect(m.unparseablePolicies).toEqual([
      expect.objectContaining({ owner: broken.arn, location: 'RoleDetailList[3].AssumeRolePolicyDocument', problem: expect.stringMatching(/not valid JSON/) }),
    ]);
  });

  it('names where an unparseable policy document stops being JSON without quoting its text', () => {
    // V8's own message quotes the text around the fault ('Unexpected token ..., "CANARY-doc"... is
    // not valid JSON'); a policy document is provider data, and its text stays out of warnings.
    const roles = [
      roleEntry('plain', 'CANARY-doc-text AKIAIOSFODNN7EXAMPLE' as unknown as Record<string, unknown>),
      roleEntry('object', '{"Version":"2012-10-17" "CANARY-second":1}' as unknown as Record<string, unknown>),
      roleEntry('cut', '{"Version":"2012-10-17","Statement":[' as unknown as Record<string, unknown>),
    ];
    const m = parseAuthorizationDetails(gaad({ roles }));
    const problems = m.unparseablePolicies.map((u) => u.problem).sort();
    expect(problems).toEqual([
      'policy document is not valid JSON (unexpected "C" at character 1)',
      'policy document is not valid JSON (unexpected "\\"" at character 25)',
      'policy document is not valid JSON (unexpected end of input)',
    ]);
    for (const p of problems) expect(p).not.toMatch(/CANARY|AKIA/);
  });

  it('points into the document for a structurally invalid statement', () => {
    const bad = { Version: '2012-10-17', Statement: [allow('s3:*'), { Effect: 'Permit', Action: 's3:*', Resource: '*' }] };
    const m = parseAuthorizationDetails(gaad({ users: [userEntry('u', { inline: [doc(allow('s3:GetObject')), bad] })] }));
    expect(m.unparseablePolicies[0].location).toBe('UserDetailList[0].UserPolicyList[1].PolicyDocument.Statement[1].Effect');
    // the good inline policy still allows, but the unusable one makes the answer unknown
    const r = createEvaluator(m).canDo(`arn:aws:iam::${ACCT}:user/u`, 's3:GetObject', 'arn:aws:s3:::b/k');
    expect(r.decision).toBe('unknown');
    expect(r.unusable?.[0].problemLocation).toBe('UserDetailList[0].UserPolicyList[1].PolicyDocument.Statement[1].Effect');
  });

  // A review: a Deny with NotPrincipal in an identity policy (IAM refuses the document) was parsed,
  // and the evaluator ignored the element, so the Deny denied everything and findings disappeared.
  it.each(['NotPrincipal', 'Principal'])('an identity policy statement with %s is unusable: the answer is unknown, not deny', (key) => {
    const bad = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', [key]: { AWS: 'x' } }] };
    const m = parseAuthorizationDetails(gaad({ users: [userEntry('u', { inline: [doc(allow('s3:GetObject')), bad] })] }));
    expect(m.unparseablePolicies).toEqual([expect.objectContaining({ location: `UserDetailList[0].UserPolicyList[1].PolicyDocument.Statement[0].${key}`, problem: expect.stringMatching(new RegExp(`identity policy cannot have ${key}`)) })]);
    const r = createEvaluator(m).canDo(`arn:aws:iam::${ACCT}:user/u`, 's3:GetObject', 'arn:aws:s3:::b/k');
    expect(r.decision).toBe('unknown');
  });

  it('keeps Principal and NotPrincipal in a trust policy', () => {
    const m = parseAuthorizationDetails(gaad({ roles: [roleEntry('r', trustAccount())] }));
    expect(m.unparseablePolicies).toEqual([]);
  });

  it('rejects an entry without an ARN or name and says where (IAM always returns both: the export is corrupt)', () => {
    const at = (input: unknown) => {
      try {
        parseAuthorizationDetails(input);
      } catch (e) {
        if (e instanceof AuthzDetailsError) return e.location;
        throw e;
      }
      return 'parsed';
    };
    expect(at(gaad({ users: [userEntry('y'), { UserName: 'x' }] }))).toBe('UserDetailList[1].Arn');
    expect(at(gaad({ users: [{ ...userEntry('y'), Arn: 42 }] }))).toBe('UserDetailList[0].Arn');
    const { UserName: _, ...nameless } = userEntry('y');
    expect(at(gaad({ users: [nameless] }))).toBe('UserDetailList[0].UserName');
    expect(at(gaad({ users: ['y' as never] }))).toBe('UserDetailList[0]');
    expect(at(gaad({ users: [userEntry('y')] }))).toBe('parsed');
  });

  it('treats a group listed in GroupList but absent from GroupDetailList as unknown, not empty', () => {
    const m = parseAuthorizationDetails(gaad({ users: [userEntry('u', { groups: ['ghost'], inline: [doc(allow('s3:GetObject'))] })] }));
    const ev = createEvaluator(m);
    expect(ev.canDo(`arn:aws:iam::${ACCT}:user/u`, 'ec2:RunInstances', '*').decision).toBe('unknown');
  });
});

describe('AWS managed policies shared between the accounts of one scan', () => {
  const policyOf = (m: AccountModel, arn: string) => {
    const b = m.policies.get(arn)!.body;
    if (!b.ok) throw new Error('expected a parsed policy');
    return b.document;
  };

  it('parses an AWS managed policy once per document text, and never shares a customer policy or a different text', () => {
    const shared = new Map();
    const ro = managedEntry('arn:aws:iam::aws:policy/ReadOnlyAccess', doc(allow(['s3:Get*', 'ec2:Describe*'])));
    const customer = (acct: string) => managedEntry(`arn:aws:iam::${acct}:policy/deploy`, doc(allow('iam:PassRole')));
    const a = parseAuthorizationDetails(gaad({ policies: [ro, customer('111122223333')] }), { sharedDocuments: shared });
    const b = parseAuthorizationDetails(gaad({ policies: [structuredClone(ro), customer('444455556666')] }), { sharedDocuments: shared });
    expect(policyOf(a, 'arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe(policyOf(b, 'arn:aws:iam::aws:policy/ReadOnlyAccess'));
    expect(policyOf(a, 'arn:aws:iam::111122223333:policy/deploy')).not.toBe(policyOf(b, 'arn:aws:iam::444455556666:policy/deploy'));
    // Same ARN and version id but another text (a tampered or newer file): parsed on its own.
    const changed = managedEntry('arn:aws:iam::aws:policy/ReadOnlyAccess', doc(allow('*')));
    const c = parseAuthorizationDetails(gaad({ policies: [changed] }), { sharedDocuments: shared });
    expect(policyOf(c, 'arn:aws:iam::aws:policy/ReadOnlyAccess').statements[0].action).toEqual(['*']);
    // Each account keeps its own location for the policy.
    expect(b.policies.get('arn:aws:iam::aws:policy/ReadOnlyAccess')!.location).toBe('Policies[0].PolicyVersionList[1].Document');
  });
});

describe('dates that cannot be read', () => {
  it('become issues and count as absent; a garbled last-use date is unknown, never "never used"', () => {
    const m = parseAuthorizationDetails(
      gaad({
        users: [{ ...userEntry('u'), CreateDate: ' ', PasswordLastUsed: 'yesterday' }],
        roles: [
          { ...roleEntry('r', trustAccount()), CreateDate: '2024-02-30T99:00:00Z', RoleLastUsed: { LastUsedDate: 'soon', Region: 'eu-west-1' } },
          { ...roleEntry('never', trustAccount()), RoleLastUsed: {} },
        ],
      }),
    );
    const u = m.users.get(`arn:aws:iam::${ACCT}:user/u`)!;
    expect(u.createDate).toBeUndefined();
    expect(u.passwordLastUsed).toBeUndefined();
    const r = m.roles.get(`arn:aws:iam::${ACCT}:role/r`)!;
    expect(r.createDate).toBeUndefined();
    expect(r.roleLastUsed).toBeUndefined();
    expect(m.roles.get(`arn:aws:iam::${ACCT}:role/never`)!.roleLastUsed).toEqual({ lastUsedDate: undefined, region: undefined });
    expect(m.issues.map((i) => i.location)).toEqual([
      'UserDetailList[0].CreateDate',
      'UserDetailList[0].PasswordLastUsed',
      'RoleDetailList[0].CreateDate',
      'RoleDetailList[0].RoleLastUsed.LastUsedDate',
    ]);
  });
});

describe('optional fields of the wrong type are issues, never dropped without a word', () => {
  it('RoleLastUsed, MaxSessionDuration, Path, ids, Description and instance profile names', () => {
    const profile = { InstanceProfileName: 7, InstanceProfileId: false, Arn: `arn:aws:iam::${ACCT}:instance-profile/p` };
    const m = parseAuthorizationDetails(
      gaad({
        users: [{ ...userEntry('u'), Path: 5, UserId: 12 }],
        roles: [
          { ...roleEntry('r', trustAccount()), RoleLastUsed: '2025-01-01T00:00:00Z', MaxSessionDuration: '43200', Description: ['x'], RoleId: null },
          { ...roleEntry('s', trustAccount()), RoleLastUsed: { Region: 9 }, MaxSessionDuration: 3600, InstanceProfileList: [profile] },
        ],
      }),
    );
    const r = m.roles.get(`arn:aws:iam::${ACCT}:role/r`)!;
    // Unread values still count as absent (not collected), so the rules that need them are unknown.
    expect(r.roleLastUsed).toBeUndefined();
    expect(r.maxSessionDuration).toBeUndefined();
    expect(m.roles.get(`arn:aws:iam::${ACCT}:role/s`)!.maxSessionDuration).toBe(3600);
    expect(m.issues.map((i) => i.location)).toEqual([
      'UserDetailList[0].UserId',
      'UserDetailList[0].Path',
      'RoleDetailList[0].RoleLastUsed',
      'RoleDetailList[0].Description',
      'RoleDetailList[0].MaxSessionDuration',
      'RoleDetailList[1].RoleLastUsed.Region',
      'RoleDetailList[1].InstanceProfileList[0].InstanceProfileName',
      'RoleDetailList[1].InstanceProfileList[0].InstanceProfileId',
    ]);
  });

  it('near miss: the fields as IAM returns them, and null for an absent value, are no issue', () => {
    const m = parseAuthorizationDetails(
      gaad({
        users: [{ ...userEntry('u'), Path: null }],
        roles: [{ ...roleEntry('r', trustAccount(), { instanceProfile: true }), RoleLastUsed: { LastUsedDate: '2025-01-01T00:00:00Z', Region: 'eu-west-1' }, MaxSessionDuration: 43200, Description: 'd' }],
      }),
    );
    expect(m.issues).toEqual([]);
  });
});

describe('firstArnAccount', () => {
  // The collector uses it to refuse a file the scan would refuse: it must name the account the
  // parser takes the file to be of, whatever order the lists and entries come in.
  it('names the account parseAuthorizationDetails takes the file to be of', () => {
    const trust = trustAccount(ACCT);
    const other = (arn: string) => arn.replace(ACCT, OTHER_ACCT);
    const user = userEntry('u1');
    const role = roleEntry('r1', trust);
    const custom = managedEntry(`arn:aws:iam::${ACCT}:policy/custom`, doc(allow('s3:GetObject', '*')));
    const awsManaged = managedEntry('arn:aws:iam::aws:policy/ReadOnlyAccess', doc(allow('s3:GetObject', '*')));
    const inputs = [
      fixture('authz-details.cli.json'),
      gaad({ users: [user], roles: [{ ...role, Arn: other(role.Arn as string) }] }),
      gaad({ users: [{ ...user, Arn: other(user.Arn as string) }], roles: [role] }),
      gaad({ users: [user], policies: [awsManaged, { ...custom, Arn: other(custom.Arn as string) }] }),
      gaad({ users: [user], policies: [awsManaged, { ...custom, Arn: other(custom.Arn as string), PolicyName: 7 }] }),
      gaad({ policies: [awsManaged] }),
    ];
    const named = inputs.map((input) => firstArnAccount(input));
    expect(named).toEqual(inputs.map((input) => parseAuthorizationDetails(input).accountId));
    // Each case above tells something apart: not all the same answer.
    expect(new Set(named).size).toBe(3);
  });
});
