/**
 * Role trust policies: structured facts about whom each role trusts (for rules to judge), and
 * the evaluation of "does this trust policy let principal P call sts:AssumeRole?" (for
 * escalation edges), plus an index of roles by trusted principal, account and service.
 */
import type { AccountModel, IamRole } from './model.js';
import { compilePolicy, statementApplies, type CompiledPolicy } from './policy/compile.js';
import type { PrincipalFacts } from './policy/context.js';
import type { ConditionBlock, PolicyStatement, PrincipalBlock } from './policy/document.js';
import { triOr, type Tri } from './policy/tri.js';
import { parseTemplate } from './policy/variables.js';
import { compileGlob } from './policy/wildcard.js';
import { quoteInput } from '../reporters/sanitize.js';
import { firstFewText } from '../compare.js';

/** How tightly a federated claim (`:sub`, `:aud`, `SAML:aud`) is constrained. */
export interface ClaimFact {
  /** The condition key looked for, e.g. `token.actions.githubusercontent.com:sub`. */
  key: string;
  /**
   * `missing`: no positive condition on the key; `any`: a value that is only wildcards;
   * `wildcard`: a StringLike value with `*`/`?` (e.g. `repo:org/*`); `pinned`: exact values only.
   */
  status: 'missing' | 'any' | 'wildcard' | 'pinned';
  values: string[];
  operators: string[];
  /**
   * Each operator naming the key with its own values, as written, when more than one does or one
   * is negated or Null. IAM ANDs them, so a claim value must meet every one; `values` alone (the
   * strictest positive operator's, narrowed by the others) loses which operator a value came from,
   * and with it whether case is compared for it (StringEqualsIgnoreCase beside StringLike), and says
   * nothing of the values a negated operator turns away. With one positive operator `operators` and
   * `values` already say it, and the field is left out. `status`, `values` and `operators` are
   * the positive operators' only.
   */
  entries?: ClaimEntry[];
}

/**
 * One operator on a claim's key and its values, which are alternatives: a positive one, a negated
 * one (StringNotEquals, StringNotLike…: holds when the claim matches none of them) or Null.
 */
export interface ClaimEntry {
  op: string;
  values: string[];
}

/** One trusted principal of a statement, classified. */
export type TrustedPrincipal =
  | { type: 'any' }
  | { type: 'account'; accountId: string; sameAccount: boolean; thirdParty?: boolean }
  | { type: 'iam-user' | 'iam-role' | 'assumed-role' | 'iam-other'; arn: string; accountId?: string; sameAccount: boolean; thirdParty?: boolean }
  /** A unique id (AIDA…/AROA…) left behind when the named principal was deleted. */
  | { type: 'unique-id'; id: string }
  | { type: 'service'; service: string }
  | { type: 'oidc'; providerArn: string; issuer: string; github: boolean; audience: ClaimFact; subject: ClaimFact }
  | { type: 'saml'; providerArn: string; audience: ClaimFact }
  /** Web identity providers named directly (cognito-identity.amazonaws.com, accounts.google.com…). */
  | { type: 'federated-other'; value: string; audience: ClaimFact; subject: ClaimFact }
  | { type: 'canonical-user'; id: string };

/** Facts about one trust policy statement. */
export interface TrustStatementFact {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  notAction: boolean;
  /** True for `NotPrincipal`: the listed principals are the ones excluded. */
  notPrincipal: boolean;
  principals: TrustedPrincipal[];
  /** All condition keys, as written. */
  conditionKeys: string[];
  /**
   * Set by the AWS transform on an Allow whose conditions on the request are decided false at the
   * scan's clock (a time window that has closed): it admits no caller from outside, and the rules
   * that read the trust (trustStatementAllows) leave it alone, as the graph draws no route.
   */
  requestClosed?: true;
  /** Positive conditions that narrow who may assume: aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceAccount, sts:ExternalId… */
  restrictingKeys: string[];
  /** `sts:ExternalId` is required by a positive condition. */
  externalId: boolean;
  /**
   * Keys of RESTRICTING_KEYS under a negated operator (StringNotEquals, ArnNotLike…): in a Deny
   * they narrow who the policy admits ("deny unless aws:PrincipalOrgID is o-…").
   */
  negatedRestrictingKeys: string[];
  /**
   * Restricting keys under a negated operator (as negatedRestrictingKeys) that would narrow but for
   * a policy variable whose value the scan does not know: whom a Deny under them spares is not
   * known. Absent when none.
   */
  negatedDoubtfulKeys?: string[];
  /**
   * For a Deny with a Condition: whether each of its condition entries holds for every caller
   * outside what its negated restricting keys name, so that it denies all of them (see
   * deniesOutsiders). IAM ANDs a statement's conditions: "not in the organisation" beside "not
   * from this network" spares an outsider calling from that network. Absent for other statements.
   */
  outsidersDenied?: boolean;
  /**
   * For a Deny with a Condition that does not deny outsiders for sure (outsidersDenied false) but
   * would if its entries on negatedDoubtfulKeys narrowed: whether it does is not known.
   */
  outsidersDoubt?: true;
  /**
   * Restricting keys (positive, as restrictingKeys) that would narrow who may assume but for a
   * policy variable the scan cannot resolve in the part naming the account or principal
   * (`arn:aws:iam::${aws:SourceAccount}:role/*`): whether they narrow is not known. Absent when none.
   */
  doubtfulKeys?: string[];
  /**
   * For a Deny with a Condition: whether it turns away every caller that does not send the
   * external id it names (see deniesWithoutExternalId), so that it requires one as a positive
   * sts:ExternalId condition on the Allow would. Absent for other statements.
   */
  externalIdRequired?: boolean;
  /**
   * For a Deny with a Condition that ANDs a negated aws:PrincipalOrgID or aws:PrincipalOrgPaths
   * with a negated sts:ExternalId (see deniesWithoutExternalId): it turns away every caller outside
   * the organisation it names that does not send the external id, so it requires one of callers
   * outside it (a third party, when the organisation is yours). Absent when not so.
   */
  externalIdRequiredOutsideOrg?: true;
  /**
   * For a Deny with a Condition that requires no external id for sure but would if its external id
   * values, which hold a policy variable whose value the scan does not know, narrowed: of `everyone`
   * (as externalIdRequired) or of callers `outside-org` (as externalIdRequiredOutsideOrg).
   */
  externalIdDoubt?: 'everyone' | 'outside-org';
  /**
   * For an Allow naming `*`: the principals its positive aws:PrincipalArn (or, without one,
   * aws:PrincipalAccount) conditions narrow it to, classified like Principal entries (so a
   * vendor's account is `thirdParty`). Absent when no such condition pins an account.
   */
  conditionPrincipals?: TrustedPrincipal[];
  /**
   * The values of restricting keys whose narrowing is not known (valueNarrowing `unknown`), with
   * why: the positive entries behind doubtfulKeys for an Allow, the negated ones (as
   * negatedNarrowing reads them) for a Deny. What a reason names as not known. Absent when none.
   */
  valueDoubts?: ValueDoubt[];
  /**
   * The organisations (as written: an id, or `${aws:ResourceOrgID}`) its aws:PrincipalOrgID and
   * aws:PrincipalOrgPaths conditions let through, when that may be more than one: for an Allow,
   * those every narrowing positive entry names (IAM ANDs entries; a key's values are
   * alternatives); for a Deny, those any narrowing negated entry spares (its conditions must all
   * hold for it to deny, so a caller inside any of them escapes it). An account belongs to one
   * organisation only (Organizations API Reference, AlreadyInOrganizationException: "An account can
   * belong to only one organization at a time"), so at least one of them is not the scanned
   * accounts', and the scan does not read which is theirs: such a condition does not prove a
   * caller it lets through is yours. Absent when it names one organisation or none.
   */
  severalOrgs?: string[];
  /**
   * The organisations (as written) each narrowing aws:PrincipalOrgID or aws:PrincipalOrgPaths
   * entry names, one list an entry: positive entries for an Allow (IAM ANDs them), negated ones
   * (as negatedNarrowing) for a Deny. What a rule told which organisations are yours reads
   * (foreignOrgsOf). Absent when there is none.
   */
  orgLists?: string[][];
}

/** A value of a restricting key whose narrowing is not known: a policy variable whose value the scan does not know, or text written around a value of the caller's own (an external id only). */
export interface ValueDoubt {
  key: string;
  value: string;
  cause: 'variable' | 'caller-text';
}

export interface RoleTrustFacts {
  roleArn: string;
  accountId?: string;
  /** Set when the trust policy could not be parsed: nothing below is known. */
  unusable?: { location: string; problem: string };
  statements: TrustStatementFact[];
}

export interface TrustAnalysisOptions {
  /** Accounts that are not third parties (e.g. the organisation's). Without it `thirdParty` is left undefined. */
  knownAccountIds?: Iterable<string>;
}

const RESTRICTING_KEYS = new Set(
  [
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:userid',
    // Not aws:username: it is a user's friendly name, which a user of any account can have.
    'sts:ExternalId',
  ].map((k) => k.toLowerCase()),
);

const NEGATED_OPS = /^(?:for(?:all|any)values?:)?(?:stringnot|arnnot|numericnot|datenot|notip)/i;
/** Operators that read `*` and `?` as wildcards (StringLike, StringNotLike, ArnLike, their variants). */
export const LIKE_OPS = /like/i;
// ArnEquals takes `*` and `?` in each ARN field as ArnLike does (IAM User Guide, ARN condition operators).
const ARN_OPS = /^(?:for(?:all|any)values?:)?arn/i;
// Set operators. ForAllValues holds when the request has no value for the key, ForAnyValue does
// not (IAM User Guide, single-valued vs multivalued context keys): on aws:PrincipalOrgID or
// sts:ExternalId, ForAllValues admits a caller outside any organisation or sending no external id.
const FOR_ALL = /^forallvalues:/i;
const FOR_ANY = /^foranyvalue:/i;
const WILDCARD = /[*?]/;

/**
 * What a trust policy's policy variables are known to stand for: only 2012-10-17 documents have
 * them (IAM User Guide, policy variables), and the one the scan knows is aws:ResourceAccount, the
 * account owning the resource, which for a trust policy is the role's own account.
 */
interface VariableScope {
  version?: string;
  roleAccount?: string;
}

// Stand-ins used while judging a value with policy variables: a character no account, organisation
// or id has and no operator reads as a wildcard (a literal `*` or `?`, `${*}`, `${?}`), and a
// variable whose value the scan does not know.
const LITERAL_MARK = '\u0000';
const UNKNOWN_MARK = '\u0001';
// The role's own organisation (aws:ResourceOrgID): one organisation, though the scan does not know its id.
const OWN_ORG_MARK = '\u0002';
// A variable of the caller's own request, where a reading must tell it from a wildcard (aws:SourceArn).
const CALLER_MARK = '\u0003';
/**
 * Keys whose value a caller's own request supplies: a condition comparing one of them with the
 * same key of the request (`aws:PrincipalOrgID` = `${aws:PrincipalOrgID}`) holds for every caller.
 */
const CALLER_KEYS = new Set(['aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalarn', 'aws:userid', 'aws:username', 'aws:principaltype']);

/**
 * A value with its policy variables replaced for judging whether it narrows, as if under a …Like
 * operator: aws:ResourceAccount by the role's account; aws:ResourceOrgID by OWN_ORG_MARK (the role's
 * own organisation: one, named); a variable of the caller's own request (CALLER_KEYS: its account,
 * organisation, ARN, id; or a tag on it, aws:PrincipalTag/…) by `*`, since every caller matches its
 * own value; any other variable by UNKNOWN_MARK. Undefined without variables.
 */
function substituteVariables(value: string, op: string, scope: VariableScope | undefined, callerMark = '*'): string | undefined {
  const parts = scope ? parseTemplate(value, scope.version) : undefined;
  if (!parts) return undefined;
  const wildcards = LIKE_OPS.test(op) || ARN_OPS.test(op);
  return parts
    .map((part) => {
      if ('text' in part) return wildcards ? part.text : part.text.replace(/[*?]/g, LITERAL_MARK);
      if (part.key === '') return part.fallback === '$' ? '$' : LITERAL_MARK;
      const k = part.key.toLowerCase();
      if (k === 'aws:resourceaccount') return scope?.roleAccount ?? UNKNOWN_MARK;
      if (k === 'aws:resourceorgid') return OWN_ORG_MARK;
      if (CALLER_KEYS.has(k) || k.startsWith('aws:principaltag/')) return callerMark;
      return UNKNOWN_MARK;
    })
    .join('');
}

/**
 * Whether one value of a restricting key, under `op`, still narrows who matches to an account,
 * an organisation or a principal. Only wildcard-taking operators (…Like, Arn…) can widen a value:
 * a value made only of wildcards admits everyone, and a wildcard in the part that names the
 * account or organisation (`arn:aws:iam::*:role/*`, `o-*`) admits callers of any account - one
 * the caller may own. Policy variables are replaced first (substituteVariables): `unknown` when
 * that part holds one whose value the scan does not know.
 */
