/**
 * Privilege-escalation edges and shortest paths to admin.
 *
 * Edges come from PRIVESC_METHODS evaluated with the policy evaluator: a method yields an edge
 * from P only when every action it needs is allowed (or conditionally allowed) for P on the
 * method's target. So explicit denies, conditions that never hold, non-matching resources and
 * NotAction exclusions all block edges without special cases here.
 *
 * Cost: each method first passes a cached action-only pre-filter per principal, so principals
 * without IAM write rights cost a few set lookups. Role candidates for sts:AssumeRole come from
 * an index of trust policies (by principal ARN/id, by account, `*`), and pass-role candidates
 * from an index by trusted service, instead of testing every principal against every role.
 */
import { principalsOf, type AccountModel, type IamGroup, type IamPrincipal, type IamRole } from './model.js';
import { assessAdmin, type AdminStatus } from './policy/admin.js';
import { actionKey, mayNameService, SOME_RESOURCE, type ResourceQuery } from './policy/compile.js';
import type { RequestContext } from './policy/context.js';
import type { Tri } from './policy/tri.js';
import { createEvaluator, sameAnswerForEvery, sameForEveryResource, subjectFor, type Decided, type Decision, type Evaluator, type Subject } from './policy/evaluate.js';
import { ADMIN_POLICY_NAME, PRIVESC_METHODS, type PrivescMethod } from './privesc-methods.js';
import { buildTrustIndex, evaluateService, evaluateTrust, trustKeysOf, type TrustIndex } from './trust.js';

/** The pseudo-target of a self-escalation: "full rights in the account". */
export const ADMIN_TARGET = 'admin';

/** One escalation step: `from` can gain the rights of `to` (a principal ARN or ADMIN_TARGET). */
export interface EscalationEdge {
  from: string;
  to: string;
  /** PrivescMethod id. */
  method: string;
  reason: string;
  /** True when a condition could not be decided or the step depends on unseen state. */
  conditional: boolean;
  /** The resource the method acts on when it is not `to` (policy, group, instance profile). */
  via?: string;
  /** Condition keys that could not be decided. */
  undecided?: string[];
}

/** A step that could not be decided because a policy was unusable (also in `edges`, conditional, undecided POLICY_UNREAD). */
export interface UndecidedEdge {
  from: string;
  to: string;
  method: string;
  reason: string;
}

export interface EscalationOptions {
  /** Injected clock for date conditions. */
  now?: Date;
  /** Reuse an evaluator (and its caches) built by the caller. */
  evaluator?: Evaluator;
  /**
   * Return a holder's edges of one method as one EscalationGroup when the answer is the same for
   * every target and there are more than this many (the graph transform uses its fan-out limit).
   */
  groupAbove?: number;
  /** Restrict to these methods (default: all of PRIVESC_METHODS). */
  methods?: readonly PrivescMethod[];
  /**
   * The admin-equivalent principals in model order, when the caller has assessed every principal
   * with the same evaluator already (assessAdmin status `admin`); found here otherwise.
   */
  admins?: readonly string[];
  /**
   * Principals whose conditional edges and groups are left out: the caller gives each of them a
   * conditional route to the account's administrator of its own (assessAdmin `conditional`),
   * which already reaches whatever a conditional step to another principal could. Their firm
   * edges stay, since a firm route bypasses the condition. Not given: every edge is kept.
   */
  conditionalAdmins?: readonly string[];
}

/**
 * Many edges of one holder and method that differ only in their target (with `groupAbove`):
 * every target of `targets` except `exclude`, each with the same conditional flag and undecided
 * keys. Expanding it gives exactly the edges it stands for.
 */
export interface EscalationGroup {
  from: string;
  method: string;
  /** In model order; shared between groups (do not modify). */
  targets: ReadonlyArray<{ to: string; name: string; via?: string }>;
  /** The holder itself when it is among `targets`. */
  exclude?: string;
  /** How many targets remain once `exclude` is left out. */
  count: number;
  conditional: boolean;
  undecided?: string[];
  /** The edge reason for the first remaining target. */
  reason: string;
  /** Index in `edges` where the expanded edges would begin, to keep the original order. */
  position: number;
  /**
   * Gathered only to save making and sending each edge: the graph transform builds it as the
   * plain edges it expands to (a set of the holder's own targets, itself left out), where other
   * groups of one target list share one set, their holders included. These are the holders whose
   * answer is the same for every target without being independent of the resource (a condition,
   * say; sameAnswerForEvery), or whose sts:AssumeRole answer was not (see the loop).
   */
  perHolder?: true;
}

export interface EscalationGraph {
  /** Principals that are already admin-equivalent. */
  admins: string[];
  edges: EscalationEdge[];
  /** Only with `groupAbove`: edges gathered per holder and method (see EscalationGroup). */
  groups?: EscalationGroup[];
  unknown: UndecidedEdge[];
  /** Roles whose trust policy could not be parsed (assume-role edges to them are unknown). */
  unusableTrust: string[];
}

interface Target {
  resource: string;
  to: string;
  /** Short name of `to` for reasons (`admin` for ADMIN_TARGET). */
  name: string;
  via?: string;
  viaText?: string;
  role?: IamRole;
  group?: IamGroup;
  /** Pass-role and instance targets: trust conditions on the service that could not be decided. */
  serviceUndecided?: readonly string[];
  /**
   * Instance targets of a role whose InstanceProfileList entries could not be read (the first
   * one's location): whether the role is in an instance profile at all is unknown.
   */
  profileUnread?: string;
}

