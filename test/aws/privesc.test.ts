import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_TARGET, createEvaluator, findEscalationEdges, parseAuthorizationDetails, findEscalationPaths, listAdminEquivalent, PRIVESC_METHODS } from '../../src/aws/index.js';
import {
  ACCT,
  allow,
  awsPolicyArn,
  deny,
  doc,
  groupArn,
  groupEntry,
  managedEntry,
  model,
  policyArn,
  roleArn,
  roleEntry,
  trustPrincipal,
  trustService,
  userArn,
  userEntry,
  trustAccount,
} from './helpers.js';

const ADMIN = awsPolicyArn('AdministratorAccess');
const ALICE = userArn('alice');
const now = new Date('2025-06-01T00:00:00Z');

// admin-role trusts the account only for principals named u-*, so decoys (d-*) cannot assume it
const adminRoleTrust = doc({
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
  Action: 'sts:AssumeRole',
  Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/u-*` } },
});

const m = model({
  users: [
    userEntry('alice', { attached: [ADMIN] }),
    // true paths, one per family
    userEntry('u-cpv', { attached: [policyArn('cpv-policy')] }),
    userEntry('u-attach', { inline: [doc(allow('iam:AttachUserPolicy', `arn:aws:iam::${ACCT}:user/\${aws:username}`))] }),
    userEntry('u-grp-attach', { groups: ['g1'] }),
    userEntry('u-put', { inline: [doc(allow('iam:PutUserPolicy', userArn('u-put')))] }),
    userEntry('u-join', { inline: [doc(allow('iam:AddUserToGroup', groupArn('admins')))] }),
    userEntry('u-key', { inline: [doc(allow('iam:CreateAccessKey', userArn('*')))] }),
    userEntry('u-login', { inline: [doc(allow('iam:UpdateLoginProfile', ALICE))] }),
    userEntry('u-trust', { inline: [doc(allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'], roleArn('locked-admin')))] }),
    userEntry('u-assume', { inline: [doc(allow('sts:AssumeRole', roleArn('admin-*')))] }),
    userEntry('u-direct'),
    userEntry('u-lambda', { inline: [doc(allow('iam:PassRole', roleArn('lambda-admin')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] }),
    userEntry('u-ec2', { inline: [doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), allow('ec2:RunInstances'))] }),
    userEntry('u-ssm', { inline: [doc(allow('ssm:SendCommand'))] }),
    userEntry('u-chain'),
    userEntry('u-mfa', { inline: [doc(allow('iam:CreateAccessKey', ALICE, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }))] }),
    // decoys
    userEntry('d-deny', { inline: [doc(allow('iam:AttachUserPolicy', userArn('d-deny'))), doc(deny('iam:Attach*'))] }),
    userEntry('d-cond', { inline: [doc(allow('iam:CreateAccessKey', ALICE, { Condition: { StringEquals: { 'aws:username': 'bob' } } }))] }),
    userEntry('d-expired', { inline: [doc(allow('iam:CreateAccessKey', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } } }))] }),
    userEntry('d-resource', { inline: [doc(allow('iam:CreateAccessKey', userArn('svc-*')), allow('iam:PutUserPolicy', userArn('someone-else')))] }),
    // lambda:* too: lambda:UpdateFunctionCode on an existing function is itself a (conditional) route.
    userEntry('d-notaction', { inline: [doc({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*', 'ssm:*', 'lambda:*'], Resource: '*' })] }),
    userEntry('d-trust', { inline: [doc(allow('sts:AssumeRole'))] }),
    userEntry('d-boundary', { inline: [doc(allow(['iam:AttachUserPolicy', 'iam:PutUserPolicy'], userArn('d-boundary')))], boundary: policyArn('iam-only-boundary') }),
    userEntry('d-service', { inline: [doc(allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] }),
    userEntry('d-ec2', { inline: [doc(allow('iam:PassRole', roleArn('ec2-noprofile')), allow('ec2:RunInstances'))] }),
    userEntry('d-join', { inline: [doc(allow('iam:AddUserToGroup', groupArn('readers')))] }),
  ],
  groups: [
    groupEntry('g1', { inline: [doc(allow('iam:AttachGroupPolicy', groupArn('g1')))] }),
    groupEntry('admins', { attached: [ADMIN] }),
    groupEntry('readers', { attached: [awsPolicyArn('ReadOnlyAccess')] }),
  ],
  roles: [
    roleEntry('admin-role', adminRoleTrust, { attached: [ADMIN] }),
    roleEntry('admin-direct', trustPrincipal(userArn('u-direct')), { attached: [ADMIN] }),
    roleEntry('locked-admin', trustPrincipal(userArn('nobody')), { attached: [ADMIN] }),
    roleEntry('picky', trustPrincipal(userArn('alice')), { attached: [ADMIN] }),
    roleEntry('mid-role', trustPrincipal(userArn('u-chain')), { inline: [doc(allow('iam:CreateAccessKey', ALICE))] }),
    roleEntry('r-attach', trustService('ecs-tasks.amazonaws.com'), { inline: [doc(allow('iam:AttachRolePolicy', roleArn('r-attach')))] }),
    roleEntry('r-put', trustService('ecs-tasks.amazonaws.com'), { inline: [doc(allow('iam:PutRolePolicy', roleArn('r-put')))] }),
    roleEntry('lambda-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] }),
    roleEntry('ec2-admin', trustService('ec2.amazonaws.com'), { attached: [ADMIN], instanceProfile: true }),
    roleEntry('ec2-noprofile', trustService('ec2.amazonaws.com'), { attached: [ADMIN] }),
  ],
  policies: [
    managedEntry(policyArn('cpv-policy'), doc(allow('iam:CreatePolicyVersion', policyArn('cpv-*')))),
    managedEntry(policyArn('iam-only-boundary'), doc(allow(['iam:AttachUserPolicy', 'iam:PutUserPolicy']))),
  ],
});

const report = findEscalationPaths(m, { now });
const pathOf = (name: string) => report.paths.find((p) => p.principal === userArn(name) || p.principal === roleArn(name));
const edgesFrom = (arn: string) => report.edges.filter((e) => e.from === arn);

describe('admin-equivalent principals', () => {
  it('lists admins separately and does not give them paths', () => {
    const admins = listAdminEquivalent(m);
    // Users, then roles, each in the order of their ARNs.
    expect(admins).toEqual([ALICE, roleArn('admin-direct'), roleArn('admin-role'), roleArn('ec2-admin'), roleArn('ec2-noprofile'), roleArn('lambda-admin'), roleArn('locked-admin'), roleArn('picky')]);
    expect(report.admins).toEqual(admins);
    expect(report.paths.some((p) => admins.includes(p.principal))).toBe(false);
  });
});

describe('true escalation paths', () => {
  const cases: Array<[string, string, string]> = [
    ['u-cpv', 'iam-create-policy-version', ADMIN_TARGET],
    ['u-attach', 'iam-attach-user-policy', ADMIN_TARGET],
    ['r-attach', 'iam-attach-role-policy', ADMIN_TARGET],
    ['u-grp-attach', 'iam-attach-group-policy', ADMIN_TARGET],
    ['u-put', 'iam-put-user-policy', ADMIN_TARGET],
    ['r-put', 'iam-put-role-policy', ADMIN_TARGET],
    ['u-join', 'iam-add-user-to-group', ADMIN_TARGET],
    ['u-key', 'iam-create-access-key', ALICE],
    ['u-login', 'iam-update-login-profile', ALICE],
    ['u-trust', 'iam-update-assume-role-policy', roleArn('locked-admin')],
    ['u-assume', 'sts-assume-role', roleArn('admin-role')],
    ['u-direct', 'sts-assume-role', roleArn('admin-direct')],
    ['u-lambda', 'iam-passrole-lambda-invoke', roleArn('lambda-admin')],
    ['u-ec2', 'iam-passrole-ec2', roleArn('ec2-admin')],
  ];
  it.each(cases)('%s escalates with %s', (name, method, reaches) => {
    const p = pathOf(name);
    expect(p, `no path for ${name}`).toBeDefined();
    expect(p!.hops).toHaveLength(1);
    expect(p!.hops[0].method).toBe(method);
    expect(p!.reaches).toBe(reaches);
    expect(p!.conditional).toBe(false);
    expect(p!.hops[0].reason).toContain(name);
  });

  it('follows a two-hop chain: assume a role that can mint keys for an admin user', () => {
    const p = pathOf('u-chain')!;
    expect(p.hops.map((h) => [h.from, h.method, h.to])).toEqual([
      [userArn('u-chain'), 'sts-assume-role', roleArn('mid-role')],
      [roleArn('mid-role'), 'iam-create-access-key', ALICE],
    ]);
    expect(p.reaches).toBe(ALICE);
  });

  it('an undecidable condition gives a conditional path with the undecided key', () => {
    const p = pathOf('u-mfa')!;
    expect(p.conditional).toBe(true);
    expect(p.hops[0].undecided).toEqual(['Bool aws:MultiFactorAuthPresent']);
  });

  it('SSM access to an instance with a role is always conditional', () => {
    const p = pathOf('u-ssm')!;
    expect(p.hops[0]).toMatchObject({ method: 'ssm-send-command', to: roleArn('ec2-admin'), conditional: true, via: `arn:aws:iam::${ACCT}:instance-profile/ec2-admin-profile` });
  });

  it('the create-policy-version edge names the policy it edits', () => {
    expect(pathOf('u-cpv')!.hops[0].via).toBe(policyArn('cpv-policy'));
  });

  it('attach-group-policy and add-user-to-group name the group', () => {
    expect(pathOf('u-grp-attach')!.hops[0].via).toBe(groupArn('g1'));
    expect(pathOf('u-join')!.hops[0].via).toBe(groupArn('admins'));
  });
});

describe('decoys produce no path', () => {
  const decoys: Array<[string, string]> = [
    ['d-deny', 'explicit Deny on iam:Attach*'],
    ['d-cond', 'condition on another username never holds'],
    ['d-expired', 'DateLessThan already in the past'],
    ['d-resource', 'resources do not match any admin user'],
    ['d-notaction', 'NotAction excludes iam:*, sts:*, ssm:* and lambda:*'],
    ['d-trust', 'no role trusts it'],
    ['d-boundary', 'boundary caps a self-escalation'],
    ['d-service', 'PassRole only to EC2, and no EC2 path'],
    ['d-ec2', 'the only passable EC2 role has no instance profile'],
    ['d-join', 'the joinable group is not admin'],
  ];
  it.each(decoys)('%s (%s)', (name) => {
    expect(pathOf(name)).toBeUndefined();
    expect(edgesFrom(userArn(name))).toEqual([]);
  });

  it('the decoys do have the rights that the true paths would need elsewhere', () => {
    // guards against decoys passing for the wrong reason (e.g. a broken model)
    const ev = createEvaluator(m);
    // d-boundary may attach policies to itself, but whatever it attaches stays capped by the boundary
    expect(ev.canDo(userArn('d-boundary'), 'iam:AttachUserPolicy', userArn('d-boundary')).decision).toBe('allow');
    expect(ev.canDo(userArn('d-deny'), 'iam:AttachUserPolicy', userArn('d-deny')).decision).toBe('deny');
    const g = findEscalationEdges(m, { now: new Date('2023-06-01T00:00:00Z') });
    // before the cut-off date, d-expired's condition holds and it can mint keys for alice
    expect(g.edges.filter((e) => e.from === userArn('d-expired')).map((e) => e.to)).toContain(ALICE);
  });

  it('a role trusted only by name is not assumable by others', () => {
    expect(report.edges.filter((e) => e.to === roleArn('picky'))).toEqual([]);
  });
});

describe('the fixture, in its raw URL-encoded form', () => {
  it('finds the deployer paths and keeps the read-only bot out', () => {
    const fx = parseAuthorizationDetails(JSON.parse(readFileSync(new URL('./fixtures/authz-details.raw.json', import.meta.url), 'utf8')));
    const r = findEscalationPaths(fx);
    const ci = 'arn:aws:iam::111122223333:user/ci-deployer';
    expect(r.admins).toEqual(['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:role/app-lambda-admin']);
    expect(r.edges.filter((e) => e.from === ci).map((e) => [e.method, e.to])).toEqual([
      ['iam-create-policy-version', ADMIN_TARGET],
      ['iam-passrole-lambda-invoke', 'arn:aws:iam::111122223333:role/app-lambda-admin'],
    ]);
    // vendor-audit's policy could not be read: its route is kept, conditional, never firm.
    expect(r.paths.map((p) => [p.principal, p.conditional])).toEqual([
      [ci, false],
      ['arn:aws:iam::111122223333:role/vendor-audit', true],
    ]);
  });
});

describe('permissions boundary on a self-escalation', () => {
  const withBoundary = (boundary: Record<string, unknown>) =>
    findEscalationEdges(
      model({
        users: [userEntry('u', { inline: [doc(allow('iam:PutUserPolicy', userArn('u')))], boundary: policyArn('b') })],
        policies: [managedEntry(policyArn('b'), boundary)],
      }),
    ).edges;

  it('an admin-wide boundary keeps the edge unconditional', () => {
    expect(withBoundary(doc(allow('*')))).toEqual([expect.objectContaining({ method: 'iam-put-user-policy', conditional: false })]);
  });

  it('a boundary that is admin-wide only under a condition makes the edge conditional', () => {
    const b = doc(allow('*', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }));
    expect(withBoundary(b)).toEqual([expect.objectContaining({ method: 'iam-put-user-policy', conditional: true })]);
  });
});

describe('service-linked roles', () => {
  it('are never targets of trust rewrites or pass-role', () => {
    const slr = { ...roleEntry('AWSServiceRoleForX', trustService('lambda.amazonaws.com'), { attached: [ADMIN] }), Path: '/aws-service-role/x.amazonaws.com/', Arn: `arn:aws:iam::${ACCT}:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX` };
    const mm = model({ users: [userEntry('u', { inline: [doc(allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole', 'iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))] })], roles: [slr] });
    expect(findEscalationEdges(mm).edges).toEqual([]);
  });
});

describe('unknowns', () => {
  it('reports steps behind unusable identity policies as unknown and as conditional edges, never firm ones', () => {
    const mm = model({
      users: [userEntry('u', { inline: [doc(allow('sts:AssumeRole')), '%7Bbroken' as unknown as Record<string, unknown>] })],
      roles: [roleEntry('r', trustPrincipal(userArn('u')), { attached: [ADMIN] }), roleEntry('broken', '%7B' as unknown as Record<string, unknown>, { attached: [ADMIN] })],
    });
    const g = findEscalationEdges(mm);
    expect(g.unusableTrust).toEqual([roleArn('broken')]);
    expect(g.edges.every((e) => e.conditional && e.undecided?.[0] === 'policy could not be read')).toBe(true);
    expect(g.edges.map((e) => [e.from, e.to, e.method])).toEqual(g.unknown.map((u) => [u.from, u.to, u.method]));
    expect(g.unknown.map((u) => [u.from, u.to, u.method])).toContainEqual([userArn('u'), roleArn('r'), 'sts-assume-role']);
  });
});

describe('pass-role targets whose trust policy IAM would not accept', () => {
  // IAM User Guide, "AWS JSON policy elements: NotPrincipal": NotPrincipal cannot be used in a
  // role trust policy. A document that has it is not what AWS enforces, so whether the service
  // may assume the role is unknown: the pass-role edge is conditional, never firm.
  it('makes the pass-role step conditional, with the reason, instead of judging the Service entries', () => {
    const trust = doc(
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' },
    );
    const mm = model({
      users: [userEntry('u', { inline: [doc(allow('iam:PassRole', roleArn('odd')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] })],
      roles: [roleEntry('odd', trust, { attached: [ADMIN] })],
    });
    const edges = findEscalationEdges(mm, { now }).edges.filter((e) => e.to === roleArn('odd'));
    expect(edges).toEqual([expect.objectContaining({ from: userArn('u'), method: 'iam-passrole-lambda-invoke', conditional: true })]);
    expect(edges[0].undecided?.join(' ')).toContain('NotPrincipal');
  });
});

describe('pass-role targets whose trust policy tests the calling service', () => {
  // IAM User Guide, global condition keys: a request an AWS service makes with its service
  // principal has aws:PrincipalIsAWSService true and aws:PrincipalServiceName set to it; keys
  // describing an IAM caller (aws:PrincipalArn, aws:PrincipalAccount) are not what the service sends.
  const passTo = (condition: Record<string, unknown>) => {
    const trust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: condition });
    const mm = model({
      users: [userEntry('u', { inline: [doc(allow('iam:PassRole', roleArn('svc')), allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))] })],
      roles: [roleEntry('svc', trust, { attached: [ADMIN] })],
    });
    return findEscalationEdges(mm, { now }).edges.filter((e) => e.to === roleArn('svc')).map((e) => [e.method, e.conditional]);
  };

  it('reads aws:PrincipalIsAWSService and aws:PrincipalServiceName as the service sends them', () => {
    expect(passTo({ Bool: { 'aws:PrincipalIsAWSService': 'true' } })).toEqual([['iam-passrole-lambda-invoke', false]]);
    expect(passTo({ StringEquals: { 'aws:PrincipalServiceName': 'lambda.amazonaws.com' } })).toEqual([['iam-passrole-lambda-invoke', false]]);
    expect(passTo({ Bool: { 'aws:PrincipalIsAWSService': 'false' } })).toEqual([]);
    expect(passTo({ StringEquals: { 'aws:PrincipalServiceName': 'ec2.amazonaws.com' } })).toEqual([]);
  });

  it('leaves keys about an IAM caller undecided (a conditional step), never read off the service name', () => {
    expect(passTo({ StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/x` } })).toEqual([['iam-passrole-lambda-invoke', true]]);
  });
});

