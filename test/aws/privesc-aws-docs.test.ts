/**
 * Escalation edges checked against the AWS documentation (reviewer's probes): service trust of
 * passed roles, Deny on wildcard ARNs for "create" actions, permissions boundaries on trust-only
 * routes, unreadable policies, and methods from Rhino Security Labs' list.
 */
import { describe, expect, it } from 'vitest';
import { findEscalationEdges, parseAuthorizationDetails } from '../../src/aws/index.js';
import { ACCT, allow, authorizationDetails, doc, oneAccount, roleArn, roleId, userArn, userId, type AccountSpec } from '../helpers/aws-builders.js';

const passer = { name: 'dev', inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))] };
const edgesOf = (spec: AccountSpec, from: string) =>
  findEscalationEdges(parseAuthorizationDetails(authorizationDetails(ACCT, spec) as never)).edges.filter((e) => e.from === from);

describe('pass-role targets: the service trust is evaluated (AWS: a role passed to a service is used only if its trust policy lets the service call sts:AssumeRole)', () => {
  const lambdaAdmin = (...Statement: Record<string, unknown>[]): AccountSpec => ({ users: [passer], roles: [{ name: 'LAdmin', managed: ['AdministratorAccess'], trust: doc(...Statement) }] });
  const svc = { Service: 'lambda.amazonaws.com' };

  it('F1: a Deny on the service blocks the pass-role edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: svc, Action: 'sts:AssumeRole' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin'))).toEqual([]);
    expect(oneAccount(spec).out(userId('dev')).filter((e) => e.to === roleId('LAdmin'))).toEqual([]);
  });

  it('F2: an aws:SourceArn condition the snapshot cannot decide gives a conditional edge, not a firm one', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:lambda:us-east-1:${ACCT}:function:prod` } } });
    const e = edgesOf(spec, userArn('dev')).filter((x) => x.to === roleArn('LAdmin'));
    expect(e.map((x) => [x.method, x.conditional])).toEqual([['iam-passrole-lambda-invoke', true]]);
    expect(e[0].undecided).toEqual(['ArnEquals aws:SourceArn']);
    const g = oneAccount(spec).out(userId('dev')).filter((x) => x.to === roleId('LAdmin'));
    expect(g.length).toBeGreaterThan(0);
    expect(g.every((x) => x.conditional === true)).toBe(true);
  });

  it('F3: a service statement that allows only sts:TagSession gives no edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:TagSession' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin'))).toEqual([]);
  });

  it('a plain service trust still gives a firm edge', () => {
    const spec = lambdaAdmin({ Effect: 'Allow', Principal: svc, Action: 'sts:AssumeRole' });
    expect(edgesOf(spec, userArn('dev')).filter((e) => e.to === roleArn('LAdmin')).map((e) => e.conditional)).toEqual([false]);
  });
});

describe('a Deny on a wildcard ARN blocks a create action (AWS: a Deny whose Resource matches the new resource applies, whatever name is written)', () => {
  const withDeny = (statement: Record<string, unknown>): AccountSpec => ({
    users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']), statement)] }],
    roles: [{ name: 'LAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) }],
  });
  const toAdmin = (statement: Record<string, unknown>) => edgesOf(withDeny(statement), userArn('dev')).filter((e) => e.to === roleArn('LAdmin')).map((e) => e.conditional);
  const denyCreate = (extra: Record<string, unknown>) => ({ Effect: 'Deny', Action: 'lambda:CreateFunction', ...extra });

  it.each([
    ['G: every function, any region and account', { Resource: 'arn:aws:lambda:*:*:function:*' }, []],
    ['every function in its own account', { Resource: `arn:aws:lambda:*:${ACCT}:function:*` }, []],
    ['functions named prod-* only: conditional', { Resource: 'arn:aws:lambda:*:*:function:prod-*' }, [true]],
    ['every function of one region only: conditional', { Resource: 'arn:aws:lambda:us-east-1:*:function:*' }, [true]],
    ['one literal function: another name escapes it', { Resource: `arn:aws:lambda:us-east-1:${ACCT}:function:prod` }, [false]],
    ["another account's functions", { Resource: 'arn:aws:lambda:*:444455556666:function:*' }, [false]],
    ['NotResource listing every function: the Deny never applies to a new function', { NotResource: 'arn:aws:lambda:*:*:function:*' }, [false]],
    ['NotResource listing only another account: the Deny applies', { NotResource: 'arn:aws:lambda:*:444455556666:function:*' }, []],
    ['NotResource listing some functions: conditional', { NotResource: 'arn:aws:lambda:*:*:function:dev-*' }, [true]],
  ])('%s', (_name, extra, expected) => {
    expect(toAdmin(denyCreate(extra))).toEqual(expected);
  });

  // A Deny of every action covers lambda:CreateFunction, but its Resource says which resources it
  // guards: lambda:CreateFunction and lambda:InvokeFunction are authorized against the function
  // only (Service Authorization Reference), not an S3 bucket, a DynamoDB table or a Lambda layer,
  // so such a Deny leaves the route firm instead of silently removing it.
  const denyAll = (Resource: string) => ({ Effect: 'Deny', Action: '*', Resource });
  it.each([
    ['every S3 bucket and object', 'arn:aws:s3:::*', [false]],
    ['every DynamoDB table', 'arn:aws:dynamodb:*:*:table/*', [false]],
    ['every Lambda layer (not a function)', 'arn:aws:lambda:*:*:layer:*', [false]],
    ['near miss: every Lambda function', 'arn:aws:lambda:*:*:function:*', []],
    ['near miss: everything', '*', []],
  ])('a Deny of every action on %s', (_name, resource, expected) => {
    expect(toAdmin(denyAll(resource as string))).toEqual(expected);
  });

  it('for an action whose resource types are not known here (ecs:RegisterTaskDefinition), a Deny on S3 only might apply: a conditional route', () => {
    const ecs = (Resource: string): AccountSpec => ({
      users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask']), denyAll(Resource))] }],
      roles: [{ name: 'TAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }) }],
    });
    const routes = (r: string) => edgesOf(ecs(r), userArn('dev')).filter((e) => e.to === roleArn('TAdmin')).map((e) => [e.method, e.conditional]);
    expect(routes('arn:aws:s3:::*')).toEqual([['iam-passrole-ecs-task', true]]);
    expect(routes('*')).toEqual([]);
    // Every resource of every service covers the new task definition whatever it is.
    expect(routes('arn:*:*:*:*:*')).toEqual([]);
  });

  it('an action authorized against "*" only (glue:CreateDevEndpoint) is not blocked by a Deny on any ARN, only by one on "*"', () => {
    const glue = (Resource: string): AccountSpec => ({
      users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'glue:CreateDevEndpoint']), denyAll(Resource))] }],
      roles: [{ name: 'GAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' }) }],
    });
    const routes = (r: string) => edgesOf(glue(r), userArn('dev')).filter((e) => e.to === roleArn('GAdmin')).map((e) => [e.method, e.conditional]);
    expect(routes('arn:aws:glue:*:*:devEndpoint/*')).toEqual([['iam-passrole-glue-dev-endpoint', false]]);
    expect(routes('*')).toEqual([]);
  });

  it('ec2:RunInstances: a Deny on subnets blocks it (every launch names one), a Deny on key pairs only might (a launch may name none)', () => {
    const ec2 = (Resource: string): AccountSpec => ({
      users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'ec2:RunInstances']), denyAll(Resource))] }],
      roles: [{ name: 'EAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), instanceProfile: true }],
    });
    const routes = (r: string) => edgesOf(ec2(r), userArn('dev')).filter((e) => e.to === roleArn('EAdmin') && e.method === 'iam-passrole-ec2').map((e) => e.conditional);
    expect(routes('arn:aws:ec2:*:*:subnet/*')).toEqual([]);
    expect(routes('arn:aws:ec2:*:*:key-pair/*')).toEqual([true]);
    expect(routes('arn:aws:ec2:*:*:vpn-gateway/*')).toEqual([false]);
  });
});

describe('a Deny on the resources of a create action: accounts, partitions, several resources (review of the resource-type table)', () => {
  const denyAll = (extra: Record<string, unknown>) => ({ Effect: 'Deny', Action: '*', ...extra });
  const ec2 = (deny: Record<string, unknown>) =>
    edgesOf(
      {
        users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'ec2:RunInstances']), denyAll(deny))] }],
        roles: [{ name: 'EAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), instanceProfile: true }],
      },
      userArn('dev'),
    )
      .filter((e) => e.to === roleArn('EAdmin') && e.method === 'iam-passrole-ec2')
      .map((e) => e.conditional);
  const lambda = (deny: Record<string, unknown>) =>
    edgesOf(
      {
        users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']), denyAll(deny))] }],
        roles: [{ name: 'LAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) }],
      },
      userArn('dev'),
    )
      .filter((e) => e.to === roleArn('LAdmin'))
      .map((e) => e.conditional);
  const ssm = (action: string, deny: Record<string, unknown>) =>
    edgesOf(
      {
        users: [{ name: 'dev', inline: [doc(allow(action)), doc(denyAll(deny))] }],
        roles: [{ name: 'IAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), instanceProfile: true }],
      },
      userArn('dev'),
    ).filter((e) => e.to === roleArn('IAdmin') && e.method.startsWith('ssm-')).length;

  it('an AMI ARN has no account: a Deny on the images of one account blocks no launch; one on every image does', () => {
    expect(ec2({ Resource: `arn:aws:ec2:*:${ACCT}:image/*` })).toEqual([false]);
    expect(ec2({ Resource: 'arn:aws:ec2:*::image/*' })).toEqual([]);
  });

  it("a Deny on the caller's own subnets only might block a launch (a subnet shared from another account escapes it)", () => {
    expect(ec2({ Resource: `arn:aws:ec2:*:${ACCT}:subnet/*` })).toEqual([true]);
    expect(ec2({ Resource: `arn:aws:ec2:*:${ACCT}:instance/*` })).toEqual([]);
  });

  it('NotResource listing only instances: the Deny still applies to the image, subnet and the rest a launch names', () => {
    expect(ec2({ Action: 'ec2:RunInstances', NotResource: 'arn:aws:ec2:*:*:instance/*' })).toEqual([]);
    // Every type a launch must name listed whole: the Deny applies to none of them.
    const required = ['image', 'instance', 'network-interface', 'security-group', 'subnet'].map((t) => `arn:aws:ec2:*:*:${t}/*`);
    expect(ec2({ Action: 'ec2:RunInstances', NotResource: required })).toEqual([false]);
  });

  it('one Deny statement answers each action for itself (lambda blocked, ec2 not, for the same principal)', () => {
    const edges = edgesOf(
      {
        users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'ec2:RunInstances']), denyAll({ Resource: 'arn:aws:lambda:*:*:function:*' }))] }],
        roles: [
          { name: 'LAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) },
          { name: 'EAdmin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), instanceProfile: true },
        ],
      },
      userArn('dev'),
    );
    expect(edges.filter((e) => e.to === roleArn('LAdmin'))).toEqual([]);
    expect(edges.filter((e) => e.to === roleArn('EAdmin') && e.method === 'iam-passrole-ec2').map((e) => e.conditional)).toEqual([false]);
  });

  it("a Deny on another partition's resources applies to nothing in this one", () => {
    expect(lambda({ Resource: 'arn:aws-us-gov:lambda:*:*:function:*' })).toEqual([false]);
    expect(lambda({ Resource: 'arn:*:lambda:*:*:function:*' })).toEqual([]);
  });

  it("ssm:SendCommand and ssm:StartSession keep their route under a Deny that AWS-owned documents or an unnamed document escape", () => {
    expect(ssm('ssm:SendCommand', { Resource: `arn:aws:ssm:*:${ACCT}:*` })).toBe(1);
    expect(ssm('ssm:StartSession', { Resource: 'arn:aws:ssm:*:*:*' })).toBe(1);
    expect(ssm('ssm:SendCommand', { Resource: 'arn:aws:ssm:*:*:document/*' })).toBe(0);
  });
});

describe('a user named in a same-account trust policy is still capped by its permissions boundary (IAM User Guide, "Update a role trust policy")', () => {
  const named = (boundary: Record<string, unknown>) => {
    const gaad = authorizationDetails(ACCT, {
      users: [{ name: 'dev', inline: [doc(allow('s3:GetObject'))] }],
      roles: [{ name: 'Admin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { AWS: userArn('dev') }, Action: 'sts:AssumeRole' }) }],
      policies: { Bound: boundary },
    }) as { UserDetailList: Array<Record<string, unknown>> };
    gaad.UserDetailList[0].PermissionsBoundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${ACCT}:policy/Bound` };
    return findEscalationEdges(parseAuthorizationDetails(gaad as never)).edges.filter((e) => e.method === 'sts-assume-role').map((e) => [e.to, e.conditional]);
  };

  it('a boundary does not cap a trust that names a session of the role (IAM policy evaluation logic: a grant to a role session ARN is not limited by an implicit deny in a boundary); the route stays, conditional on the session name', () => {
    const gaad = authorizationDetails(ACCT, {
      roles: [
        { name: 'Worker', trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), inline: [doc(allow('s3:GetObject'))] },
        { name: 'Admin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${ACCT}:assumed-role/Worker/nightly` }, Action: 'sts:AssumeRole' }) },
      ],
      policies: { Bound: doc(allow(['s3:*'])), DenyBound: doc(allow('*'), { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }) },
    }) as { RoleDetailList: Array<Record<string, unknown>> };
    const edges = (boundary: string) => {
      gaad.RoleDetailList[0].PermissionsBoundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${ACCT}:policy/${boundary}` };
      return findEscalationEdges(parseAuthorizationDetails(gaad as never)).edges.filter((e) => e.method === 'sts-assume-role').map((e) => [e.to, e.conditional]);
    };
    expect(edges('Bound')).toEqual([[roleArn('Admin'), true]]);
    // An explicit Deny in the boundary still wins.
    expect(edges('DenyBound')).toEqual([]);
  });

  it('BB: a boundary that does not allow sts:AssumeRole blocks the trust-only route', () => {
    expect(named(doc(allow(['s3:*'])))).toEqual([]);
  });
  it('a boundary that allows sts:AssumeRole keeps it firm', () => {
    expect(named(doc(allow(['s3:*', 'sts:AssumeRole'])))).toEqual([[roleArn('Admin'), false]]);
  });
  it('a boundary allowing it under an undecidable condition makes it conditional', () => {
    expect(named(doc(allow(['s3:*', 'sts:AssumeRole'], '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })))).toEqual([[roleArn('Admin'), true]]);
  });
});

describe('an identity policy that could not be read keeps its routes, conditional (never firm, never none)', () => {
  // A statement without Resource does not parse.
  const spec: AccountSpec = { users: [{ name: 'svc', inline: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*' }] }] }] };

  it('N: GRANTED edges to the crown jewels, conditional, with the reason', () => {
    const g = oneAccount(spec);
    const granted = g.out(userId('svc'), 'GRANTED');
    expect(granted.map((e) => e.to.slice(e.to.lastIndexOf(':') + 1))).toEqual(['secrets', 'identity-admin', 'write', 'read']);
    for (const e of granted) {
      expect(e.conditional).toBe(true);
      expect(e.evidence?.undecided).toEqual(['policy could not be read']);
    }
  });

  it('N: escalation edges to administrator, conditional, with the reason', () => {
    const esc = oneAccount(spec).out(userId('svc'), 'CAN_ESCALATE_TO');
    expect(esc.map((e) => e.evidence?.method)).toEqual(['iam-attach-user-policy', 'iam-put-user-policy']);
    expect(esc.every((e) => e.conditional === true && (e.evidence?.undecided as string[])[0] === 'policy could not be read')).toBe(true);
  });
});

describe('escalation methods from the published lists (Rhino Security Labs, PMapper) and the IAM User Guide', () => {
  const bounded = (inline: Record<string, unknown>, boundary: Record<string, unknown>, extra: Partial<AccountSpec> = {}) => {
    const gaad = authorizationDetails(ACCT, { users: [{ name: 'dev', inline: [inline] }], policies: { Bound: boundary }, ...extra }) as { UserDetailList: Array<Record<string, unknown>> };
    gaad.UserDetailList[0].PermissionsBoundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${ACCT}:policy/Bound` };
    return findEscalationEdges(parseAuthorizationDetails(gaad as never)).edges.filter((e) => e.from === userArn('dev')).map((e) => [e.method, e.to, e.conditional]);
  };

  it('S: a user that can remove its own permissions boundary and rewrite its policies reaches admin', () => {
    expect(bounded(doc(allow(['iam:PutUserPolicy', 'iam:DeleteUserPermissionsBoundary'])), doc(allow(['iam:*', 's3:*'])))).toEqual([['iam-delete-user-permissions-boundary', 'admin', false]]);
  });
  it('S: replacing the boundary counts too, unless a condition pins which boundary may be set', () => {
    expect(bounded(doc(allow(['iam:PutUserPolicy', 'iam:PutUserPermissionsBoundary'])), doc(allow(['iam:*'])))).toEqual([['iam-put-user-permissions-boundary', 'admin', false]]);
    const pinned = doc(allow('iam:PutUserPolicy'), allow('iam:PutUserPermissionsBoundary', '*', { Condition: { StringEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCT}:policy/Bound` } } }));
    expect(bounded(pinned, doc(allow(['iam:*'])))).toEqual([]);
  });
  it('S near miss: removing the boundary gains nothing when its own policies are not admin and cannot rewrite themselves', () => {
    expect(bounded(doc(allow(['s3:*', 'iam:DeleteUserPermissionsBoundary'])), doc(allow(['iam:*', 's3:*'])))).toEqual([]);
  });
  it('S near miss: the boundary itself must allow removing the boundary', () => {
    expect(bounded(doc(allow(['iam:PutUserPolicy', 'iam:DeleteUserPermissionsBoundary'])), doc(allow(['s3:*'])))).toEqual([]);
  });

  const admin = { name: 'Admin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) };
  it('H: iam:UpdateAssumeRolePolicy alone is enough for an IAM user of the same account (the rewritten trust names it)', () => {
    expect(edgesOf({ users: [{ name: 'dev', inline: [doc(allow('iam:UpdateAssumeRolePolicy'))] }], roles: [admin] }, userArn('dev')).map((e) => [e.method, e.to, e.conditional])).toEqual([
      ['iam-update-assume-role-policy', roleArn('Admin'), false],
    ]);
  });
  it('H: but the user\'s permissions boundary must allow sts:AssumeRole', () => {
    expect(bounded(doc(allow('iam:UpdateAssumeRolePolicy')), doc(allow('iam:*')), { roles: [admin] })).toEqual([]);
    expect(bounded(doc(allow('iam:UpdateAssumeRolePolicy')), doc(allow(['iam:*', 'sts:AssumeRole'])), { roles: [admin] })).toEqual([['iam-update-assume-role-policy', roleArn('Admin'), false]]);
  });
  it('H near miss: an explicit identity Deny on sts:AssumeRole still wins', () => {
    const deny = { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: roleArn('Admin') };
    expect(edgesOf({ users: [{ name: 'dev', inline: [doc(allow('iam:UpdateAssumeRolePolicy'), deny)] }], roles: [admin] }, userArn('dev'))).toEqual([]);
  });
  it('H: a role too, once a trust naming a role ARN is enough on its own (item I below)', () => {
    const spec: AccountSpec = { roles: [{ name: 'ci', trust: doc({ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }), inline: [doc(allow('iam:UpdateAssumeRolePolicy'))] }, admin] };
    expect(edgesOf(spec, roleArn('ci')).filter((e) => e.method === 'iam-update-assume-role-policy').map((e) => [e.to, e.conditional])).toEqual([[roleArn('Admin'), false]]);
  });
  it('rewriting a trust policy is an escalation edge, not CAN_ASSUME', () => {
    const g = oneAccount({ users: [{ name: 'dev', inline: [doc(allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']))] }], roles: [admin] });
    expect(g.out(userId('dev')).filter((e) => e.to === roleId('Admin')).map((e) => e.type)).toEqual(['CAN_ESCALATE_TO']);
  });

  it.each([
    ['lambda:UpdateFunctionCode on an existing function', ['lambda:UpdateFunctionCode'], 'lambda.amazonaws.com', false, 'lambda-update-function-code'],
    ['iam:CreateInstanceProfile + iam:AddRoleToInstanceProfile for a role with no profile', ['iam:PassRole', 'iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'ec2:RunInstances'], 'ec2.amazonaws.com', false, 'iam-passrole-ec2-new-instance-profile'],
    ['ec2:AssociateIamInstanceProfile on a running instance', ['iam:PassRole', 'ec2:AssociateIamInstanceProfile'], 'ec2.amazonaws.com', true, 'iam-passrole-ec2-associate-instance-profile'],
    ['glue:UpdateDevEndpoint on an existing development endpoint', ['glue:UpdateDevEndpoint'], 'glue.amazonaws.com', false, 'glue-update-dev-endpoint'],
  ] as const)('%s: a conditional edge', (_n, actions, service, profile, method) => {
    const gaad = authorizationDetails(ACCT, {
      users: [{ name: 'dev', inline: [doc(allow([...actions]))] }],
      roles: [{ name: 'Target', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }) }],
    }) as { RoleDetailList: Array<Record<string, unknown>> };
    if (profile) {
      gaad.RoleDetailList[0].InstanceProfileList = [{ Path: '/', InstanceProfileName: 'p', InstanceProfileId: 'AIPAEXAMPLE', Arn: `arn:aws:iam::${ACCT}:instance-profile/p`, CreateDate: '2024-01-01T00:00:00Z', Roles: [] }];
    }
    const edges = findEscalationEdges(parseAuthorizationDetails(gaad as never)).edges.filter((e) => e.from === userArn('dev'));
    expect(edges.map((e) => [e.method, e.to, e.conditional])).toEqual([[method, roleArn('Target'), true]]);
  });

  it('Data Pipeline: passing a role to a new pipeline that runs commands is a firm edge, and needs all three pipeline actions', () => {
    const target = { name: 'Target', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { Service: 'datapipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }) };
    const actions = ['datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition', 'datapipeline:ActivatePipeline'];
    const with_ = (list: string[]) => edgesOf({ users: [{ name: 'dev', inline: [doc(allow(['iam:PassRole', ...list]))] }], roles: [target] }, userArn('dev')).map((e) => [e.method, e.to, e.conditional]);
    expect(with_(actions)).toEqual([['iam-passrole-datapipeline', roleArn('Target'), false]]);
    expect(with_(actions.slice(0, 2))).toEqual([]);
  });

  it('iam:SetDefaultPolicyVersion on a policy attached to itself: a conditional edge to admin', () => {
    const spec: AccountSpec = { users: [{ name: 'dev', managed: [`arn:aws:iam::${ACCT}:policy/Mine`] }], policies: { Mine: doc(allow('iam:SetDefaultPolicyVersion')) } };
    expect(edgesOf(spec, userArn('dev')).map((e) => [e.method, e.to, e.conditional])).toEqual([['iam-set-default-policy-version', 'admin', true]]);
  });
});

describe('a role named directly in a same-account trust policy needs no identity Allow (IAM policy evaluation logic; PMapper sts edges)', () => {
  const ec2 = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
  const spec = (workerInline: Record<string, unknown>[], trustOf: string, boundary?: Record<string, unknown>) => {
    const gaad = authorizationDetails(ACCT, {
      roles: [
        { name: 'worker', trust: ec2, inline: workerInline },
        { name: 'Admin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { AWS: trustOf }, Action: 'sts:AssumeRole' }) },
      ],
      ...(boundary ? { policies: { Bound: boundary } } : {}),
    }) as { RoleDetailList: Array<Record<string, unknown>> };
    if (boundary) gaad.RoleDetailList[0].PermissionsBoundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: `arn:aws:iam::${ACCT}:policy/Bound` };
    return findEscalationEdges(parseAuthorizationDetails(gaad as never)).edges.filter((e) => e.from === roleArn('worker')).map((e) => [e.method, e.to, e.conditional]);
  };

  it('I: the trust naming the role ARN is enough', () => {
    expect(spec([doc(allow('s3:GetObject'))], roleArn('worker'))).toEqual([['sts-assume-role', roleArn('Admin'), false]]);
    expect(oneAccount({ roles: [{ name: 'worker', trust: ec2, inline: [doc(allow('s3:GetObject'))] }, { name: 'Admin', managed: ['AdministratorAccess'], trust: doc({ Effect: 'Allow', Principal: { AWS: roleArn('worker') }, Action: 'sts:AssumeRole' }) }] })
      .out(roleId('worker'), 'CAN_ASSUME').map((e) => e.to)).toEqual([roleId('Admin')]);
  });
  it('I near miss: a trust naming only the account still needs the identity Allow', () => {
    expect(spec([doc(allow('s3:GetObject'))], `arn:aws:iam::${ACCT}:root`)).toEqual([]);
  });
  it('I near miss: an explicit identity Deny wins', () => {
    expect(spec([doc(allow('s3:GetObject'), { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' })], roleArn('worker'))).toEqual([]);
  });
  it('I near miss: the role\'s permissions boundary must allow sts:AssumeRole', () => {
    expect(spec([doc(allow('s3:GetObject'))], roleArn('worker'), doc(allow('s3:*')))).toEqual([]);
  });
});
