/**
 * The request context the evaluator knows for a question "can principal P call action A?".
 * Each condition key resolves to a known value, a known absence, or "unknown"; unknown keys
 * make a condition undecidable (three-valued logic) rather than true or false.
 */
import type { PolicyBody } from '../model.js';
import { actionMatcher } from './wildcard.js';

/**
 * What the evaluator knows about one condition key. `prefixed`: one value, known to begin with
 * `prefix` and to go on with text the scan does not know, not empty (a role session's aws:userid,
 * whose session name the caller picks).
 */
export type KeyValue = { state: 'present'; values: string[] } | { state: 'absent' } | { state: 'unknown' } | { state: 'prefixed'; prefix: string };

/** Facts about the calling principal that fix some global condition keys. */
export interface PrincipalFacts {
  /** The user or role ARN (for a role session, `aws:PrincipalArn` is the role ARN). */
  arn: string;
  accountId?: string;
  type: 'user' | 'role';
  name: string;
  /** UserId / RoleId (AIDA…/AROA…). */
  id?: string;
  /**
   * The organisation of the principal's account: its id, null when the account is in no
   * organisation (aws:PrincipalOrgID and aws:PrincipalOrgPaths are then absent from its requests),
   * undefined when it was not read.
   */
  organizationId?: string | null;
  /** Tags on the user or role. */
  tags?: Record<string, string>;
  /** An entry of the tag list could not be read: a key not in `tags` may still be set. */
  tagsIncomplete?: boolean;
  /**
   * A role's trust policy: when it allows sts:TagSession to no one, the role's sessions carry no
   * session tags, and their aws:PrincipalTag values are the role's own tags (sessionsMayBeTagged).
   */
  trustPolicy?: PolicyBody;
  /**
   * Whether the principal may change its own tags (a user allowed iam:TagUser or iam:UntagUser on
   * itself; a role allowed iam:TagRole, iam:UntagRole or iam:UpdateAssumeRolePolicy on itself, the
   * last letting it allow sts:TagSession): such a principal can meet any aws:PrincipalTag condition
   * when it likes, so its tag values are unknown. Set by the evaluator on the subjects it builds,
   * from their statements (see mayHoldRetagAction in evaluate.ts).
   */
  mayChangeOwnTags?: boolean;
  /**
   * The caller is an AWS service acting with its service principal (`name`), as when it assumes a
   * role passed to it: aws:PrincipalIsAWSService is true, aws:PrincipalServiceName is `name`, and
   * the keys that describe an IAM caller are unknown.
   */
  service?: boolean;
}

/** Extra request-context keys for one question; `null` marks a key as absent from the request. */
export interface RequestContext {
  keys?: Record<string, string | string[] | null>;
}

/** Everything needed to resolve keys for one query. */
export interface KeyEnvironment {
  principal: PrincipalFacts;
  /** Lower-cased action being asked about. */
  action: string;
  /** Injected clock; without it `aws:CurrentTime`/`aws:EpochTime` are unknown. */
  now?: Date;
  /** Lower-cased key -> value, from the caller's RequestContext. */
  extra?: Map<string, string | string[] | null>;
}

/**
 * Services whose API endpoints accept HTTPS only, so `aws:SecureTransport` is always true for
 * their actions (IAM and STS publish only https endpoints). Kept deliberately short: S3 and a
 * few others still accept plain HTTP, so for everything else the key stays unknown.
 */
const HTTPS_ONLY_SERVICES = new Set(['iam', 'sts']);

const ABSENT: KeyValue = { state: 'absent' };
const UNKNOWN: KeyValue = { state: 'unknown' };
const present = (...values: string[]): KeyValue => ({ state: 'present', values });

export function lowerKeyMap(keys: Record<string, string | string[] | null> | undefined): Map<string, string | string[] | null> | undefined {
  if (!keys) return undefined;
  const m = new Map<string, string | string[] | null>();
  for (const [k, v] of Object.entries(keys)) m.set(k.toLowerCase(), v);
  return m;
}

/** Per trust policy: whether a session of its role may carry session tags (see sessionsMayBeTagged). */
const taggable = new WeakMap<PolicyBody, boolean>();

/**
 * Whether a session of the role may carry session tags: its trust policy is not known or could not
 * be read, or an Allow of it covers sts:TagSession (whoever it names, whatever its condition). STS
 * refuses session tags, and a role connected to an identity provider that passes them, without it
 * (IAM User Guide, "Passing session tags in AWS STS", permissions required). Asked only when a
 * role's aws:PrincipalTag is, once per trust policy: most roles are never asked.
 */
