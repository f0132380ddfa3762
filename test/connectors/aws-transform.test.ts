import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { transformAws } from '../../src/connectors/aws/transform.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import noOwner from '../../rules/nhi/nhi-service-account-no-owner.js';
import { runRule } from '../helpers/rule-tester.js';
import { deny, doc, userEntry } from '../aws/helpers.js';

const A = '111122223333';
const FIXTURES = fileURLToPath(new URL('../fixtures/aws-authz/', import.meta.url));
const read = (form: 'cli' | 'raw') => readSnapshotDir(FIXTURES + form);
const user = (n: string) => ids.awsPrincipal(A, `arn:aws:iam::${A}:user/${n}`);
const role = (n: string) => ids.awsPrincipal(A, `arn:aws:iam::${A}:role/${n}`);
const crown = (c: string) => ids.crownJewel('aws', A, c);

function build(snapshot: Snapshot): Graph {
  const b = new GraphBuilder();
  transformAws(snapshot, b, DEFAULT_CONFIG);
  return b.build();
}

/** Everything the graph says, in a stable order, for comparing two graphs. */
function dump(g: Graph) {
  const nodes = [...g.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const edges = [...g.edges()].map((e) => JSON.stringify(e)).sort();
  return { nodes: JSON.parse(JSON.stringify(nodes)), edges, coverage: g.coverage, warnings: g.warnings };
}

describe('transformAws on test/fixtures/aws-authz', () => {
  const g = build(read('cli'));

  it('gives the same graph for the CLI JSON and the URL-encoded raw API form', () => {
    expect(dump(build(read('raw')))).toEqual(dump(g));
  });

  it('records the account, its alias and one collected coverage record per capability', () => {
    expect(g.scopes).toEqual([{ provider: 'aws', id: A, name: 'acme-prod' }]);
    // Written before the collector read ListRoles: no list-roles.json, so the roles' session
    // durations count as not read (the GAAD entries' MaxSessionDuration is still used).
    expect(g.coverage.map((c) => `${c.capability}=${c.status}`).sort()).toEqual(['aws.credentialReport=collected', 'aws.federation=collected', 'aws.iam=collected', 'aws.roleSessions=not-collected', 'aws.rolesAnywhere=collected']);
    expect(g.warnings).toEqual([]);
  });

  it('turns users into identities with dates, tags and credentials from the credential report', () => {
    const bot = g.node(user('deploy-bot'))!;
    expect(bot).toMatchObject({ kind: 'identity', type: 'aws-iam-user', name: 'deploy-bot', createdAt: '2025-01-10T08:00:00.000Z', lastUsedAt: '2026-11-18T22:00:00.000Z', tags: ['owner=platform@acme.example'] });
    expect(bot.attrs).toMatchObject({ passwordEnabled: false, mfaActive: false, activeAccessKeys: 1, policies: ['deploy-functions (inline)'] });
    expect(bot.machineReasons).toContain('no console password');
    const keys = g.out(bot.id, 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
    expect(keys.map((k) => [k.type, k.credentialType, k.status, k.createdAt, k.lastUsedAt, k.expiresAt])).toEqual([
      ['aws-access-key', 'access-key', 'active', '2025-01-10T08:05:00.000Z', '2026-11-18T22:00:00.000Z', null],
      ['aws-access-key', 'access-key', 'inactive', '2025-01-10T08:04:00.000Z', null, null],
    ]);
  });

  it('gives a human console user a password credential and no machine reasons', () => {
    const alex = g.node(user('alex.admin'))!;
    expect(alex.machineReasons).toBeUndefined();
    // Console password with MFA, no access key, nothing else machine-like: a person, as a user
    // object of Entra or Okta would be; not in the machine-identity inventory.
    expect(alex.kind).toBe('human');
    expect(alex.attrs.humanEvidence).toBe('console password with MFA and no active access key');
    expect(g.ofKind('identity').map((n) => n.name)).not.toContain('alex.admin');
    expect(g.node(user('deploy-bot'))!.kind).toBe('identity');
    expect(alex.attrs).toMatchObject({ interactiveUse: true, mfaActive: true });
    // The console sign-in date travels with the flag, so rules can tell an old sign-in from a current one.
    expect(alex.attrs.interactiveUseAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(g.out(alex.id, 'HAS_CREDENTIAL').map((e) => g.node(e.to)!.credentialType)).toEqual(['password']);
    expect(g.node(ids.awsPrincipal(A, `arn:aws:iam::${A}:root`))).toMatchObject({ type: 'aws-root-user', attrs: { activeAccessKeys: 0, mfaActive: true } });
  });

  it('marks administrators (also through a group) on the admin crown jewel', () => {
    const adminEdges = g.in(crown('admin'), 'GRANTED').filter((e) => e.evidence?.method === 'already-admin').map((e) => e.from).sort();
    expect(adminEdges).toEqual([role('lambda-admin'), user('alex.admin')].sort());
    expect(g.out(user('alex.admin'), 'MEMBER_OF').map((e) => e.to)).toEqual([ids.awsGroup(A, `arn:aws:iam::${A}:group/admins`)]);
    expect(g.node(crown('admin'))).toMatchObject({ kind: 'privilege', tier: 4, crownJewel: 'admin' });
    expect(g.node(user('deploy-bot'))!.attrs.adminStatus).toBe('not-admin');
  });

  it('adds a hidden escalation edge for PassRole + Lambda to the administrator Lambda role', () => {
    const esc = g.out(user('deploy-bot')).filter((e) => e.type === 'CAN_ESCALATE_TO');
    expect(esc.map((e) => e.to)).toEqual([role('lambda-admin')]);
    expect(esc[0]).toMatchObject({ hidden: true, conditional: false });
    expect(String(esc[0].evidence?.method)).toMatch(/lambda/i);
  });

  it('gives a conditional administrator one conditional edge to the admin crown jewel, and only its firm escalation steps', () => {
    // AdministratorAccess, but IAM writes denied without MFA: conditionally an administrator.
    // iam:PassRole and lambda:CreateFunction stay allowed: a firm route around the condition.
    const snap = read('cli');
    const gaad = structuredClone(snap.files[`aws/${A}/authorization-details.json`]) as { UserDetailList: unknown[] };
    const mfaDeny = deny(['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:AddUserToGroup'], '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } });
    gaad.UserDetailList.push(userEntry('mfa-ops', { attached: ['arn:aws:iam::aws:policy/AdministratorAccess'], inline: [doc(mfaDeny)] }));
    const cg = build({ ...snap, files: { ...snap.files, [`aws/${A}/authorization-details.json`]: gaad } });
    const ops = user('mfa-ops');
    expect(cg.node(ops)!.attrs.adminStatus).toBe('conditional');
    const toAdmin = cg.out(ops, 'GRANTED').filter((e) => e.to === crown('admin'));
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]).toMatchObject({ conditional: true, evidence: { method: 'conditionally-admin', undecided: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:CreatePolicyVersion', 'iam:UpdateAssumeRolePolicy'] } });
    expect(toAdmin[0].reason).toContain('iam:CreateUser');
    // No conditional step to another principal (deploy-bot's access keys, the roles' trust
    // policies): the conditional route to administrator already covers them.
    const steps = cg.out(ops).filter((e) => e.type === 'CAN_ESCALATE_TO' || e.type === 'CAN_ASSUME');
    expect(steps.filter((e) => e.conditional)).toEqual([]);
    expect(steps.filter((e) => e.evidence?.method === 'iam-passrole-lambda-invoke').map((e) => e.to)).toEqual([role('lambda-admin')]);
    // An administrator keeps its firm edge only; a principal that is not one gets none.
    expect(cg.out(user('alex.admin'), 'GRANTED').filter((e) => e.to === crown('admin')).map((e) => [e.conditional ?? false, e.evidence?.method])).toEqual([[false, 'already-admin']]);
    expect(cg.out(user('deploy-bot'), 'GRANTED').filter((e) => e.to === crown('admin'))).toEqual([]);
  });

  it('keeps RoleLastUsed: a date, null when empty; and marks service-linked roles first-party', () => {
    expect(g.node(role('gh-actions'))!.lastUsedAt).toBe('2026-11-19T10:00:00.000Z');
    expect(g.node(role('lambda-admin'))!.lastUsedAt).toBeNull();
    expect(g.node(role('aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport'))!.firstParty).toBe(true);
    expect(g.node(role('okta-ops'))!.attrs.maxSessionDuration).toBe(28800);
  });

  it('models the GitHub OIDC trust: an external repo node, a wildcard federated credential', () => {
    const fed = g.in(role('gh-actions'), 'FEDERATES_TO');
    expect(fed).toHaveLength(1);
    expect(g.node(fed[0].from)).toMatchObject({ kind: 'external', type: 'github-repo', attrs: { subjectMatch: 'wildcard', subject: 'repo:acme/*', audiences: ['sts.amazonaws.com'] } });
    expect(fed[0].hidden).toBe(true);
    const cred = g.out(role('gh-actions'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!);
    expect(cred.map((c) => c.federation)).toEqual([{ issuer: 'https://token.actions.githubusercontent.com', subjectMatch: 'wildcard', subject: 'repo:acme/*', audiences: ['sts.amazonaws.com'] }]);
  });

  it('models a vendor trust, a SAML trust, a service trust and an IAM Roles Anywhere profile', () => {
    const vendor = g.in(role('vendor-audit'), 'CAN_ASSUME');
    expect(vendor.map((e) => [g.node(e.from)!.type, e.evidence?.externalId])).toEqual([['aws-account', true]]);
    const saml = g.in(role('okta-ops'), 'FEDERATES_TO').map((e) => g.node(e.from)!);
    expect(saml.map((n) => n.type)).toEqual(['aws-saml-provider-ref']);
    expect(g.out(role('okta-ops'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!.credentialType)).toEqual(['federated-saml']);
    expect(g.node(role('lambda-admin'))!.attrs.trustedServices).toEqual(['lambda.amazonaws.com']);
    const ra = g.in(role('edge-device'), 'FEDERATES_TO').map((e) => g.node(e.from)!);
    expect(ra.map((n) => [n.type, n.name])).toEqual([['x509-trust-anchor', 'Roles Anywhere trust anchor factory-ca']]);
  });

  it('never stores a secret or key id: only slots, dates and thumbprint-free names', () => {
    const text = JSON.stringify(dump(g));
    expect(text).not.toMatch(/AKIA[0-9A-Z]{12,}/);
    expect(text).not.toContain('acme-7f3c');
  });

  it('turns an unparseable policy into a warning and an error coverage record, not a crash', () => {
    const snap = read('cli');
    const gaad = structuredClone(snap.files[`aws/${A}/authorization-details.json`]) as { UserDetailList: { UserPolicyList: { PolicyDocument: unknown }[] }[] };
    gaad.UserDetailList[0].UserPolicyList[0].PolicyDocument = { Statement: [{ Effect: 'Sometimes' }] };
    const broken = build({ ...snap, files: { ...snap.files, [`aws/${A}/authorization-details.json`]: gaad } });
    expect(broken.warnings.some((w) => w.includes('deploy-functions') && w.includes('could not be parsed'))).toBe(true);
    expect(broken.coverage.filter((c) => c.status === 'error').map((c) => c.capability)).toEqual([`aws.policy:deploy-functions@arn:aws:iam::${A}:user/deploy-bot`]);
    expect(broken.node(user('deploy-bot'))!.attrs.adminStatus).toBe('unknown');
    // The unread policy keeps its routes, as conditional edges that say why.
    const esc = broken.out(user('deploy-bot'), 'CAN_ESCALATE_TO');
    expect(esc.length).toBeGreaterThan(0);
    expect(esc.every((e) => e.conditional === true && (e.evidence?.undecided as string[])[0] === 'policy could not be read')).toBe(true);
    expect(broken.node(user('deploy-bot'))!.attrs.undecidedEscalations).toBeDefined();
  });

  it('a Tags entry that cannot be read marks the tags incomplete, and the no-owner rule answers unknown instead of failing', () => {
    const snap = read('cli');
    const gaad = structuredClone(snap.files[`aws/${A}/authorization-details.json`]) as { UserDetailList: { UserName: string; Tags?: unknown[] }[] };
    const bot = gaad.UserDetailList.find((u) => u.UserName === 'deploy-bot')!;
    const ownerless = { ...snap, files: { ...snap.files, [`aws/${A}/authorization-details.json`]: structuredClone(gaad) } };
    (ownerless.files[`aws/${A}/authorization-details.json`] as typeof gaad).UserDetailList.find((u) => u.UserName === 'deploy-bot')!.Tags = [];
    bot.Tags = [{ Key: 'owner', Value: 42 }];
    const garbled = build({ ...snap, files: { ...snap.files, [`aws/${A}/authorization-details.json`]: gaad } });
    expect(garbled.node(user('deploy-bot'))!.attrs.tagsIncomplete).toBe(true);
    expect(garbled.warnings.some((w) => w.includes('Tags[0]'))).toBe(true);
    const verdict = (g: Graph) => runRule(noOwner, g, { now: '2026-11-20T00:00:00Z' }).verdicts.get(user('deploy-bot'));
    expect(verdict(garbled)).toBe('unknown');
    // Readable tags without an owner still fail; with the owner tag the user passes.
    expect(verdict(build(ownerless))).toBe('fail');
    expect(verdict(g)).toBe('pass');
  });

  it('a console user with MFA is not a person when it also has machine evidence: model access, a signing certificate', () => {
    const snap = read('cli');
    const authz = `aws/${A}/authorization-details.json`;
    const report = `aws/${A}/credential-report.csv`;
    // alex.admin may invoke Bedrock models: AI-agent evidence found only after the credential report is read.
    const details = structuredClone(snap.files[authz]) as { UserDetailList: { UserName: string; UserPolicyList: unknown[]; GroupList: string[] }[] };
    const alex = details.UserDetailList.find((u) => u.UserName === 'alex.admin')!;
    // Out of the admins group, whose `*` would make model access no evidence of an agent.
    alex.GroupList = [];
    alex.UserPolicyList.push({
      PolicyName: 'summaries',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] },
    });
    const agent = build({ ...snap, files: { ...snap.files, [authz]: details } }).node(user('alex.admin'))!;
    expect(agent.kind).toBe('identity');
    expect(agent.agent?.confidence).toBe('permission');
    expect(agent.attrs.humanEvidence).toBeUndefined();
    // An active X.509 signing certificate is a programmatic credential.
    const csv = String(snap.files[report]).split('\n');
    const header = csv[0].split(',');
    const cert = header.indexOf('cert_1_active');
    expect(cert).toBeGreaterThan(0);
    const withCert = csv.map((line) => {
      if (!line.startsWith('alex.admin,')) return line;
      const cells = line.split(',');
      cells[cert] = 'true';
      return cells.join(',');
    });
    const signer = build({ ...snap, files: { ...snap.files, [report]: withCert.join('\n') } }).node(user('alex.admin'))!;
    expect(signer.kind).toBe('identity');
    expect(signer.machineReasons).toEqual(['1 active signing certificate (programmatic use)']);
  });

  it('without a credential report: not-collected coverage and last use undefined (not "never")', () => {
    const snap = read('cli');
    const files = { ...snap.files };
    delete files[`aws/${A}/credential-report.csv`];
    const g2 = build({ ...snap, files });
    expect(g2.capability('aws', A, 'aws.credentialReport')).toBe('not-collected');
    expect(g2.node(user('deploy-bot'))!.lastUsedAt).toBeUndefined();
    expect(g2.out(user('deploy-bot'), 'HAS_CREDENTIAL')).toEqual([]);
  });
});

describe('GitHub pull_request subjects in AWS trusts', async () => {
  const { GITHUB, oneAccount, roleId, trust } = await import('../helpers/aws-builders.js');
  // GitHub issues repo:ORG/REPO:pull_request to every pull-request run, whatever its branch; the Entra
  // transform (fic.ts) calls the same subject a wildcard, and path and strength analysis read this.
  it('a StringEquals repo:ORG/REPO:pull_request subject is a wildcard federation, a pinned branch is exact', () => {
    const graph = (sub: string) => oneAccount({ roles: [{ name: 'ci', trust: trust.github(sub), managed: [], inline: [] }], oidcProviders: [GITHUB] });
    const fed = (g: Graph) => g.out(roleId('ci'), 'HAS_CREDENTIAL').map((e) => g.node(e.to)!.federation?.subjectMatch);
    expect(fed(graph('repo:acme/site:pull_request'))).toEqual(['wildcard']);
    expect(fed(graph('repo:acme/site:ref:refs/heads/main'))).toEqual(['exact']);
    // Customised subjects: a repository alone is every run of it, an owner every repository.
    expect(fed(graph('repo:acme/site'))).toEqual(['wildcard']);
    expect(fed(graph('repository_owner:acme:environment:prod'))).toEqual(['wildcard']);
    expect(fed(graph('repository_id:42:environment:prod'))).toEqual(['exact']);
    // Under StringEquals a `*` is a literal: it admits no token, and is no wildcard federation.
    expect(fed(graph('repo:acme/site:*'))).toEqual(['exact']);
  });
});

describe('secret and IAM-write grants are judged on any resource of their type, not on the string "*"', async () => {
  const { ACCT, allow, deny, doc, oneAccount, userId } = await import('../helpers/aws-builders.js');
  const secrets = ids.crownJewel('aws', ACCT, 'secrets');
  const identity = ids.crownJewel('aws', ACCT, 'identity-admin');
  const grantsTo = (g: Graph, who: string, to: string) => g.out(who, 'GRANTED').filter((e) => e.to === to).map((e) => e.conditional === true);
  it('an Allow written as the ARNs of every secret reaches the secret stores; one naming only some does not; a Deny on every secret ARN is seen', () => {
    const g = oneAccount({
      users: [
        { name: 'all-arns', inline: [doc(allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:*'), allow('iam:CreateUser', `arn:aws:iam::${ACCT}:user/*`))] },
        { name: 'some', inline: [doc(allow('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:prod/*`))] },
        { name: 'denied', inline: [doc(allow('*'), deny(['secretsmanager:*', 'kms:*', 'ssm:*'], ['arn:aws:secretsmanager:*:*:secret:*', 'arn:aws:kms:*:*:key/*', 'arn:aws:ssm:*:*:parameter/*']))] },
        { name: 'star', inline: [doc(allow('secretsmanager:GetSecretValue'))] },
      ],
    });
    expect(grantsTo(g, userId('all-arns'), secrets)).toEqual([false]);
    expect(grantsTo(g, userId('all-arns'), identity)).toEqual([false]);
    expect(grantsTo(g, userId('some'), secrets)).toEqual([]);
    expect(grantsTo(g, userId('denied'), secrets)).toEqual([]);
    expect(grantsTo(g, userId('denied'), identity)).toEqual([false]);
    expect(grantsTo(g, userId('star'), secrets)).toEqual([false]);
  });
});

describe('a conditional administrator whose policies name ARNs keeps its secret and IAM-write reach', async () => {
  const { ACCT, allow, deny, doc, oneAccount, userId, NOW } = await import('../helpers/aws-builders.js');
  const { analyze } = await import('../../src/analysis/analyze.js');
  const { DEFAULT_CONFIG } = await import('../../src/config/types.js');
  // Review of the conditional-admin change: such a principal keeps no conditional steps to other
  // principals, so the kinds it reaches must come from its own grants, also when its policies are
  // written as the account's ARNs rather than "*".
  it('reaches administration (conditionally), IAM write and the secret stores', () => {
    const scoped = doc(
      // An AMI's ARN has no account: a launch needs `image/*` allowed beside the account's ARNs.
      allow('*', [`arn:aws:iam::${ACCT}:*`, 'arn:aws:s3:::*', `arn:aws:secretsmanager:*:${ACCT}:*`, `arn:aws:kms:*:${ACCT}:*`, `arn:aws:ec2:*:${ACCT}:*`, 'arn:aws:ec2:*::image/*', `arn:aws:lambda:*:${ACCT}:*`, `arn:aws:ssm:*:${ACCT}:*`]),
      allow('organizations:CreatePolicy', '*'),
    );
    const mfa = deny(['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:Update*'], '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } });
    const g = oneAccount({ users: [{ name: 'cadm', inline: [scoped, doc(mfa)] }] });
    expect(g.node(userId('cadm'))!.attrs.adminStatus).toBe('conditional');
    const a = analyze(g, { now: new Date(NOW), config: DEFAULT_CONFIG });
    expect(a.crownJewelPaths(userId('cadm')).map((p) => p.group).sort()).toEqual(expect.arrayContaining(['aws|admin', 'aws|identity-admin', 'aws|secrets']));
  });
});
