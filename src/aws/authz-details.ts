/**
 * Parses the output of `aws iam get-account-authorization-details` (policy documents as JSON
 * objects) and the raw API form (documents as URL-encoded JSON strings) into an AccountModel.
 *
 * A structurally wrong file (not an object, lists that are not arrays or are null, `Tags: null`,
 * a user, group or role entry without its Arn or name) throws AuthzDetailsError with a JSON path. A single bad policy
 * document never fails the file: it is recorded in `unparseablePolicies` and answers about its
 * owner become `unknown`; so does a group, managed policy or permissions boundary reference that
 * cannot be read. An instance profile entry that cannot be read is kept on its role as unread
 * (`unreadInstanceProfiles`). An ARN listed twice keeps its first entry, with an issue. One page of a paged answer (IsTruncated,
 * Marker, NextToken) is not the account and is refused.
 */
import type {
  AccountModel,
  IamGroup,
  IamRole,
  IamUser,
  InlinePolicy,
  InstanceProfileRef,
  ManagedPolicy,
  ParseIssue,
  PolicyBody,
  PolicyRef,
  UnparseablePolicy,
} from './model.js';
import { emptyAccountModel } from './model.js';
import { parsePolicyDocument, type DocumentKind, type PolicyDocument } from './policy/document.js';
import { parseProviderInstant } from '../iso-date.js';
// IAM promises no order for the four lists: they are read in ARN order (inFieldOrder).
import { inFieldOrder } from '../snapshot/shape.js';

/** A structural problem with the input; `location` is a JSON path such as `RoleDetailList[3]`. */
export class AuthzDetailsError extends Error {
  constructor(
    readonly location: string,
    readonly problem: string,
  ) {
    super(location ? `${location}: ${problem}` : problem);
    this.name = 'AuthzDetailsError';
  }
}

export interface ParseAuthzOptions {
  /**
   * AWS managed policy documents by policy name (the shape of a published corpus such as
   * `{ "ReadOnlyAccess": {...} }`), used for attached AWS managed policies that the file does not
   * include (e.g. when it was collected with `--filter` without `AWSManagedPolicy`).
   */
  awsManagedPolicies?: Record<string, unknown>;
  /**
   * Parsed AWS managed policy documents shared between the accounts of one scan, by document
   * text. Every account lists the same AWS managed policies; with one parsed document per text,
   * each is parsed and compiled (with its per-action statement index) once per scan instead of
   * once per account.
   */
  sharedDocuments?: Map<string, PolicyDocument>;
  /**
   * The input is a value already parsed from a file (a snapshot's), never JSON text: a file that
   * holds a lone JSON string is then the wrong shape, not text to parse a second time (which
   * named valid JSON invalid and quoted the file's text in the error).
   */
  parsed?: boolean;
}

type Obj = Record<string, unknown>;

/**
 * Refuses one page of a paged answer. GetAccountAuthorizationDetails pages its answer:
 * `IsTruncated: true` with a `Marker` naming the next page (IAM API Reference). The aws CLI follows
 * the Markers and prints the merged lists without them, but prints a single page with
 * `--no-paginate`, and adds a `NextToken` when `--max-items` cut the listing short; the collector
 * merges every page and writes none of these. Read as the account, such a page would make the
 * principals of the pages after it (and their findings) pass for absent ones, so it is malformed
 * input, as a Graph file with an `@odata.nextLink` is (docs/snapshot-format.md).
 */
function refuseOnePage(root: Obj): void {
  const more = 'one page of GetAccountAuthorizationDetails, not the whole account: merge every page into one file (the aws CLI does unless given --no-paginate or --max-items)';
  // Anything but an absent or false IsTruncated is taken as "more to come".
  if (root.IsTruncated !== undefined && root.IsTruncated !== null && root.IsTruncated !== false) throw new AuthzDetailsError('IsTruncated', more);
  for (const field of ['Marker', 'NextToken']) if (typeof root[field] === 'string' && root[field] !== '') throw new AuthzDetailsError(field, more);
}

const ARN_ACCOUNT = /^arn:([^:]+):iam::(\d{12}):/;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * A date field. One that is present but not a date (an empty or garbled string) is recorded as
 * an issue, shown as a warning, and treated as absent, so rules that need it answer unknown.
 */