/** Target lists holding a target whose service trust is only `maybe` (never grouped). */
const conditionalLists = new WeakSet<readonly Target[]>();

type Combined = { decision: 'allow' | 'conditional'; undecided: readonly string[] } | { decision: 'unknown' } | { decision: 'no' };

function combine(ev: Evaluator, s: Subject, actions: readonly string[], resource: ResourceQuery, ctx?: RequestContext): Combined {
  let conditional = false;
  let unknown = false;
  const undecided: string[] = [];
  for (let i = 0; i < actions.length; i++) {
    const r = ev.decide(s, actions[i], resource, ctx);
    const d: Decision = r.decision;
    if (d === 'deny' || d === 'implicit-deny') return { decision: 'no' };
    if (d === 'unknown') unknown = true;
    if (d === 'conditional') {
      conditional = true;
      undecided.push(...r.undecided);
    }
  }
  if (unknown) return { decision: 'unknown' };
  if (!conditional) return ALLOWED;
  return { decision: 'conditional', undecided: undecided.length > 0 ? [...new Set(undecided)] : NONE };
}

const NONE: readonly string[] = Object.freeze([]);

/** An answer for a method's target actions; for attach methods, the policy the edge would attach. */
type Answer = Combined & { policy?: string };

interface AttachChoice {
  ctx: RequestContext;
  /** How the reason names the policy. */
  policy: string;
  /** The edge is conditional even when the actions are allowed. */
  conditional: boolean;
}

/**
 * The managed policies an attach method is asked with, in order. iam:PolicyARN carries the ARN
 * of the policy being attached (IAM User Guide example "Limits managed policies that can be
 * applied to an IAM user, group, or role"), so a condition on it may refuse AdministratorAccess
 * yet allow another policy that escalates just as well: IAMFullAccess grants iam:* on every
 * resource (AWS managed policy reference), enough to write itself any policy next. Last, the
 * key is left unknown: some other policy is allowed, and whether it escalates is not known
 * from the snapshot (a conditional edge).
 */
function attachChoices(partition: string, keys: Record<string, string>): AttachChoice[] {
  const { ['iam:PolicyARN']: _admin, ...rest } = keys;
  return [
    { ctx: { keys }, policy: ADMIN_POLICY_NAME, conditional: false },
    { ctx: { keys: { ...rest, 'iam:PolicyARN': `arn:${partition}:iam::aws:policy/IAMFullAccess` } }, policy: 'IAMFullAccess (iam:*), then grant itself anything', conditional: false },
    {
      ctx: { keys: rest },
      policy: 'a managed policy its iam:PolicyARN condition allows (neither AdministratorAccess nor IAMFullAccess may be attached; whether an allowed policy escalates is not known)',
      conditional: true,
    },
  ];
}

function attachAnswer(ev: Evaluator, s: Subject, actions: readonly string[], resource: string, choices: readonly AttachChoice[]): Answer {
  for (const c of choices) {
    const r = combine(ev, s, actions, resource, c.ctx);
    if (r.decision === 'no') continue;
    if (r.decision === 'unknown') return r;
    if (!c.conditional) return { ...r, policy: c.policy };
    return { decision: 'conditional', undecided: r.decision === 'conditional' && r.undecided.length > 0 ? r.undecided : ['iam:PolicyARN'], policy: c.policy };
  }
  return { decision: 'no' };
}

/** The resources of a target list, once per list (lists are shared by every holder of a method). */
const listResources = new WeakMap<readonly Target[], readonly string[]>();
function resourcesOf(list: readonly Target[]): readonly string[] {
  let r = listResources.get(list);
  if (r === undefined) listResources.set(list, (r = list.map((t) => t.resource)));
  return r;
}
/** Shared answer for "allowed, nothing undecided" (frozen). */
const ALLOWED: Combined = Object.freeze({ decision: 'allow', undecided: NONE }) as Combined;

/** The keys of the lists, each once, in order of first appearance; undefined when there are none. */
function undecidedOf(a: readonly string[], b: readonly string[], c: readonly string[] = NONE, d: readonly string[] = NONE): string[] | undefined {
  if (a.length === 0 && b.length === 0 && c.length === 0 && d.length === 0) return undefined;
  return [...new Set([...a, ...b, ...c, ...d])];
}

const compiledTemplates = new Map<string, string[]>();

/** Fills `{name}` placeholders; templates are split once, since this runs for every edge. */
function fill(template: string, values: Record<string, string>): string {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    compiledTemplates.set(template, parts);
  }
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) out += (values[parts[i]] ?? `{${parts[i]}}`) + parts[i + 1];
  return out;
}

function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The undecided note of a step that depends on a policy that could not be read. */
export const POLICY_UNREAD = 'policy could not be read';

/** The undecided note of a step through an instance profile entry that could not be read. */
export const PROFILE_UNREAD = 'instance profile could not be read';

/**
 * A step that could not be decided because a policy was unusable: listed in `unknown`, and also
 * kept as a conditional edge, so that an unreadable policy never makes a route disappear. `edges`
 * is undefined for a holder whose conditional edges are left out (conditionalAdmins).
 */