function valueNarrowing(key: string, op: string, value: string, scope?: VariableScope): 'yes' | 'no' | 'unknown' {
  const text = substituteVariables(value, op, scope) ?? value;
  if (text === value && !LIKE_OPS.test(op) && !ARN_OPS.test(op)) return 'yes'; // `*` is a literal character here
  if (/^[*?]+$/.test(text)) return 'no';
  // The part of the value that names the account, organisation or principal: a wildcard in it
  // admits any, a variable not known leaves it open.
  const judge = (part: string, fits = true): 'yes' | 'no' | 'unknown' => (WILDCARD.test(part) ? 'no' : part.includes(UNKNOWN_MARK) ? 'unknown' : fits ? 'yes' : 'no');
  switch (key.toLowerCase()) {
    case 'aws:principalaccount':
    case 'aws:sourceaccount':
    case 'aws:principalorgid':
    case 'aws:sourceorgid':
      return judge(text);
    case 'aws:principalarn': {
      // arn:partition:service:region:account:resource - the account field must be a plain id
      // and nothing before it may hold a wildcard (StringLike's `*` crosses colons).
      const fields = text.split(':');
      const head = fields.slice(0, 5).join(':');
      if (fields.length < 6 && !WILDCARD.test(head) && text.includes(UNKNOWN_MARK)) return 'unknown';
      return judge(head, fields.length >= 6 && (/^\d{12}$/.test(fields[4]) || fields[4].includes(UNKNOWN_MARK)));
    }
    case 'aws:principalorgpaths':
    case 'aws:sourceorgpaths': {
      // o-id/r-root/ou-…/: a wildcard below a named organisation stays inside it.
      const org = text.split('/')[0];
      return judge(org, org.length > 0);
    }
    case 'aws:userid': {
      // UNIQUE-ID or UNIQUE-ID:session (a role's): the unique id names one principal.
      const id = text.split(':')[0];
      return judge(id, id.length > 0);
    }
    case 'sts:externalid': {
      // An id with a variable whose value is not known (a key the scan does not read, a request
      // tag the caller may set): whether it is one the third party was issued is not known.
      if (text.includes(UNKNOWN_MARK)) return 'unknown';
      if (text === value) return 'yes';
      // A part the caller's own request fills in (its account, ARN, organisation, a tag on it) is
      // no secret: the vendor sends the same value for every customer, and the caller meets it by
      // being itself. What is left is the text written around it: with no letter or digit (only
      // such variables, perhaps joined by separators or wildcards, `${aws:PrincipalAccount}-${aws:userid}`)
      // it is no external id; with some (`cust-42-${aws:PrincipalAccount}`) it may be the id the
      // vendor issued, or a prefix every customer of the vendor writes: not known.
      const marked = substituteVariables(value, op, scope, CALLER_MARK)!;
      if (!marked.includes(CALLER_MARK)) return 'yes';
      const written = marked.replaceAll(CALLER_MARK, '');
      return /[\p{L}\p{N}]/u.test(LIKE_OPS.test(op) ? written.replace(/[*?]/g, '') : written) ? 'unknown' : 'no';
    }
    case 'aws:sourcearn': {
      // The account field of the resource's ARN names whose resource calls, or its resource name
      // when it has none (an S3 bucket's, whose names are global: any account may own one). Filled
      // with the caller's own account or ARN it is a resource every account has, as aws:SourceAccount
      // ${aws:PrincipalAccount} is; with a variable whose value is not known, not known; with a
      // wildcard under an operator that reads it as one (`arn:aws:sns:us-east-1:*:topic`, `1111222233?3`)
      // it admits resources of other accounts, so it pins none. ARN operators compare the six
      // colon-delimited fields one by one (IAM User Guide, ARN condition operators), so a wildcard
      // in the region leaves the account pinned; StringLike's `*` crosses colons, so under it a
      // wildcard anywhere before the account field reaches any account, as for aws:PrincipalArn.
      const fields = (text === value ? value : substituteVariables(value, op, scope, CALLER_MARK)!).split(':');
      const hasAccount = fields.length >= 6 && fields[4] !== '';
      const name = hasAccount ? fields[4] : fields.slice(5).join(':');
      if (LIKE_OPS.test(op) || ARN_OPS.test(op)) {
        const head = ARN_OPS.test(op) ? (fields.length >= 6 ? fields[4] : fields.join(':')) : fields.slice(0, 5).join(':');
        const resource = hasAccount ? '' : name.split('/')[0];
        if (WILDCARD.test(head) || WILDCARD.test(resource)) return 'no';
      }
      if (text === value) return 'yes';
      return name.includes(CALLER_MARK) ? 'no' : name.includes(UNKNOWN_MARK) ? 'unknown' : 'yes';
    }
    default:
      return 'yes';
  }
}

function valueNarrows(key: string, op: string, value: string, scope?: VariableScope): boolean {
  return valueNarrowing(key, op, value, scope) === 'yes';
}

/** A value with `${aws:ResourceAccount}` replaced by the role's account, when the document has variables and the account is known. */
function withResourceAccount(value: string, scope: VariableScope): string {
  if (scope.roleAccount === undefined || !parseTemplate(value, scope.version)) return value;
  return value.replace(/\$\{\s*aws:resourceaccount\s*(?:,[^}]*)?\}/gi, scope.roleAccount);
}

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
}

