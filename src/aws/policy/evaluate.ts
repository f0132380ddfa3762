/**
 * Identity-based policy evaluation, following IAM's documented logic for one account:
 * an explicit Deny in any identity policy or in the permissions boundary wins; otherwise the
 * request needs an Allow from the identity policies (the user's, its groups', or the role's)
 * AND, when a boundary is set, an Allow from the boundary. Everything else is an implicit deny.
 *
 * Three-valued: a statement whose conditions cannot be decided "maybe" applies. A maybe-Allow
 * gives `conditional`; a maybe-Deny is not assumed to apply, but turns an allow into
 * `conditional`. A policy that could not be parsed (or is missing) makes the answer `unknown`
 * unless the answer is already settled without it.
 *
 * SCPs, RCPs, session policies and resource-based policies are not modelled here.
 */
import type { AccountModel, IamGroup, IamPrincipal, InlinePolicy, ParseIssue, PolicyBody, PolicyRef } from '../model.js';
import { actionKey, allowCoversAction, allowedTypes, compilePolicy, requiredTypeCount, SOME_RESOURCE, statementAppliesToResource, statementsForKey, type ActionKey, type CompiledPolicy, type CompiledStatement, type ResourceQuery } from './compile.js';
import { lowerKeyMap, type KeyEnvironment, type PrincipalFacts, type RequestContext } from './context.js';
import { triAnd, triOr, type Tri } from './tri.js';

export type Decision = 'allow' | 'conditional' | 'deny' | 'implicit-deny' | 'unknown';

/** Where a policy that took part in a decision came from. */
export interface PolicyOrigin {
  /** Managed policy ARN, or `<owner ARN>#inline/<policy name>` for an inline policy. */
  policyId: string;
  policyName: string;
  kind: 'managed' | 'inline';
  /** Group ARN when the policy reaches the principal through a group. */
  via?: string;
  /** `identity` policies grant; the `boundary` caps them. */
  use: 'identity' | 'boundary';
  /** JSON path in the input file. */
  location: string;
}

/** One statement that applied (or might have) to a question. */
export interface StatementMatch extends PolicyOrigin {
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** `maybe` when a condition or policy variable could not be decided. */
  applies: 'yes' | 'maybe';
  undecided: string[];
}

/** A policy that could not be used for a question. */
export interface UnusablePolicy extends PolicyOrigin {
  problem: string;
  problemLocation: string;
}

export interface CanDoResult {
  decision: Decision;
  statements: StatementMatch[];
  /** Present when unusable policies took part (decision `unknown`, or settled without them). */
  unusable?: UnusablePolicy[];
}

/** A decision and the condition keys that kept it from being plain (for `conditional`). */
export interface Decided {
  decision: Decision;
  undecided: readonly string[];
}

/** A policy bound to a principal: compiled, or unusable. */
export interface BoundPolicy {
  origin: PolicyOrigin;
  compiled?: CompiledPolicy;
  problem?: { location: string; problem: string };
}

/** What the evaluator needs about a principal (real, or hypothetical such as "P plus group G"). */
export interface Subject {
  facts: PrincipalFacts;
  identity: BoundPolicy[];
  /** Undefined when there is no permissions boundary. */
  boundary?: BoundPolicy;
}

export interface EvaluatorOptions {
  /** Injected clock for `aws:CurrentTime`/`aws:EpochTime`; never read from the system. */
  now?: Date;
}

export interface Evaluator {
  readonly model: AccountModel;
  readonly now?: Date;
  /** The subject for a user or role ARN (cached). */
  subject(arn: string): Subject | undefined;
  /** Can the principal call `action` on `resource`? `resource` may be SOME_RESOURCE for create-style actions. */
  canDo(principal: string | Subject, action: string, resource: ResourceQuery, ctx?: RequestContext): CanDoResult;
  /**
   * The same decision as canDo, without the list of statements (the hot path of the graph
   * transform asks this millions of times): only the condition keys that could not be decided.
   */
  decide(principal: string | Subject, action: string, resource: ResourceQuery, ctx?: RequestContext): Decided;
  /**
   * Cheap pre-filter: could any identity Allow of the principal cover this action (ignoring
   * resources and conditions)? True too when an identity policy is unusable. Uses the
   * per-policy statement index.
   */
  mayDoAction(principal: string | Subject, action: string): boolean;
}