function date(v: unknown, location: string, issues: AccountModel['issues']): string | undefined {
  if (v === undefined || v === null) return undefined;
  // Checked as the transform will read it: ISO-8601, or a date that names its zone.
  if (typeof v === 'string' && !Number.isNaN(parseProviderInstant(v))) return v;
  // The JS SDK returns Date objects when the model is built from an in-memory response.
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
  issues.push({ location, problem: 'expected a date; ignored' });
  return undefined;
}

/**
 * An optional string field. One of another type is recorded as an issue (a warning) and treated
 * as absent, so that what depends on it reads as not collected rather than silently changed.
 */
function optStr(entry: Obj, field: string, at: string, issues: AccountModel['issues']): string | undefined {
  const v = entry[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  issues.push({ location: `${at}.${field}`, problem: 'expected a string; ignored' });
  return undefined;
}

/**
 * A list field: absent reads as empty, an array as itself. Anything else, `null` included, is
 * refused: neither the aws CLI nor the collector writes null for a list (the SDK leaves a list
 * it did not receive out, and an empty one is `[]`), so a null is a damaged or edited file, and
 * read as empty it would drop principals, policies or attachments and pass their checks.
 */
function list(parent: Obj, field: string, at: string): unknown[] {
  const v = parent[field];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new AuthzDetailsError(at ? `${at}.${field}` : field, v === null ? 'expected an array, not null' : 'expected an array');
  return v;
}

/**
 * A user's or role's tags. Absent reads as none. `null` is refused like a null list (see
 * `list()`): neither the aws CLI nor the collector writes it, and read as "no tags" it would turn
 * an owner tag into a missing one and an `aws:PrincipalTag` condition into a known answer. A
 * non-array, or an entry that is not {Key, Value}, is an issue and leaves the tags incomplete.
 */
function tags(entry: Obj, at: string, issues: AccountModel['issues']): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = entry.Tags;
  if (raw === undefined) return out;
  if (raw === null) throw new AuthzDetailsError(`${at}.Tags`, 'expected an array, not null');
  if (!Array.isArray(raw)) {
    issues.push({ location: `${at}.Tags`, problem: 'expected an array of {Key, Value}' });
    return out;
  }
  raw.forEach((t, i) => {
    if (isObj(t) && typeof t.Key === 'string' && typeof t.Value === 'string') out[t.Key] = t.Value;
    else issues.push({ location: `${at}.Tags[${i}]`, problem: 'expected {Key, Value} strings' });
  });
  return out;
}

/** The tags, and `tagsIncomplete` when an entry could not be read. */
function tagsOf(entry: Obj, at: string, issues: AccountModel['issues']): { tags: Record<string, string>; tagsIncomplete?: boolean } {
  const before = issues.length;
  const t = tags(entry, at, issues);
  return issues.length > before ? { tags: t, tagsIncomplete: true } : { tags: t };
}

function body(raw: unknown, location: string, kind: DocumentKind): PolicyBody {
  if (raw === undefined || raw === null) return { ok: false, location, problem: 'policy document is missing' };
  const r = parsePolicyDocument(raw, kind);
  if (r.ok) return { ok: true, document: r.document };
  return { ok: false, location: r.error.path ? `${location}.${r.error.path}` : location, problem: r.error.problem };
}

/** An AWS managed policy's body, reusing an equal document already parsed for another account. */
function sharedBody(ctx: Ctx, arn: string, raw: unknown, location: string): PolicyBody {
  if (!ctx.shared || !AWS_MANAGED.test(arn) || raw === undefined || raw === null) return body(raw, location, 'identity');
  // Equal text, equal document: the key is the document itself, never the ARN alone.
  const key = typeof raw === 'string' ? `s${raw}` : `o${JSON.stringify(raw)}`;
  const hit = ctx.shared.get(key);
  if (hit) return { ok: true, document: hit };
  const b = body(raw, location, 'identity');
  if (b.ok) ctx.shared.set(key, b.document);
  return b;
}

const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

/**
 * RoleLastUsed: an empty object means never used; a date that cannot be read means we do not
 * know, so the role is treated as if last use was not collected (never as "never used").
 */