// RoleSessionName: 2 to 64 of [\w+=,.@-] (STS AssumeRole). A name outside it (a wildcard, which
// a Principal element does not allow for sessions either) is no session any call can have.
const SESSION_ARN = /^(arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+)\/([\w+=,.@-]{2,64})$/;
const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * A role session principal (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) split into the key
 * of its role (the ARN up to the role name; the role's path is not part of it) and the session
 * name, or undefined for any other value.
 */
export function sessionPrincipal(value: string): { role: string; session: string } | undefined {
  const m = SESSION_ARN.exec(value);
  return m ? { role: m[1], session: m[2] } : undefined;
}

/**
 * The key under which trust policies name sessions of this role (see sessionPrincipal), or
 * undefined when the ARN is not a role's.
 */
export function sessionKeyOf(roleArn: string): string | undefined {
  const m = ROLE_ARN.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}` : undefined;
}

/**
 * The keys under which a trust policy (and the trust index) may name this principal directly:
 * its ARN, its unique id, and for a role the key of its sessions.
 */
export function trustKeysOf(p: { arn: string; id?: string }): string[] {
  const keys = [p.arn];
  if (p.id !== undefined) keys.push(p.id);
  const session = sessionKeyOf(p.arn);
  if (session !== undefined) keys.push(session);
  return keys;
}

/** Positive (non-negated, non-Null) condition entries for one key, case-insensitive. */
function positiveEntries(cond: ConditionBlock | undefined, key: string): ClaimEntry[] {
  return keyEntries(cond, key).filter(entryPositive);
}

/** Every condition entry naming one key, case-insensitive: positive, negated and Null. */
function keyEntries(cond: ConditionBlock | undefined, key: string): ClaimEntry[] {
  if (!cond) return [];
  const out: ClaimEntry[] = [];
  const k = key.toLowerCase();
  for (const [op, keys] of Object.entries(cond)) {
    for (const [ck, vals] of Object.entries(keys)) if (ck.toLowerCase() === k) out.push({ op, values: vals });
  }
  return out;
}

/**
 * How an entry on a claim's key is judged for a claim that is present (a web identity token always
 * carries aud and sub, and the key is single-valued, so …IfExists and the ForAllValues:/ForAnyValue:
 * prefixes change nothing): `positive`; `negated`, a StringNot… operator, which holds when the value
 * matches none of its values; `null`, Null, which holds for a present key only with "false";
 * `unsure`, a negated operator of another type (ArnNotLike, NumericNotEquals, DateNotEquals,
 * NotIpAddress) or a Null value other than true or false, whose reading of a claim the scan does not
 * know: it may hold, and what rests on it is a doubt (entryUnsure).
 */
function entryKind(e: ClaimEntry): 'positive' | 'negated' | 'null' | 'unsure' {
  if (/^null$/i.test(e.op)) return e.values.every((v) => /^(?:true|false)$/i.test(v)) ? 'null' : 'unsure';
  if (!NEGATED_OPS.test(e.op)) return 'positive';
  return /^(?:for(?:all|any)values?:)?stringnot/i.test(e.op) ? 'negated' : 'unsure';
}

/** Whether an entry is a positive operator: one whose values are the claim values it admits. */
export function entryPositive(e: ClaimEntry): boolean {
  return entryKind(e) === 'positive';
}

/** Whether the scan cannot tell if an entry holds for a claim (entryKind `unsure`): taken as holding, with a doubt. */
export function entryUnsure(e: ClaimEntry): boolean {
  return entryKind(e) === 'unsure';
}

/**
 * The type a positive operator of another kind than string compares a claim as, with how a reason
 * names it, and whether a claim value can be of it. IAM User Guide, condition operators
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html):
 * numeric operators compare "a key to an integer or decimal value", date operators "to a date/time
 * value" (ISO 8601 or epoch time), Bool "to true or false", IpAddress "to an IPv4 or IPv6 address or
 * range", ARN operators "to an ARN" whose six colon-delimited fields are checked one by one. A token
 * claim that is none of these (an app id GUID, an App ID URI) is not a value such an operator can
 * match. A bare `*` under an ARN operator may be read before the claim is parsed as an ARN, and
 * BinaryEquals compares bytes the policy gives in base-64: neither is known, and is a doubt.
 */
const TYPED_OPS: ReadonlyArray<{ op: RegExp; type: string; fits: (v: string) => boolean }> = [
  { op: /^numeric/i, type: 'a number', fits: (v) => /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(v.trim()) },
  // An ISO 8601 date (with or without a time), or epoch seconds.
  { op: /^date/i, type: 'a date', fits: (v) => /^\d{4}-\d{2}-\d{2}(?:[T ].*)?$/.test(v) || /^\d+$/.test(v) },
  { op: /^bool/i, type: 'true or false', fits: (v) => /^(?:true|false)$/i.test(v) },
  { op: /^ipaddress/i, type: 'an IP address', fits: (v) => /^[\d.]+(?:\/\d+)?$/.test(v) || (v.includes(':') && /^[0-9a-f:.]+(?:\/\d+)?$/i.test(v)) },
  { op: /^arn/i, type: 'an ARN', fits: (v) => /^arn:[^:]*:[^:]*:[^:]*:[^:]*:/.test(v) },
];

/** The type of a positive operator of another kind than string (TYPED_OPS), or undefined: a String… or unknown one. */
function typedOp(e: ClaimEntry): (typeof TYPED_OPS)[number] | undefined {
  if (entryKind(e) !== 'positive') return undefined;
  const bare = e.op.replace(/^for(?:all|any)values?:/i, '');
  return TYPED_OPS.find((t) => t.op.test(bare));
}

/**
 * How a positive entry of another type than string reads a claim value: `no` when the value is not
 * of its type (it never matches), `unsure` when it is, or for an operator whose reading the scan does
 * not know (BinaryEquals, a bare `*` under an ARN operator): taken as holding, with a doubt.
 * Undefined for a String… operator, negated ones and Null (entryKind).
 */
function typedReading(e: ClaimEntry, value: string): 'no' | 'unsure' | undefined {
  if (entryKind(e) !== 'positive') return undefined;
  const bare = e.op.replace(/^for(?:all|any)values?:/i, '');
  if (/^string/i.test(bare)) return undefined;
  const t = typedOp(e);
  if (t === undefined) return 'unsure';
  if (t.type === 'an ARN' && e.values.some((v) => /^[*]+$/.test(v))) return 'unsure';
  return t.fits(value) ? 'unsure' : 'no';
}

/**
 * Why a positive entry of another type than string never matches `value` (typedReading `no`), as a
 * reason says it, or undefined.
 */
export function typedRefusal(e: ClaimEntry, value: string, claim: string): string | undefined {
  if (typedReading(e, value) !== 'no') return undefined;
  return `${entriesText([e])} compares ${claim} as ${typedOp(e)!.type}, and ${claim} ${value} is not one`;
}

/**
 * Whether what an entry says of `value` is not known, so that it is taken as holding and what rests
 * on it is a doubt: a negated operator of another type, an odd Null (entryUnsure), or a positive
 * one of another type than string for a value of its type (typedReading).
 */
export function entryDoubtful(e: ClaimEntry, value: string): boolean {
  return entryUnsure(e) || typedReading(e, value) === 'unsure';
}

/** Operator entries as a reason says them: each operator with its values, joined by "and". */
export function entriesText(list: readonly ClaimEntry[]): string {
  return list.map((e) => `${e.op} ${e.values.join(', ')}`).join(' and ');
}

/** Whether one positive entry narrows who matches (see narrows). */
function entryNarrows(key: string, e: { op: string; values: string[] }, scope?: VariableScope): boolean {
  return !/ifexists$/i.test(e.op) && !FOR_ALL.test(e.op) && e.values.every((v) => valueNarrows(key, e.op, v, scope));
}

/**
 * Whether one positive entry would narrow who matches but for a policy variable whose value the
 * scan does not know (valueNarrowing `unknown`): no value of it admits any account, and one does not
 * say which.
 */
function narrowingDoubtful(key: string, e: { op: string; values: string[] }, scope: VariableScope): boolean {
  if (/ifexists$/i.test(e.op) || FOR_ALL.test(e.op)) return false;
  const readings = e.values.map((v) => valueNarrowing(key, e.op, v, scope));
  return readings.includes('unknown') && !readings.includes('no');
}

/**
 * Whether a condition on `key` narrows who matches: some positive entry that neither passes when
 * the key is absent (`...IfExists` and `ForAllValues:`: a caller outside any organisation has no
 * aws:PrincipalOrgID, a caller may omit sts:ExternalId) nor admits callers of any account (a
 * wildcard value, see valueNarrows; its values are alternatives, so each must narrow).
 */
function narrows(cond: ConditionBlock | undefined, key: string, scope?: VariableScope): boolean {
  return positiveEntries(cond, key).some((e) => entryNarrows(key, e, scope));
}

/**
 * What a trust policy's conditions say about one claim. The operators of a Condition block must
 * all hold (IAM User Guide, condition element: operators and keys are ANDed, only the values of
 * one key are alternatives), so when several operators name the key the strictest one decides:
 * StringEquals `repo:o/r:ref:refs/heads/main` beside StringLike `*` is pinned to that value.
 */
export function claimFact(cond: ConditionBlock | undefined, key: string): ClaimFact {
  // Negated and Null entries admit no value of their own: they only turn values away (or, Null
  // true, every present claim), so they are kept beside the positive ones in `entries`.
  const all = keyEntries(cond, key);
  const entries = all.filter(entryPositive);
  const withAll = (fact: ClaimFact): ClaimFact => {
    if (all.length > 1 || all.length > entries.length) fact.entries = all.map((e) => ({ op: e.op, values: [...e.values] }));
    return fact;
  };
  if (entries.length === 0) return withAll({ key, status: 'missing', values: [], operators: [] });
  const operators = entries.map((e) => e.op);
  // Each entry on its own: the loosest of its values (they are alternatives).
  const statusOf = (e: { op: string; values: string[] }): ClaimFact['status'] => {
    if (!LIKE_OPS.test(e.op)) return 'pinned'; // StringEquals treats * as a literal character
    let st: ClaimFact['status'] = 'pinned';
    for (const v of e.values) {
      if (/^[*?]+$/.test(v)) return 'any';
      if (v.includes('*') || v.includes('?')) st = 'wildcard';
    }
    return st;
  };
  const statuses = entries.map(statusOf);
  const status: ClaimFact['status'] = statuses.includes('pinned') ? 'pinned' : statuses.includes('wildcard') ? 'wildcard' : 'any';
  const strictest = entries.filter((_, i) => statuses[i] === status);
  let values = [...new Set(strictest.flatMap((e) => e.values))];
  if (status === 'pinned') {
    // A pinned value must also pass every other entry on the key (AND); when none does, no
    // token can match, and the values stay as written rather than reading as "any".
    // A web identity token's aud is what the caller asked for (an Entra App ID URI in the case it
    // was asked in, any audience a GitHub workflow names), so an aud value passes in any casing
    // every entry takes (caseVariantMeeting); whether a token of its app can carry that casing is
    // the audience's own verdict (audienceVerdict: an app id comes in lower case only). SAML:aud
    // and other claims are as the issuer writes them, compared as written.
    const chosenCase = /:aud$/i.test(key) && !/^saml:/i.test(key);
    const passing = values.filter((v) => (chosenCase ? caseVariantMeeting(v, all) !== undefined : all.every((e) => entryAccepts(e, v))));
    if (passing.length > 0) values = passing;
  }
  return withAll({ key, status, values, operators });
}

/**
 * Whether one condition entry holds for a claim value that is present: a positive one when any of
 * its values matches, a negated one when none does, Null only with "false"; an entry the scan
 * cannot read (entryUnsure) is taken as holding, and its caller says the doubt.
 */
export function entryAccepts(e: ClaimEntry, value: string): boolean {
  const kind = entryKind(e);
  if (kind === 'unsure') return true;
  if (kind === 'null') return e.values.some((v) => v.toLowerCase() === 'false');
  // A positive operator of another type than string matches no value not of its type, and is
  // taken as holding for one that is (typedReading).
  const typed = typedReading(e, value);
  if (typed !== undefined) return typed === 'unsure';
  const ignoreCase = /ignorecase/i.test(e.op);
  const matches = LIKE_OPS.test(e.op) ? e.values.some((p) => compileGlob(p).test(value)) : e.values.some((p) => (ignoreCase ? p.toLowerCase() === value.toLowerCase() : p === value));
  return kind === 'negated' ? !matches : matches;
}

/**
 * Whether an entry compares without case and without wildcards (StringEqualsIgnoreCase and its
 * negated and IfExists forms): it takes every spelling of a text or none, so it fixes no letter's case.
 */
export function takesEveryCase(e: ClaimEntry): boolean {
  return !LIKE_OPS.test(e.op) && /ignorecase/i.test(e.op);
}

/**
 * Past this many steps the search of caseVariantMeeting stops, taking the text as written; the
 * answer is then not known, and those who ask say so (caseSearchDoubt).
 */
const CASE_SEARCH_STEPS = 2_000;

/**
 * A spelling of `text`, each letter as written or in the other case, that every entry takes (IAM
 * ANDs them), preferring the text as written and then, letter by letter, the written case; undefined
 * when none does. An App ID URI reaches aud in the case the caller asks Entra for, letter by letter,
 * so a mixed-case spelling is as reachable as the written one: the literal characters of a
 * case-sensitive pattern (StringLike) or value (StringEquals) fix the case of the characters they
 * meet, an IgnoreCase operator fixes none, and two operators can fix one letter both ways.
 * The case-sensitive entries are run together over the text, as sets of pattern positions, one
 * letter at a time (a product of their automata: no backtracking over where a `*` ends, and each
 * (letter, state) pair is tried once). A search past CASE_SEARCH_STEPS, which only a contrived
 * condition reaches, takes the text as written rather than calling a trust dead for want of search;
 * caseSearchDoubt then says that the answer is not known, for a caller to make it a doubt.
 */
export function caseVariantMeeting(text: string, entries: readonly ClaimEntry[]): string | undefined {
  if (entries.every((e) => entryAccepts(e, text))) return text;
  const found = caseSearch(text, entries);
  return found === GAVE_UP ? text : (found ?? undefined);
}

/**
 * Why whether a token carrying `text` in some casing meets `entries` is not known: the casing search
 * of caseVariantMeeting stopped at its budget (and took the text as written). Undefined when it
 * found an answer, or was not needed (the text as written meets them all).
 */
export function caseSearchDoubt(text: string, entries: readonly ClaimEntry[]): string | undefined {
  if (entries.every((e) => entryAccepts(e, text)) || caseSearch(text, entries) !== GAVE_UP) return undefined;
  return `the search for a casing of aud ${text} that every operator on the key takes gave up after ${String(CASE_SEARCH_STEPS).replace(/\B(?=(?:\d{3})+$)/g, ',')} steps, so whether a token carrying it meets them is not known`;
}

/** A search of caseVariantMeeting stopped at its budget: its answer is not known. */
const GAVE_UP = Symbol('casing search gave up');

/** The kept or new answer of the casing search for a text that does not meet `entries` as written. */
function caseSearch(text: string, entries: readonly ClaimEntry[]): string | null | typeof GAVE_UP {
  // Roles made from one template share their condition, and the transform, the linker and the rule
  // each ask of it: the answer is kept per text and condition.
  const memo = `${text}\u0000${JSON.stringify(entries)}`;
  const kept = caseSearches.get(memo);
  if (kept !== undefined) return kept;
  const found = searchCases(text, entries);
  // The map lives as long as the process (a library caller may scan many estates in one): past
  // the bound it starts over, as compileGlob's cache does. An answer depends only on its key, so
  // forgetting one changes no output, only time.
  if (caseSearches.size >= CASE_SEARCHES_KEPT) caseSearches.clear();
  caseSearches.set(memo, found ?? null);
  return found ?? null;
}

/** At most this many answers of the casing search are kept (see caseVariantMeeting). */
export const CASE_SEARCHES_KEPT = 10_000;

const caseSearches = new Map<string, string | null | typeof GAVE_UP>();

/** How many answers of the casing search are kept now: for tests of the bound. */
export function caseSearchesHeld(): number {
  return caseSearches.size;
}

function searchCases(text: string, entries: readonly ClaimEntry[]): string | undefined | typeof GAVE_UP {
  const lower = text.toLowerCase();
  const automata: CaseAutomaton[] = [];
  for (const e of entries) {
    const kind = entryKind(e);
    // Null holds for every spelling or none; an entry the scan cannot read is taken as holding.
    if (kind === 'null') {
      if (!entryAccepts(e, text)) return undefined;
      continue;
    }
    if (kind === 'unsure') continue;
    // An operator of another type than string reads a value's type, which its case does not change.
    if (typedReading(e, text) !== undefined) {
      if (!entryAccepts(e, text)) return undefined;
      continue;
    }
    if (takesEveryCase(e)) {
      // Takes every spelling of the text or none (a negated one: the other way round).
      if (e.values.some((v) => v.toLowerCase() === lower) === (kind === 'negated')) return undefined;
      continue;
    }
    automata.push(caseAutomaton(e.values, LIKE_OPS.test(e.op), kind === 'negated'));
  }
  const chars = [...text];
  // Each position's spellings: as written, then in the other case when that is one character.
  const choices = chars.map((c) => {
    const other = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    return other !== c && [...other].length === 1 && other.toLowerCase() === c.toLowerCase() ? [c, other] : [c];
  });
  const failed = new Set<string>();
  let steps = 0;
  const picked: string[] = [];
  const search = (i: number, states: number[][]): boolean | 'budget' => {
    // A negated entry holds when no state of its own is final at the end.
    if (i === chars.length) return automata.every((a, k) => states[k].some((s) => a.final[s]) !== a.negated);
    const key = `${i}|${states.map((s) => s.join(',')).join('|')}`;
    if (failed.has(key)) return false;
    for (const c of choices[i]) {
      if (++steps > CASE_SEARCH_STEPS) return 'budget';
      const next = automata.map((a, k) => a.step(states[k], c));
      // A positive entry with no state left can match no longer; a negated one then holds whatever follows.
      if (next.some((s, k) => s.length === 0 && !automata[k].negated)) continue;
      picked[i] = c;
      const found = search(i + 1, next);
      if (found !== false) return found;
    }
    failed.add(key);
    return false;
  };
  const found = search(0, automata.map((a) => a.start));
  if (found === 'budget') return GAVE_UP;
  return found ? picked.join('') : undefined;
}

/**
 * The values of one entry as one automaton: a state is a position in one value, numbered across
 * them all; a state set is kept sorted, so equal sets have equal keys.
 */
interface CaseAutomaton {
  /** The entry is negated: it holds when the text matches none of its values. */
  negated: boolean;
  start: number[];
  final: boolean[];
  step(states: readonly number[], c: string): number[];
}

function caseAutomaton(values: readonly string[], like: boolean, negated: boolean): CaseAutomaton {
  // unit[s]: the character position s must meet, `*` / `?` (under a …Like operator only; elsewhere
  // a literal character), or undefined at the end of a value.
  const unit: Array<{ star: true } | { one: true } | { ch: string } | undefined> = [];
  const starts: number[] = [];
  for (const v of values) {
    starts.push(unit.length);
    for (const c of v) unit.push(like && c === '*' ? { star: true } : like && c === '?' ? { one: true } : { ch: c });
    unit.push(undefined);
  }
  const final = unit.map((u) => u === undefined);
  const mark = new Uint8Array(unit.length);
  // Adds s and, past each `*` that may match nothing, the positions after it.
  const add = (s: number, out: number[]) => {
    for (; !mark[s]; s++) {
      mark[s] = 1;
      out.push(s);
      const u = unit[s];
      if (u === undefined || !('star' in u)) break;
    }
  };
  const sorted = (out: number[]) => {
    for (const s of out) mark[s] = 0;
    return out.sort((a, b) => a - b);
  };
  const start: number[] = [];
  for (const s of starts) add(s, start);
  return {
    negated,
    start: sorted(start),
    final,
    step(states, c) {
      const out: number[] = [];
      for (const s of states) {
        const u = unit[s];
        if (u === undefined) continue;
        if ('star' in u) add(s, out);
        else if ('one' in u || u.ch === c) add(s + 1, out);
      }
      return sorted(out);
    },
  };
}

/**
 * The operators on a claim's key, each with its values: `entries` when several name it, else the
 * one operator with the fact's values. Empty for a fact with no condition on the key.
 */
export function claimEntries(fact: Pick<ClaimFact, 'values' | 'operators' | 'entries'>): ClaimEntry[] {
  if (fact.entries) return fact.entries;
  return fact.operators.map((op) => ({ op, values: fact.values }));
}

/**
 * Whether a condition on a claim compares without case: every operator naming the key is an
 * ...IgnoreCase one. The operators of a block are ANDed, so one that compares case decides.
 */
export function ignoresCase(operators: readonly string[]): boolean {
  return operators.length > 0 && operators.every((op) => /ignorecase/i.test(op));
}

/**
 * What a token's aud passing STS rests on when the OIDC provider's client id list holds it only in
 * another case: STS must find the aud in the list, and whether it compares ignoring case is not
 * documented. Undefined when the list holds it as written, or not in any case.
 */
export function clientIdCaseDoubt(aud: string, clientIds: readonly string[]): string | undefined {
  if (clientIds.includes(aud)) return undefined;
  const others = clientIds.filter((c) => c.toLowerCase() === aud.toLowerCase());
  return others.length > 0 ? `STS compares the token's aud ${aud} with the provider's client id list ignoring case, which is not documented: the list holds it only as ${others.join(', ')}` : undefined;
}

/**
 * Whether some token a pinned aud condition admits is also one STS takes through an OIDC provider
 * listing `clientIds`: `yes` when a value is listed as the condition compares it (under
 * StringEqualsIgnoreCase a token carrying the listed spelling meets the condition, so any case
 * will do; under StringEquals or StringLike the token carries the value as written, which the
 * list must hold); `maybe`, with what it rests on, when the list holds a value only in another
 * case under an operator that compares case (clientIdCaseDoubt); `no` otherwise.
 */
export function pinnedAudienceListed(fact: Pick<ClaimFact, 'values' | 'operators' | 'entries'>, clientIds: readonly string[]): { listed: 'yes' | 'no'; doubt?: undefined } | { listed: 'maybe'; doubt: string } {
  const entries = claimEntries(fact);
  if (entries.length > 1) {
    const answer = listedUnderEvery(entries, clientIds);
    if (answer !== undefined) return answer;
  }
  if (ignoresCase(fact.operators)) {
    const listed = new Set(clientIds.map((c) => c.toLowerCase()));
    return { listed: fact.values.some((v) => listed.has(v.toLowerCase())) ? 'yes' : 'no' };
  }
  if (fact.values.some((v) => clientIds.includes(v))) return { listed: 'yes' };
  for (const v of fact.values) {
    const doubt = clientIdCaseDoubt(v, clientIds);
    if (doubt !== undefined) return { listed: 'maybe', doubt };
  }
  return { listed: 'no' };
}

/**
 * pinnedAudienceListed for a key several operators name, each to be met (IAM ANDs them), so which
 * spellings a token may carry is what every operator takes: `yes` when one takes a listed client id
 * as written; `maybe` when all take a spelling the list holds only in another case (any casing of a
 * client id, caseVariantMeeting); `no` when they take some spelling but none of those. Undefined when they take none of them: no token meets the
 * condition (the linker says so of the trust), and the list is judged on its values as written.
 */
function listedUnderEvery(entries: readonly ClaimEntry[], clientIds: readonly string[]): { listed: 'yes' | 'no' } | { listed: 'maybe'; doubt: string } | undefined {
  const meets = (v: string) => entries.every((e) => entryAccepts(e, v));
  if (clientIds.some(meets)) return { listed: 'yes' };
  // A client id in some other case every operator takes (caseVariantMeeting: letter by letter).
  for (const c of clientIds) {
    const v = caseVariantMeeting(c, entries);
    // A search past its budget takes the client id as written (caseVariantMeeting): whether a token
    // carrying it in some casing meets the operators is not known, a doubt the linker says alike
    // (audienceVerdict), not a trust the list turns away nor one open today.
    const gaveUp = caseSearchDoubt(c, entries);
    if (gaveUp !== undefined) return { listed: 'maybe', doubt: gaveUp };
    if (v === c) return { listed: 'yes' };
    const doubt = v === undefined ? undefined : clientIdCaseDoubt(v, clientIds);
    if (doubt !== undefined) return { listed: 'maybe', doubt };
  }
  // With a pinned status some operator holds only literal values, and any aud every operator takes
  // is one of them in some case: none so is no token at all.
  // A negated entry's values are what it turns away, no audience.
  const literals = entries.filter(entryPositive).flatMap((e) => (LIKE_OPS.test(e.op) ? e.values.filter((v) => !WILDCARD.test(v)) : e.values));
  if (!literals.some((v) => caseVariantMeeting(v, entries) !== undefined)) return undefined;
  return { listed: 'no' };
}

/**
 * Whether a web identity token whose sub is `sub` meets every operator on the trust's sub key (IAM
 * ANDs them): `bar` when none does, `doubt` when that rests on what the scan cannot decide. `sub` is
 * a value of a pinned condition (`exact`), a pattern of a StringLike one, or undefined for no
 * positive condition (any sub). A sub is compared as the issuer writes it, case and all.
 * - a pinned sub must meet each operator as written: a negated one (StringNot…) turns it away when
 *   it matches one of its values, a positive one of another type when it is not of its type;
 * - Null true holds only for a token without sub, and every web identity token carries one (its
 *   subject: OpenID Connect Core, ID token), so it admits none; Null false holds for every one;
 * - a pattern against negated operators: the subs it admits that they turn away are found by running
 *   their automata together (patternCoverage): all of them is a bar; some is no doubt but said
 *   (`except`, `note`: the tokens they leave pass, and the linker checks each service principal's
 *   object id exactly); a search past its budget is a doubt;
 * - with no positive condition the same, for the pattern `*` (every sub but the empty one);
 * - an operator whose reading the scan does not know (entryDoubtful) is taken as holding, a doubt.
 */
export function subjectVerdict(sub: string | undefined, exact: boolean, fact: Pick<ClaimFact, 'values' | 'operators' | 'entries'>): SubjectVerdict {
  const entries = claimEntries(fact);
  const said = sub === undefined ? 'any sub' : `sub ${sub}`;
  const nulls = entries.filter((e) => entryKind(e) === 'null' && !entryAccepts(e, sub ?? ''));
  if (nulls.length > 0) return { bar: `Null ${nulls[0].values.join(', ')} on sub holds only for a token without sub, and every web identity token carries one, so no token meets ${said}` };
  if (sub !== undefined && exact) {
    const refusing = entries.filter((e) => !entryAccepts(e, sub));
    const typed = refusing.map((e) => typedRefusal(e, sub, 'sub')).find((t) => t !== undefined);
    if (typed !== undefined) return { bar: `${typed}, so no token meets it` };
    if (refusing.length > 0) return { bar: `${entriesText(refusing)} on the same key ${refusing.length === 1 ? 'does' : 'do'} not take sub ${sub}, and every operator on a key must hold, so no token meets sub ${sub}` };
    const unsure = entries.filter((e) => entryDoubtful(e, sub));
    if (unsure.length === 0) return {};
    const doubt = `the sub condition ${entriesText(unsure)} holds for sub ${sub} (how IAM compares a sub under it is not known)`;
    return { doubt, unsure: doubt };
  }
  const negated = entries.filter((e) => entryKind(e) === 'negated');
  // Which subs the negated operators together turn away, of those the pattern (or, with no
  // positive condition, `*`) admits: all of them, some, none, or not known (patternCoverage).
  const covered = negated.length > 0 ? patternCoverage(sub ?? '*', negated) : 'none';
  const does = negated.length === 1 ? 'does' : 'do';
  // The negated operators turn away some of the subs admitted (or may: a search that gave up):
  // which ones is known, and said (`note`), not a doubt: the tokens they leave pass.
  const except = covered === 'some' || covered === 'unknown' ? { except: negated, note: `${entriesText(negated)} on the same key turn${negated.length === 1 ? 's' : ''} away the tokens whose sub ${subsText(negated)}` } : {};
  if (sub === undefined) {
    if (covered === 'all') return { bar: `${entriesText(negated)} on the same key ${does} not take any sub, and every web identity token carries one, so no token meets it` };
    const doubts: string[] = [];
    if (covered === 'unknown') doubts.push(`${entriesText(negated)} on the same key may turn away every token`);
    const unsure = entries.filter(entryUnsure);
    if (unsure.length > 0) doubts.push(`the sub condition ${entriesText(unsure)} holds for any sub (how IAM compares a sub under it is not known)`);
    return doubts.length > 0 ? { doubt: doubts.join(', and '), unsure: doubts.join(', and '), ...except } : except;
  }
  if (covered === 'all') return { bar: `${entriesText(negated)} on the same key turn${negated.length === 1 ? 's' : ''} away every sub that matches ${sub}, and every operator on a key must hold, so no token meets it` };
  const doubts: string[] = [];
  const unknown: string[] = [];
  // Past the search's budget, whether the negated operators leave any sub the pattern admits is
  // not known: a doubt of every such token.
  if (covered === 'unknown') {
    doubts.push(`${entriesText(negated)} on the same key may turn away every token whose sub matches ${sub}`);
    unknown.push(doubts[0]);
  }
  const unsure = entries.filter(entryUnsure);
  if (unsure.length > 0) {
    const d = `the sub condition ${entriesText(unsure)} holds for sub ${sub} (how IAM compares a sub under it is not known)`;
    doubts.push(d);
    unknown.push(d);
  }
  return { ...(doubts.length > 0 ? { doubt: doubts.join(', and ') } : {}), ...(unknown.length > 0 ? { unsure: unknown.join(', and ') } : {}), ...except };
}

/**
 * subjectVerdict's answer: `bar` when no token's sub meets the operators, `doubt` when a token
 * meeting them rests on something the scan cannot decide of every token (the AWS transform makes
 * its trust edge conditional on it); `except`, the negated operators when they turn away some of the
 * subs admitted and not others (a rule naming who the trust admits says "but …"); `unsure`, the part
 * of `doubt` that no one can settle by reading each sub, an operator whose reading is not known.
 */
export interface SubjectVerdict {
  bar?: string;
  doubt?: string;
  except?: ClaimEntry[];
  /** `except` as a reason says it: which tokens the negated operators turn away. */
  note?: string;
  unsure?: string;
}

/** The subs negated entries turn away, as a reason says them: `matches P`, `is X`, joined by "or". */
function subsText(entries: readonly ClaimEntry[]): string {
  return entries.map((e) => (LIKE_OPS.test(e.op) ? `matches ${e.values.join(' or ')}` : `is ${e.values.join(' or ')}${/ignorecase/i.test(e.op) ? ' in any case' : ''}`)).join(' or ');
}

/** Past this many product states patternCoverage stops: the answer is then not known. */
const COVERAGE_STATES = 5_000;

/**
 * Which of the non-empty texts a StringLike `pattern` matches the negated entries together turn
 * away (a text is turned away when it matches a value of one of them, compared as each compares):
 * `all`, `some`, `none`, or `unknown` past COVERAGE_STATES. Texts are compared as written (a sub is
 * the issuer's, case and all). The pattern's automaton is run beside every entry's over an
 * alphabet of the characters they name plus one they do not (which only `*` and `?` match), each
 * pair of state sets visited once: a text the pattern matches and no entry does, or one both do.
 * An empty text is left out: every web identity token's sub names someone.
 */
function patternCoverage(pattern: string, negated: readonly ClaimEntry[]): Coverage {
  // Roles made from one template share their condition, and the transform and three rules ask of
  // it: the answer is kept per pattern and entries, bounded as the casing search's answers are.
  const memo = `${pattern}\u0000${JSON.stringify(negated)}`;
  const kept = coverages.get(memo);
  if (kept !== undefined) return kept;
  const found = coverageOf(pattern, negated);
  if (coverages.size >= CASE_SEARCHES_KEPT) coverages.clear();
  coverages.set(memo, found);
  return found;
}

type Coverage = 'all' | 'some' | 'none' | 'unknown';

const coverages = new Map<string, Coverage>();

function coverageOf(pattern: string, negated: readonly ClaimEntry[]): Coverage {
  const folds = negated.map((e) => takesEveryCase(e));
  const pat = caseAutomaton([pattern], true, false);
  const neg = negated.map((e, i) => caseAutomaton(folds[i] ? e.values.map((v) => v.toLowerCase()) : e.values, LIKE_OPS.test(e.op), true));
  const letters = new Set<string>();
  for (const c of pattern) letters.add(c);
  negated.forEach((e, i) => {
    for (const v of e.values) for (const c of v) for (const x of folds[i] ? [c, c.toLowerCase(), c.toUpperCase()] : [c]) letters.add(x);
  });
  // A character no value names: U+0001 unless one does, then the first free code point.
  let other = 1;
  while (letters.has(String.fromCodePoint(other))) other++;
  letters.add(String.fromCodePoint(other));
  const alphabet = [...letters].sort();
  let escapes = false;
  let caught = false;
  const seen = new Set<string>();
  let frontier: Array<{ p: number[]; n: number[][] }> = [{ p: pat.start, n: neg.map((a) => a.start) }];
  while (frontier.length > 0) {
    const next: Array<{ p: number[]; n: number[][] }> = [];
    for (const { p, n } of frontier) {
      for (const c of alphabet) {
        const p2 = pat.step(p, c);
        if (p2.length === 0) continue;
        const n2 = neg.map((a, i) => a.step(n[i], folds[i] ? c.toLowerCase() : c));
        const key = JSON.stringify([p2, n2]);
        if (seen.has(key)) continue;
        if (seen.size >= COVERAGE_STATES) return 'unknown';
        seen.add(key);
        if (p2.some((s) => pat.final[s])) {
          if (n2.some((states, i) => states.some((s) => neg[i].final[s]))) caught = true;
          else escapes = true;
          if (caught && escapes) return 'some';
        }
        next.push({ p: p2, n: n2 });
      }
    }
    frontier = next;
  }
  return escapes ? 'none' : 'all';
}

/**
 * Why STS turns away, today, every token for one value of a pinned aud condition: the OIDC
 * provider's client id list does not hold it in any case, while it holds another value of the
 * condition (one it holds only in another case is a doubt, clientIdCaseDoubt). Adding the client id
 * reopens it, the trust policy untouched. When the list holds none of the values the whole trust
 * is refused (pinnedAudienceListed `no`, the transform's evidence.blocked), so undefined here.
 */
export function unlistedAudience(aud: string, fact: Pick<ClaimFact, 'status' | 'values'>, clientIds: readonly string[]): string | undefined {
  if (fact.status !== 'pinned') return undefined;
  const listed = new Set(clientIds.map((c) => c.toLowerCase()));
  if (listed.has(aud.toLowerCase()) || !fact.values.some((v) => listed.has(v.toLowerCase()))) return undefined;
  return `the provider's client id list (${clientIdsText(clientIds)}) does not hold aud ${aud}, so no token for it is accepted today`;
}