function undecidedStep(edges: EscalationEdge[] | undefined, unknown: UndecidedEdge[], from: string, to: string, method: string, reason: string, via?: string, note = POLICY_UNREAD): void {
  unknown.push({ from, to, method, reason });
  if (edges === undefined) return;
  const edge: EscalationEdge = { from, to, method, reason, conditional: true, undecided: [note] };
  if (via) edge.via = via;
  edges.push(edge);
}

/** A subject whose only policy is `s`'s permissions boundary (read as identity policy): "what the boundary alone allows". */
function boundaryAlone(s: Subject): Subject {
  return { facts: s.facts, identity: [{ ...s.boundary!, origin: { ...s.boundary!.origin, use: 'identity' } }] };
}

/** Builds every escalation edge of the model. Deterministic: principals in model order, methods in list order. */
export function findEscalationEdges(model: AccountModel, options: EscalationOptions = {}): EscalationGraph {
  const ev = options.evaluator ?? createEvaluator(model, { now: options.now });
  const methods = options.methods ?? PRIVESC_METHODS;
  const trust = buildTrustIndex(model);
  const principals = principalsOf(model);
  const admins = options.admins ? [...options.admins] : principals.filter((p) => assessAdmin(ev, p.arn).status === 'admin').map((p) => p.arn);
  const adminSet = new Set(admins);
  const firmOnly = new Set(options.conditionalAdmins ?? NONE);
  const edges: EscalationEdge[] = [];
  const groups: EscalationGroup[] | undefined = options.groupAbove !== undefined ? [] : undefined;
  const unknown: UndecidedEdge[] = [];
  const adminPolicyArn = `arn:${model.partition}:iam::aws:policy/${ADMIN_POLICY_NAME}`;
  const boundaryCache = new Map<string, AdminStatus>();

  // A self-escalation rewrites identity policies, which the permissions boundary still caps:
  // it reaches admin only as far as the boundary itself would allow.
  const boundaryCap = (p: IamPrincipal, s: Subject): AdminStatus => {
    if (!s.boundary) return 'admin';
    let v = boundaryCache.get(p.arn);
    if (v === undefined) {
        v = assessAdmin(ev, boundaryAlone(s)).status;
      boundaryCache.set(p.arn, v);
    }
    return v;
  };

  // The pre-filter's actions, each with its place in `may` below.
  const mayActions: string[] = [];
  const mayPlace = (a: string): number => {
    const k = mayActions.indexOf(a);
    return k >= 0 ? k : mayActions.push(a) - 1;
  };
  // Per method, computed once: every action it needs, and the request context its target
  // actions are asked with (one object per method, so the evaluator lower-cases its keys once).
  const plan = methods.map((m) => {
    const keys: Record<string, string> = {};
    if (m.family === 'attach-policy') keys['iam:PolicyARN'] = adminPolicyArn;
    if (m.liftsBoundary) keys['iam:PermissionsBoundary'] = adminPolicyArn;
    if (m.service) keys['iam:PassedToService'] = m.service;
    // A rewritten trust policy naming the principal's own ARN grants it sts:AssumeRole on its
    // own (same account): only its boundary, if any, must allow it (see assumeRoleEdges).
    const targetActions = m.assumesByTrust === true ? m.targetActions.filter((a) => a !== 'sts:AssumeRole') : m.targetActions;
    // What the holder's identity policies must be able to allow at all (the pre-filter).
    const need = [...targetActions, ...m.otherActions].map(mayPlace);
    // Attach methods may name any managed policy: each of ATTACH_CHOICES is tried in turn.
    const choices = m.family === 'attach-policy' ? attachChoices(model.partition, keys) : undefined;
    return { m, targetActions, need, ctx: { keys } as RequestContext, choices, actionsText: [...m.targetActions, ...m.otherActions].join(' + ') };
  });
  // The methods each kind of principal can use, in list order.
  const userPlan = plan.filter(({ m }) => m.principalKinds.includes('user'));
  const rolePlan = plan.filter(({ m }) => m.principalKinds.includes('role'));
  // The same without the methods whose pre-filter needs an IAM action: a principal none of whose
  // identity policies names the iam service passes none of them (identityMayAllow finds no
  // statement for any iam: action), and most principals are such (76% of the 100k estate's). Their
  // ~33 methods each cost a pre-filter lookup per policy; now ~5 do.
  const needsIam = (x: (typeof plan)[number]) => x.need.some((k) => actionKey(mayActions[k]).service === 'iam');
  const userPlanNoIam = userPlan.filter((x) => !needsIam(x));
  const rolePlanNoIam = rolePlan.filter((x) => !needsIam(x));
  const targets = createTargetLists(model, trust, ev.now);
  // Every role of the model, one shared list: the candidates of assumeRoleEdges are among them.
  const roleArns = [...model.roles.keys()];

  // Without its boundary (removed or replaced by AdministratorAccess), is the principal admin,
  // or can its own policies let it rewrite them? Asked only of principals that have a boundary.
  const unboundedCache = new Map<string, AdminStatus>();
  const unboundedCap = (p: IamPrincipal, s: Subject): AdminStatus => {
    let v = unboundedCache.get(p.arn);
    if (v !== undefined) return v;
    const free: Subject = { facts: s.facts, identity: s.identity };
    const status = assessAdmin(ev, free).status;
    v = status;
    if (status !== 'admin') {
      const kind = p.kind === 'user' ? 'User' : 'Role';
      const ctx = { keys: { 'iam:PolicyARN': adminPolicyArn } } as RequestContext;
      const rewrite = [`iam:Put${kind}Policy`, `iam:Attach${kind}Policy`].map((a) => ev.decide(free, a, p.arn, ctx).decision);
      if (rewrite.includes('allow')) v = 'admin';
      else if (rewrite.includes('conditional') && status !== 'unknown') v = 'conditional';
      else if (rewrite.includes('unknown') && status === 'not-admin') v = 'unknown';
    }
    unboundedCache.set(p.arn, v);
    return v;
  };
  const boundaryOnly = new Map<string, Subject>();

  // The current principal's pre-filter answers, asked once per action (many methods share
  // one, iam:PassRole most): 0 not asked yet, 1 no, 2 yes.
  const may = new Uint8Array(mayActions.length);
  const mayAll = (s: Subject, need: readonly number[]): boolean => {
    for (let i = 0; i < need.length; i++) {
      const k = need[i];
      if (may[k] === 0) may[k] = ev.mayDoAction(s, mayActions[k]) ? 2 : 1;
      if (may[k] === 1) return false;
    }
    return true;
  };

  for (let pi = 0; pi < principals.length; pi++) {
    const p = principals[pi];
    if (adminSet.has(p.arn)) continue;
    const s = ev.subject(p.arn)!;
    // A conditional administrator's conditional edges and groups are never made (the caller gives
    // it a conditional route to admin of its own); its `unknown` steps still are. Making them and
    // dropping them afterwards built ~45,000 edges per account of the 100k estate for nothing.
    const firm = firmOnly.has(p.arn);
    const unsure = firm ? undefined : edges;
    may.fill(0);
    const kindPlan = mayNameIam(s) ? (p.kind === 'user' ? userPlan : rolePlan) : p.kind === 'user' ? userPlanNoIam : rolePlanNoIam;
    for (let mi = 0; mi < kindPlan.length; mi++) {
      const { m, targetActions, need, ctx, choices, actionsText } = kindPlan[mi];
      if (m.target === 'assumable-role') {
        assumeRoleEdges(ev, model, trust, p, s, m, edges, unknown, roleArns, firm);
        continue;
      }
      if (m.liftsBoundary && !s.boundary) continue;
      const byTrust = m.assumesByTrust === true;
      if (!mayAll(s, need)) continue;
      let bound: Subject | undefined;
      if (byTrust && s.boundary) {
        bound = boundaryOnly.get(p.arn);
        if (!bound) boundaryOnly.set(p.arn, (bound = boundaryAlone(s)));
      }
      const cap = m.liftsBoundary ? unboundedCap(p, s) : m.gains === 'admin' && m.target !== 'group-to-join' ? boundaryCap(p, s) : 'admin';
      if (cap === 'not-admin') continue;
      const other = m.otherActions.length > 0 ? combine(ev, s, m.otherActions, SOME_RESOURCE) : ALLOWED;
      if (other.decision === 'no') continue;
      // What every edge of this holder and method shares, whatever the target.
      const alwaysConditional = other.decision === 'conditional' || m.alwaysConditional === true || cap !== 'admin';
      const otherUndecided = other.decision === 'conditional' ? other.undecided : NONE;
      const valuesOf = (t: Target, policy = ADMIN_POLICY_NAME) => ({ from: p.name, to: t.name, via: t.viaText ?? (t.via ? nameOf(t.via) : ''), actions: actionsText, policy });
      // The target actions' answer on one resource; for attach methods, the first policy choice
      // that is not refused, and which one it was.
      const ask = (resource: string): Answer => (choices ? attachAnswer(ev, s, targetActions, resource, choices) : combine(ev, s, targetActions, resource, ctx));
      const list = targets(p, m);
      // Thousands of targets (every user, every role) and statements on `*`: one answer for all.
      // (With no target action, every target gets the answer of the other actions.)
      const uniform = list.length > 1 && (targetActions.length === 0 || sameForEveryResource(s, targetActions, resourcesOf(list)));
      // Not uniform (a condition, say), but still one answer for every target: asked once.
      const same = uniform || (list.length > 1 && sameAnswerForEvery(s, targetActions, resourcesOf(list)));
      let shared: Answer | undefined;
      // The per-target sts:AssumeRole answers of the holder and of its boundary alone, when the
      // same for every target (undefined: not known yet; null: asked per target).
      let sharedAssume: Decided | null | undefined;
      let sharedBound: Decided | null | undefined;
      // An explicit identity Deny on sts:AssumeRole still wins over a trust policy naming the user.
      const uniformDeny = byTrust && uniform && sameForEveryResource(s, ['sts:AssumeRole']);
      if (uniformDeny && ev.decide(s, 'sts:AssumeRole', list[0].resource).decision === 'deny') continue;
      // One answer for every target and nothing asked per target (no boundary, no service trust
      // or instance profile in doubt, the sts:AssumeRole answer shared too): every target but the
      // holder gets the same edge, so the loop below would make one edge per target that differs
      // only in it. Such a holder method goes as one EscalationGroup instead. When the answer does
      // not depend on the resource at all (uniform) and no per-target sts:AssumeRole question
      // remains, the transform may share one set between the holders of a list; otherwise (a
      // condition, say: ~190,000 edges over the 100k estate, each with its reason text) the group
      // is perHolder and gets a set of its own. A conditional administrator's conditional ones
      // are not made.
      if (same && groups && !bound && GROUPABLE.has(m.target) && !conditionalLists.has(list) && cap !== 'unknown' && other.decision !== 'unknown') {
        // The first target the loop would reach (lists hold each principal once; same needs two).
        const first = list[0].to === p.arn ? list[1] : list[0];
        const res: Answer = targetActions.length === 0 ? other : (shared ??= ask(first.resource));
        // No target gets an edge.
        if (res.decision === 'no') continue;
        if (byTrust && !uniformDeny && sharedAssume === undefined) {
          sharedAssume = sameAnswerForEvery(s, ASSUME_ROLE, resourcesOf(list)) ? ev.decide(s, 'sts:AssumeRole', first.resource) : null;
        }
        // Asked per target, sts:AssumeRole only takes targets away when denied: a run when none is.
        if (res.decision !== 'unknown' && (!byTrust || uniformDeny || sharedAssume !== null || !assumeDeniedOnSome(ev, s, list, p.arn))) {
          if (sharedAssume?.decision === 'deny') continue;
          const conditional = res.decision === 'conditional' || alwaysConditional;
          // The loop below would make no edge either.
          if (firm && conditional) continue;
          const exclude = holdsTarget(list, p.arn) ? p.arn : undefined;
          const count = exclude ? list.length - 1 : list.length;
          if (count > options.groupAbove!) {
            const g: EscalationGroup = { from: p.arn, method: m.id, targets: list, count, conditional, reason: fill(m.reason, valuesOf(first, res.policy)), position: edges.length };
            if (!uniform || (byTrust && !uniformDeny)) g.perHolder = true;
            if (exclude) g.exclude = exclude;
            const undecided = undecidedOf(res.undecided, otherUndecided);
            if (undecided) g.undecided = undecided;
            groups.push(g);
            continue;
          }
        }
      }
      for (const t of list) {
        if (t.to === p.arn) continue;
        const res: Answer = targetActions.length === 0 ? other : same ? (shared ??= ask(t.resource)) : ask(t.resource);
        if (res.decision === 'no') continue;
        if (res.decision === 'unknown' || other.decision === 'unknown' || cap === 'unknown') {
          undecidedStep(unsure, unknown, p.arn, t.to, m.id, `${fill(m.reason, valuesOf(t, res.policy))} (a policy could not be read)`, t.via);
          continue;
        }
        if (t.profileUnread !== undefined) {
          undecidedStep(unsure, unknown, p.arn, t.to, m.id, `${fill(m.reason, valuesOf(t, res.policy))} (an instance profile entry of ${t.name}, ${t.profileUnread}, could not be read)`, t.via, PROFILE_UNREAD);
          continue;
        }
        let conditional = res.decision === 'conditional' || t.serviceUndecided !== undefined;
        if (byTrust && !uniformDeny) {
          // Not `??=`: that would ask again after a null ("per target") for every target.
          if (sharedAssume === undefined) sharedAssume = list.length > 1 && sameAnswerForEvery(s, ASSUME_ROLE, resourcesOf(list)) ? ev.decide(s, 'sts:AssumeRole', t.resource) : null;
          if ((sharedAssume ?? ev.decide(s, 'sts:AssumeRole', t.resource)).decision === 'deny') continue;
        }
        let boundUndecided: readonly string[] = NONE;
        if (bound) {
          if (sharedBound === undefined) sharedBound = list.length > 1 && sameAnswerForEvery(bound, ASSUME_ROLE, resourcesOf(list)) ? ev.decide(bound, 'sts:AssumeRole', t.resource) : null;
          const b = sharedBound ?? ev.decide(bound, 'sts:AssumeRole', t.resource);
          if (b.decision === 'deny' || b.decision === 'implicit-deny') continue;
          if (b.decision === 'unknown') {
            undecidedStep(unsure, unknown, p.arn, t.to, m.id, `${fill(m.reason, valuesOf(t, res.policy))} (the permissions boundary could not be read)`, t.via);
            continue;
          }
          if (b.decision === 'conditional') {
            conditional = true;
            boundUndecided = b.undecided;
          }
        }
        if (m.target === 'group-to-join') {
          const joined = subjectFor(model, p, [t.group!]);
          const status = assessAdmin(ev, joined).status;
          if (status === 'not-admin') continue;
          if (status === 'unknown') {
            undecidedStep(unsure, unknown, p.arn, t.to, m.id, `${fill(m.reason, valuesOf(t, res.policy))} (a policy could not be read)`, t.via);
            continue;
          }
          if (status === 'conditional') conditional = true;
        }
        if (firm && (conditional || alwaysConditional)) continue;
        const edge: EscalationEdge = {
          from: p.arn,
          to: t.to,
          method: m.id,
          reason: fill(m.reason, valuesOf(t, res.policy)),
          conditional: conditional || alwaysConditional,
        };
        if (t.via) edge.via = t.via;
        const undecided = undecidedOf(res.undecided, otherUndecided, t.serviceUndecided ?? NONE, boundUndecided);
        if (undecided) edge.undecided = undecided;
        edges.push(edge);
      }
    }
  }
  return groups ? { admins, edges, groups, unknown, unusableTrust: trust.unusable } : { admins, edges, unknown, unusableTrust: trust.unusable };
}