describe('method definitions', () => {
  it('have unique ids and reason templates that mention the principal', () => {
    const ids = PRIVESC_METHODS.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const x of PRIVESC_METHODS) expect(x.reason).toContain('{from}');
  });
});

describe('gathered escalation edges (groupAbove)', () => {
  it('gathers a holder method only when every target gets the same answer, and expands to exactly the plain edges', () => {
    const users = Array.from({ length: 12 }, (_, i) => userEntry(`u${i}`));
    const mm = model({
      users: [
        ...users,
        // A user holder: every other user, itself excluded.
        userEntry('keymaker', { inline: [doc(allow(['iam:CreateAccessKey', 'iam:CreateLoginProfile'], '*'))] }),
        // Same action, but a Deny on one user: not the same answer everywhere, so not gathered.
        userEntry('picky', { inline: [doc(allow('iam:CreateAccessKey', '*'), deny('iam:CreateAccessKey', userArn('u3')))] }),
      ],
      // A role holder: every user.
      roles: [roleEntry('ops', trustAccount(), { inline: [doc(allow('iam:CreateAccessKey', '*'))] })],
    });
    const plain = findEscalationEdges(mm);
    const gathered = findEscalationEdges(mm, { groupAbove: 8 });
    expect(plain.groups).toBeUndefined();
    const expanded = [...gathered.edges];
    for (const g of [...gathered.groups!].reverse()) {
      const edges = g.targets
        .filter((t) => t.to !== g.exclude)
        .map((t) => {
          const e: Record<string, unknown> = { from: g.from, to: t.to, method: g.method, conditional: g.conditional };
          if (t.via) e.via = t.via;
          if (g.undecided) e.undecided = g.undecided;
          return e;
        });
      expect(edges).toHaveLength(g.count);
      expanded.splice(g.position, 0, ...(edges as never[]));
    }
    const strip = (es: readonly object[]) => es.map((e) => ({ ...e, reason: undefined }));
    expect(strip(expanded)).toEqual(strip(plain.edges));
    const key = (g: { from: string; method: string }) => `${g.from.slice(g.from.lastIndexOf('/') + 1)} ${g.method}`;
    expect(gathered.groups!.map(key).sort()).toEqual(['keymaker iam-create-access-key', 'keymaker iam-create-login-profile', 'ops iam-create-access-key']);
    // Answers that hold on every resource (no condition): groups whose set the transform may share, not perHolder ones.
    expect(gathered.groups!.filter((g) => g.perHolder)).toEqual([]);
    const keymaker = gathered.groups!.find((g) => key(g) === 'keymaker iam-create-access-key')!;
    expect(keymaker.exclude).toBe(userArn('keymaker'));
    expect(keymaker.count).toBe(13);
    // The example reason is the plain edge's reason for the first target.
    expect(keymaker.reason).toBe(plain.edges.find((e) => e.from === userArn('keymaker') && e.method === 'iam-create-access-key')!.reason);
  });
});