/**
 * An AWS sign-in endpoint a SAML response is posted to, which its Recipient must match (IAM User
 * Guide, "Configure SAML assertions for the authentication response": `https://signin.aws.amazon.com/saml`,
 * `https://<region-code>.signin.aws.amazon.com/saml`, with `/acs/<IdP-ID>` appended when the
 * provider requires encryption; the China and GovCloud partitions' sign-in hosts alike, and the
 * China guide's `https://signin.amazonaws.cn/static/saml`), written as the guide writes them.
 */
const SIGNIN_ENDPOINT = /^https:\/\/(?:[a-z0-9-]+\.)?signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/(?:saml(?:\/acs\/[^/]+)?|static\/saml)$/;
const SIGNIN_ENDPOINT_ANY_CASE = new RegExp(SIGNIN_ENDPOINT.source, 'i');

/**
 * Whether a value names a sign-in endpoint only as another spelling of it: another case, the
 * default port written out (`https://signin.aws.amazon.com:443/saml`) or a trailing slash
 * (`.../saml/`), as an IdP's ACS URL may be written. The guide says only that the Recipient must
 * "match" the endpoint URL, not how AWS compares them, so whether AWS takes such a Recipient (and
 * the trust pinned to it) is not known: not sure enough to judge the trust dead, nor to take it as
 * firm. Another host, `http://` or another path is no spelling of an endpoint.
 */