/** Whether the subject's policies deny sts:AssumeRole on some target of the list other than `self`. */
function assumeDeniedOnSome(ev: Evaluator, s: Subject, list: readonly Target[], self: string): boolean {
  for (const t of list) if (t.to !== self && ev.decide(s, 'sts:AssumeRole', t.resource).decision === 'deny') return true;
  return false;
}

/** The targets of each list, by ARN (a holder is looked up in a list of thousands). */
const listTargets = new WeakMap<readonly Target[], ReadonlySet<string>>();
function holdsTarget(list: readonly Target[], arn: string): boolean {
  let set = listTargets.get(list);
  if (set === undefined) listTargets.set(list, (set = new Set(list.map((t) => t.to))));
  return set.has(arn);
}

/** Whether an identity policy of the subject may allow some iam: action (one that could not be read may allow anything). */
function mayNameIam(s: Subject): boolean {
  const identity = s.identity;
  for (let i = 0; i < identity.length; i++) {
    const compiled = identity[i].compiled;
    if (!compiled || mayNameService(compiled, 'iam')) return true;
  }
  return false;
}

/** Target kinds whose per-target edge differs only in the target (no per-target check). */
const GROUPABLE: ReadonlySet<PrivescMethod['target']> = new Set(['other-user', 'other-role', 'service-role', 'instance-role']);