function sessionsMayBeTagged(p: PrincipalFacts): boolean {
  const trust = p.trustPolicy;
  if (trust === undefined || !trust.ok) return true;
  let v = taggable.get(trust);
  if (v === undefined) {
    v = false;
    for (const st of trust.document.statements) {
      if (st.effect !== 'Allow') continue;
      if (st.action !== undefined ? actionMatcher(st.action).matches('sts:tagsession') : !actionMatcher(st.notAction ?? []).matches('sts:tagsession')) v = true;
    }
    taggable.set(trust, v);
  }
  return v;
}

/** Resolves a condition key (case-insensitive) in the given environment; `k`: the key lower-cased, when the caller has it. */
export function resolveKey(key: string, env: KeyEnvironment, k: string = key.toLowerCase()): KeyValue {
  if (env.extra?.has(k)) {
    const v = env.extra.get(k);
    if (v === null || v === undefined) return ABSENT;
    return { state: 'present', values: Array.isArray(v) ? v : [v] };
  }
  const p = env.principal;
  if (p.service) {
    // IAM User Guide, global condition context keys: set for a request a service principal makes.
    if (k === 'aws:principalisawsservice') return present('true');
    if (k === 'aws:principalservicename') return present(p.name);
    if (k.startsWith('aws:principal') || k === 'aws:username' || k === 'aws:userid') return UNKNOWN;
  }
  switch (k) {
    case 'aws:principalarn':
      return present(p.arn);
    case 'aws:principalaccount':
      return p.accountId ? present(p.accountId) : UNKNOWN;
    case 'aws:principalorgid':
      // Sent only for a principal whose account is in an organisation (IAM User Guide, global
      // condition context keys, aws:PrincipalOrgID availability); the caller's account is known.
      return p.organizationId === undefined ? UNKNOWN : p.organizationId === null ? ABSENT : present(p.organizationId);
    case 'aws:principalorgpaths':
      // Absent for the same principals; otherwise the path names the account's organisational
      // units, which the snapshot does not hold.
      return p.organizationId === null ? ABSENT : UNKNOWN;
    case 'aws:username':
      // Only IAM users have aws:username; role sessions never carry it.
      return p.type === 'user' ? present(p.name) : ABSENT;
    case 'aws:userid':
      // An IAM user's is its unique id (AIDA…); a role session's is the role's unique id (AROA…),
      // a colon and the session name, which whoever assumes the role picks (IAM User Guide, policy
      // variables, "Principal key values"; STS AssumedRoleUser.AssumedRoleId).
      if (!p.id) return UNKNOWN;
      return p.type === 'user' ? present(p.id) : { state: 'prefixed', prefix: `${p.id}:` };
    case 'aws:sourceidentity':
      // Set only in a role session (sts:SetSourceIdentity when the role is assumed): an IAM
      // user's own requests never carry it (IAM User Guide, global condition context keys).
      return p.type === 'user' ? ABSENT : UNKNOWN;
    case 'aws:principaltype':
      return present(p.type === 'user' ? 'User' : 'AssumedRole');
    case 'aws:principalisawsservice':
      return present('false');
    case 'aws:principalservicename':
    case 'aws:principalservicenameslist':
      return ABSENT;
    case 'aws:currenttime':
      return env.now ? present(env.now.toISOString()) : UNKNOWN;
    case 'aws:epochtime':
      return env.now ? present(String(Math.floor(env.now.getTime() / 1000))) : UNKNOWN;
    case 'aws:securetransport': {
      const service = env.action.slice(0, env.action.indexOf(':'));
      return HTTPS_ONLY_SERVICES.has(service) ? present('true') : UNKNOWN;
    }
    default:
      break;
  }
  if (k.startsWith('aws:principaltag/')) {
    // A user's tags are what the model holds. Role sessions can carry session tags that
    // replace the role's tags (IAM User Guide, "Passing session tags in AWS STS"), so for roles the
    // value is unknown, unless no session can be tagged: passing session tags needs sts:TagSession
    // allowed by the role's trust policy. The guide does not say so of the transitive tags a
    // chained session inherits; STS is reported to ask sts:TagSession for those too (EKS Pod
    // Identity sessions assuming another role), and nhiscan reads it so. A principal that may tag or
    // untag itself can give itself any value before it asks, so its tags are not known either
    // (mayChangeOwnTags, read from its statements when the evaluator built it).
    if (!p.tags || (p.type !== 'user' && sessionsMayBeTagged(p)) || p.mayChangeOwnTags === true) return UNKNOWN;
    const tagKey = key.slice('aws:principaltag/'.length).toLowerCase();
    for (const [tk, tv] of Object.entries(p.tags)) if (tk.toLowerCase() === tagKey) return present(tv);
    // The key may be the entry that could not be read.
    return p.tagsIncomplete ? UNKNOWN : ABSENT;
  }
  return UNKNOWN;
}