function signinEndpointVariant(v: string): boolean {
  if (SIGNIN_ENDPOINT.test(v)) return false;
  return SIGNIN_ENDPOINT_ANY_CASE.test(v.replace(/^(https:\/\/[^/:]+):443(?=\/)/i, '$1').replace(/(.)\/$/, '$1'));
}

/**
 * Why no SAML assertion meets a trust's SAML:aud condition, or undefined. SAML:aud is the
 * Recipient of the assertion's SubjectConfirmationData (IAM User Guide, "Available keys for
 * SAML-based federation"), and AWS takes a response only when that Recipient is one of its sign-in
 * endpoints (SIGNIN_ENDPOINT). So a pinned condition none of whose values is such an endpoint, or
 * whose endpoints another operator on the key turns away (IAM ANDs them), takes no assertion. A
 * pattern, or no positive condition, is not judged: some endpoint may match it. Nor is one whose
 * only endpoints are other spellings of one (signinEndpointVariant): a trust is judged dead only
 * when that is sure, and samlAudienceDoubt says the doubt.
 */
export function samlAudienceBar(fact: ClaimFact): string | undefined {
  if (fact.status !== 'pinned') return undefined;
  const entries = claimEntries(fact);
  const endpoints = fact.values.filter((v) => SIGNIN_ENDPOINT.test(v) || signinEndpointVariant(v));
  if (endpoints.some((v) => entries.every((e) => entryAccepts(e, v)))) return undefined;
  if (endpoints.length === 0) {
    return `SAML:aud ${fact.values.join(', ')} is no AWS sign-in endpoint, and AWS takes a SAML assertion only when its Recipient (which SAML:aud is) is one (https://signin.aws.amazon.com/saml or a regional sign-in endpoint), so no assertion meets it`;
  }
  const refusing = entries.filter((e) => endpoints.some((v) => !entryAccepts(e, v)));
  return `${entriesText(refusing)} on SAML:aud ${refusing.length === 1 ? 'turns' : 'turn'} away ${endpoints.join(', ')}, the sign-in endpoint${endpoints.length === 1 ? '' : 's'} it names, and every operator on a key must hold, so no assertion meets it`;
}

/**
 * What a SAML trust's routes rest on when the only sign-in endpoints its pinned SAML:aud takes are
 * other spellings of one (signinEndpointVariant: a trailing slash, `:443`, another case): whether
 * AWS matches an assertion's Recipient written that way is not documented. Undefined when it takes
 * an endpoint as the guide writes it, or none at all (samlAudienceBar).
 */
export function samlAudienceDoubt(fact: ClaimFact): string | undefined {
  if (fact.status !== 'pinned') return undefined;
  const entries = claimEntries(fact);
  const accepted = (v: string) => entries.every((e) => entryAccepts(e, v));
  if (fact.values.some((v) => SIGNIN_ENDPOINT.test(v) && accepted(v))) return undefined;
  const variants = fact.values.filter((v) => signinEndpointVariant(v) && accepted(v));
  if (variants.length === 0) return undefined;
  return `AWS takes an assertion whose Recipient is SAML:aud ${variants.join(', ')}, a sign-in endpoint written unlike the IAM User Guide writes it (trailing slash, port 443 or case), which the guide does not say`;
}

/** SAML condition keys that name whom or what an assertion is about (IAM User Guide, "Available keys for SAML-based federation"). */
const SAML_SUBJECT_KEYS = ['SAML:sub', 'SAML:sub_type', 'SAML:iss'];

/**
 * What a SAML trust's routes rest on when its statement has a condition on SAML:sub (the
 * assertion's NameID), SAML:sub_type (the NameID's format) or SAML:iss (the IdP's issuer), any
 * operator: the IdP decides what each user's assertion carries (an Okta app's user name format, an
 * Entra app's NameID claim), which a snapshot does not hold, so who meets it is not known. Undefined
 * without such a condition.
 */
export function samlSubjectDoubt(cond: ConditionBlock | undefined): string | undefined {
  const said = SAML_SUBJECT_KEYS.flatMap((key) => {
    const entries = keyEntries(cond, key);
    return entries.length > 0 ? [`${entriesText(entries)} on ${key}`] : [];
  });
  if (said.length === 0) return undefined;
  return `the assertion meets ${said.join(' and ')} (which user's assertion carries what is set in the identity provider, and not read)`;
}

function classifyAws(value: string, roleAccount: string | undefined, known: ReadonlySet<string> | undefined): TrustedPrincipal {
  if (value === '*') return { type: 'any' };
  const third = (acct: string | undefined, same: boolean) => (same ? false : known && acct ? !known.has(acct) : undefined);
  if (/^\d{12}$/.test(value) || /^arn:[^:]+:iam::\d{12}:root$/.test(value)) {
    const accountId = /^\d{12}$/.test(value) ? value : accountOf(value)!;
    const sameAccount = accountId === roleAccount;
    return { type: 'account', accountId, sameAccount, thirdParty: third(accountId, sameAccount) };
  }
  if (/^A[A-Z]{3}[A-Z0-9]{12,}$/.test(value)) return { type: 'unique-id', id: value };
  const accountId = accountOf(value);
  const sameAccount = accountId !== undefined && accountId === roleAccount;
  const type = /:iam::\d{12}:user\//.test(value)
    ? 'iam-user'
    : /:iam::\d{12}:role\//.test(value)
      ? 'iam-role'
      : /:sts::\d{12}:assumed-role\//.test(value)
        ? 'assumed-role'
        : 'iam-other';
  return { type, arn: value, accountId, sameAccount, thirdParty: third(accountId, sameAccount) };
}

function classifyFederated(value: string, cond: ConditionBlock | undefined): TrustedPrincipal {
  const oidc = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/.exec(value);
  if (oidc) {
    const issuer = oidc[1];
    return {
      type: 'oidc',
      providerArn: value,
      issuer,
      github: issuer.toLowerCase() === 'token.actions.githubusercontent.com',
      audience: claimFact(cond, `${issuer}:aud`),
      subject: claimFact(cond, `${issuer}:sub`),
    };
  }
  if (/^arn:[^:]+:iam::\d{12}:saml-provider\//.test(value)) return { type: 'saml', providerArn: value, audience: claimFact(cond, 'SAML:aud') };
  return { type: 'federated-other', value, audience: claimFact(cond, `${value}:aud`), subject: claimFact(cond, `${value}:sub`) };
}

function classifyBlock(block: PrincipalBlock, cond: ConditionBlock | undefined, roleAccount: string | undefined, known: ReadonlySet<string> | undefined): TrustedPrincipal[] {
  if (block === '*') return [{ type: 'any' }];
  const out: TrustedPrincipal[] = [];
  for (const [type, values] of Object.entries(block)) {
    for (const v of values) {
      if (type === 'AWS') out.push(classifyAws(v, roleAccount, known));
      else if (type === 'Service') out.push({ type: 'service', service: v });
      else if (type === 'Federated') out.push(classifyFederated(v, cond));
      else if (type === 'CanonicalUser') out.push({ type: 'canonical-user', id: v });
    }
  }
  return out;
}

function statementFact(s: PolicyStatement, index: number, roleAccount: string | undefined, known: ReadonlySet<string> | undefined, version: string | undefined): TrustStatementFact {
  const block = s.principal ?? s.notPrincipal ?? {};
  const scope: VariableScope = { version, roleAccount };
  const conditionKeys = s.condition ? [...new Set(Object.values(s.condition).flatMap((k) => Object.keys(k)))] : [];
  const restrictingKeys = conditionKeys.filter((k) => RESTRICTING_KEYS.has(k.toLowerCase()) && narrows(s.condition, k, scope));
  const doubtfulKeys = conditionKeys.filter((k) => RESTRICTING_KEYS.has(k.toLowerCase()) && !restrictingKeys.includes(k) && positiveEntries(s.condition, k).some((e) => narrowingDoubtful(k, e, scope)));
  const principals = classifyBlock(block, s.condition, roleAccount, known);
  const conditionPrincipals = s.effect === 'Allow' && s.principal !== undefined && principals.some((p) => p.type === 'any') ? pinnedPrincipals(s.condition, roleAccount, known, scope) : [];
  const fact: TrustStatementFact = {
    statementIndex: index,
    sid: s.sid,
    effect: s.effect,
    actions: s.action ?? s.notAction ?? [],
    notAction: s.action === undefined,
    notPrincipal: s.principal === undefined && s.notPrincipal !== undefined,
    principals,
    conditionKeys,
    restrictingKeys,
    externalId: narrows(s.condition, 'sts:ExternalId', scope),
    negatedRestrictingKeys: negatedKeys(s.condition, scope),
  };
  const negatedDoubtful = negatedKeys(s.condition, scope, true).filter((k) => !fact.negatedRestrictingKeys.includes(k));
  if (negatedDoubtful.length > 0) fact.negatedDoubtfulKeys = negatedDoubtful;
  if (doubtfulKeys.length > 0) fact.doubtfulKeys = doubtfulKeys;
  if (conditionPrincipals.length > 0) fact.conditionPrincipals = conditionPrincipals;
  const valueDoubtList = valueDoubts(s.condition, scope, s.effect === 'Deny', doubtfulKeys);
  if (valueDoubtList.length > 0) fact.valueDoubts = valueDoubtList;
  const orgLists = s.effect === 'Deny' ? orgEntries(s.condition, scope, false) : restrictingKeys.some((k) => ORG_KEYS.has(k.toLowerCase())) ? orgEntries(s.condition, scope, true) : [];
  if (orgLists.length > 0) fact.orgLists = orgLists;
  const orgs = s.effect === 'Deny' ? orgsSpared(orgLists) : orgsAdmitted(orgLists);
  if (orgs.length > 1) fact.severalOrgs = orgs;
  if (s.effect === 'Deny' && s.condition) {
    fact.outsidersDenied = deniesOutsiders(s.condition, scope);
    // What the Deny would do if each value with a variable whose value is not known narrowed:
    // when only that makes it turn callers away, whether it does is a doubt.
    if (!fact.outsidersDenied && deniesOutsiders(s.condition, scope, true)) fact.outsidersDoubt = true;
    fact.externalIdRequired = deniesWithoutExternalId(s.condition, scope);
    if (!fact.externalIdRequired && deniesWithoutExternalId(s.condition, scope, true)) fact.externalIdRequiredOutsideOrg = true;
    if (!fact.externalIdRequired && deniesWithoutExternalId(s.condition, scope, false, true)) fact.externalIdDoubt = 'everyone';
    else if (!fact.externalIdRequired && !fact.externalIdRequiredOutsideOrg && deniesWithoutExternalId(s.condition, scope, true, true)) fact.externalIdDoubt = 'outside-org';
  }
  return fact;
}

/** A condition entry, as the Deny judgements below read one: its operator, key and values. */
type EntryTest = (op: string, key: string, values: readonly string[]) => boolean;

/** `Bool aws:PrincipalIsAWSService false` (or BoolIfExists): an entry every IAM caller meets. */
const everyIamCaller: EntryTest = (op, k, vals) => /^bool(?:ifexists)?$/i.test(op) && k.toLowerCase() === 'aws:principalisawsservice' && vals.length > 0 && vals.every((v) => v.toLowerCase() === 'false');

/**
 * A negated operator (not `ForAnyValue:`) on a restricting key whose values narrow (valueNarrows):
 * every caller outside what they name matches none of them, or lacks the key. negatedKeys lists
 * such keys; deniesOutsiders asks it of each entry. With `lenient`, a value that would narrow but
 * for a policy variable whose value is not known (valueNarrowing `unknown`) counts as narrowing:
 * what the entry would do if it did.
 */
function negatedNarrowing(op: string, k: string, vals: readonly string[], scope: VariableScope, lenient = false): boolean {
  return NEGATED_OPS.test(op) && !FOR_ANY.test(op) && RESTRICTING_KEYS.has(k.toLowerCase()) && vals.every((v) => narrowsOr(k, op, v, scope, lenient));
}

/** valueNarrows, or with `lenient` also a value whose narrowing is not known (valueNarrowing `unknown`). */
function narrowsOr(key: string, op: string, value: string, scope: VariableScope, lenient: boolean): boolean {
  const r = valueNarrowing(key, op, value, scope);
  return r === 'yes' || (lenient && r === 'unknown');
}

/**
 * The values behind a statement's doubt (ValueDoubt): of an Allow, those of the positive entries
 * on its doubtfulKeys that narrowingDoubtful finds; of a Deny, those of its negated entries on
 * restricting keys (not `ForAnyValue:`, as negatedNarrowing) whose narrowing is not known.
 */
function valueDoubts(cond: ConditionBlock | undefined, scope: VariableScope, deny: boolean, doubtfulKeys: readonly string[]): ValueDoubt[] {
  if (!cond) return [];
  const out: ValueDoubt[] = [];
  const note = (k: string, op: string, vals: readonly string[]) => {
    for (const value of vals) {
      if (valueNarrowing(k, op, value, scope) !== 'unknown') continue;
      out.push({ key: k, value, cause: (substituteVariables(value, op, scope) ?? '').includes(UNKNOWN_MARK) ? 'variable' : 'caller-text' });
    }
  };
  if (!deny) {
    for (const k of doubtfulKeys) for (const e of positiveEntries(cond, k)) if (narrowingDoubtful(k, e, scope)) note(k, e.op, e.values);
    return out;
  }
  for (const [op, keys] of Object.entries(cond)) {
    if (!NEGATED_OPS.test(op) || FOR_ANY.test(op)) continue;
    for (const [k, vals] of Object.entries(keys)) if (RESTRICTING_KEYS.has(k.toLowerCase())) note(k, op, vals);
  }
  return out;
}

/** How a value of an organisation key that narrows names its organisation: the id, or the part before the first `/` of a path, as written. */
function orgOfValue(key: string, value: string): string {
  return key.toLowerCase() === 'aws:principalorgpaths' ? value.split('/')[0] : value;
}

/** The organisations (orgOfValue) each narrowing entry on an organisation key names, one list per entry; `positive` or negated (as negatedNarrowing) entries. */
function orgEntries(cond: ConditionBlock | undefined, scope: VariableScope, positive: boolean): string[][] {
  const out: string[][] = [];
  for (const k of ['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths']) {
    for (const e of keyEntries(cond, k)) {
      const take = positive ? entryPositive(e) && entryNarrows(k, e, scope) : negatedNarrowing(e.op, k, e.values, scope);
      if (take) out.push(e.values.map((v) => orgOfValue(k, v)));
    }
  }
  return out;
}

/** Organisation names compared: ids are lower case (`o-` and 10 to 32 letters or digits), and `${aws:ResourceOrgID}` ignores the case and spaces of its key. */
const orgName = (org: string) => org.toLowerCase().replace(/\s+/g, '');
const OWN_ORG_NAME = '${aws:resourceorgid}';

/**
 * The organisations an Allow's positive organisation entries may let through (see severalOrgs):
 * those every entry names. `${aws:ResourceOrgID}`, the role's own, may be any id named beside it,
 * so the largest such intersection is taken: a doubt is kept, not resolved for the vendor.
 */
function orgsAdmitted(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 0) return [];
  const written = firstSpellings(lists);
  const names = lists.map((list) => new Set(list.map(orgName)));
  let best: string[] = [];
  for (const own of [OWN_ORG_NAME, ...[...written.keys()].filter((n) => n !== OWN_ORG_NAME)]) {
    const sets = names.map((set) => (set.has(OWN_ORG_NAME) ? new Set([...set].map((n) => (n === OWN_ORG_NAME ? own : n))) : set));
    const common = [...sets[0]].filter((n) => sets.every((set) => set.has(n)));
    if (common.length > best.length) best = common;
    if (!names.some((set) => set.has(OWN_ORG_NAME))) break;
  }
  return best.map((n) => written.get(n) ?? n);
}