function roleLastUsed(v: unknown, at: string, issues: AccountModel['issues']): IamRole['roleLastUsed'] {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) {
    issues.push({ location: `${at}.RoleLastUsed`, problem: 'expected an object with LastUsedDate and Region; last use unknown' });
    return undefined;
  }
  const lastUsedDate = date(v.LastUsedDate, `${at}.RoleLastUsed.LastUsedDate`, issues);
  if (lastUsedDate === undefined && v.LastUsedDate !== undefined && v.LastUsedDate !== null) return undefined;
  return { lastUsedDate, region: optStr(v, 'Region', `${at}.RoleLastUsed`, issues) };
}

/** MaxSessionDuration in seconds; a value that is not a number is an issue and counts as not collected. */
function maxSession(entry: Obj, at: string, issues: AccountModel['issues']): number | undefined {
  const v = entry.MaxSessionDuration;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  issues.push({ location: `${at}.MaxSessionDuration`, problem: 'expected a number of seconds; ignored' });
  return undefined;
}

interface Ctx {
  shared?: Map<string, PolicyDocument>;
  issues: AccountModel['issues'];
  unparseable: UnparseablePolicy[];
  accounts: Map<string, string>;
}

function noteArn(ctx: Ctx, arn: string): void {
  const m = ARN_ACCOUNT.exec(arn);
  if (m && !ctx.accounts.has(m[2])) ctx.accounts.set(m[2], m[1]);
}

function inlinePolicies(entry: Obj, field: string, at: string, owner: string, ctx: Ctx): InlinePolicy[] {
  return list(entry, field, at).flatMap((p, i): InlinePolicy[] => {
    const loc = `${at}.${field}[${i}]`;
    if (!isObj(p) || typeof p.PolicyName !== 'string') {
      ctx.issues.push({ location: loc, problem: 'expected {PolicyName, PolicyDocument}' });
      ctx.unparseable.push({ owner, policyName: '?', location: loc, problem: 'inline policy entry is malformed' });
      // Kept as an unusable policy so that the owner's answers become unknown, not "no access".
      return [{ name: '?', location: loc, body: { ok: false, location: loc, problem: 'inline policy entry is malformed' } }];
    }
    const b = body(p.PolicyDocument, `${loc}.PolicyDocument`, 'identity');
    if (!b.ok) ctx.unparseable.push({ owner, policyName: p.PolicyName, location: b.location, problem: b.problem });
    return [{ name: p.PolicyName, location: loc, body: b }];
  });
}

/**
 * A group or managed policy that an entry names in a form that cannot be read. Dropped, it would
 * read as "not attached" and close findings; kept on the owner, its grants are unknown (as for a
 * group name missing from GroupDetailList), with a warning and a coverage record.
 */
function unreadRef(ctx: Ctx, owner: string, unread: ParseIssue[], location: string, policyName: string, problem: string): void {
  ctx.issues.push({ location, problem });
  ctx.unparseable.push({ owner, policyName, location, problem });
  unread.push({ location, problem });
}

function policyRefs(entry: Obj, at: string, owner: string, unread: ParseIssue[], ctx: Ctx): PolicyRef[] {
  return list(entry, 'AttachedManagedPolicies', at).flatMap((p, i) => {
    if (isObj(p) && typeof p.PolicyArn === 'string') {
      return [{ arn: p.PolicyArn, name: str(p.PolicyName) ?? p.PolicyArn.slice(p.PolicyArn.lastIndexOf('/') + 1) }];
    }
    const name = (isObj(p) && str(p.PolicyName)) || `AttachedManagedPolicies[${i}]`;
    unreadRef(ctx, owner, unread, `${at}.AttachedManagedPolicies[${i}]`, name, 'expected {PolicyName, PolicyArn}; what the policy grants is unknown');
    return [];
  });
}

/** The unread references of an entry, when there are any (the field is absent otherwise). */
function unreadOf(unread: ParseIssue[]): { unreadRefs?: ParseIssue[] } {
  return unread.length > 0 ? { unreadRefs: unread } : {};
}