describe('conditional administrators (conditionalAdmins)', () => {
  // AdministratorAccess, but IAM writes are denied without MFA: most IAM writes are only
  // conditionally allowed (assessAdmin: `conditional`), while iam:PassRole and
  // lambda:CreateFunction stay plainly allowed, a firm route around the condition, and so does
  // iam:CreateLoginProfile (a firm group over every user, between conditional edges).
  const mfaDeny = deny(['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreatePolicyVersion', 'iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:AddUserToGroup'], '*', {
    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  });
  const users = Array.from({ length: 12 }, (_, i) => userEntry(`u${i}`));
  const mm = model({
    users: [userEntry('cadm', { attached: [ADMIN], inline: [doc(mfaDeny)] }), ...users, userEntry('keymaker', { inline: [doc(allow('iam:CreateAccessKey', '*'))] })],
    roles: [roleEntry('fn-admin', trustService('lambda.amazonaws.com'), { attached: [ADMIN] }), roleEntry('ops', trustAccount(), { inline: [doc(allow('s3:GetObject'))] })],
  });
  const CADM = userArn('cadm');

  it('keeps only the firm edges and groups of the principals named, and every edge of the others', () => {
    for (const groupAbove of [undefined, 8]) {
      const all = findEscalationEdges(mm, { now, groupAbove });
      const kept = findEscalationEdges(mm, { now, groupAbove, conditionalAdmins: [CADM] });
      // Without the option, the conditional administrator has conditional edges to every user.
      const before = [...all.edges, ...(all.groups ?? [])].filter((e) => e.from === CADM);
      expect(before.some((e) => e.conditional)).toBe(true);
      const after = kept.edges.filter((e) => e.from === CADM);
      expect(after.every((e) => !e.conditional)).toBe(true);
      expect((kept.groups ?? []).filter((g) => g.from === CADM && g.conditional)).toEqual([]);
      // The firm route around the MFA condition stays: pass the admin role to a new function.
      expect(after.filter((e) => e.to === roleArn('fn-admin')).map((e) => e.method)).toContain('iam-passrole-lambda-invoke');
      expect(after.some((e) => e.method === 'sts-assume-role' && e.to === roleArn('ops'))).toBe(true);
      if (groupAbove) expect(kept.groups!.filter((g) => g.from === CADM).map((g) => [g.method, g.conditional])).toEqual([['iam-create-login-profile', false]]);
      // Everyone else's edges and groups are untouched, and group positions still point where
      // their edges would have been.
      const others = (g: typeof all) => g.edges.filter((e) => e.from !== CADM);
      expect(others(kept)).toEqual(others(all));
      const groupsOf = (g: typeof all) => (g.groups ?? []).filter((x) => x.from !== CADM || !x.conditional).map((x) => ({ ...x, position: g.edges.slice(0, x.position).filter((e) => e.from !== CADM || !e.conditional).length }));
      expect(kept.groups ?? []).toEqual(groupsOf(all));
      expect(kept.unknown).toEqual(all.unknown);
    }
  });
});