/** The organisations a Deny's negated organisation entries (orgEntries) spare (see severalOrgs): those any of them names. */
function orgsSpared(lists: readonly (readonly string[])[]): string[] {
  return [...firstSpellings(lists).values()];
}

/** Each organisation the lists name, by orgName, as it is first written. */
function firstSpellings(lists: readonly (readonly string[])[]): Map<string, string> {
  const written = new Map<string, string>();
  for (const list of lists) for (const org of list) if (!written.has(orgName(org))) written.set(orgName(org), org);
  return written;
}

/**
 * Whether a Deny's condition block turns away every caller that fails the entries `required`
 * takes. IAM ANDs operators and keys (IAM User Guide, conditions with multiple context keys or
 * values), so every entry must be one `required` takes or one every IAM caller meets
 * (everyIamCaller); any other (aws:SourceIp, a role name of any account, a tag the caller sets)
 * may fail for some caller, who then escapes the Deny. False with no entry `required` takes:
 * nothing then names whom the Deny is about.
 */
function denyTurnsAway(cond: ConditionBlock, required: EntryTest): boolean {
  let found = false;
  for (const [op, keys] of Object.entries(cond)) {
    for (const [k, vals] of Object.entries(keys)) {
      if (required(op, k, vals)) found = true;
      else if (!everyIamCaller(op, k, vals)) return false;
    }
  }
  return found;
}

/**
 * Whether a Deny turns away every caller outside the organisations, accounts or principals its
 * negated restricting keys name (negatedNarrowing), whatever else it tests (denyTurnsAway).
 */
function deniesOutsiders(cond: ConditionBlock, scope: VariableScope, lenient = false): boolean {
  return denyTurnsAway(cond, (op, k, vals) => negatedNarrowing(op, k, vals, scope, lenient));
}

/**
 * Whether a Deny turns away every caller that does not send the external id it names
 * (denyTurnsAway). Such an entry is a negated string operator on sts:ExternalId (StringNotEquals…,
 * …IfExists and ForAllValues: too), which holds when the key is absent and for any other value (IAM
 * User Guide, condition operators), its values narrowing as a positive condition's must (no value
 * of only wildcards). `ForAnyValue:` is false when the key is absent, and `Null sts:ExternalId true`
 * spares a caller sending any value at all: neither is one.
 * With `outsideOrg`, of every caller outside the organisation its negated aws:PrincipalOrgID or
 * aws:PrincipalOrgPaths entries name (negatedNarrowing): such a caller meets them, so IAM's AND
 * leaves the external id to decide. True only when such an entry is there beside the external id.
 */
function deniesWithoutExternalId(cond: ConditionBlock, scope: VariableScope, outsideOrg = false, lenient = false): boolean {
  let org = false;
  const turnsAway = denyTurnsAway(cond, (op, k, vals) => {
    const key = k.toLowerCase();
    if (key === 'sts:externalid') return /^(?:forallvalues:)?stringnot/i.test(op) && vals.length > 0 && vals.every((v) => narrowsOr(k, op, v, scope, lenient));
    if (outsideOrg && (key === 'aws:principalorgid' || key === 'aws:principalorgpaths') && negatedNarrowing(op, k, vals, scope, lenient)) return (org = true);
    return false;
  });
  return turnsAway && (!outsideOrg || org) && hasExternalIdEntry(cond);
}

/** Whether a condition block names sts:ExternalId at all (under any operator). */
function hasExternalIdEntry(cond: ConditionBlock): boolean {
  return Object.values(cond).some((keys) => Object.keys(keys).some((k) => k.toLowerCase() === 'sts:externalid'));
}

/** Whether a Deny statement names `principal` (`*`, its account or itself, as trustDenial reads a Deny) and covers `action`. */
function denyNames(st: TrustStatementFact, principal: TrustedPrincipal, action: string): boolean {
  return st.effect === 'Deny' && !st.notPrincipal && trustStatementCovers(st, action) && st.principals.some((d) => d.type === 'any' || denyCovers(d, principal));
}

/**
 * Whether a Deny of the trust policy requires an external id of `principal` calling `action`: it
 * names the principal and covers the action (denyNames), and turns away every caller without the
 * external id it names (externalIdRequired) or, when the principal is known to be outside the
 * organisation (`outsideOrg`: a third party, the organisation a condition names being taken for
 * yours), every such caller outside the one organisation it names (externalIdRequiredOutsideOrg;
 * not when it spares several, severalOrgs: one of them is not yours, and the principal may be in it;
 * with `known`, only when it spares none the principal may be in, orgSpares).
 */
export function externalIdRequiredByDeny(facts: RoleTrustFacts, principal: TrustedPrincipal, action: string, outsideOrg = false, known?: OrgKnowledge): boolean {
  return facts.statements.some(
    (st) => (st.externalIdRequired === true || (outsideOrg && st.externalIdRequiredOutsideOrg === true && orgSpares(st, known) === 'no')) && denyNames(st, principal, action),
  );
}

/**
 * What is known of organisations: which are yours (`own`, by id; the role's own,
 * `${aws:ResourceOrgID}`, always is), and, when a condition of the Allow pins it, which foreign
 * organisations the principal may be in (`principalIn`). `own` may be empty (the scanned accounts
 * are in no organisation): every organisation named but the role's own is then foreign. Without
 * it, the one organisation a condition names is taken for yours and several leave it open
 * (severalOrgs).
 */
export interface OrgKnowledge {
  own: ReadonlySet<string>;
  principalIn?: ReadonlySet<string>;
}

/** Whether an organisation as a condition writes it (an id, `${aws:ResourceOrgID}`, or a pattern under a …Like operator) is one of `own`. */
export function isOwnOrg(org: string, own: ReadonlySet<string>): boolean {
  const name = orgName(org);
  if (name === OWN_ORG_NAME || own.has(name)) return true;
  if (!WILDCARD.test(name)) return false;
  // A pattern that matches an organisation of yours is taken for it, as one organisation named is
  // without the option. compileGlob, as the StringLike values: linear however many stars it has.
  const pattern = compileGlob(name);
  return [...own].some((o) => pattern.test(o));
}

/**
 * Every organisation that is not yours (isOwnOrg) any of a statement's organisation entries
 * (orgLists) names, Allow or Deny alike, as first written: those whose being yours could change
 * what the statement lets through or spares. Empty when none.
 */
export function namedForeignOrgsOf(st: TrustStatementFact, own: ReadonlySet<string>): string[] {
  return [...firstSpellings((st.orgLists ?? []).map((list) => list.filter((o) => !isOwnOrg(o, own)))).values()];
}

/**
 * The organisations that are not yours (isOwnOrg) a statement's organisation entries (orgLists)
 * let through, for an Allow (those every entry names, IAM ANDing them: an entry naming only yours,
 * `${aws:ResourceOrgID}` among them, lets no foreign caller through), or spare, for a Deny (those
 * any entry names). As first written; empty when none.
 */
export function foreignOrgsOf(st: TrustStatementFact, own: ReadonlySet<string>): string[] {
  const lists = (st.orgLists ?? []).map((list) => list.filter((o) => !isOwnOrg(o, own)));
  if (lists.length === 0) return [];
  const written = [...firstSpellings(lists).values()];
  if (st.effect === 'Deny') return written;
  const names = lists.map((list) => new Set(list.map(orgName)));
  return written.filter((o) => names.every((set) => set.has(orgName(o))));
}

/**
 * Whether a Deny's organisation conditions spare a third-party principal (a vendor), which would
 * otherwise be outside what they name: `no` when they spare only your organisations (without
 * `known`: one organisation, taken for yours), or only foreign ones the principal is known not to
 * be in; `yes` when they spare every organisation the principal may be in (principalIn); else
 * `unknown`: they spare several (without `known`) or a foreign one the principal may be in, and
 * which organisation an account is in is not in the snapshot.
 */
export function orgSpares(st: TrustStatementFact, known?: OrgKnowledge): 'no' | 'yes' | 'unknown' {
  if (!known) return st.severalOrgs === undefined ? 'no' : 'unknown';
  const foreign = new Set(foreignOrgsOf(st, known.own).map(orgName));
  if (foreign.size === 0) return 'no';
  const inside = known.principalIn;
  if (!inside) return 'unknown';
  const spared = [...inside].filter((o) => foreign.has(o)).length;
  return spared === 0 ? 'no' : spared === inside.size ? 'yes' : 'unknown';
}

/** An organisation as compared (lower case, no spaces): for OrgKnowledge sets. */
export const orgKey = (org: string): string => orgName(org);

/** The organisation keys: a Deny negating only them turns away callers outside one organisation. */
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);
const orgOnly = (keys: readonly string[]) => keys.length > 0 && keys.every((k) => ORG_KEYS.has(k.toLowerCase()));

/**
 * Whether a Deny of the trust policy naming `principal` and covering `action` (denyNames) turns
 * away every caller outside the one organisation its negated aws:PrincipalOrgID or
 * aws:PrincipalOrgPaths entries name, whatever the caller sends: its only other entries are ones
 * every IAM caller meets (outsidersDenied with no negated key but the organisation's; a negated
 * aws:PrincipalAccount beside it would spare the accounts it lists, IAM ANDing the two), and it
 * spares one organisation (not severalOrgs; with `known`, none the principal may be in,
 * orgSpares). A caller outside that organisation, which a third party is when the organisation is
 * yours, then cannot assume the role.
 */
export function outsideOrgDeniedBy(facts: RoleTrustFacts, principal: TrustedPrincipal, action: string, known?: OrgKnowledge): boolean {
  return facts.statements.some((st) => st.outsidersDenied === true && orgOnly(st.negatedRestrictingKeys) && orgSpares(st, known) === 'no' && denyNames(st, principal, action));
}

/**
 * A Deny of the trust policy naming `principal` and covering `action` (denyNames) that would keep
 * it out, or require an external id of it, but for a fact the scan does not know, with which:
 * `external-id`, a policy variable whose value is not known in its external id values
 * (externalIdDoubt: of `everyone`, or with `outsideOrg` of callers outside the organisation);
 * `outside-org`, one in the organisation it names (outsidersDoubt, only organisation keys
 * negated); `several-orgs`, it spares several organisations (severalOrgs), not all of them yours,
 * so whether the principal is inside one it spares is not known. The first such Deny, or undefined.
 */
export function denyDoubtFor(
  facts: RoleTrustFacts,
  principal: TrustedPrincipal,
  action: string,
  outsideOrg = false,
  known?: OrgKnowledge,
): { statement: TrustStatementFact; doubt: 'external-id' | 'outside-org' | 'several-orgs' } | undefined {
  for (const st of facts.statements) {
    if (!denyNames(st, principal, action)) continue;
    if (st.externalIdDoubt === 'everyone' || (outsideOrg && st.externalIdDoubt === 'outside-org')) return { statement: st, doubt: 'external-id' };
    if (st.outsidersDoubt === true && orgOnly([...st.negatedRestrictingKeys, ...(st.negatedDoubtfulKeys ?? [])])) return { statement: st, doubt: 'outside-org' };
    if (orgSpares(st, known) === 'unknown' && ((st.outsidersDenied === true && orgOnly(st.negatedRestrictingKeys)) || (outsideOrg && st.externalIdRequiredOutsideOrg === true))) {
      return { statement: st, doubt: 'several-orgs' };
    }
  }
  return undefined;
}

/**
 * The principals that positive aws:PrincipalArn (else aws:PrincipalAccount) conditions narrow a
 * `*` statement to, when they pin accounts. Keys are ANDed, so only accounts every narrowing
 * entry of the two keys admits are kept: an own account beside a vendor ARN admits no one.
 */