/**
 * Whether an entry repeats the ARN of an earlier one of the same list. IAM lists each ARN once;
 * a repeat (pages merged twice, a hand-edited file) is skipped with a warning so that the result
 * does not depend on which copy comes last, as the Entra and Okta readers do ("first one kept").
 */
function repeated(first: { location: string } | undefined, arn: string, at: string, ctx: Ctx): boolean {
  if (!first) return false;
  ctx.issues.push({ location: at, problem: `duplicate ARN ${arn} (first at ${first.location}); first one kept` });
  return true;
}

/**
 * The permissions boundary of a user or role. One that is present but not
 * `{PermissionsBoundaryArn}` is still a boundary: ignored, it would widen what the owner may do
 * and hide the cap from the answers; kept as unread, the answers it caps are unknown (as for a
 * boundary whose document is not in the file), with a warning and a coverage record.
 */
function boundary(entry: Obj, at: string, owner: string, ctx: Ctx): { permissionsBoundary?: PolicyRef; unreadBoundary?: ParseIssue } {
  const b = entry.PermissionsBoundary;
  if (b === undefined || b === null) return {};
  if (isObj(b) && typeof b.PermissionsBoundaryArn === 'string') {
    const arn = b.PermissionsBoundaryArn;
    return { permissionsBoundary: { arn, name: arn.slice(arn.lastIndexOf('/') + 1) } };
  }
  const unread: ParseIssue[] = [];
  unreadRef(ctx, owner, unread, `${at}.PermissionsBoundary`, 'PermissionsBoundary', 'expected {PermissionsBoundaryArn}; what the permissions boundary allows is unknown');
  return { unreadBoundary: unread[0] };
}

/**
 * The instance profiles of a role. An entry without a string Arn still says the role is in some
 * instance profile: dropped, a role whose only entry it is would read as having none, and the
 * routes through an EC2 instance running as that role would vanish. It is kept as unread, with a
 * warning and a coverage record, and those routes become undecided.
 */
function instanceProfiles(entry: Obj, at: string, ctx: Ctx): { instanceProfiles: InstanceProfileRef[]; unreadInstanceProfiles?: ParseIssue[] } {
  const unread: ParseIssue[] = [];
  const refs = list(entry, 'InstanceProfileList', at).flatMap((p, i): InstanceProfileRef[] => {
    const location = `${at}.InstanceProfileList[${i}]`;
    if (isObj(p) && typeof p.Arn === 'string') {
      const name = optStr(p, 'InstanceProfileName', location, ctx.issues) ?? p.Arn.slice(p.Arn.lastIndexOf('/') + 1);
      return [{ arn: p.Arn, name, id: optStr(p, 'InstanceProfileId', location, ctx.issues) }];
    }
    const problem = 'expected an instance profile with an Arn; routes through an instance of this role are undecided';
    ctx.issues.push({ location, problem });
    unread.push({ location, problem });
    return [];
  });
  return unread.length > 0 ? { instanceProfiles: refs, unreadInstanceProfiles: unread } : { instanceProfiles: refs };
}

/**
 * The account the parser takes the file to be of (AccountModel.accountId): that of the first ARN
 * naming a 12-digit account, in the order the parser notes them (each managed policy it reads,
 * then groups, users, roles). The scan refuses the file when it is not the account folder's, so
 * the collector checks it before writing the file. Entries the parser refuses are not looked at
 * (the collector has refused those already).
 */
export function firstArnAccount(root: Record<string, unknown>): string | undefined {
  for (const [field, nameField] of [
    ['Policies', 'PolicyName'],
    ['GroupDetailList', 'GroupName'],
    ['UserDetailList', 'UserName'],
    ['RoleDetailList', 'RoleName'],
  ] as const) {
    const entries = root[field];
    if (!Array.isArray(entries)) continue;
    for (const e of entries) {
      if (!isObj(e) || typeof e.Arn !== 'string' || typeof e[nameField] !== 'string') continue;
      const m = ARN_ACCOUNT.exec(e.Arn);
      if (m) return m[2];
    }
  }
  return undefined;
}

/** The field that names each entry of the user, group and role lists (see identityProblem). */
export const IDENTITY_NAME_FIELDS = { UserDetailList: 'UserName', GroupDetailList: 'GroupName', RoleDetailList: 'RoleName' } as const;