/** AWS protects service-linked roles: their trust policy cannot be edited and they cannot be passed to new resources. */
function serviceLinked(role: IamRole): boolean {
  return role.path?.startsWith('/aws-service-role/') === true || role.arn.includes(':role/aws-service-role/');
}

/**
 * Targets per method for a principal. Lists that do not depend on the principal (every user,
 * every role, the roles a service may receive) are built once per model; the caller skips the
 * principal itself.
 */
function createTargetLists(model: AccountModel, trust: TrustIndex, now: Date | undefined): (p: IamPrincipal, m: PrivescMethod) => readonly Target[] {
  let users: Target[] | undefined;
  let roles: Target[] | undefined;
  let groups: Target[] | undefined;
  const byService = new Map<string, Target[]>();
  return (p, m) => {
    switch (m.target) {
      case 'self':
        return [{ resource: p.arn, to: ADMIN_TARGET, name: 'admin' }];
      case 'own-group':
        return p.kind === 'user' ? p.groupArns.map((g) => ({ resource: g, to: ADMIN_TARGET, name: 'admin', via: g })) : [];
      case 'policy-attached-to-self': {
        const owners = new Set([p.arn, ...(p.kind === 'user' ? p.groupArns : [])]);
        const refs = [...p.attachedPolicies, ...(p.kind === 'user' ? p.groupArns.flatMap((g) => model.groups.get(g)?.attachedPolicies ?? []) : [])];
        const seen = new Set<string>();
        return refs
          .filter((r) => !seen.has(r.arn) && seen.add(r.arn) && model.policies.get(r.arn)?.awsManaged === false)
          .filter((r) => (model.attachmentsByPolicy.get(r.arn) ?? []).some((o) => owners.has(o)))
          .map((r) => ({ resource: r.arn, to: ADMIN_TARGET, name: 'admin', via: r.arn }));
      }
      case 'own-boundary-policy': {
        const b = p.permissionsBoundary?.arn;
        // AWS managed policies (account `aws`) cannot get new versions.
        if (b === undefined || model.policies.get(b)?.awsManaged === true || b.includes(':iam::aws:policy/')) return [];
        return [{ resource: b, to: ADMIN_TARGET, name: 'admin', via: b }];
      }
      case 'group-to-join':
        if (p.kind !== 'user') return [];
        groups ??= [...model.groups.values()].map((g) => ({ resource: g.arn, to: ADMIN_TARGET, name: 'admin', via: g.arn, group: g }));
        return p.groupArns.length === 0 ? groups : groups.filter((t) => !p.groupArns.includes(t.group!.arn));
      case 'other-user':
        return (users ??= [...model.users.values()].map((u) => ({ resource: u.arn, to: u.arn, name: nameOf(u.arn) })));
      case 'other-role':
        return (roles ??= [...model.roles.values()].filter((r) => !serviceLinked(r)).map((r) => ({ resource: r.arn, to: r.arn, name: nameOf(r.arn) })));
      case 'service-role':
      case 'instance-role': {
        const service = m.target === 'instance-role' ? 'ec2.amazonaws.com' : m.service!.toLowerCase();
        const needsProfile = m.target === 'instance-role' || m.needsInstanceProfile === true;
        const key = `${m.target}|${service}|${needsProfile}`;
        let list = byService.get(key);
        if (!list) {
          // The index lists every Allow naming the service; the trust policy itself decides
          // whether the service may call sts:AssumeRole (Deny, Action, Condition).
          const built: Target[] = [];
          let anyMaybe = false;
          for (const a of trust.byService.get(service) ?? []) {
            const r = model.roles.get(a)!;
            // A role whose only InstanceProfileList entries could not be read may still be in a
            // profile: a target whose step is undecided, not no target.
            const profileUnread = needsProfile && r.instanceProfiles.length === 0 && r.unreadInstanceProfiles !== undefined;
            if (!(m.target === 'instance-role' || !serviceLinked(r)) || (needsProfile && r.instanceProfiles.length === 0 && !profileUnread)) continue;
            const decision = evaluateService(r, service, now);
            if (decision.result === 'no') continue;
            const t: Target = { resource: r.arn, to: r.arn, name: nameOf(r.arn), via: r.instanceProfiles[0]?.arn, viaText: r.instanceProfiles[0]?.name };
            if (profileUnread) {
              t.profileUnread = r.unreadInstanceProfiles![0].location;
              t.viaText = `(unreadable ${t.profileUnread})`;
              anyMaybe = true;
            }
            if (decision.result !== 'yes') {
              t.serviceUndecided = decision.undecided.length > 0 ? [...new Set(decision.undecided)] : ['trust policy of the role (service principal)'];
              anyMaybe = true;
            }
            built.push(t);
          }
          list = built;
          if (anyMaybe) conditionalLists.add(list);
          byService.set(key, list);
        }
        return list;
      }
      case 'assumable-role':
        return [];
    }
  };
}