function pinnedPrincipals(cond: ConditionBlock | undefined, roleAccount: string | undefined, known: ReadonlySet<string> | undefined, scope: VariableScope): TrustedPrincipal[] {
  // Values are read with aws:ResourceAccount replaced by the role's account (substituteVariables).
  const byKey = (key: string) =>
    positiveEntries(cond, key)
      .filter((e) => entryNarrows(key, e, scope))
      .map((e) => ({ op: e.op, values: e.values.map((v) => withResourceAccount(v, scope)) }));
  const arns = byKey('aws:PrincipalArn');
  const accounts = byKey('aws:PrincipalAccount');
  if (arns.length + accounts.length === 0) return [];
  const accountOfValue = (v: string) => (/^\d{12}$/.test(v) ? v : /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(v)?.[1]);
  let admitted: Set<string> | undefined;
  for (const e of [...arns, ...accounts]) {
    const mine = new Set(e.values.map(accountOfValue).filter((a): a is string => a !== undefined));
    admitted = admitted ? new Set([...admitted].filter((a) => mine.has(a))) : mine;
  }
  const out: TrustedPrincipal[] = [];
  const seen = new Set<string>();
  for (const e of arns.length > 0 ? arns : accounts) {
    for (const v of e.values) {
      const acct = accountOfValue(v);
      if (acct === undefined || !admitted!.has(acct) || seen.has(v)) continue;
      seen.add(v);
      out.push(classifyAws(v, roleAccount, known));
    }
  }
  return out;
}

/**
 * Condition keys of RESTRICTING_KEYS used under a negated operator, as written, when a Deny under
 * it covers callers lacking the key and its values narrow (valueNarrows). `ForAnyValue:` is false
 * when the key is absent, so such a Deny leaves out callers outside any organisation.
 */
function negatedKeys(cond: ConditionBlock | undefined, scope: VariableScope, lenient = false): string[] {
  if (!cond) return [];
  const out = new Set<string>();
  for (const [op, keys] of Object.entries(cond)) for (const [k, vals] of Object.entries(keys)) if (negatedNarrowing(op, k, vals, scope, lenient)) out.add(k);
  return [...out];
}

/**
 * Why a role's trust policy cannot be used, or undefined: it did not parse, or it uses
 * NotPrincipal, which IAM does not accept in a role trust policy (IAM User Guide, "NotPrincipal":
 * it cannot be used in a role trust policy, and not with Allow) - so such a document is not what
 * AWS enforces, and what it admits is unknown rather than "everyone but the list".
 */
export function trustPolicyProblem(role: IamRole): { location: string; problem: string } | undefined {
  if (!role.trustPolicy.ok) return { location: role.trustPolicy.location, problem: role.trustPolicy.problem };
  const i = role.trustPolicy.document.statements.findIndex((s) => s.notPrincipal !== undefined);
  if (i < 0) return undefined;
  return { location: `${role.arn}: Statement[${i}].NotPrincipal`, problem: 'NotPrincipal is not accepted in a role trust policy, so what AWS enforces for this role is unknown' };
}

/** Facts about one role's trust policy. */
export function analyzeTrust(role: IamRole, options: TrustAnalysisOptions = {}): RoleTrustFacts {
  const accountId = accountOf(role.arn);
  // A set that already holds the role's account is read as it is (it is only read): the AWS
  // transform passes the same set of scanned accounts for each of its 50,000 roles at 100,000
  // identities, and each call copied it.
  const given = options.knownAccountIds;
  let known: ReadonlySet<string> | undefined;
  if (given instanceof Set && (!accountId || given.has(accountId))) known = given as ReadonlySet<string>;
  else if (given) {
    const copy = new Set(given);
    if (accountId) copy.add(accountId);
    known = copy;
  }
  const problem = trustPolicyProblem(role);
  if (problem || !role.trustPolicy.ok) {
    return { roleArn: role.arn, accountId, unusable: problem, statements: [] };
  }
  return {
    roleArn: role.arn,
    accountId,
    statements: role.trustPolicy.document.statements.map((s, i) => statementFact(s, i, accountId, known, role.trustPolicy.ok ? role.trustPolicy.document.version : undefined)),
  };
}

/** Does the statement's Action (or NotAction) cover `action` (e.g. `sts:AssumeRoleWithSAML`)? Action names ignore case. */
export function trustStatementCovers(st: TrustStatementFact, action: string): boolean {
  const hit = st.actions.some((a) => compileGlob(a, true).test(action));
  return st.notAction ? !hit : hit;
}

function samePrincipal(a: TrustedPrincipal, b: TrustedPrincipal): boolean {
  if (a.type === 'any' || b.type === 'any') return a.type === b.type;
  if (a.type === 'account') return (b.type === 'account' && b.accountId === a.accountId) || ('arn' in b && b.accountId === a.accountId);
  if ('arn' in a) return ('arn' in b && b.arn === a.arn) || (b.type === 'account' && b.accountId === a.accountId);
  if (a.type === 'oidc' || a.type === 'saml') return (b.type === 'oidc' || b.type === 'saml') && b.providerArn === a.providerArn;
  if (a.type === 'federated-other') return b.type === 'federated-other' && b.value.toLowerCase() === a.value.toLowerCase();
  if (a.type === 'service') return b.type === 'service' && b.service.toLowerCase() === a.service.toLowerCase();
  if (a.type === 'unique-id') return b.type === 'unique-id' && b.id === a.id;
  return a.type === 'canonical-user' && b.type === 'canonical-user' && b.id === a.id;
}

/**
 * Whether a Deny naming `deny` covers every caller the Allow's `allowed` stands for. An account
 * stands for each principal of it, a user, role or session ARN for that principal only (IAM User
 * Guide, Principal element: AWS account principals, IAM user and role principals): a Deny naming
 * the account covers a user of it, but one naming a user of the account leaves its other
 * principals as the Allow let them in. A role acts only through its sessions, and a role named as
 * a principal stands for them (IAM role principals: the effective permissions of a role principal
 * are limited by session policies, which only a session has), so a Deny naming the role covers a
 * session of it an Allow names; a Deny naming one session leaves the role's other sessions.
 */
function denyCovers(deny: TrustedPrincipal, allowed: TrustedPrincipal): boolean {
  if ('arn' in deny) {
    if (!('arn' in allowed)) return false;
    if (allowed.arn === deny.arn) return true;
    return deny.type === 'iam-role' && allowed.type === 'assumed-role' && sessionPrincipal(allowed.arn)?.role === sessionKeyOf(deny.arn);
  }
  return samePrincipal(deny, allowed);
}

/** How the trust policy's Deny statements treat a trusted principal calling `action`. */
export interface TrustDenial {
  /** `always`: an unconditional Deny covers it; `conditional`: a Deny covers it under a condition; `none`. */
  status: 'none' | 'conditional' | 'always';
  statements: number[];
  /** Negated restricting keys of the conditional Denies (e.g. aws:PrincipalOrgID): they narrow who may assume. */
  narrowingKeys: string[];
}

/**
 * Whether a Deny of the trust policy covers `principal` (as an Allow statement names it) for
 * `action`. A Deny naming `*` covers everyone; one naming an account covers its principals, one
 * naming a principal that principal only (denyCovers); a NotPrincipal Deny covers every principal it does not list (only under a condition, as a rule).
 */
export function trustDenial(facts: RoleTrustFacts, principal: TrustedPrincipal, action: string): TrustDenial {
  const out: TrustDenial = { status: 'none', statements: [], narrowingKeys: [] };
  for (const st of facts.statements) {
    if (st.effect !== 'Deny' || !trustStatementCovers(st, action)) continue;
    const listed = st.principals.some((d) => d.type === 'any' || denyCovers(d, principal));
    const covers = st.notPrincipal ? !st.principals.some((d) => samePrincipal(d, principal)) : listed;
    if (!covers) continue;
    out.statements.push(st.statementIndex);
    // Excluding a list from a Deny, or naming `*` while the Allow names `*` too, is partial at most.
    const always = st.conditionKeys.length === 0 && !(st.notPrincipal && principal.type === 'any');
    if (always) out.status = 'always';
    else if (out.status === 'none') out.status = 'conditional';
    out.narrowingKeys.push(...st.negatedRestrictingKeys);
  }
  out.narrowingKeys = [...new Set(out.narrowingKeys)];
  return out;
}

/** Facts for every role of the model, in model order. */
export function analyzeAllTrust(model: AccountModel, options: TrustAnalysisOptions = {}): RoleTrustFacts[] {
  return [...model.roles.values()].map((r) => analyzeTrust(r, options));
}

/** Outcome of evaluating a trust policy for one principal and action. */
export interface TrustDecision {
  /** `unknown` when the trust policy could not be parsed. */
  result: Tri | 'unknown';
  /** True when an Allow that applies or might names the principal itself (ARN, unique id or a session of it), not its account or `*`. */
  direct: boolean;
  /**
   * Whether the Allow statements that name the principal's ARN or unique id apply (without Deny):
   * in its own account such a trust is enough without an identity policy Allow.
   */
  named?: Tri;
  /** The same for Allow statements that name a session of the role: at best `maybe` (the session name must match). */
  session?: Tri;
  /** What a route through `session` leaves undecided (in `undecided` too when `result` is not `yes`). */
  sessionNote?: string;
  /** Indexes of the statements that applied or might have. */
  statements: number[];
  undecided: string[];
}

/** A Principal/NotPrincipal block, read once: names (ARNs, unique ids), accounts and `*`. */
interface PrincipalMatcher {
  any: boolean;
  names: Set<string>;
  accounts: Set<string>;
  /** Role session principals: the key of the role (sessionPrincipal) -> the session names. */
  sessions?: Map<string, string[]>;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:[^:]+:iam::\d{12}:root$/;

function compileBlock(block: PrincipalBlock): PrincipalMatcher {
  if (block === '*') return { any: true, names: new Set(), accounts: new Set() };
  const m: PrincipalMatcher = { any: false, names: new Set(), accounts: new Set() };
  for (const v of block.AWS ?? []) {
    if (v === '*') m.any = true;
    else if (ACCOUNT_ID.test(v)) m.accounts.add(v);
    else if (ROOT_ARN.test(v)) m.accounts.add(accountOf(v)!);
    else {
      const sp = sessionPrincipal(v);
      if (sp) {
        m.sessions ??= new Map();
        const names = m.sessions.get(sp.role);
        if (names) names.push(sp.session);
        else m.sessions.set(sp.role, [sp.session]);
      }
    }
    m.names.add(v);
  }
  return m;
}

/** How a Principal block matches: by name (ARN, unique id), by account or `*`, as a session of the role. */
interface PrincipalMatch {
  readonly match: boolean;
  readonly named: boolean;
  readonly indirect: boolean;
  /** Session names listed for sessions of this role (the session must have one of them). */
  readonly sessions?: readonly string[];
}

const NO_MATCH: PrincipalMatch = { match: false, named: false, indirect: false };
const NAMED: PrincipalMatch = { match: true, named: true, indirect: false };
const INDIRECT: PrincipalMatch = { match: true, named: false, indirect: true };

/** The session names a block lists for sessions of this role, if any. */
function sessionsIn(m: PrincipalMatcher, p: PrincipalFacts): string[] | undefined {
  if (!m.sessions) return undefined;
  const key = sessionKey(p);
  return key === undefined ? undefined : m.sessions.get(key);
}

function principalIn(m: PrincipalMatcher, p: PrincipalFacts): PrincipalMatch {
  // Naming the principal's own ARN or unique id is a direct match even when `*` is listed too.
  if (m.names.has(p.arn) || (p.id !== undefined && m.names.has(p.id))) return NAMED;
  const indirect = m.any || (p.accountId !== undefined && m.accounts.has(p.accountId));
  // A session of the role listed beside its account or `*` still names it.
  const sessions = sessionsIn(m, p);
  if (sessions) return { match: true, named: false, indirect, sessions };
  return indirect ? INDIRECT : NO_MATCH;
}

/** A trust statement with its principal block read once. */
interface TrustStatement {
  st: CompiledPolicy['statements'][number];
  principal?: PrincipalMatcher;
  notPrincipal?: PrincipalMatcher;
}

/** A role's trust policy, read once. */
interface CompiledTrust {
  statements: TrustStatement[];
  /** No statement has a Condition: the answer depends only on who is named and the account. */
  unconditional: boolean;
  /**
   * For unconditional policies, answers for principals not named directly, by action then
   * account: two lookups of strings the caller holds, where one key made per question cost a new
   * string (and its hash) per question.
   */
  byAccount: Map<string, Map<string, TrustDecision>>;
  /**
   * Request keys the role fixes whoever calls: aws:ResourceAccount, the account owning the
   * resource, which for a trust policy is the role's (IAM User Guide, global condition keys).
   */
  keys?: Map<string, string>;
  /**
   * `keys` and aws:ResourceOrgID, per organisation of the role's account it was asked with (an id,
   * or null for none: the key is then absent), made on first use (see keysWithOrganization).
   */
  orgKeys?: Map<string | null, Map<string, string | null>>;
  /** Whether a condition reads aws:ResourceOrgID, as a key or a variable: found on first use. */
  readsResourceOrg?: boolean;
  /** Which statements may match a principal ({@link StatementIndex}). */
  index: StatementIndex;
}

/**
 * A trust policy's statements by what their Principal or NotPrincipal blocks name, as positions in
 * {@link CompiledTrust.statements}, each list ascending: a principal is tested only against the
 * statements that can match it. A role trusting 20,000 principals in as many statements was asked
 * once per principal, and each question read every statement (quadratic in the statements).
 */
interface StatementIndex {
  /** Names (ARNs, unique ids, what compileBlock keeps in `names`) of either block. */
  byName: Map<string, number[]>;
  /** Accounts a Principal block trusts. */
  byAccount: Map<string, number[]>;
  /** Role session keys (sessionPrincipal) of either block. */
  bySession: Map<string, number[]>;
  /** Statements that may match anyone: a Principal block naming `*`, and every NotPrincipal block. */
  open: number[];
}

function indexStatements(statements: readonly TrustStatement[]): StatementIndex {
  const index: StatementIndex = { byName: new Map(), byAccount: new Map(), bySession: new Map(), open: [] };
  const add = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key);
    if (!list) map.set(key, [at]);
    else if (list[list.length - 1] !== at) list.push(at);
  };
  statements.forEach((ts, at) => {
    const m = ts.principal ?? ts.notPrincipal;
    if (!m) return;
    for (const name of m.names) add(index.byName, name, at);
    for (const key of m.sessions?.keys() ?? []) add(index.bySession, key, at);
    if (ts.notPrincipal || m.any) index.open.push(at);
    else for (const account of m.accounts) add(index.byAccount, account, at);
  });
  return index;
}

