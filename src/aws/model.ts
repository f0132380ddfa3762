/**
 * The typed, indexed model of one AWS account's IAM configuration, as read from
 * `aws iam get-account-authorization-details`. Principals are keyed by ARN everywhere.
 */
import type { PolicyDocument } from './policy/document.js';

/**
 * A policy document as the model holds it: parsed, or recorded as unusable with the place in
 * the input file and the problem. Unusable policies make the affected questions `unknown`.
 */
export type PolicyBody =
  | { ok: true; document: PolicyDocument }
  | { ok: false; location: string; problem: string };

/** An inline policy of a user, group or role. `location` is its JSON path in the input. */
export interface InlinePolicy {
  name: string;
  location: string;
  body: PolicyBody;
}

/** A reference to a managed policy (attachment or permissions boundary). */
export interface PolicyRef {
  arn: string;
  name: string;
}

/** A managed policy with its default version's document. */
export interface ManagedPolicy {
  arn: string;
  name: string;
  id?: string;
  path?: string;
  /** True for `arn:<partition>:iam::aws:policy/...` (cannot be edited by the account). */
  awsManaged: boolean;
  defaultVersionId?: string;
  attachmentCount?: number;
  createDate?: string;
  updateDate?: string;
  /** Where the document came from: the input's `Policies[i]`, a supplied library, or nowhere. */
  origin: 'file' | 'library' | 'missing';
  location: string;
  body: PolicyBody;
}

interface PrincipalBase {
  arn: string;
  name: string;
  id?: string;
  path?: string;
  createDate?: string;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: PolicyRef[];
  tags: Record<string, string>;
  /** A Tags entry could not be read (recorded as an issue): an owner tag may be missing. */
  tagsIncomplete?: boolean;
  /**
   * Entries of `GroupList` or `AttachedManagedPolicies` that could not be read: a group or a
   * managed policy whose grants are unknown, so the answers that depend on them are unknown.
   */
  unreadRefs?: ParseIssue[];
  /** JSON path of the entry in the input file. */
  location: string;
}

export interface IamUser extends PrincipalBase {
  kind: 'user';
  /** Group names as listed in `GroupList`. */
  groupNames: string[];
  /** ARNs of the groups found in `GroupDetailList`. */
  groupArns: string[];
  permissionsBoundary?: PolicyRef;
  /** A `PermissionsBoundary` that is there but cannot be read: a boundary of unknown content. */
  unreadBoundary?: ParseIssue;
  /** Only present when the input has it (GAAD itself does not return it; ListUsers does). */
  passwordLastUsed?: string;
}

export interface IamGroup extends PrincipalBase {
  kind: 'group';
}

export interface InstanceProfileRef {
  arn: string;
  name: string;
  id?: string;
}

export interface IamRole extends PrincipalBase {
  kind: 'role';
  trustPolicy: PolicyBody;
  /** `undefined` = not in the input; `{}` = present but never used. */
  roleLastUsed?: { lastUsedDate?: string; region?: string };
  instanceProfiles: InstanceProfileRef[];
  /**
   * `InstanceProfileList` entries that cannot be read: the role may be in an instance profile the
   * file does not name, so routes through an instance of that role are undecided, not absent.
   */
  unreadInstanceProfiles?: ParseIssue[];
  permissionsBoundary?: PolicyRef;
  /** A `PermissionsBoundary` that is there but cannot be read: a boundary of unknown content. */
  unreadBoundary?: ParseIssue;
  description?: string;
  maxSessionDuration?: number;
}

/** A principal that can make requests (users and roles). */
export type IamPrincipal = IamUser | IamRole;

/** A policy that could not be used, for reporting and for `unknown` answers. */
export interface UnparseablePolicy {
  /** ARN of the user, group or role it belongs to, or of the managed policy. */
  owner: string;
  policyName: string;
  location: string;
  problem: string;
}

/** A problem with one entry of the input that made the parser skip or degrade it. */
export interface ParseIssue {
  location: string;
  problem: string;
}

export interface AccountModel {
  /** Taken from the ARNs in the file; undefined when the file holds no account ARN. */
  accountId?: string;
  partition: string;
  users: Map<string, IamUser>;
  groups: Map<string, IamGroup>;
  roles: Map<string, IamRole>;
  /** Managed policies by ARN, including referenced ones whose document is missing (origin `missing`). */
  policies: Map<string, ManagedPolicy>;
  groupsByName: Map<string, IamGroup>;
  /** Group ARN -> member user ARNs. */
  membersByGroup: Map<string, string[]>;
  /** Managed policy ARN -> ARNs of the users, groups and roles it is attached to. */
  attachmentsByPolicy: Map<string, string[]>;
  unparseablePolicies: UnparseablePolicy[];
  issues: ParseIssue[];
  /**
   * The organisation the account is in, from the snapshot's organization.json (not from the
   * authorization details): its id, null when the account is in no organisation, undefined when
   * it was not read. It fixes the aws:PrincipalOrgID of every principal of the account.
   */
  organizationId?: string | null;
}

/** A model with nothing in it yet. */
export function emptyAccountModel(): AccountModel {
  return {
    partition: 'aws',
    users: new Map(),
    groups: new Map(),
    roles: new Map(),
    policies: new Map(),
    groupsByName: new Map(),
    membersByGroup: new Map(),
    attachmentsByPolicy: new Map(),
    unparseablePolicies: [],
    issues: [],
  };
}

/** Users and roles of the model, in input order. */
export function principalsOf(model: AccountModel): IamPrincipal[] {
  return [...model.users.values(), ...model.roles.values()];
}

/** Finds a user or role by ARN. */
export function principalByArn(model: AccountModel, arn: string): IamPrincipal | undefined {
  return model.users.get(arn) ?? model.roles.get(arn);
}