const ASSUME_ROLE: readonly string[] = ['sts:AssumeRole'];

function assumeRoleEdges(ev: Evaluator, model: AccountModel, trust: TrustIndex, p: IamPrincipal, s: Subject, m: PrivescMethod, edges: EscalationEdge[], unknown: UndecidedEdge[], roleArns: readonly string[], firm: boolean): void {
  const unsure = firm ? undefined : edges;
  const identityMay = ev.mayDoAction(s, 'sts:AssumeRole');
  // Without an identity Allow, only a trust policy that names this principal itself can give an
  // edge (see trustAlone below), so roles trusting the account or `*` need not be evaluated.
  // STS API reference, AssumeRole: in the same account a user may assume a role either through
  // an identity policy allowing sts:AssumeRole (the trust policy trusting the account) or by
  // being named directly as a principal of the trust policy. `*` names no one directly, and the
  // IAM User Guide lists role trust policies as an exception to "either policy is enough", so
  // `*` (however narrowed by conditions) is read like the account: an identity Allow is needed.
  const named = trustKeysOf(p).flatMap((k) => trust.byPrincipal.get(k) ?? []);
  const byAccount = identityMay && s.facts.accountId ? trust.byAccount.get(s.facts.accountId) : undefined;
  const anyone = identityMay ? trust.anyone : NONE;
  // Most principals are named by no trust policy and may not call sts:AssumeRole: nothing to build.
  if (named.length === 0 && byAccount === undefined && anyone.length === 0) return;
  const candidates = new Set<string>([...named, ...(byAccount ?? []), ...anyone]);
  // When every statement on sts:AssumeRole lists `*` or a prefix of every role's ARN, the
  // identity answer is the same for every role: asked once (sameAnswerForEvery); so is the
  // boundary's alone.
  let uniform: boolean | undefined;
  let shared: Decided | undefined;
  let sharedBound: Decided | null | undefined;
  for (const roleArn of candidates) {
    if (roleArn === p.arn) continue;
    const role = model.roles.get(roleArn)!;
    // The role is of the principal's account, and so of its organisation.
    const t = evaluateTrust(role, s.facts, 'sts:AssumeRole', ev.now, s.facts.organizationId);
    if (t.result === 'no') continue;
    if (t.result === 'unknown') {
      undecidedStep(unsure, unknown, p.arn, roleArn, m.id, `${assumeReason(m, p, role, t)} (trust policy could not be read)`);
      continue;
    }
    // Same account: a trust policy naming the principal's own user or role ARN is enough on its
    // own (IAM policy evaluation logic: a resource-based policy naming a role ARN is limited only
    // by an implicit deny in a permissions boundary or session policy, not in identity policies;
    // PMapper's sts edges read it the same way); an explicit identity Deny still wins and the
    // boundary must allow it (below). One naming a session of the role grants to the session
    // directly, not limited by an implicit deny in identity policies or a boundary; it only might
    // apply (the session name). Otherwise the identity policies must allow it too.
    const named = t.named ?? 'no';
    const session = t.session ?? 'no';
    const trustAlone = named !== 'no' || session !== 'no';
    if (!identityMay && !trustAlone) continue;
    uniform ??= sameAnswerForEvery(s, ASSUME_ROLE, roleArns);
    const r = uniform ? (shared ??= ev.decide(s, 'sts:AssumeRole', roleArn)) : ev.decide(s, 'sts:AssumeRole', roleArn);
    if (r.decision === 'deny') continue;
    // Neither the identity policies nor the trust alone let it in (byTrust below would be 'no'):
    // the usual end for the roles trusting the account, so nothing more is built for them.
    if (r.decision === 'implicit-deny' && !trustAlone) continue;
    let conditional = t.result === 'maybe';
    const undecided = [...t.undecided];
    if (r.decision === 'unknown') {
      undecidedStep(unsure, unknown, p.arn, roleArn, m.id, `${assumeReason(m, p, role, t)} (an identity policy could not be read)`);
      continue;
    }
    if (r.decision !== 'allow') {
      // The identity policies do not allow it for sure: the route rests on the trust alone.
      let byName: Tri = named;
      if (trustAlone && s.boundary) {
        // A permissions boundary still caps a principal named in a trust policy (IAM User Guide,
        // "Update a role trust policy": a user listed as principal whose boundary does not allow
        // sts:AssumeRole cannot assume the role): the boundary alone must allow it. The general
        // rule on the permissions-boundaries page (a same-account resource-based policy naming a
        // user ARN is not limited by the boundary) gives way here: trust policies are the
        // documented exception to the resource-based policy logic.
        // Its explicit Deny stops the session route too.
        if (sharedBound === undefined) {
          const alone = boundaryAlone(s);
          sharedBound = sameAnswerForEvery(alone, ASSUME_ROLE, roleArns) ? ev.decide(alone, 'sts:AssumeRole', roleArn) : null;
        }
        const b = sharedBound ?? ev.decide(boundaryAlone(s), 'sts:AssumeRole', roleArn);
        if (b.decision === 'deny') continue;
        if (b.decision === 'unknown') {
          undecidedStep(unsure, unknown, p.arn, roleArn, m.id, `${assumeReason(m, p, role, t)} (the permissions boundary could not be read)`);
          continue;
        }
        if (b.decision === 'implicit-deny') byName = 'no';
        else if (b.decision === 'conditional' && byName !== 'no') {
          byName = 'maybe';
          undecided.push(...b.undecided);
        }
      }
      const byTrust: Tri = byName === 'yes' ? 'yes' : byName === 'maybe' || session !== 'no' ? 'maybe' : 'no';
      if (r.decision === 'implicit-deny' && byTrust === 'no') continue;
      if (byTrust !== 'yes') {
        conditional = true;
        if (r.decision === 'conditional') undecided.push(...r.undecided);
        if (byName === 'no' && session !== 'no' && t.sessionNote !== undefined) undecided.push(t.sessionNote);
      }
    }
    if (firm && conditional) continue;
    const edge: EscalationEdge = { from: p.arn, to: roleArn, method: m.id, reason: assumeReason(m, p, role, t), conditional };
    if (undecided.length > 0) edge.undecided = [...new Set(undecided)];
    edges.push(edge);
  }
}