function bind(body: PolicyBody, origin: PolicyOrigin): BoundPolicy {
  return body.ok ? { origin, compiled: compilePolicy(body.document) } : { origin, problem: { location: body.location, problem: body.problem } };
}

function bindInline(owner: string, p: InlinePolicy, use: PolicyOrigin['use'], via?: string): BoundPolicy {
  return bind(p.body, { policyId: `${owner}#inline/${p.name}`, policyName: p.name, kind: 'inline', via, use, location: p.location });
}

function bindManaged(model: AccountModel, ref: PolicyRef, use: PolicyOrigin['use'], via?: string): BoundPolicy {
  const mp = model.policies.get(ref.arn);
  const origin: PolicyOrigin = { policyId: ref.arn, policyName: ref.name, kind: 'managed', via, use, location: mp?.location ?? '' };
  if (!mp) return { origin, problem: { location: '', problem: 'managed policy not in the model' } };
  return bind(mp.body, origin);
}

function groupPolicies(model: AccountModel, g: IamGroup): BoundPolicy[] {
  return [
    ...g.inlinePolicies.map((p) => bindInline(g.arn, p, 'identity', g.arn)),
    ...g.attachedPolicies.map((r) => bindManaged(model, r, 'identity', g.arn)),
    ...unreadRefs(g, g.arn),
  ];
}

/** A group or managed policy the entry names in a form that could not be read: it may grant anything. */
function unreadRefs(p: IamPrincipal | IamGroup, via?: string): BoundPolicy[] {
  return (p.unreadRefs ?? []).map((u) => ({
    origin: { policyId: `${p.arn}#unread/${u.location}`, policyName: '?', kind: 'managed', via, use: 'identity', location: u.location },
    problem: { location: u.location, problem: u.problem },
  }));
}

/**
 * The bound managed policies (attached directly, or as boundary) and group policies of one
 * model, shared by every subject built with it: thousands of principals attach the same few
 * policies. Bound policies are never modified, so sharing them changes no answer.
 */
interface Binder {
  identity: Map<string, BoundPolicy>;
  boundary: Map<string, BoundPolicy>;
  groups: Map<IamGroup, BoundPolicy[]>;
}

function newBinder(): Binder {
  return { identity: new Map(), boundary: new Map(), groups: new Map() };
}

/** bindManaged without `via`, through the binder's cache (a hit must carry the same name). */
function boundManaged(model: AccountModel, ref: PolicyRef, use: PolicyOrigin['use'], binder: Binder | undefined): BoundPolicy {
  if (!binder) return bindManaged(model, ref, use);
  const cache = use === 'identity' ? binder.identity : binder.boundary;
  const hit = cache.get(ref.arn);
  if (hit !== undefined && hit.origin.policyName === ref.name) return hit;
  const bp = bindManaged(model, ref, use);
  if (hit === undefined) cache.set(ref.arn, bp);
  return bp;
}

/**
 * Builds the subject for a user or role. `extraGroups` adds groups the user is not (yet) in,
 * to ask "what could this user do after joining G?".
 */
export function subjectFor(model: AccountModel, p: IamPrincipal, extraGroups: IamGroup[] = []): Subject {
  return buildSubject(model, p, extraGroups, undefined);
}