/**
 * Why the parser refuses a user, group or role entry (see identity): the field at fault, if any,
 * and the problem; undefined when it reads the entry. The collector runs it on every entry of
 * every page, so that such an answer is a failed read instead of a file the scan refuses whole.
 */
export function identityProblem(entry: unknown, nameField: string): { field?: string; problem: string } | undefined {
  if (!isObj(entry)) return { problem: 'expected an object' };
  if (!str(entry.Arn)) return { field: 'Arn', problem: 'expected a non-empty string (IAM always returns the ARN)' };
  if (!str(entry[nameField])) return { field: nameField, problem: `expected a non-empty string (IAM always returns the ${nameField})` };
  return undefined;
}

/**
 * Required identity fields of a user/group/role entry. IAM always returns the entry's Arn and
 * name (GetAccountAuthorizationDetails, UserDetail/GroupDetail/RoleDetail), so an entry without
 * them is a corrupt export: skipped, its identity and findings would vanish (and read as resolved
 * against a baseline), so the file is rejected instead, naming the field.
 */
function identity(raw: unknown, at: string, nameField: string, idField: string, ctx: Ctx) {
  const refused = identityProblem(raw, nameField);
  if (refused) throw new AuthzDetailsError(refused.field ? `${at}.${refused.field}` : at, refused.problem);
  const entry = raw as Obj;
  const arn = entry.Arn as string;
  const name = entry[nameField] as string;
  noteArn(ctx, arn);
  return { entry, arn, name, id: optStr(entry, idField, at, ctx.issues), path: optStr(entry, 'Path', at, ctx.issues), createDate: date(entry.CreateDate, `${at}.CreateDate`, ctx.issues) };
}

function managedPolicy(entry: unknown, at: string, ctx: Ctx): ManagedPolicy | undefined {
  if (!isObj(entry) || typeof entry.Arn !== 'string' || typeof entry.PolicyName !== 'string') {
    ctx.issues.push({ location: at, problem: 'expected a managed policy with Arn and PolicyName; skipped' });
    return undefined;
  }
  const arn = entry.Arn;
  noteArn(ctx, arn);
  const defaultVersionId = str(entry.DefaultVersionId);
  const versions = list(entry, 'PolicyVersionList', at);
  let idx = versions.findIndex((v) => isObj(v) && v.IsDefaultVersion === true);
  if (idx < 0 && defaultVersionId) idx = versions.findIndex((v) => isObj(v) && v.VersionId === defaultVersionId);
  const location = idx >= 0 ? `${at}.PolicyVersionList[${idx}].Document` : `${at}.PolicyVersionList`;
  const b: PolicyBody =
    idx >= 0 ? sharedBody(ctx, arn, (versions[idx] as Obj).Document, location) : { ok: false, location, problem: 'no default policy version in the file' };
  if (!b.ok) ctx.unparseable.push({ owner: arn, policyName: entry.PolicyName, location: b.location, problem: b.problem });
  return {
    arn,
    name: entry.PolicyName,
    id: optStr(entry, 'PolicyId', at, ctx.issues),
    path: optStr(entry, 'Path', at, ctx.issues),
    awsManaged: /^arn:[^:]+:iam::aws:policy\//.test(arn),
    defaultVersionId,
    attachmentCount: typeof entry.AttachmentCount === 'number' ? entry.AttachmentCount : undefined,
    createDate: date(entry.CreateDate, `${at}.CreateDate`, ctx.issues),
    updateDate: date(entry.UpdateDate, `${at}.UpdateDate`, ctx.issues),
    origin: 'file',
    location,
    body: b,
  };
}

/**
 * Parses GAAD output (a parsed JSON value, or the JSON text) into an AccountModel.
 * @throws AuthzDetailsError when the input is not GAAD-shaped at all.
 */
