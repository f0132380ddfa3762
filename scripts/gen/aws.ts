import type { AwsAccountPlan, GenContext } from './context.js';
import { bump } from './context.js';
import type { ManagedPolicy } from './aws-managed.js';
import { customerPolicy, type PolicyDocument } from './aws-policies.js';
import { Names } from './names.js';
import { AWS_ID_CHARS, HEX, type Rng } from './prng.js';

type Obj = Record<string, unknown>;
type TrustKind =
  | 'service' | 'service-linked' | 'sso' | 'same-account' | 'cross-account' | 'external-account'
  | 'github-pinned' | 'github-wildcard' | 'entra' | 'okta-saml' | 'okta-oidc' | 'anyone-org' | 'anyone';

const TRUST_WEIGHTS: readonly (readonly [TrustKind, number])[] = [
  ['service', 44], ['service-linked', 5], ['sso', 5], ['same-account', 12], ['cross-account', 12], ['external-account', 2],
  ['github-pinned', 7], ['github-wildcard', 2], ['entra', 5], ['okta-oidc', 2], ['anyone-org', 1], ['anyone', 0.1],
];
const SERVICES = ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'glue.amazonaws.com', 'states.amazonaws.com', 'codebuild.amazonaws.com', 'sagemaker.amazonaws.com', 'events.amazonaws.com', 'bedrock.amazonaws.com'];
const LINKED = ['AutoScaling', 'ElasticLoadBalancing', 'RDS', 'TrustedAdvisor', 'Support', 'ECS', 'Organizations', 'SSO'];
const PERMISSION_SETS = ['AdministratorAccess', 'ReadOnly', 'PowerUser', 'Billing', 'DataEngineer', 'SecurityAudit'];
const GITHUB = 'token.actions.githubusercontent.com';
/** Narrow AWS managed policies most workloads carry. */
const COMMON = ['AWSLambdaBasicExecutionRole', 'AmazonS3ReadOnlyAccess', 'CloudWatchAgentServerPolicy', 'AmazonSSMManagedInstanceCore', 'AmazonECSTaskExecutionRolePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ReadOnlyAccess', 'AWSBillingReadOnlyAccess', 'AWSSupportAccess', 'ReadOnlyAccess'];
/** Broad ones that still show up on workloads in real accounts. */
const BROAD = ['PowerUserAccess', 'AmazonS3FullAccess', 'AmazonDynamoDBFullAccess', 'SecretsManagerReadWrite', 'CloudWatchLogsFullAccess', 'AmazonSQSFullAccess', 'AmazonSNSFullAccess', 'AmazonBedrockFullAccess'];

interface Attach {
  PolicyName: string;
  PolicyArn: string;
}

/** Other accounts' principals a trust policy can name, filled as accounts are generated. */
export interface AwsShared {
  rolesByAccount: Map<string, string[]>;
  orgId: string;
}

/**
 * Writes `aws/<account>/*` for one account: authorization details (users, groups, roles with
 * trust policies, AWS managed and customer policies), credential report, OIDC/SAML providers
 * and Roles Anywhere.
 */