/** The reason of an assume-role step, made only for the steps kept (most candidates are not). */
function assumeReason(m: PrivescMethod, p: IamPrincipal, role: IamRole, t: { direct: boolean }): string {
  return fill(m.reason, { from: p.name, to: role.name, via: t.direct ? 'names it' : 'trusts its account or any principal' });
}

/** One principal's shortest route to admin. */
export interface EscalationPath {
  principal: string;
  /** An admin-equivalent principal ARN, or ADMIN_TARGET for a self-escalation. */
  reaches: string;
  hops: EscalationEdge[];
  /** True when any hop is conditional. */
  conditional: boolean;
}

export interface EscalationReport extends EscalationGraph {
  paths: EscalationPath[];
}

/**
 * For each non-admin user and role, the shortest path to admin (an admin-equivalent principal
 * or a self-escalation), preferring paths made only of unconditional hops. One multi-source BFS
 * backwards from the admin set per pass, so the cost is O(principals + edges).
 */
export function findEscalationPaths(model: AccountModel, options: EscalationOptions = {}): EscalationReport {
  const graph = findEscalationEdges(model, options);
  const adminSet = new Set(graph.admins);
  const isGoal = (n: string) => n === ADMIN_TARGET || adminSet.has(n);
  const incoming = new Map<string, EscalationEdge[]>();
  for (const e of graph.edges) {
    const list = incoming.get(e.to);
    if (list) list.push(e);
    else incoming.set(e.to, [e]);
  }
  // next hop towards admin, per node
  const next = new Map<string, EscalationEdge>();
  // Pass 1 uses only unconditional hops; pass 2 all hops, keeping pass-1 routes. Pointers
  // always lead to a node settled earlier, so following them cannot loop.
  const pass = (allowConditional: boolean): void => {
    const settled = new Set<string>([ADMIN_TARGET, ...graph.admins]);
    let frontier = [...settled];
    while (frontier.length > 0) {
      const nextFrontier: string[] = [];
      for (const node of frontier) {
        for (const e of incoming.get(node) ?? []) {
          if (settled.has(e.from) || (e.conditional && !allowConditional)) continue;
          settled.add(e.from);
          if (!next.has(e.from)) next.set(e.from, e);
          nextFrontier.push(e.from);
        }
      }
      frontier = nextFrontier;
    }
  };
  pass(false);
  const unconditional = new Set(next.keys());
  pass(true);
  const paths: EscalationPath[] = [];
  for (const p of principalsOf(model)) {
    if (adminSet.has(p.arn) || !next.has(p.arn)) continue;
    const hops: EscalationEdge[] = [];
    let node = p.arn;
    const seen = new Set<string>();
    while (!isGoal(node) && !seen.has(node)) {
      seen.add(node);
      const e = next.get(node)!;
      hops.push(e);
      node = e.to;
    }
    paths.push({ principal: p.arn, reaches: node, hops, conditional: !unconditional.has(p.arn) || hops.some((h) => h.conditional) });
  }
  return { ...graph, paths };
}