export function parseAuthorizationDetails(input: unknown, options: ParseAuthzOptions = {}): AccountModel {
  let root = input;
  if (typeof input === 'string' && options.parsed !== true) {
    try {
      root = JSON.parse(input);
    } catch (err) {
      throw new AuthzDetailsError('', `not valid JSON (${(err as Error).message})`);
    }
  }
  if (!isObj(root)) throw new AuthzDetailsError('', 'expected a JSON object with UserDetailList, GroupDetailList, RoleDetailList and Policies');
  const known = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
  if (!known.some((k) => k in root)) {
    throw new AuthzDetailsError('', 'none of UserDetailList, GroupDetailList, RoleDetailList or Policies is present');
  }
  refuseOnePage(root);
  const ctx: Ctx = { shared: options.sharedDocuments, issues: [], unparseable: [], accounts: new Map() };
  const model: AccountModel = { ...emptyAccountModel(), unparseablePolicies: ctx.unparseable, issues: ctx.issues };

  inFieldOrder(list(root, 'Policies', ''), 'Arn').forEach(([e, i]) => {
    if (isObj(e) && typeof e.Arn === 'string' && repeated(model.policies.get(e.Arn), e.Arn, `Policies[${i}]`, ctx)) return;
    const p = managedPolicy(e, `Policies[${i}]`, ctx);
    if (p) model.policies.set(p.arn, p);
  });

  inFieldOrder(list(root, 'GroupDetailList', ''), 'Arn').forEach(([e, i]) => {
    const at = `GroupDetailList[${i}]`;
    const base = identity(e, at, 'GroupName', 'GroupId', ctx);
    if (repeated(model.groups.get(base.arn), base.arn, at, ctx)) return;
    const unread: ParseIssue[] = [];
    const group: IamGroup = {
      kind: 'group',
      arn: base.arn,
      name: base.name,
      id: base.id,
      path: base.path,
      createDate: base.createDate,
      inlinePolicies: inlinePolicies(base.entry, 'GroupPolicyList', at, base.arn, ctx),
      attachedPolicies: policyRefs(base.entry, at, base.arn, unread, ctx),
      tags: {},
      ...unreadOf(unread),
      location: at,
    };
    model.groups.set(group.arn, group);
    model.groupsByName.set(group.name, group);
    model.membersByGroup.set(group.arn, []);
  });

  inFieldOrder(list(root, 'UserDetailList', ''), 'Arn').forEach(([e, i]) => {
    const at = `UserDetailList[${i}]`;
    const base = identity(e, at, 'UserName', 'UserId', ctx);
    if (repeated(model.users.get(base.arn), base.arn, at, ctx)) return;
    const unread: ParseIssue[] = [];
    const groupNames: string[] = [];
    list(base.entry, 'GroupList', at).forEach((g, j) => {
      if (typeof g === 'string') groupNames.push(g);
      else unreadRef(ctx, base.arn, unread, `${at}.GroupList[${j}]`, `GroupList[${j}]`, 'expected a group name; the policies of that group are unknown');
    });
    const groupArns: string[] = [];
    for (const name of groupNames) {
      const g = model.groupsByName.get(name);
      if (g) {
        groupArns.push(g.arn);
        model.membersByGroup.get(g.arn)!.push(base.arn);
      } else {
        // The user's group policies are unknown: treat like an unusable policy, not like "no policy".
        const location = `${at}.GroupList`;
        ctx.issues.push({ location, problem: `group ${name} is not in GroupDetailList` });
        ctx.unparseable.push({ owner: base.arn, policyName: `group:${name}`, location, problem: `group ${name} is not in GroupDetailList` });
      }
    }
    const user: IamUser = {
      kind: 'user',
      arn: base.arn,
      name: base.name,
      id: base.id,
      path: base.path,
      createDate: base.createDate,
      passwordLastUsed: date(base.entry.PasswordLastUsed, `${at}.PasswordLastUsed`, ctx.issues),
      groupNames,
      groupArns,
      inlinePolicies: inlinePolicies(base.entry, 'UserPolicyList', at, base.arn, ctx),
      attachedPolicies: policyRefs(base.entry, at, base.arn, unread, ctx),
      ...boundary(base.entry, at, base.arn, ctx),
      ...tagsOf(base.entry, at, ctx.issues),
      ...unreadOf(unread),
      location: at,
    };
    model.users.set(user.arn, user);
  });

  inFieldOrder(list(root, 'RoleDetailList', ''), 'Arn').forEach(([e, i]) => {
    const at = `RoleDetailList[${i}]`;
    const base = identity(e, at, 'RoleName', 'RoleId', ctx);
    if (repeated(model.roles.get(base.arn), base.arn, at, ctx)) return;
    const unread: ParseIssue[] = [];
    const trust = body(base.entry.AssumeRolePolicyDocument, `${at}.AssumeRolePolicyDocument`, 'trust');
    if (!trust.ok) ctx.unparseable.push({ owner: base.arn, policyName: 'AssumeRolePolicyDocument', location: trust.location, problem: trust.problem });
    const lastUsed = base.entry.RoleLastUsed;
    const role: IamRole = {
      kind: 'role',
      arn: base.arn,
      name: base.name,
      id: base.id,
      path: base.path,
      createDate: base.createDate,
      trustPolicy: trust,
      roleLastUsed: roleLastUsed(lastUsed, at, ctx.issues),
      ...instanceProfiles(base.entry, at, ctx),
      inlinePolicies: inlinePolicies(base.entry, 'RolePolicyList', at, base.arn, ctx),
      attachedPolicies: policyRefs(base.entry, at, base.arn, unread, ctx),
      ...boundary(base.entry, at, base.arn, ctx),
      ...tagsOf(base.entry, at, ctx.issues),
      ...unreadOf(unread),
      description: optStr(base.entry, 'Description', at, ctx.issues),
      maxSessionDuration: maxSession(base.entry, at, ctx.issues),
      location: at,
    };
    model.roles.set(role.arn, role);
  });

  const accounts = [...ctx.accounts.keys()];
  if (accounts.length > 0) {
    model.accountId = accounts[0];
    model.partition = ctx.accounts.get(accounts[0])!;
  }
  if (accounts.length > 1) ctx.issues.push({ location: '', problem: `ARNs from more than one account: ${accounts.join(', ')}` });

  resolveReferencedPolicies(model, options, ctx);
  return model;
}