/**
 * The positions of the statements that may match `p` (principalIn or, for a NotPrincipal block,
 * always), ascending: every other statement's block cannot match it.
 */
function candidateStatements(index: StatementIndex, p: PrincipalFacts): readonly number[] {
  const lists: number[][] = [];
  const take = (list: number[] | undefined): void => {
    if (list !== undefined && list.length > 0) lists.push(list);
  };
  take(index.byName.get(p.arn));
  if (p.id !== undefined) take(index.byName.get(p.id));
  if (p.accountId !== undefined) take(index.byAccount.get(p.accountId));
  const key = sessionKey(p);
  if (key !== undefined) take(index.bySession.get(key));
  take(index.open);
  if (lists.length <= 1) return lists[0] ?? NO_STATEMENTS;
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

const NO_STATEMENTS: readonly number[] = Object.freeze([]);

/** The key under which a block names sessions of `p` (see sessionsIn), if it can. */
function sessionKey(p: PrincipalFacts): string | undefined {
  return p.type !== 'role' || p.service ? undefined : sessionKeyOf(p.arn);
}

const trustCache = new WeakMap<IamRole, CompiledTrust>();

function namedDirectly(trust: CompiledTrust, p: PrincipalFacts): boolean {
  const { byName, bySession } = trust.index;
  if (byName.has(p.arn) || (p.id !== undefined && byName.has(p.id))) return true;
  const key = sessionKey(p);
  return key !== undefined && bySession.has(key);
}

/** A trust policy's statements with their Principal or NotPrincipal blocks compiled by `block`. */
function compileTrust(document: Parameters<typeof compilePolicy>[0], block: (b: PrincipalBlock) => PrincipalMatcher, roleArn: string): CompiledTrust {
  const statements = compilePolicy(document).statements.map((st): TrustStatement => {
    const out: TrustStatement = { st };
    if (st.source.principal) out.principal = block(st.source.principal);
    else if (st.source.notPrincipal) out.notPrincipal = block(st.source.notPrincipal);
    return out;
  });
  const out: CompiledTrust = { statements, unconditional: statements.every((ts) => !ts.st.condition), byAccount: new Map(), index: indexStatements(statements) };
  const account = accountOf(roleArn);
  if (account !== undefined && !out.unconditional) out.keys = new Map([['aws:resourceaccount', account]]);
  return out;
}

/**
 * Does the role's trust policy allow this IAM principal to call `action` (default
 * sts:AssumeRole)? Deny statements that apply win; a Deny that only might apply is ignored
 * but makes the outcome 'maybe'. `Service` and `Federated` principals never match an IAM principal.
 * `roleOrganization`: the organisation of the role's account (an id, null for none, undefined when
 * not read), for aws:ResourceOrgID.
 */
export function evaluateTrust(role: IamRole, principal: PrincipalFacts, action = 'sts:AssumeRole', now?: Date, roleOrganization?: string | null): TrustDecision {
  let trust = trustCache.get(role);
  if (!trust) {
    // Only a usable trust policy is compiled and kept, and a role's trust policy does not change
    // once parsed: a role found here passed this check before.
    if (!role.trustPolicy.ok || trustPolicyProblem(role)) return { result: 'unknown', direct: false, statements: [], undecided: [] };
    trust = compileTrust(role.trustPolicy.document, compileBlock, role.arn);
    trustCache.set(role, trust);
  }
  // Roles trusting an account are asked once per principal of that account; without conditions
  // and without naming the principal, every such principal gets the same answer.
  if (trust.unconditional && !namedDirectly(trust, principal)) {
    let byAccount = trust.byAccount.get(action);
    if (!byAccount) trust.byAccount.set(action, (byAccount = new Map()));
    const account = principal.accountId ?? '';
    let hit = byAccount.get(account);
    if (!hit) {
      hit = Object.freeze(decideTrust(trust, principal, action, now));
      byAccount.set(account, hit);
    }
    return hit;
  }
  return decideTrust(trust, principal, action, now, roleOrganization);
}

/**
 * The request keys the role fixes (CompiledTrust.keys), with aws:ResourceOrgID when the
 * organisation of the role's account is known: the organisation owning the resource, here the
 * role (IAM User Guide, global condition context keys), absent when the account is in none.
 */
function keysWithOrganization(trust: CompiledTrust, organization: string | null | undefined): Map<string, string | null> | undefined {
  if (organization === undefined || trust.unconditional) return trust.keys;
  // Most trusts never read it: they keep the one map (a copy per role was memory for nothing).
  if (!(trust.readsResourceOrg ??= trust.statements.some((ts) => readsResourceOrg(ts.st.source.condition)))) return trust.keys;
  let keys = trust.orgKeys?.get(organization);
  if (keys === undefined) {
    keys = new Map<string, string | null>(trust.keys ?? []);
    keys.set('aws:resourceorgid', organization);
    (trust.orgKeys ??= new Map()).set(organization, keys);
  }
  return keys;
}

/** Whether a condition block names aws:ResourceOrgID, as a key or in a value (a policy variable). */
function readsResourceOrg(condition: ConditionBlock | undefined): boolean {
  if (condition === undefined) return false;
  for (const keys of Object.values(condition)) {
    for (const [key, values] of Object.entries(keys)) {
      if (key.toLowerCase() === 'aws:resourceorgid') return true;
      for (const v of values) if (v.includes('${') && v.toLowerCase().includes('aws:resourceorgid')) return true;
    }
  }
  return false;
}

function decideTrust(trust: CompiledTrust, principal: PrincipalFacts, action: string, now: Date | undefined, roleOrganization?: string | null): TrustDecision {
  const env = { principal, action: action.toLowerCase(), now, extra: keysWithOrganization(trust, roleOrganization) };
  let allow: Tri = 'no';
  let named: Tri = 'no';
  let session: Tri = 'no';
  let note: string | undefined;
  let denyMaybe = false;
  const statements: number[] = [];
  const undecided: string[] = [];
  for (const at of candidateStatements(trust.index, principal)) {
    const ts = trust.statements[at];
    const st = ts.st;
    const s = st.source;
    const pm = ts.principal ? principalIn(ts.principal, principal) : ts.notPrincipal ? (principalIn(ts.notPrincipal, principal).match ? NO_MATCH : INDIRECT) : NO_MATCH;
    if (!pm.match) continue;
    const applies = statementApplies(st, env.action, '*', env);
    if (applies.result === 'no') continue;
    // Named only as a session: it applies only if the session has that name, which whoever
    // assumes the role chooses (sts:AssumeRole's RoleSessionName), so at best it might.
    const sessionOnly = !pm.named && !pm.indirect;
    const result: Tri = sessionOnly ? 'maybe' : applies.result;
    statements.push(st.index);
    undecided.push(...applies.undecided);
    const sessionNote = pm.sessions ? `session name ${pm.sessions.map((n) => quoteInput(n)).join(' or ')} of role ${principal.name}` : undefined;
    if (s.effect === 'Deny') {
      if (sessionNote && sessionOnly) undecided.push(sessionNote);
      if (result === 'yes') return { result: 'no', direct: false, named: 'no', session: 'no', statements, undecided };
      denyMaybe = true;
    } else {
      allow = triOr(allow, result);
      if (pm.named) named = triOr(named, applies.result);
      if (pm.sessions) {
        session = 'maybe';
        note ??= sessionNote;
      }
    }
  }
  if (denyMaybe) {
    if (allow === 'yes') allow = 'maybe';
    if (named === 'yes') named = 'maybe';
  }
  if (note !== undefined && allow !== 'yes') undecided.push(note);
  const out: TrustDecision = { result: allow, direct: named !== 'no' || session !== 'no', named, session, statements, undecided };
  if (note !== undefined) out.sessionNote = note;
  return out;
}

/** Roles indexed by who their trust policies name, so callers only test real candidates. */
export interface TrustIndex {
  /** Principal ARN or unique id -> role ARNs naming it. */
  byPrincipal: Map<string, string[]>;
  /** Account id -> role ARNs trusting the account root. */
  byAccount: Map<string, string[]>;
  /** Roles trusting `*` or using NotPrincipal in an Allow. */
  anyone: string[];
  /** Service principal (e.g. `lambda.amazonaws.com`) -> role ARNs, those in `unusable` whose document is readable included. */
  byService: Map<string, string[]>;
  /** Roles whose trust policy could not be parsed. */
  unusable: string[];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

export function buildTrustIndex(model: AccountModel): TrustIndex {
  const idx: TrustIndex = { byPrincipal: new Map(), byAccount: new Map(), anyone: [], byService: new Map(), unusable: [] };
  for (const role of model.roles.values()) {
    if (!role.trustPolicy.ok || trustPolicyProblem(role)) {
      idx.unusable.push(role.arn);
      // A readable document IAM would not accept (NotPrincipal) still says which services it
      // meant to trust: pass-role to them is asked (evaluateService answers unknown), not skipped.
      if (role.trustPolicy.ok) {
        for (const s of role.trustPolicy.document.statements) {
          if (s.effect === 'Allow' && s.principal && s.principal !== '*') for (const v of s.principal.Service ?? []) push(idx.byService, v.toLowerCase(), role.arn);
        }
      }
      continue;
    }
    let anyone = false;
    for (const s of role.trustPolicy.document.statements) {
      if (s.effect !== 'Allow') continue;
      if (s.notPrincipal || s.principal === '*') {
        anyone = true;
        continue;
      }
      if (!s.principal) continue;
      for (const v of s.principal.AWS ?? []) {
        if (v === '*') anyone = true;
        else if (/^\d{12}$/.test(v)) push(idx.byAccount, v, role.arn);
        else if (/^arn:[^:]+:iam::\d{12}:root$/.test(v)) push(idx.byAccount, accountOf(v)!, role.arn);
        else push(idx.byPrincipal, sessionPrincipal(v)?.role ?? v, role.arn);
      }
      for (const v of s.principal.Service ?? []) push(idx.byService, v.toLowerCase(), role.arn);
    }
    if (anyone) idx.anyone.push(role.arn);
  }
  return idx;
}

const serviceTrustCache = new WeakMap<IamRole, { trust: CompiledTrust; answers: Map<string, TrustDecision> }>();

/** A Service block read as a principal matcher whose names are the service principals (lower-cased). */
function compileServiceBlock(block: PrincipalBlock): PrincipalMatcher {
  if (block === '*') return { any: true, names: new Set(), accounts: new Set() };
  return { any: false, names: new Set((block.Service ?? []).map((v) => v.toLowerCase())), accounts: new Set() };
}

/**
 * Does the role's trust policy let the AWS service `service` (e.g. `lambda.amazonaws.com`) call
 * sts:AssumeRole, i.e. can a role passed to that service actually be used by it? The same
 * evaluation as evaluateTrust on the Service entries: an applying Deny wins, Action/NotAction
 * must cover sts:AssumeRole, and conditions on the service's request (aws:SourceArn,
 * aws:SourceAccount…) are not known here, so they give `maybe`, never `no`.
 * Answers are cached per role and service.
 */
export function evaluateService(role: IamRole, service: string, now?: Date): TrustDecision {
  if (!role.trustPolicy.ok) return { result: 'unknown', direct: false, statements: [], undecided: [] };
  // As evaluateTrust: a document IAM would not accept (NotPrincipal) is not what AWS enforces.
  const problem = trustPolicyProblem(role);
  if (problem) return { result: 'unknown', direct: false, statements: [], undecided: [`trust policy of ${role.arn}: ${problem.problem}`] };
  let cached = serviceTrustCache.get(role);
  if (!cached) {
    cached = { trust: compileTrust(role.trustPolicy.document, compileServiceBlock, role.arn), answers: new Map() };
    serviceTrustCache.set(role, cached);
  }
  const name = service.toLowerCase();
  let hit = cached.answers.get(name);
  if (!hit) {
    // The service is the caller: aws:PrincipalIsAWSService and aws:PrincipalServiceName are
    // known; the keys of an IAM caller and aws:SourceArn/aws:SourceAccount stay unknown.
    hit = Object.freeze(decideTrust(cached.trust, { arn: name, type: 'role', name, service: true }, 'sts:AssumeRole', now));
    cached.answers.set(name, hit);
  }
  return hit;
}

/**
 * A provider's client id list as the text of a reason: the first few ids and how many more. The
 * reason reaches finding messages and terminal tables, and a provider shared by many apps can list
 * dozens (one of the generated 10,000-identity estate's made a 2,300-character message); the whole
 * list stays in the snapshot's provider record. The ids are listed in sorted order.
 */
export function clientIdsText(clientIds: readonly string[], shown = 5): string {
  // In sorted order: IAM keeps the list as a set, and the same provider must give the same reason
  // whatever order the snapshot lists its ids in.
  return clientIds.length === 0 ? 'empty' : firstFewText([...clientIds].sort(), shown);
}