/** subjectFor, taking bound policies from the evaluator's `binder` when given. */
function buildSubject(model: AccountModel, p: IamPrincipal, extraGroups: IamGroup[], binder: Binder | undefined): Subject {
  const identity: BoundPolicy[] = [];
  for (let i = 0; i < p.inlinePolicies.length; i++) identity.push(bindInline(p.arn, p.inlinePolicies[i], 'identity'));
  for (let i = 0; i < p.attachedPolicies.length; i++) identity.push(boundManaged(model, p.attachedPolicies[i], 'identity', binder));
  if (p.kind === 'user') {
    const seen = new Set<string>();
    const groups = extraGroups.length === 0 ? p.groupArns.map((a) => model.groups.get(a)!) : [...p.groupArns.map((a) => model.groups.get(a)!), ...extraGroups];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (!g || seen.has(g.arn)) continue;
      seen.add(g.arn);
      let list = binder?.groups.get(g);
      if (list === undefined) {
        list = groupPolicies(model, g);
        binder?.groups.set(g, list);
      }
      for (let k = 0; k < list.length; k++) identity.push(list[k]);
    }
    // Groups named in GroupList but missing from the file: their policies are unknown.
    for (const name of p.groupNames) {
      if (!model.groupsByName.has(name)) {
        identity.push({
          origin: { policyId: `group:${name}`, policyName: name, kind: 'managed', use: 'identity', location: `${p.location}.GroupList` },
          problem: { location: `${p.location}.GroupList`, problem: `group ${name} is not in GroupDetailList` },
        });
      }
    }
  }
  if (p.unreadRefs) identity.push(...unreadRefs(p));
  const facts: PrincipalFacts = {
    arn: p.arn,
    accountId: /^arn:[^:]+:iam::(\d{12}):/.exec(p.arn)?.[1] ?? model.accountId,
    type: p.kind,
    name: p.name,
    id: p.id,
    tags: p.tags,
  };
  if (p.tagsIncomplete) facts.tagsIncomplete = true;
  // The model's organisation is its account's (the transform sets it from organization.json).
  if (model.organizationId !== undefined && facts.accountId === model.accountId) facts.organizationId = model.organizationId;
  if (p.kind === 'role') facts.trustPolicy = p.trustPolicy;
  const s: Subject = {
    facts,
    identity,
    boundary: p.permissionsBoundary ? boundManaged(model, p.permissionsBoundary, 'boundary', binder) : p.unreadBoundary ? unreadBoundary(p, p.unreadBoundary) : undefined,
  };
  facts.mayChangeOwnTags = mayHoldRetagAction(s);
  return s;
}

/**
 * Whether the principal may change its own aws:PrincipalTag values (PrincipalFacts.mayChangeOwnTags):
 * an Allow statement of its identity policies covers an action of retagActions, and its permissions
 * boundary (if any) has one too; or a policy could not be read. Which resources the statement
 * names, its conditions and any Deny are not asked: a principal allowed to tag some role may be
 * allowed to tag itself, and its tag conditions are then a "may", not a firm answer. Decided for
 * every subject when it is built, from the statements alone: a lazy evaluation of the exact answer,
 * as a closure over the subject, kept every subject's policies alive through its facts (a narrowed
 * copy keeps the facts) and cost 45,000 page faults and 150-250 MB of peak memory on the
 * 100,000-identity bench. Nothing is kept in the policies either (allowCoversAction).
 */
function mayHoldRetagAction(s: Subject): boolean {
  const actions = retagActionsOf(s.facts.type);
  const covers = (bp: BoundPolicy): boolean => !bp.compiled || actions.some((a) => allowCoversAction(bp.compiled!, a));
  if (!s.identity.some(covers)) return false;
  return s.boundary === undefined || covers(s.boundary);
}

/**
 * The actions by which a principal changes its own aws:PrincipalTag values, by kind: tagging or
 * untagging itself, and for a role rewriting its trust policy, which can then allow sts:TagSession
 * (its sessions may carry any tags). Made on first use.
 */
let retagActions: Record<IamPrincipal['kind'], ActionKey[]> | undefined;

function retagActionsOf(kind: IamPrincipal['kind']): readonly ActionKey[] {
  retagActions ??= {
    user: [actionKey('iam:TagUser'), actionKey('iam:UntagUser')],
    role: [actionKey('iam:TagRole'), actionKey('iam:UntagRole'), actionKey('iam:UpdateAssumeRolePolicy')],
  };
  return retagActions[kind];
}

/** A permissions boundary that is set but could not be read: it may cap anything. */
function unreadBoundary(p: IamPrincipal, u: ParseIssue): BoundPolicy {
  return {
    origin: { policyId: `${p.arn}#unread/${u.location}`, policyName: '?', kind: 'managed', use: 'boundary', location: u.location },
    problem: { location: u.location, problem: u.problem },
  };
}

