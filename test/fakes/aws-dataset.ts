/**
 * Synthetic IAM data for one fake AWS account, in the field names the real API uses. Policy
 * documents are plain objects here; the fake URL-encodes them on the wire.
 */

export type Wire = Record<string, unknown>;

/** Everything the fake serves for one account. */
export interface FakeAwsAccount {
  accountId: string;
  name: string;
  /** Organizations account state; only ACTIVE accounts should be scanned with `accounts: 'all'`. */
  state: 'ACTIVE' | 'SUSPENDED' | 'CLOSED';
  users: Wire[];
  groups: Wire[];
  roles: Wire[];
  policies: Wire[];
  oidcProviders: Array<{ Arn: string; Url: string; ClientIDList: string[]; ThumbprintList: string[]; CreateDate: Date }>;
  samlProviders: Array<{ Arn: string; ValidUntil: Date; CreateDate: Date }>;
  credentialReportCsv: string;
  trustAnchors: Wire[];
  profiles: Wire[];
  /**
   * Role ARN -> MaxSessionDuration (seconds), which ListRoles returns and the authorization
   * details do not; a role not listed has IAM's default, 3600.
   */
  roleSessions?: Record<string, number>;
  /**
   * The organisation DescribeOrganization names for this account (default FAKE_ORG_ID, that of
   * ListAccounts); null: the account is in none (AWSOrganizationsNotInUseException).
   */
  organizationId?: string | null;
}

/** The organisation every fake account is in unless it says otherwise. */
export const FAKE_ORG_ID = 'o-fakeorg0001';

export interface DatasetSize {
  users?: number;
  groups?: number;
  roles?: number;
  policies?: number;
  oidcProviders?: number;
  samlProviders?: number;
  trustAnchors?: number;
  profiles?: number;
}