/** Indexes attachments and fills in (or records as missing) every referenced managed policy. */
function resolveReferencedPolicies(model: AccountModel, options: ParseAuthzOptions, ctx: Ctx): void {
  const refs: Array<{ owner: string; ref: PolicyRef; at: string; attached: boolean }> = [];
  for (const g of model.groups.values()) g.attachedPolicies.forEach((ref, j) => refs.push({ owner: g.arn, ref, at: `${g.location}.AttachedManagedPolicies[${j}]`, attached: true }));
  for (const p of [...model.users.values(), ...model.roles.values()]) {
    p.attachedPolicies.forEach((ref, j) => refs.push({ owner: p.arn, ref, at: `${p.location}.AttachedManagedPolicies[${j}]`, attached: true }));
    if (p.permissionsBoundary) refs.push({ owner: p.arn, ref: p.permissionsBoundary, at: `${p.location}.PermissionsBoundary`, attached: false });
  }
  for (const { owner, ref, at, attached } of refs) {
    if (attached) {
      const owners = model.attachmentsByPolicy.get(ref.arn) ?? [];
      owners.push(owner);
      model.attachmentsByPolicy.set(ref.arn, owners);
    }
    if (model.policies.has(ref.arn)) continue;
    const awsManaged = /^arn:[^:]+:iam::aws:policy\//.test(ref.arn);
    const libDoc = awsManaged ? options.awsManagedPolicies?.[ref.name] : undefined;
    if (libDoc !== undefined) {
      const b = body(libDoc, `awsManagedPolicies.${ref.name}`, 'identity');
      if (!b.ok) ctx.unparseable.push({ owner: ref.arn, policyName: ref.name, location: b.location, problem: b.problem });
      model.policies.set(ref.arn, { arn: ref.arn, name: ref.name, awsManaged, origin: 'library', location: `awsManagedPolicies.${ref.name}`, body: b });
      continue;
    }
    const problem = 'managed policy document is not in the file';
    ctx.unparseable.push({ owner: ref.arn, policyName: ref.name, location: at, problem });
    model.policies.set(ref.arn, { arn: ref.arn, name: ref.name, awsManaged, origin: 'missing', location: at, body: { ok: false, location: at, problem } });
  }
}