function unusable(bp: BoundPolicy): UnusablePolicy {
  return { ...bp.origin, problem: bp.problem!.problem, problemLocation: bp.problem!.location };
}

/** Built field by field: an object spread here is a runtime call, and this runs per answer. */
function matchOf(o: PolicyOrigin, st: CompiledStatement, applies: 'yes' | 'maybe', undecided: string[]): StatementMatch {
  return {
    policyId: o.policyId,
    policyName: o.policyName,
    kind: o.kind,
    via: o.via,
    use: o.use,
    location: o.location,
    statementIndex: st.index,
    sid: st.source.sid,
    effect: st.source.effect,
    applies,
    undecided,
  };
}

const NO_MATCHES: StatementMatch[] = Object.freeze([]) as unknown as StatementMatch[];
const NO_KEYS: readonly string[] = Object.freeze([]);
/** Shared, frozen answers with nothing undecided. */
const PLAIN: Record<Decision, Decided> = {
  allow: Object.freeze({ decision: 'allow', undecided: NO_KEYS }),
  conditional: Object.freeze({ decision: 'conditional', undecided: NO_KEYS }),
  deny: Object.freeze({ decision: 'deny', undecided: NO_KEYS }),
  'implicit-deny': Object.freeze({ decision: 'implicit-deny', undecided: NO_KEYS }),
  unknown: Object.freeze({ decision: 'unknown', undecided: NO_KEYS }),
};
const IMPLICIT_DENY = PLAIN['implicit-deny'];

/** Request keys lower-cased once per context object (callers reuse one context for many targets). */
const loweredKeys = new WeakMap<RequestContext, ReturnType<typeof lowerKeyMap>>();
function keysOf(ctx: RequestContext | undefined): ReturnType<typeof lowerKeyMap> {
  if (!ctx?.keys) return undefined;
  let m = loweredKeys.get(ctx);
  if (m === undefined) {
    m = lowerKeyMap(ctx.keys);
    loweredKeys.set(ctx, m);
  }
  return m;
}

/** Does any identity Allow cover the action, or is an identity policy unusable? */
function identityMayAllow(s: Subject, action: ActionKey): boolean {
  // Indexed loops here and below: these run millions of times, and a for-of may allocate an iterator.
  const identity = s.identity;
  for (let i = 0; i < identity.length; i++) {
    const compiled = identity[i].compiled;
    if (!compiled) return true;
    const list = statementsForKey(compiled, action);
    for (let k = 0; k < list.length; k++) if (list[k].source.effect === 'Allow') return true;
  }
  return false;
}

/**
 * True when the subject's answer to each action cannot depend on the resource: every policy is
 * usable and every statement covering the action (Allow or Deny, identity or boundary) has no
 * condition and lists `*` among its resources (or has no Resource at all). Callers that ask the
 * same actions of thousands of targets can then ask once. Given the targets' resources, a
 * statement also counts when one of its resources is a prefix and a final `*` that every target
 * starts with (`arn:aws:iam::111122223333:role/*` for the roles of that account): it applies to
 * all of them alike. That answer is kept per `targets` array, which must not change afterwards:
 * the escalation search passes one shared list (every user, every role) for thousands of holders.
 */
export function sameForEveryResource(s: Subject, actions: readonly string[], targets?: readonly string[]): boolean {
  const policies = s.boundary ? [...s.identity, s.boundary] : s.identity;
  for (const action of actions) {
    const a = actionKey(action);
    for (const bp of policies) {
      if (!bp.compiled) return false;
      for (const st of statementsForKey(bp.compiled, a)) {
        if (st.condition) return false;
        if (st.resources === undefined) continue;
        if (st.notResource || !st.resources.some((e) => e.raw === '*' || (targets !== undefined && prefixCoversAllOnce(e.raw, targets)))) return false;
      }
    }
  }
  return true;
}