const day = (n: number): Date => new Date(Date.UTC(2024, 0, 1 + n));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function buildAccount(accountId: string, size: DatasetSize = {}, name = `acct-${accountId}`): FakeAwsAccount {
  const n = { users: 3, groups: 1, roles: 3, policies: 2, oidcProviders: 1, samlProviders: 1, trustAnchors: 1, profiles: 1, ...size };
  const arn = (kind: string, id: string): string => `arn:aws:iam::${accountId}:${kind}/${id}`;

  const policies: Wire[] = Array.from({ length: n.policies }, (_, i) => ({
    PolicyName: `custom-${i}`,
    PolicyId: `ANPA${accountId}${pad(i, 6)}`,
    Arn: arn('policy', `custom-${i}`),
    Path: '/',
    DefaultVersionId: 'v2',
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: day(i),
    UpdateDate: day(i + 1),
    PolicyVersionList: [
      {
        Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${i}/*` }] },
        VersionId: 'v2',
        IsDefaultVersion: true,
        CreateDate: day(i + 1),
      },
      {
        Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
        VersionId: 'v1',
        IsDefaultVersion: false,
        CreateDate: day(i),
      },
    ],
  }));

  const groups: Wire[] = Array.from({ length: n.groups }, (_, i) => ({
    Path: '/',
    GroupName: `group-${i}`,
    GroupId: `AGPA${accountId}${pad(i, 6)}`,
    Arn: arn('group', `group-${i}`),
    CreateDate: day(i),
    GroupPolicyList: [{ PolicyName: 'inline-read', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }] } }],
    AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
  }));

  const users: Wire[] = Array.from({ length: n.users }, (_, i) => ({
    Path: '/',
    UserName: `svc-user-${i}`,
    UserId: `AIDA${accountId}${pad(i, 6)}`,
    Arn: arn('user', `svc-user-${i}`),
    CreateDate: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, i % 2 === 1 ? 250 : 0)),
    UserPolicyList: [
      {
        PolicyName: 'inline-admin',
        // A percent sign and an ampersand inside the document check that decoding is done exactly once.
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'pct%and&amp', Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    ],
    GroupList: n.groups > 0 ? ['group-0'] : [],
    AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    Tags: [{ Key: 'team', Value: 'platform' }],
  }));

  const roles: Wire[] = Array.from({ length: n.roles }, (_, i) => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': `repo:acme/app-${i}:*` } },
        },
      ],
    };
    return {
      Path: '/',
      RoleName: `role-${i}`,
      RoleId: `AROA${accountId}${pad(i, 6)}`,
      Arn: arn('role', `role-${i}`),
      CreateDate: day(i),
      AssumeRolePolicyDocument: trust,
      InstanceProfileList: [
        {
          Path: '/',
          InstanceProfileName: `profile-${i}`,
          InstanceProfileId: `AIPA${accountId}${pad(i, 6)}`,
          Arn: arn('instance-profile', `profile-${i}`),
          CreateDate: day(i),
          Roles: [{ Path: '/', RoleName: `role-${i}`, RoleId: `AROA${accountId}${pad(i, 6)}`, Arn: arn('role', `role-${i}`), CreateDate: day(i), AssumeRolePolicyDocument: trust }],
        },
      ],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
      Tags: [],
      RoleLastUsed: i === 0 ? { LastUsedDate: new Date(Date.UTC(2024, 4, 1, 12)), Region: 'us-east-1' } : {},
    };
  });

  const csvHeader =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
    'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
    'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
    'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const csvRows = [
    `<root_account>,arn:aws:iam::${accountId}:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    ...users.map(
      (u) =>
        `${u.UserName as string},${u.Arn as string},2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-01-02T00:00:00+00:00,2024-06-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
    ),
  ];

  return {
    accountId,
    name,
    state: 'ACTIVE',
    users,
    groups,
    roles,
    policies,
    // Every other role allows 12-hour sessions (ListRoles only), the rest IAM's default.
    roleSessions: Object.fromEntries(roles.map((r, i) => [r.Arn as string, i % 2 === 1 ? 43200 : 3600])),
    oidcProviders: Array.from({ length: n.oidcProviders }, (_, i) => {
      const host = i === 0 ? 'token.actions.githubusercontent.com' : `oidc-${i}.example.com`;
      return {
        Arn: `arn:aws:iam::${accountId}:oidc-provider/${host}`,
        Url: host,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
        CreateDate: day(10 + i),
      };
    }),
    samlProviders: Array.from({ length: n.samlProviders }, (_, i) => ({
      Arn: `arn:aws:iam::${accountId}:saml-provider/idp-${i}`,
      ValidUntil: day(3000),
      CreateDate: day(20 + i),
    })),
    credentialReportCsv: [csvHeader, ...csvRows].join('\n') + '\n',
    trustAnchors: Array.from({ length: n.trustAnchors }, (_, i) => ({
      trustAnchorId: `ta-${accountId}-${i}`,
      trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${accountId}:trust-anchor/ta-${i}`,
      name: `anchor-${i}`,
      enabled: true,
      source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } },
      createdAt: day(30).toISOString(),
      updatedAt: day(31).toISOString(),
    })),
    profiles: Array.from({ length: n.profiles }, (_, i) => ({
      profileId: `prof-${accountId}-${i}`,
      profileArn: `arn:aws:rolesanywhere:us-east-1:${accountId}:profile/prof-${i}`,
      name: `profile-${i}`,
      enabled: true,
      roleArns: [arn('role', 'role-0')],
      managedPolicyArns: [],
      durationSeconds: 3600,
      requireInstanceProperties: false,
      createdBy: arn('user', 'admin'),
      createdAt: day(32).toISOString(),
      updatedAt: day(33).toISOString(),
    })),
  };
}

/** Items in the order the fake pages them out for GetAccountAuthorizationDetails. */
export function authorizationItemCount(account: FakeAwsAccount): number {
  return account.users.length + account.groups.length + account.roles.length + account.policies.length;
}

/** What a perfect collector must send for one account (the caller's own), and its longest chain. */
export interface AwsMinimumPlan {
  requests: number;
  /**
   * Requests that must follow each other: the authorization-details pages (each needs the
   * previous page's Marker). GetCallerIdentity, the credential report, the federation providers,
   * Roles Anywhere and the ListRoles pages (a shorter chain) need no answer from that chain and
   * can run beside it.
   */
  criticalPath: number;
}

/**
 * GetCallerIdentity, every GetAccountAuthorizationDetails page (`pageSize` items each, as the
 * fake serves them), GenerateCredentialReport until COMPLETE plus GetCredentialReport, the OIDC
 * provider list plus one Get per provider, the SAML provider list, the Roles Anywhere trust
 * anchor and profile pages, and every ListRoles page (`listRolesPageSize` roles each, by default
 * `pageSize`, as the fake serves them) for the roles' MaxSessionDuration, and DescribeOrganization.
 */
export function awsMinimumPlan(
  account: FakeAwsAccount,
  opts: { pageSize: number; reportInProgressPolls?: number; rolesAnywherePageSize?: number; listRolesPageSize?: number },
): AwsMinimumPlan {
  const pages = (n: number, size: number): number => Math.max(1, Math.ceil(n / size));
  const gaadPages = pages(authorizationItemCount(account), opts.pageSize);
  const report = (opts.reportInProgressPolls ?? 0) + 1 + 1;
  const federation = 1 + account.oidcProviders.length + 1;
  const raPage = opts.rolesAnywherePageSize ?? 50;
  const rolesAnywhere = pages(account.trustAnchors.length, raPage) + pages(account.profiles.length, raPage);
  // A chain of its own beside the authorization details (each page needs the previous Marker);
  // never longer, since every role is also an authorization-details item.
  const listRoles = pages(account.roles.length, opts.listRolesPageSize ?? opts.pageSize);
  const organization = 1;
  return { requests: 1 + gaadPages + report + federation + rolesAnywhere + listRoles + organization, criticalPath: Math.max(gaadPages, listRoles) };
}