export function generateAwsAccount(ctx: GenContext, acct: AwsAccountPlan, index: number, managed: ManagedPolicy[], shared: AwsShared): void {
  const rng = ctx.rng.fork(`aws-${acct.accountId}`);
  const names = new Names(rng.fork('names'));
  const { clock } = ctx;
  const a = (days: number) => clock.aws(days);
  const account = acct.accountId;
  const dir = `aws/${account}`;
  const uid = (prefix: string) => prefix + rng.chars(AWS_ID_CHARS, 17);
  const tenantIssuer = `sts.windows.net/${ctx.tenantId}/`;
  const oktaHost = ctx.orgUrl.replace(/^https:\/\//, '');
  const oktaIssuer = `${oktaHost}/oauth2/default`;
  const ssoProvider = `AWSSSO_${rng.chars(HEX, 16)}_DO_NOT_DELETE`;
  const others = ctx.accounts.filter((x) => x.accountId !== account);

  // Customer policies: a pool per account, a few percent with an escalation method.
  const pool: { name: string; arn: string; doc: PolicyDocument; attachments: number; id: string; created: number }[] = [];
  const poolSize = Math.max(6, Math.round((acct.roles + acct.users) / 5));
  for (let i = 0; i < poolSize; i++) {
    const w = names.workload();
    const name = `${w.name}-access`;
    pool.push({ name, arn: `arn:aws:iam::${account}:policy/${name}`, doc: customerPolicy(rng, account, w.name, rng.chance(0.015)), attachments: 0, id: uid('ANPA'), created: rng.range(10, 2000) });
  }
  const managedUse = new Map<string, number>();
  const byName = new Map(managed.map((m) => [m.name, m]));
  const useManaged = (m: ManagedPolicy): Attach => {
    managedUse.set(m.name, (managedUse.get(m.name) ?? 0) + 1);
    return { PolicyName: m.name, PolicyArn: m.arn };
  };
  const useCustomer = (): Attach => {
    const p = rng.pick(pool);
    p.attachments++;
    return { PolicyName: p.name, PolicyArn: p.arn };
  };
  // Policies meant for AWS services' own roles are not attached to workloads by hand.
  const forWorkloads = managed.filter((m) => m.path === '/' && !/ServiceRole|LaunchRole|Boundary|ServicePolicy|Admin|FullAccess|PowerUser|Developer|Cloud9|Instance|Backup|Operator/.test(m.name));
  const common = COMMON.map((n) => byName.get(n)).filter((m): m is ManagedPolicy => m !== undefined);
  const broad = BROAD.map((n) => byName.get(n)).filter((m): m is ManagedPolicy => m !== undefined);
  const pickManaged = (): ManagedPolicy | undefined => {
    const r = rng.next();
    if (r < 0.7 && common.length) return rng.pick(common);
    if (r < 0.75 && broad.length) return rng.pick(broad);
    return forWorkloads.length ? rng.pick(forWorkloads) : undefined;
  };
  const linkedPolicies = managed.filter((m) => m.path.startsWith('/aws-service-role/'));
  const attachments = (adminOdds: number): Attach[] => {
    const list = new Map<string, Attach>();
    const k = rng.weighted([[0, 5], [1, 35], [2, 35], [3, 15], [4, 10]] as const);
    for (let i = 0; i < k; i++) {
      const m = rng.chance(0.55) ? undefined : pickManaged();
      const at = m ? useManaged(m) : useCustomer();
      list.set(at.PolicyArn, at);
    }
    if (rng.chance(adminOdds)) {
      const admin = byName.get(rng.chance(0.8) ? 'AdministratorAccess' : 'IAMFullAccess') ?? byName.get('AdministratorAccess');
      if (admin) list.set(admin.arn, useManaged(admin));
    }
    return [...list.values()];
  };
  const inline = (name: string, riskyOdds: number): Obj[] =>
    rng.chance(0.35) ? [{ PolicyName: `${name}-inline`, PolicyDocument: customerPolicy(rng, account, name, rng.chance(riskyOdds)) }] : [];

  // Groups and users.
  const groups: Obj[] = [];
  const groupCount = Math.max(2, Math.round(acct.users / 12));
  for (let i = 0; i < groupCount; i++) {
    const name = `${names.team()}-${rng.pick(['admins', 'developers', 'readers', 'operators', 'ci'])}-${i + 1}`;
    groups.push({
      Path: '/',
      GroupName: name,
      GroupId: uid('AGPA'),
      Arn: `arn:aws:iam::${account}:group/${name}`,
      CreateDate: a(rng.range(100, 2000)),
      GroupPolicyList: rng.chance(0.2) ? [{ PolicyName: `${name}-inline`, PolicyDocument: customerPolicy(rng, account, name, rng.chance(0.01)) }] : [],
      AttachedManagedPolicies: attachments(0.015),
    });
  }
  const users: Obj[] = [];
  const report: string[] = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  ];
  const rootKey = index === 0;
  report.push(`<root_account>,arn:aws:iam::${account}:root,${a(2500)},not_supported,${a(rng.range(10, 200))},not_supported,not_supported,true,${rootKey ? `true,${a(900)},${a(40)},us-east-1,iam` : 'false,N/A,N/A,N/A,N/A'},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`);
  for (let i = 0; i < acct.users; i++) {
    const kind = rng.weighted([['svc', 50], ['person', 30], ['app', 20]] as const);
    const name = kind === 'svc' ? names.service('svc-') : kind === 'person' ? names.person().login : `${names.workload().name}-integration`;
    const arn = `arn:aws:iam::${account}:user/${name}`;
    const created = rng.range(30, 2400);
    users.push({
      Path: '/',
      UserName: name,
      UserId: uid('AIDA'),
      Arn: arn,
      CreateDate: a(created),
      UserPolicyList: inline(name, 0.01),
      GroupList: rng.sample(groups, rng.weighted([[0, 15], [1, 35], [2, 30], [3, 20]] as const)).map((g) => g.GroupName),
      AttachedManagedPolicies: attachments(0.01),
      Tags: rng.chance(0.6) ? [{ Key: 'owner', Value: `${names.team()}@${ctx.domain}` }] : [],
    });
    const console = kind === 'person' ? rng.chance(0.8) : rng.chance(0.05);
    const pw = console ? `true,${a(rng.range(0, 60))},${a(rng.range(20, 400))},N/A,${rng.chance(0.75)}` : 'false,N/A,N/A,N/A,false';
    const keyCount = kind === 'person' ? rng.weighted([[0, 60], [1, 35], [2, 5]] as const) : rng.weighted([[0, 8], [1, 80], [2, 12]] as const);
    const key = (n: number): string => {
      if (n >= keyCount) return 'false,N/A,N/A,N/A,N/A';
      const rotated = rng.weighted([[rng.range(1, 89), 40], [rng.range(90, 365), 35], [rng.range(366, Math.max(367, created)), 25]] as const);
      const used = rng.weighted([['recent', 80], ['old', 10], ['never', 10]] as const);
      const active = n === 0 || rng.chance(0.6);
      if (used === 'never') return `${active},${a(Math.min(rotated, created))},N/A,N/A,N/A`;
      const when = used === 'recent' ? rng.range(0, 10) : rng.range(91, 400);
      return `${active},${a(Math.min(rotated, created))},${a(Math.min(when, rotated))},us-east-1,${rng.pick(['s3', 'dynamodb', 'sts', 'sqs', 'ec2', 'secretsmanager'])}`;
    };
    report.push(`${name},${arn},${a(created)},${pw},${key(0)},${key(1)},false,N/A,false,N/A`);
  }

  // Roles, the Okta SAML ones first (their names were promised to the Okta org).
  const roles: Obj[] = [];
  const roleArns: string[] = [];
  const githubOrg = ctx.domain.split('.')[0];
  const addRole = (kind: TrustKind, fixedName?: string): void => {
    const w = names.workload();
    let path = '/';
    let name = fixedName ?? w.name;
    let statements: Obj[];
    let attached: Attach[] | undefined;
    let adminOdds = 0.012;
    const assumeRole = (principal: Obj, condition?: Obj): Obj => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) });
    switch (kind) {
      case 'service': {
        const svc = rng.pick(SERVICES);
        name = `${w.name}-${svc.split('.')[0]}`;
        statements = [assumeRole({ Service: svc })];
        break;
      }
      case 'service-linked': {
        const svc = rng.pick(LINKED);
        const host = `${svc.toLowerCase()}.amazonaws.com`;
        path = `/aws-service-role/${host}/`;
        name = `AWSServiceRoleFor${svc}${names.team() === 'ml' ? '_' + rng.range(1, 99) : ''}_${rng.range(1, 99999)}`;
        statements = [assumeRole({ Service: host })];
        attached = linkedPolicies.length ? [useManaged(rng.pick(linkedPolicies))] : [];
        break;
      }
      case 'sso': {
        const set = rng.pick(PERMISSION_SETS);
        path = '/aws-reserved/sso.amazonaws.com/';
        name = `AWSReservedSSO_${set}_${rng.chars(HEX, 16)}`;
        statements = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:saml-provider/${ssoProvider}` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }];
        if (set === 'AdministratorAccess') adminOdds = 1;
        break;
      }
      case 'same-account': {
        const target = roleArns.length > 0 && rng.chance(0.6) ? rng.pick(roleArns) : `arn:aws:iam::${account}:root`;
        statements = [assumeRole({ AWS: target })];
        break;
      }
      case 'cross-account': {
        const other = others.length ? rng.pick(others) : undefined;
        const known = other ? shared.rolesByAccount.get(other.accountId) : undefined;
        const principal = other ? (known?.length && rng.chance(0.4) ? rng.pick(known) : `arn:aws:iam::${other.accountId}:root`) : `arn:aws:iam::${account}:root`;
        statements = [assumeRole({ AWS: principal }, rng.chance(0.2) ? { StringEquals: { 'sts:ExternalId': rng.uuid() } } : undefined)];
        break;
      }
      case 'external-account':
        // A vendor's account that is not scanned (monitoring, backup, cost tools).
        statements = [assumeRole({ AWS: `arn:aws:iam::${rng.chars('0123456789', 12)}:root` }, rng.chance(0.7) ? { StringEquals: { 'sts:ExternalId': rng.chars(HEX, 24) } } : undefined)];
        break;
      case 'github-pinned':
      case 'github-wildcard': {
        const repo = `${githubOrg}/${w.team}-${rng.pick(['infra', 'service', 'app', 'deploy'])}`;
        name = `gha-${w.name}`;
        const sub = kind === 'github-pinned'
          ? { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: rng.chance(0.5) ? `repo:${repo}:ref:refs/heads/main` : `repo:${repo}:environment:production` } }
          : { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GITHUB}:sub`]: rng.chance(0.5) ? `repo:${githubOrg}/*` : `repo:${repo}:*` } };
        statements = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${GITHUB}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: sub }];
        adminOdds = kind === 'github-wildcard' ? 0.15 : 0.05;
        break;
      }
      case 'entra': {
        const app = ctx.entraApps.length ? rng.pick(ctx.entraApps) : undefined;
        const aud = app?.appId ?? rng.uuid();
        const cond: Obj = { [`${tenantIssuer}:aud`]: aud };
        // Half pin the service principal's object id as subject; the rest trust any token for the audience.
        if (app && rng.chance(0.5)) cond[`${tenantIssuer}:sub`] = app.spId;
        name = `entra-${w.name}`;
        statements = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${tenantIssuer}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: cond } }];
        break;
      }
      case 'okta-oidc': {
        const client = ctx.oktaServiceClientIds.length ? rng.pick(ctx.oktaServiceClientIds) : 'unknown-client';
        name = `okta-client-${w.name}`;
        statements = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${oktaIssuer}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${oktaIssuer}:aud`]: 'api://aws', [`${oktaIssuer}:sub`]: client } } }];
        break;
      }
      case 'okta-saml':
        statements = [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }];
        adminOdds = name.includes('admin') ? 1 : 0.05;
        break;
      case 'anyone-org':
        statements = [assumeRole({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': shared.orgId } })];
        break;
      default:
        statements = [assumeRole({ AWS: '*' })];
    }
    const arn = `arn:aws:iam::${account}:role${path}${name}`;
    const created = rng.range(5, 2200);
    const lastUsed = rng.weighted([['recent', 78], ['stale', 14], ['never', 8]] as const);
    const role: Obj = {
      Path: path,
      RoleName: name,
      RoleId: uid('AROA'),
      Arn: arn,
      CreateDate: a(created),
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements },
      InstanceProfileList: statements.some((s) => (s.Principal as Obj | undefined)?.Service === 'ec2.amazonaws.com')
        ? [{ Path: '/', InstanceProfileName: name, InstanceProfileId: uid('AIPA'), Arn: `arn:aws:iam::${account}:instance-profile/${name}`, CreateDate: a(created), Roles: [] }]
        : [],
      RolePolicyList: kind === 'service-linked' ? [] : inline(name, 0.01),
      AttachedManagedPolicies: attached ?? attachments(adminOdds),
      Tags: rng.chance(0.5) ? [{ Key: 'owner', Value: `${w.team}@${ctx.domain}` }, { Key: 'env', Value: w.env }] : [],
      RoleLastUsed: lastUsed === 'never' ? {} : { LastUsedDate: a(lastUsed === 'recent' ? rng.range(0, 20) : rng.range(91, 700)), Region: 'us-east-1' },
    };
    if (rng.chance(0.03)) {
      const boundary = pool[0];
      role.PermissionsBoundary = { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary.arn };
    }
    roles.push(role);
    roleArns.push(arn);
  };
  for (const r of acct.oktaSamlRoles) addRole('okta-saml', r);
  while (roles.length < acct.roles) addRole(rng.weighted(TRUST_WEIGHTS));
  shared.rolesByAccount.set(account, roleArns.filter((x) => !x.includes('/aws-service-role/') && !x.includes('/aws-reserved/')).slice(0, 200));

  const policies: Obj[] = [];
  for (const p of pool) {
    if (p.attachments === 0 && !rng.chance(0.3)) continue;
    policies.push({
      PolicyName: p.name,
      PolicyId: p.id,
      Arn: p.arn,
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: p.attachments,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: a(p.created),
      UpdateDate: a(p.created),
      PolicyVersionList: [{ Document: p.doc, VersionId: 'v1', IsDefaultVersion: true, CreateDate: a(p.created) }],
    });
  }
  for (const m of managed) {
    const count = managedUse.get(m.name);
    if (!count) continue;
    policies.push({
      PolicyName: m.name,
      PolicyId: m.policyId,
      Arn: m.arn,
      Path: m.path,
      DefaultVersionId: m.versionId,
      AttachmentCount: count,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: m.createDate,
      UpdateDate: m.updateDate,
      PolicyVersionList: [{ Document: m.document, VersionId: m.versionId, IsDefaultVersion: true, CreateDate: m.updateDate }],
    });
  }

  // The aws CLI prints its JSON with four-space indentation.
  ctx.emit(`${dir}/authorization-details.json`, JSON.stringify({ UserDetailList: users, GroupDetailList: groups, RoleDetailList: roles, Policies: policies }, null, 4));
  ctx.emit(`${dir}/credential-report.csv`, report.join('\n') + '\n');
  const audiences = [...new Set(ctx.entraApps.slice(0, 50).map((x) => x.appId))];
  ctx.emit(
    `${dir}/oidc-providers.json`,
    JSON.stringify(
      [
        { Arn: `arn:aws:iam::${account}:oidc-provider/${GITHUB}`, Url: GITHUB, ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'], CreateDate: a(900) },
        { Arn: `arn:aws:iam::${account}:oidc-provider/${tenantIssuer}`, Url: tenantIssuer, ClientIDList: audiences, ThumbprintList: ['436c6b0bbd3424f6e6065dd2457d70a9f0b429d3'], CreateDate: a(400) },
        { Arn: `arn:aws:iam::${account}:oidc-provider/${oktaIssuer}`, Url: oktaIssuer, ClientIDList: ['api://aws'], ThumbprintList: [rng.chars(HEX, 40)], CreateDate: a(300) },
      ],
      null,
      2,
    ),
  );
  ctx.emit(
    `${dir}/saml-providers.json`,
    JSON.stringify(
      [
        { Arn: `arn:aws:iam::${account}:saml-provider/Okta`, CreateDate: a(1000), ValidUntil: a(-36500) },
        { Arn: `arn:aws:iam::${account}:saml-provider/${ssoProvider}`, CreateDate: a(800), ValidUntil: a(-36500) },
      ],
      null,
      2,
    ),
  );
  ctx.emit(`${dir}/rolesanywhere.json`, JSON.stringify(rolesAnywhere(rng, account, roleArns, index, a), null, 2));
  // ListRoles, for the MaxSessionDuration the authorization details lack: every seventh role
  // allows 12-hour sessions. Chosen by position, not drawn, so the rest of the estate keeps its bytes.
  const listed = roles.map((r, i) => ({ Arn: r.Arn, RoleName: r.RoleName, MaxSessionDuration: i % 7 === 3 ? 43200 : 3600 }));
  ctx.emit(`${dir}/list-roles.json`, JSON.stringify({ Roles: listed }, null, 4));
  bump(ctx, 'aws.roles', roles.length);
  bump(ctx, 'aws.users', users.length);
  bump(ctx, 'aws.groups', groups.length);
  bump(ctx, 'aws.policies', policies.length);
}

/** The first account runs a few on-premises workloads through IAM Roles Anywhere. */
function rolesAnywhere(rng: Rng, account: string, roleArns: string[], index: number, a: (d: number) => string): Obj {
  if (index !== 0 || roleArns.length < 10) return { trustAnchors: [], profiles: [] };
  const anchorId = rng.uuid();
  const profileId = rng.uuid();
  return {
    trustAnchors: [{ trustAnchorId: anchorId, trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${account}:trust-anchor/${anchorId}`, name: 'onprem-pki', enabled: true, source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: '(omitted)' } }, createdAt: a(400), updatedAt: a(400) }],
    profiles: [{ profileId, profileArn: `arn:aws:rolesanywhere:us-east-1:${account}:profile/${profileId}`, name: 'onprem-batch', enabled: true, roleArns: rng.sample(roleArns, 3), durationSeconds: 3600, createdAt: a(400), updatedAt: a(400) }],
  };
}
