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
import type { AccountModel, IamGroup, IamPrincipal, InlinePolicy, PolicyBody, PolicyRef } from '../model.js';
import { compilePolicy, statementAppliesToResource, statementsFor, type CompiledPolicy, type CompiledStatement, type ResourceQuery } from './compile.js';
import { lowerKeyMap, type PrincipalFacts, type RequestContext } from './context.js';
import { triOr, type Tri } from './tri.js';

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
   * Cheap pre-filter: could any identity Allow of the principal cover this action (ignoring
   * resources and conditions)? True too when an identity policy is unusable. Cached.
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
  ];
}

/**
 * Builds the subject for a user or role. `extraGroups` adds groups the user is not (yet) in,
 * to ask "what could this user do after joining G?".
 */
export function subjectFor(model: AccountModel, p: IamPrincipal, extraGroups: IamGroup[] = []): Subject {
  const identity: BoundPolicy[] = [
    ...p.inlinePolicies.map((ip) => bindInline(p.arn, ip, 'identity')),
    ...p.attachedPolicies.map((r) => bindManaged(model, r, 'identity')),
  ];
  if (p.kind === 'user') {
    const seen = new Set<string>();
    for (const g of [...p.groupArns.map((a) => model.groups.get(a)!), ...extraGroups]) {
      if (!g || seen.has(g.arn)) continue;
      seen.add(g.arn);
      identity.push(...groupPolicies(model, g));
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
  const facts: PrincipalFacts = {
    arn: p.arn,
    accountId: /^arn:[^:]+:iam::(\d{12}):/.exec(p.arn)?.[1] ?? model.accountId,
    type: p.kind,
    name: p.name,
    id: p.id,
    tags: p.tags,
  };
  return {
    facts,
    identity,
    boundary: p.permissionsBoundary ? bindManaged(model, p.permissionsBoundary, 'boundary') : undefined,
  };
}

function unusable(bp: BoundPolicy): UnusablePolicy {
  return { ...bp.origin, problem: bp.problem!.problem, problemLocation: bp.problem!.location };
}

/** The statements of one subject that cover one action, and the policies that could not be used. */
interface Relevant {
  identity: Array<{ bp: BoundPolicy; st: CompiledStatement }>;
  identityUnusable: BoundPolicy[];
  boundary: Array<{ bp: BoundPolicy; st: CompiledStatement }>;
  boundaryUnusable: boolean;
  /** Some identity Allow covers the action (or an identity policy is unusable). */
  mayAllow: boolean;
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

/** Nothing covers the action and every policy is usable: the answer is an implicit deny. */
const NOTHING: Relevant = Object.freeze({ identity: [], identityUnusable: [], boundary: [], boundaryUnusable: false, mayAllow: false }) as Relevant;

function relevantFor(s: Subject, action: string): Relevant {
  let r: Relevant | undefined;
  const get = (): Relevant => (r ??= { identity: [], identityUnusable: [], boundary: [], boundaryUnusable: false, mayAllow: false });
  for (const bp of s.identity) {
    if (!bp.compiled) {
      const x = get();
      x.identityUnusable.push(bp);
      x.mayAllow = true;
      continue;
    }
    for (const st of statementsFor(bp.compiled, action)) {
      const x = get();
      x.identity.push({ bp, st });
      if (st.source.effect === 'Allow') x.mayAllow = true;
    }
  }
  if (s.boundary) {
    if (!s.boundary.compiled) get().boundaryUnusable = true;
    else for (const st of statementsFor(s.boundary.compiled, action)) get().boundary.push({ bp: s.boundary, st });
  }
  return r ?? NOTHING;
}

export function createEvaluator(model: AccountModel, options: EvaluatorOptions = {}): Evaluator {
  const subjects = new Map<string, Subject>();
  // Per subject and lower-cased action: the statements that can take part in an answer. The
  // same few dozen actions are asked of each principal, often once per target resource.
  const relevantCache = new WeakMap<Subject, Map<string, Relevant>>();

  const subject = (arn: string): Subject | undefined => {
    let s = subjects.get(arn);
    if (s) return s;
    const p = model.users.get(arn) ?? model.roles.get(arn);
    if (!p) return undefined;
    s = subjectFor(model, p);
    subjects.set(arn, s);
    return s;
  };

  const resolve = (principal: string | Subject): Subject => {
    if (typeof principal !== 'string') return principal;
    const s = subject(principal);
    if (!s) throw new Error(`unknown principal ${principal}`);
    return s;
  };

  const relevant = (s: Subject, action: string): Relevant => {
    let m = relevantCache.get(s);
    if (!m) {
      m = new Map();
      relevantCache.set(s, m);
    }
    let r = m.get(action);
    if (!r) {
      r = relevantFor(s, action);
      m.set(action, r);
    }
    return r;
  };

  const canDo = (principal: string | Subject, action: string, resource: ResourceQuery, ctx?: RequestContext): CanDoResult => {
    const s = resolve(principal);
    const a = action.toLowerCase();
    const rel = relevant(s, a);
    if (rel === NOTHING) return { decision: 'implicit-deny', statements: [] };
    const env = { principal: s.facts, action: a, now: options.now, extra: lowerKeyMap(ctx?.keys) };
    const statements: StatementMatch[] = [];
    let denyYes = false;
    let denyMaybe = false;
    const apply = (list: Relevant['identity']): Tri => {
      let allow: Tri = 'no';
      for (const { bp, st } of list) {
        const o = statementAppliesToResource(st, resource, env);
        if (o.result === 'no') continue;
        statements.push(matchOf(bp.origin, st, o.result, o.undecided));
        if (st.source.effect === 'Deny') {
          if (o.result === 'yes') denyYes = true;
          else denyMaybe = true;
        } else allow = triOr(allow, o.result);
      }
      return allow;
    };
    const idAllow = apply(rel.identity);
    const idUsable = rel.identityUnusable.length === 0;
    const bAllow: Tri = s.boundary ? apply(rel.boundary) : 'yes';
    const bUsable = !rel.boundaryUnusable;
    const unusableList = rel.identityUnusable.map(unusable);
    if (rel.boundaryUnusable) unusableList.push(unusable(s.boundary!));
    const result = (decision: Decision): CanDoResult =>
      unusableList.length > 0 ? { decision, statements, unusable: unusableList } : { decision, statements };

    if (denyYes) return result('deny');
    if (s.boundary && bUsable && bAllow === 'no') return result('implicit-deny');
    if (idUsable && idAllow === 'no') return result('implicit-deny');
    if (!idUsable || !bUsable) return result('unknown');
    if (idAllow === 'yes' && bAllow === 'yes' && !denyMaybe) return result('allow');
    return result('conditional');
  };

  const mayDoAction = (principal: string | Subject, action: string): boolean => relevant(resolve(principal), action.toLowerCase()).mayAllow;

  return { model, now: options.now, subject, canDo, mayDoAction };
}