/**
 * Whether the subject's answer to each action (decision and undecided keys) is the same for every
 * resource of `targets`: every statement covering the action (Allow or Deny, identity or boundary)
 * has no Resource, or lists `*` or a prefix and final `*` that every target starts with, so its
 * resource test answers alike for each (`yes`, or `no` under NotResource). Unlike
 * sameForEveryResource, conditions, NotResource and unreadable policies are allowed: a condition
 * is decided from the principal, the action, the clock and the request keys (KeyEnvironment holds
 * no resource), and an unreadable policy takes part alike in every answer. sameForEveryResource
 * still decides which answers are grouped; this only lets a caller ask once instead of once per
 * target (a conditional administrator, whose MFA Deny on `arn:aws:iam::…:*` has a condition, was
 * asked the same question about each of an account's 2,000 roles).
 */
export function sameAnswerForEvery(s: Subject, actions: readonly string[], targets: readonly string[]): boolean {
  for (let i = 0; i < actions.length; i++) {
    const a = actionKey(actions[i]);
    const identity = s.identity;
    for (let k = 0; k < identity.length; k++) if (!resourceFree(identity[k], a, targets)) return false;
    if (s.boundary && !resourceFree(s.boundary, a, targets)) return false;
  }
  return true;
}

/** See sameAnswerForEvery: the policy's statements covering the action test every target alike. */
function resourceFree(bp: BoundPolicy, a: ActionKey, targets: readonly string[]): boolean {
  if (!bp.compiled) return true;
  const list = statementsForKey(bp.compiled, a);
  for (let i = 0; i < list.length; i++) {
    const entries = list[i].resources;
    if (entries === undefined) continue;
    let all = false;
    for (let k = 0; k < entries.length && !all; k++) all = entries[k].raw === '*' || prefixCoversAllOnce(entries[k].raw, targets);
    if (!all) return false;
  }
  return true;
}

/**
 * The subject as far as one action is concerned: the same facts and boundary, and of its identity
 * policies only those with a statement covering the action, and those that could not be read.
 * Every answer about that action (decide, canDo, mayDoAction, sameForEveryResource) is the same as
 * the whole subject's, since a usable policy without a covering statement takes no part in one,
 * but costs less when a caller asks it about many resources: the cross-account pass asks each
 * assumer about sts:AssumeRole on hundreds of roles, and most of its policies are about other
 * actions.
 */
export function narrowedTo(s: Subject, action: string): Subject {
  const a = actionKey(action);
  const identity = s.identity.filter((bp) => !bp.compiled || statementsForKey(bp.compiled, a).length > 0);
  if (identity.length === s.identity.length) return s;
  return s.boundary ? { facts: s.facts, identity, boundary: s.boundary } : { facts: s.facts, identity };
}

/**
 * Whether an ARN pattern that is a literal prefix and one final `*` matches every one of the
 * resources. A trailing `*` matches any characters (the rest of the segment, and of the ARN), so
 * "starts with the prefix" is exactly a match; anything else (other wildcards, policy variables)
 * answers false, and the caller asks target by target.
 */
function prefixCoversAll(raw: string, resources: readonly string[]): boolean {
  if (raw.length < 2 || !raw.endsWith('*')) return false;
  const prefix = raw.slice(0, -1);
  if (prefix.includes('*') || prefix.includes('?') || prefix.includes('${')) return false;
  for (const r of resources) if (!r.startsWith(prefix)) return false;
  return true;
}

const coversAll = new WeakMap<readonly string[], Map<string, boolean>>();

/** prefixCoversAll, asked once per resource list and pattern (see sameForEveryResource). */
function prefixCoversAllOnce(raw: string, resources: readonly string[]): boolean {
  let byPattern = coversAll.get(resources);
  if (byPattern === undefined) coversAll.set(resources, (byPattern = new Map()));
  let v = byPattern.get(raw);
  if (v === undefined) byPattern.set(raw, (v = prefixCoversAll(raw, resources)));
  return v;
}

/** No statement of any policy (identity or boundary) covers the action, and all are usable. */
function nothingCovers(s: Subject, action: ActionKey): boolean {
  const identity = s.identity;
  for (let i = 0; i < identity.length; i++) {
    const compiled = identity[i].compiled;
    if (!compiled || statementsForKey(compiled, action).length > 0) return false;
  }
  return !s.boundary || (s.boundary.compiled !== undefined && statementsForKey(s.boundary.compiled, action).length === 0);
}

