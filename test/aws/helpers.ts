/** Builders for small GAAD documents used by the AWS tests. */
import { parseAuthorizationDetails, type AccountModel, type ParseAuthzOptions } from '../../src/aws/index.js';

export const ACCT = '111122223333';
export const OTHER_ACCT = '444455556666';

type Doc = Record<string, unknown>;

export const doc = (...Statement: Doc[]): Doc => ({ Version: '2012-10-17', Statement });
export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Doc = {}): Doc => ({ Effect: 'Allow', Action, Resource, ...extra });
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Doc = {}): Doc => ({ Effect: 'Deny', Action, Resource, ...extra });

export const userArn = (name: string, acct = ACCT) => `arn:aws:iam::${acct}:user/${name}`;
export const roleArn = (name: string, acct = ACCT) => `arn:aws:iam::${acct}:role/${name}`;
export const groupArn = (name: string) => `arn:aws:iam::${ACCT}:group/${name}`;
export const policyArn = (name: string) => `arn:aws:iam::${ACCT}:policy/${name}`;
export const awsPolicyArn = (name: string) => `arn:aws:iam::aws:policy/${name}`;

export interface PrincipalSpec {
  inline?: Doc[];
  attached?: string[];
  boundary?: string;
  tags?: Record<string, string>;
}

export function userEntry(name: string, spec: PrincipalSpec & { groups?: string[] } = {}): Doc {
  return {
    Path: '/',
    UserName: name,
    UserId: `AIDA${name.toUpperCase().padEnd(16, 'X')}`,
    Arn: userArn(name),
    CreateDate: '2024-01-01T00:00:00Z',
    UserPolicyList: (spec.inline ?? []).map((d, i) => ({ PolicyName: `inline-${i}`, PolicyDocument: d })),
    GroupList: spec.groups ?? [],
    AttachedManagedPolicies: (spec.attached ?? []).map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn })),
    ...(spec.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: spec.boundary } } : {}),
    Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  };
}

export function roleEntry(name: string, trust: Doc, spec: PrincipalSpec & { instanceProfile?: boolean } = {}): Doc {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(16, 'X')}`,
    Arn: roleArn(name),
    CreateDate: '2024-01-01T00:00:00Z',
    AssumeRolePolicyDocument: trust,
    InstanceProfileList: spec.instanceProfile
      ? [{ Path: '/', InstanceProfileName: `${name}-profile`, InstanceProfileId: 'AIPAEXAMPLE', Arn: `arn:aws:iam::${ACCT}:instance-profile/${name}-profile`, CreateDate: '2024-01-01T00:00:00Z', Roles: [] }]
      : [],
    RolePolicyList: (spec.inline ?? []).map((d, i) => ({ PolicyName: `inline-${i}`, PolicyDocument: d })),
    AttachedManagedPolicies: (spec.attached ?? []).map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn })),
    ...(spec.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: spec.boundary } } : {}),
    Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    RoleLastUsed: {},
  };
}

export function groupEntry(name: string, spec: PrincipalSpec = {}): Doc {
  return {
    Path: '/',
    GroupName: name,
    GroupId: `AGPA${name.toUpperCase().padEnd(16, 'X')}`,
    Arn: groupArn(name),
    CreateDate: '2024-01-01T00:00:00Z',
    GroupPolicyList: (spec.inline ?? []).map((d, i) => ({ PolicyName: `inline-${i}`, PolicyDocument: d })),
    AttachedManagedPolicies: (spec.attached ?? []).map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn })),
  };
}

export function managedEntry(arn: string, document: Doc): Doc {
  return {
    PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
    PolicyId: 'ANPAEXAMPLE',
    Arn: arn,
    Path: '/',
    DefaultVersionId: 'v2',
    AttachmentCount: 1,
    IsAttachable: true,
    CreateDate: '2024-01-01T00:00:00Z',
    UpdateDate: '2024-01-01T00:00:00Z',
    PolicyVersionList: [
      { Document: doc(allow('s3:ListBucket')), VersionId: 'v1', IsDefaultVersion: false, CreateDate: '2024-01-01T00:00:00Z' },
      { Document: document, VersionId: 'v2', IsDefaultVersion: true, CreateDate: '2024-01-01T00:00:00Z' },
    ],
  };
}

export const trustAccount = (acct = ACCT): Doc => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' });
export const trustPrincipal = (arn: string, extra: Doc = {}): Doc => doc({ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:AssumeRole', ...extra });
export const trustService = (service: string): Doc => doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });
/** Trusts the account and lets it pass session tags (sts:TagSession): a session's aws:PrincipalTag values are not known. */
export const trustTagging = (acct = ACCT): Doc => doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] });

export function gaad(parts: { users?: Doc[]; groups?: Doc[]; roles?: Doc[]; policies?: Doc[] }): Doc {
  return {
    UserDetailList: parts.users ?? [],
    GroupDetailList: parts.groups ?? [],
    RoleDetailList: parts.roles ?? [],
    Policies: parts.policies ?? [],
  };
}

export const ADMIN_DOC = doc(allow('*'));

/** A model whose AWS managed policies come from a tiny built-in library (AdministratorAccess etc.). */
export function model(parts: Parameters<typeof gaad>[0], options: ParseAuthzOptions = {}): AccountModel {
  return parseAuthorizationDetails(gaad(parts), {
    awsManagedPolicies: {
      AdministratorAccess: ADMIN_DOC,
      IAMFullAccess: doc(allow('iam:*')),
      ReadOnlyAccess: doc(allow(['s3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'ec2:Describe*'])),
      ...options.awsManagedPolicies,
    },
  });
}