/** The state of one answer while its policies are scanned. */
interface Scan {
  a: ActionKey;
  resource: ResourceQuery;
  /** One object per evaluator, filled in when a statement first needs it in an answer (nothing keeps it). */
  env: KeyEnvironment;
  envSet: boolean;
  ctx: RequestContext | undefined;
  s: Subject;
  now: Date | undefined;
  statements: StatementMatch[] | undefined;
  /** canDo lists the statements; decide only gathers undecided keys. */
  detail: boolean;
  undecided: string[] | undefined;
  denyYes: boolean;
  denyMaybe: boolean;
  /** Only with `detail`: the unusable policies. */
  unusable: UnusablePolicy[] | undefined;
  /**
   * For a new resource of an action whose requests name several types (ec2:RunInstances): per
   * type, whether an Allow of the policies scanned so far (identity, then boundary) allows it.
   */
  byType: Tri[] | undefined;
}

/** Applies one usable policy's statements that cover the action; returns its Allow. */
function scanPolicy(acc: Scan, bp: BoundPolicy): Tri {
  let allow: Tri = 'no';
  const list = statementsForKey(bp.compiled!, acc.a);
  for (let i = 0; i < list.length; i++) {
    const st = list[i];
    if (!acc.envSet) {
      acc.env.principal = acc.s.facts;
      acc.env.action = acc.a.lower;
      acc.env.extra = keysOf(acc.ctx);
      acc.envSet = true;
    }
    const o = statementAppliesToResource(st, acc.resource, acc.env);
    if (o.result === 'no') continue;
    // canDo's statements are the caller's to keep: their own list, not the shared frozen one.
    if (acc.detail) (acc.statements ??= []).push(matchOf(bp.origin, st, o.result, [...o.undecided]));
    else if (o.undecided.length > 0) (acc.undecided ??= []).push(...o.undecided);
    if (st.source.effect === 'Deny') {
      if (o.result === 'yes') acc.denyYes = true;
      else acc.denyMaybe = true;
    } else {
      allow = triOr(allow, o.result);
      const byType = acc.byType;
      if (byType) {
        const types = allowedTypes(st, acc.env);
        for (let t = 0; t < byType.length; t++) byType[t] = triOr(byType[t], types ? triAnd(types[t], o.result) : o.result);
      }
    }
  }
  return allow;
}

/** Each type allowed (see Scan.byType): a request naming them all is allowed as far as these policies go. */
function everyType(byType: readonly Tri[]): Tri {
  let all: Tri = 'yes';
  for (let t = 0; t < byType.length; t++) all = triAnd(all, byType[t]);
  return all;
}

/** The environment's principal between answers: no one. */
const NO_ONE: PrincipalFacts = { arn: '', type: 'user', name: '' };

/** A scratch accumulator for evaluate (one per evaluator: answers are computed one at a time). */
function newScan(now: Date | undefined): Scan {
  return {
    a: actionKey('*'),
    resource: '',
    env: { principal: NO_ONE, action: '', now, extra: undefined },
    envSet: false,
    ctx: undefined,
    s: undefined as unknown as Subject,
    now,
    statements: undefined,
    detail: false,
    undecided: undefined,
    denyYes: false,
    denyMaybe: false,
    unusable: undefined,
    byType: undefined,
  };
}

/** Runs one question with the scratch `acc`; the caller reads acc.statements / acc.undecided before the next one. */
function evaluate(acc: Scan, s: Subject, a: ActionKey, resource: ResourceQuery, ctx: RequestContext | undefined, detail: boolean): Decision {
  acc.a = a;
  acc.resource = resource;
  acc.envSet = false;
  acc.ctx = ctx;
  acc.s = s;
  acc.statements = undefined;
  acc.detail = detail;
  acc.undecided = undefined;
  acc.denyYes = false;
  acc.denyMaybe = false;
  acc.unusable = undefined;
  const typeCount = resource === SOME_RESOURCE ? requiredTypeCount(a.lower) : 0;
  acc.byType = typeCount > 0 ? new Array<Tri>(typeCount).fill('no') : undefined;

  let idAllow: Tri = 'no';
  let idUsable = true;
  const identity = s.identity;
  for (let i = 0; i < identity.length; i++) {
    const bp = identity[i];
    if (!bp.compiled) {
      if (detail) (acc.unusable ??= []).push(unusable(bp));
      idUsable = false;
      continue;
    }
    idAllow = triOr(idAllow, scanPolicy(acc, bp));
  }
  // A request naming several types needs each allowed, by one statement or by several.
  if (acc.byType) {
    idAllow = everyType(acc.byType);
    acc.byType.fill('no');
  }
  let bAllow: Tri = 'yes';
  let bUsable = true;
  if (s.boundary) {
    if (!s.boundary.compiled) {
      if (detail) (acc.unusable ??= []).push(unusable(s.boundary));
      bAllow = 'no';
      bUsable = false;
    } else {
      bAllow = scanPolicy(acc, s.boundary);
      if (acc.byType) bAllow = everyType(acc.byType);
    }
  }
  acc.byType = undefined;
  acc.s = undefined as unknown as Subject;
  acc.ctx = undefined;
  acc.envSet = false;
  acc.env.principal = NO_ONE;
  acc.env.extra = undefined;
  let decision: Decision;
  if (acc.denyYes) decision = 'deny';
  else if (s.boundary && bUsable && bAllow === 'no') decision = 'implicit-deny';
  else if (idUsable && idAllow === 'no') decision = 'implicit-deny';
  else if (!idUsable || !bUsable) decision = 'unknown';
  else if (idAllow === 'yes' && bAllow === 'yes' && !acc.denyMaybe) decision = 'allow';
  else decision = 'conditional';
  return decision;
}

export function createEvaluator(model: AccountModel, options: EvaluatorOptions = {}): Evaluator {
  const subjects = new Map<string, Subject>();
  const binder = newBinder();

  const subject = (arn: string): Subject | undefined => {
    let s = subjects.get(arn);
    if (s) return s;
    const p = model.users.get(arn) ?? model.roles.get(arn);
    if (!p) return undefined;
    s = buildSubject(model, p, [], binder);
    subjects.set(arn, s);
    return s;
  };

  const resolve = (principal: string | Subject): Subject => {
    if (typeof principal !== 'string') return principal;
    const s = subject(principal);
    if (!s) throw new Error(`unknown principal ${principal}`);
    return s;
  };

  // The statements of each policy that cover an action come from a per-policy index, so one
  // answer costs an array read per attached policy plus the resource and condition tests of the
  // few statements that cover the action; "nothing covers it" allocates nothing. One scratch
  // accumulator per evaluator (answers are computed synchronously, one at a time): no closure or
  // context object per answer.
  const acc = newScan(options.now);

  const canDo = (principal: string | Subject, action: string, resource: ResourceQuery, ctx?: RequestContext): CanDoResult => {
    const s = resolve(principal);
    const a = actionKey(action);
    if (nothingCovers(s, a)) return { decision: 'implicit-deny', statements: NO_MATCHES };
    const decision = evaluate(acc, s, a, resource, ctx, true);
    const out: CanDoResult = { decision, statements: acc.statements ?? NO_MATCHES };
    acc.statements = undefined;
    if (acc.unusable) out.unusable = acc.unusable;
    acc.unusable = undefined;
    return out;
  };

  const decide = (principal: string | Subject, action: string, resource: ResourceQuery, ctx?: RequestContext): Decided => {
    const s = resolve(principal);
    const a = actionKey(action);
    if (nothingCovers(s, a)) return IMPLICIT_DENY;
    const decision = evaluate(acc, s, a, resource, ctx, false);
    const undecided = acc.undecided;
    acc.undecided = undefined;
    if (decision !== 'conditional' || undecided === undefined) return PLAIN[decision];
    return { decision, undecided };
  };

  const mayDoAction = (principal: string | Subject, action: string): boolean => identityMayAllow(resolve(principal), actionKey(action));

  return { model, now: options.now, subject, canDo, decide, mayDoAction };
}
