import {
  findEscalationEdges,
  assessAdmin,
  SOME_RESOURCE,
  type AccountModel,
  type AdminAssessment,
  principalsOf,
  type EscalationEdge,
  type EscalationGraph,
  type Evaluator,
  SENSITIVE_ACTIONS,
  probeResources,
  type Subject,
} from '../../aws/index.js';
import { ADMIN_TARGET } from '../../aws/privesc.js';
import { actionKey, statementsForKey, type CompiledPolicy } from '../../aws/policy/compile.js';
import type { BoundPolicy } from '../../aws/policy/evaluate.js';
import { actionMatcher } from '../../aws/policy/wildcard.js';

/** Actions that mark what a principal can do, each checked with the evaluator (RULES-CATALOG §4.1). */
const SECRETS_ACTIONS = ['secretsmanager:GetSecretValue', 'kms:Decrypt', 'ssm:GetParameter', 'ssm:GetParameters'];
const IDENTITY_ADMIN_ACTIONS = ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateRole', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'];
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'sns:Publish', 'ses:SendEmail', 'sqs:SendMessage', 'lambda:InvokeFunction'];
const READ_ACTIONS = ['s3:GetObject', 'dynamodb:GetItem', 'dynamodb:Query', 'logs:GetLogEvents', 'ec2:DescribeInstances'];
// InvokeModelWithResponseStream is an action of its own (InvokeModelWithResponseStream and
// ConverseStream need it, InvokeModel does not cover them: Amazon Bedrock, "Prerequisites for
// running model inference"): a streaming-only client holds it alone.
const MODEL_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeAgent', 'sagemaker:InvokeEndpoint'];
const MODEL_INVOKE_KEYS = MODEL_INVOKE_ACTIONS.map(actionKey);

/**
 * Every action answerAccount asks of every principal, each list at its offset: bit `offset + i`
 * of a cover mask stands for `list[i]` (28 bits in all).
 */
const GRANT_ACTIONS = [...SECRETS_ACTIONS, ...IDENTITY_ADMIN_ACTIONS, ...WRITE_ACTIONS, ...READ_ACTIONS, ...MODEL_INVOKE_ACTIONS];
const GRANT_KEYS = GRANT_ACTIONS.map(actionKey);
const OFFSET = {
  secrets: 0,
  identity: SECRETS_ACTIONS.length,
  write: SECRETS_ACTIONS.length + IDENTITY_ADMIN_ACTIONS.length,
  read: SECRETS_ACTIONS.length + IDENTITY_ADMIN_ACTIONS.length + WRITE_ACTIONS.length,
  invoke: SECRETS_ACTIONS.length + IDENTITY_ADMIN_ACTIONS.length + WRITE_ACTIONS.length + READ_ACTIONS.length,
};
const ALL_COVERED = -1;

/** Per compiled policy (shared by every principal that attaches it): which GRANT_ACTIONS a statement of it covers. */
const coverMasks = new WeakMap<CompiledPolicy, number>();

function coverMask(bp: BoundPolicy): number {
  const c = bp.compiled;
  // A policy that could not be read takes part in every answer.
  if (c === undefined) return ALL_COVERED;
  let m = coverMasks.get(c);
  if (m === undefined) {
    m = 0;
    for (let k = 0; k < GRANT_KEYS.length; k++) if (statementsForKey(c, GRANT_KEYS[k]).length > 0) m |= 1 << k;
    coverMasks.set(c, m);
  }
  return m;
}

/**
 * Which GRANT_ACTIONS some statement of the subject's policies (identity or boundary) covers, or
 * an unreadable policy may: for any other, the evaluator's answer is the implicit deny of "nothing
 * covers it" (decide's first test), which adds nothing to a grant list. Most principals' policies
 * name a few services, so most of their ~29 questions are answered here by one bit each, from
 * masks built once per policy document instead of a policy-by-policy scan per question.
 */
export function coveredGrantActions(s: Subject): number {
  let m = 0;
  const identity = s.identity;
  for (let i = 0; i < identity.length; i++) m |= coverMask(identity[i]);
  if (s.boundary) m |= coverMask(s.boundary);
  return m;
}

/** Per compiled policy (shared by every principal that attaches it): see namedInvokeMask. */
const namedInvokeMasks = new WeakMap<CompiledPolicy, number>();

/** An action pattern's part after the service, when it is wildcards only (`bedrock:*`): the whole service. */
const WHOLE_SERVICE = /^[*?]+$/;

/**
 * Which MODEL_INVOKE_ACTIONS an Allow statement of the policy grants by naming the action's
 * service: an Action pattern whose service is written out and that matches it
 * (`bedrock:InvokeModel`, `bedrock:Invoke*`, `bedrock:*`, `sagemaker:InvokeEndpoint`). Such a
 * statement was written for the service, and is evidence of an AI workload whatever else the
 * principal holds. A pattern that names no service (`*`, `*:*`, `*:Invoke*`) or a NotAction
 * statement (PowerUserAccess's `NotAction: iam:*`) lets an administrator call Bedrock as it lets
 * it call everything: no evidence. A policy that could not be read names nothing.
 * Bit i for the i-th action from a pattern that names the action itself (`bedrock:Invoke*`);
 * bit `MODEL_INVOKE_ACTIONS.length + i` from one that names only its whole service (`bedrock:*`),
 * which namedInvokeActions counts for a role only (see there).
 */
function namedInvokeMask(bp: BoundPolicy): number {
  const c = bp.compiled;
  if (c === undefined) return 0;
  let m = namedInvokeMasks.get(c);
  if (m === undefined) {
    m = 0;
    for (let k = 0; k < MODEL_INVOKE_KEYS.length; k++) {
      const key = MODEL_INVOKE_KEYS[k];
      // Statements that cover the action (cached per policy): a few at most.
      for (const st of statementsForKey(c, key)) {
        if (st.source.effect !== 'Allow' || st.notAction) continue;
        for (const p of st.source.action ?? []) {
          if (!p.toLowerCase().startsWith(`${key.service}:`) || !actionMatcher([p]).matches(key.lower)) continue;
          m |= WHOLE_SERVICE.test(p.slice(key.service.length + 1)) ? 1 << (MODEL_INVOKE_KEYS.length + k) : 1 << k;
        }
        if ((m & (1 << k)) !== 0) break;
      }
    }
    namedInvokeMasks.set(c, m);
  }
  return m;
}

/**
 * The model-invocation actions the principal may call (`allowed`, plainly or under a condition)
 * that an Allow statement of its identity policies grants by naming them (namedInvokeMask). A
 * permissions boundary grants nothing, so it names nothing either. A grant of the whole service
 * (`bedrock:*`) counts for a role, which a workload assumes, but not for an IAM user (`user`):
 * on a user's long-lived access key it is the usual grant of a developer or administrator who
 * works with the service, not of a workload that calls models; a user is an agent by permission
 * only from a grant that names model invocation (`bedrock:InvokeModel`, `bedrock:Invoke*`).
 */
function namedInvokeActions(s: Subject, allowed: readonly string[], user: boolean): string[] {
  if (allowed.length === 0) return [];
  let m = 0;
  for (const bp of s.identity) m |= namedInvokeMask(bp);
  if (!user) m |= m >>> MODEL_INVOKE_ACTIONS.length;
  return allowed.filter((a) => (m & (1 << MODEL_INVOKE_ACTIONS.indexOf(a))) !== 0);
}

/** Above this many targets of one method, a holder's edges go through a shared set node. */
export const FAN_OUT = 8;

/** The actions of one group that are allowed (plainly or under a condition), and whether only conditionally. */
export interface Decided {
  allowed: string[];
  conditional: boolean;
  /** Actions whose answer depends on a policy that could not be read (not in `allowed`). */
  unread?: string[];
}

/** What the policy evaluator answers about one principal for the crown-jewel grants. */
export interface GrantAnswers {
  /** Admin status; `admin` for the principals the escalation search found already admin. */
  assessment: AdminAssessment;
  secrets: Decided;
  identity: Decided;
  write: Decided;
  read: Decided;
  invoke: Decided;
  /**
   * The actions of `invoke.allowed` an Allow statement of the identity policies grants by naming
   * their service (namedInvokeMask): evidence of an AI workload. Model access through `*` alone
   * is none.
   */
  invokeNamed: string[];
}

/**
 * Every answer the transform asks the policy evaluator about one account: the escalation search,
 * each principal's grants, and which principals may call sts:AssumeRole at all; a pure function
 * of the account's authorization details and the clock.
 */
export interface AccountAnswers {
  escalation: EscalationGraph;
  /** Per principal, users then roles in model order. */
  grants: GrantAnswers[];
  /** Per principal, as `grants`: whether its identity policies may allow sts:AssumeRole. */
  mayAssume: boolean[];
}

/**
 * Which of `actions` the principal is allowed: each on `resource`, or position by position on
 * `resource[i]` (the probes of probeResources: "any resource of the action's type").
 */
function decisionOf(ev: Evaluator, s: Subject, actions: readonly string[], resource: string | typeof SOME_RESOURCE | readonly string[], covered: number, offset: number): Decided {
  const allowed: string[] = [];
  let unread: string[] | undefined;
  let conditional = true;
  for (let i = 0; i < actions.length; i++) {
    // Covered by nothing: an implicit deny (see coveredGrantActions).
    if ((covered & (1 << (offset + i))) === 0) continue;
    const a = actions[i];
    const d = ev.decide(s, a, Array.isArray(resource) ? resource[i] : (resource as string | typeof SOME_RESOURCE)).decision;
    if (d === 'allow') {
      allowed.push(a);
      conditional = false;
    } else if (d === 'conditional') allowed.push(a);
    else if (d === 'unknown') (unread ??= []).push(a);
  }
  const out: Decided = { allowed, conditional: allowed.length > 0 && conditional };
  if (unread) out.unread = unread;
  return out;
}

export function answerAccount(model: AccountModel, ev: Evaluator): AccountAnswers {
  // The order every user of the answers relies on (packAnswers included): principalsOf's.
  const principals = principalsOf(model);
  // Rules need to tell "not admin" from "could not tell" (a policy that did not parse). Each
  // principal is assessed once; the escalation search takes the admins from here.
  // Asked by subject: each answer below would otherwise look the principal up by ARN.
  const subjects = principals.map((p) => ev.subject(p.arn)!);
  const assessments = subjects.map((s) => assessAdmin(ev, s));
  const admins = principals.filter((_, i) => assessments[i].status === 'admin').map((p) => p.arn);
  // A conditional administrator gets one conditional GRANTED edge to the account's administrator
  // from the transform (grantAll), which reaches whatever a conditional step of its to another
  // user or role would: only its firm steps, which bypass the condition, are worth an edge. Kept
  // all, they were a conditional edge to nearly every principal of the account for each of them.
  const conditionalAdmins = principals.filter((_, i) => assessments[i].status === 'conditional').map((p) => p.arn);
  const escalation = findEscalationEdges(model, { evaluator: ev, now: ev.now, groupAbove: FAN_OUT, admins, conditionalAdmins });
  const grants: GrantAnswers[] = [];
  const mayAssume: boolean[] = [];
  for (let i = 0; i < principals.length; i++) {
    const s = subjects[i];
    const covered = coveredGrantActions(s);
    const invoke = decisionOf(ev, s, MODEL_INVOKE_ACTIONS, SOME_RESOURCE, covered, OFFSET.invoke);
    grants.push({
      assessment: assessments[i],
      // Secrets and IAM writes on any resource of their type, asked about a made-up ARN of it:
      // asked about the string "*", an Allow written as ARNs (secret:*) was missed, and a Deny
      // on them went unnoticed (as in assessAdmin).
      secrets: decisionOf(ev, s, SECRETS_ACTIONS, probeResources(SECRETS_ACTIONS, s.facts.arn, s.facts.accountId), covered, OFFSET.secrets),
      identity: decisionOf(ev, s, IDENTITY_ADMIN_ACTIONS, probeResources(IDENTITY_ADMIN_ACTIONS, s.facts.arn, s.facts.accountId), covered, OFFSET.identity),
      write: decisionOf(ev, s, WRITE_ACTIONS, SOME_RESOURCE, covered, OFFSET.write),
      read: decisionOf(ev, s, READ_ACTIONS, SOME_RESOURCE, covered, OFFSET.read),
      invoke,
      // Conditional counts too, both ways: a named grant that holds only from the office network
      // is written for model use as much as one without the condition, and an `Action: *` under
      // it says no more about an AI workload than without.
      invokeNamed: namedInvokeActions(s, invoke.allowed, principals[i].kind === 'user'),
    });
    mayAssume.push(ev.mayDoAction(s, 'sts:AssumeRole'));
  }
  return { escalation, grants, mayAssume };
}

/**
 * AccountAnswers as the answer thread posts them: the grant answers packed into integers (seven
 * per principal), since copying tens of thousands of small objects and action-name strings
 * between threads cost more than the numbers do (see {@link packAnswers}).
 */
export interface PackedAnswers {
  /** The escalation answers without their edges, which travel in `edges`. */
  escalation: EscalationGraph;
  mayAssume: boolean[];
  grants: Int32Array;
  edges: PackedEdges;
}

/**
 * Escalation edges as columns: ends as places in `principals` (the account's users then roles,
 * as the answers list them), so the receiving thread reuses its own ARN strings instead of two
 * new copies per edge, and methods as places in `methods`.
 */
export interface PackedEdges {
  principals: string[];
  /** Place in `principals`. */
  from: Int32Array;
  /** Place in `principals`; -1 for ADMIN_TARGET, -2 for another value, found in `toText`. */
  to: Int32Array;
  toText: Array<string | undefined>;
  methods: string[];
  method: Uint16Array;
  reason: string[];
  conditional: Uint8Array;
  via: Array<string | undefined>;
  undecided: Array<string[] | undefined>;
}

const STATUSES: readonly AdminAssessment['status'][] = ['admin', 'conditional', 'not-admin', 'unknown'];
const DECIDED_LISTS = [SECRETS_ACTIONS, IDENTITY_ADMIN_ACTIONS, WRITE_ACTIONS, READ_ACTIONS, MODEL_INVOKE_ACTIONS];
const PER_PRINCIPAL = 7;

/** A subset of `list` (in its order) as bits; -1 if an item is not in the list (not expected). */
function maskOf(items: readonly string[], list: readonly string[]): number {
  let m = 0;
  for (const a of items) {
    const k = list.indexOf(a);
    if (k < 0) return -1;
    m |= 1 << k;
  }
  return m;
}

function itemsOf(mask: number, list: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < list.length; k++) if (mask & (1 << k)) out.push(list[k]);
  return out;
}

/**
 * Packs the answers for the trip to the main thread, or returns undefined when an answer does not
 * fit the packing (an action outside its list), in which case they travel as they are. Each
 * grant list answer is allowed bits 0-7, conditional bit 8, unread bits 9-16 and bit 17 for "has
 * unread"; the admin assessment is its status (bits 0-1), the missing action's place plus one
 * (bits 2-6) and the undecided actions (bits 7-22), all over the fixed action lists above.
 */
export function packAnswers(a: AccountAnswers, principals: readonly string[]): PackedAnswers | undefined {
  const grants = new Int32Array(a.grants.length * PER_PRINCIPAL);
  for (let i = 0; i < a.grants.length; i++) {
    const g = a.grants[i];
    const at = i * PER_PRINCIPAL;
    const s = g.assessment;
    const status = STATUSES.indexOf(s.status);
    // Place plus one (0: none); -1 when the action is not in the list.
    const place = s.missing === undefined ? -1 : SENSITIVE_ACTIONS.indexOf(s.missing);
    const missing = s.missing === undefined ? 0 : place < 0 ? -1 : place + 1;
    const undecided = s.undecided === undefined ? 0 : maskOf(s.undecided, SENSITIVE_ACTIONS);
    // The object shape the rest of the code sees is rebuilt exactly; anything unusual is not packed.
    if (status < 0 || missing < 0 || undecided < 0 || (s.undecided !== undefined && s.undecided.length === 0)) return undefined;
    if ((s.missing !== undefined) !== (s.status === 'not-admin') || (s.undecided !== undefined) === (s.status === 'admin' || s.status === 'not-admin')) return undefined;
    grants[at] = status | (missing << 2) | (undecided << 7);
    const decided = [g.secrets, g.identity, g.write, g.read, g.invoke];
    for (let k = 0; k < decided.length; k++) {
      const d = decided[k];
      const allowed = maskOf(d.allowed, DECIDED_LISTS[k]);
      const unread = d.unread === undefined ? 0 : maskOf(d.unread, DECIDED_LISTS[k]);
      if (allowed < 0 || unread < 0 || (d.unread !== undefined && d.unread.length === 0)) return undefined;
      grants[at + 1 + k] = allowed | (d.conditional ? 1 << 8 : 0) | (unread << 9) | (d.unread !== undefined ? 1 << 17 : 0);
    }
    const named = maskOf(g.invokeNamed, MODEL_INVOKE_ACTIONS);
    if (named < 0) return undefined;
    grants[at + 6] = named;
  }
  const edges = packEdges(a.escalation.edges, principals);
  if (!edges) return undefined;
  return { escalation: { ...a.escalation, edges: [] }, mayAssume: a.mayAssume, grants, edges };
}

function packEdges(edges: readonly EscalationEdge[], principals: readonly string[]): PackedEdges | undefined {
  const place = new Map<string, number>();
  principals.forEach((arn, i) => place.set(arn, i));
  const n = edges.length;
  const out: PackedEdges = {
    principals: [...principals],
    from: new Int32Array(n),
    to: new Int32Array(n),
    toText: [],
    methods: [],
    method: new Uint16Array(n),
    reason: [],
    conditional: new Uint8Array(n),
    via: [],
    undecided: [],
  };
  const methodPlace = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = edges[i];
    // The rebuilt edge must have the same keys in the same order; anything else travels as it is.
    if (!plainEdge(e)) return undefined;
    const from = place.get(e.from);
    if (from === undefined) return undefined;
    out.from[i] = from;
    const to = e.to === ADMIN_TARGET ? -1 : (place.get(e.to) ?? -2);
    out.to[i] = to;
    out.toText.push(to === -2 ? e.to : undefined);
    let m = methodPlace.get(e.method);
    if (m === undefined) {
      methodPlace.set(e.method, (m = out.methods.length));
      out.methods.push(e.method);
    }
    out.method[i] = m;
    out.reason.push(e.reason);
    out.conditional[i] = e.conditional ? 1 : 0;
    out.via.push(e.via);
    out.undecided.push(e.undecided);
  }
  return out;
}

const EDGE_KEY_ORDER = ['from', 'to', 'method', 'reason', 'conditional', 'via', 'undecided'];

/**
 * Whether the edge's own keys are some of EDGE_KEY_ORDER's, in that order, and no other key of
 * that list is found on it (as an inherited one would be): what unpackEdges rebuilds.
 */
function plainEdge(e: EscalationEdge): boolean {
  const keys = Object.keys(e);
  let at = 0;
  for (let i = 0; i < EDGE_KEY_ORDER.length; i++) {
    const k = EDGE_KEY_ORDER[i];
    if (at < keys.length && keys[at] === k) at++;
    else if (k in e) return false;
  }
  return at === keys.length;
}

/**
 * The edges {@link packEdges} packed. `principals` is the receiver's own list of the account's
 * principal ARNs: when it is the sender's, its strings are used; otherwise the sender's.
 */
function unpackEdges(p: PackedEdges, principals: readonly string[] | undefined): EscalationEdge[] {
  const names = principals && principals.length === p.principals.length && principals.every((a, i) => a === p.principals[i]) ? principals : p.principals;
  const out: EscalationEdge[] = [];
  for (let i = 0; i < p.from.length; i++) {
    const t = p.to[i];
    const e: EscalationEdge = {
      from: names[p.from[i]],
      to: t === -1 ? ADMIN_TARGET : t === -2 ? p.toText[i]! : names[t],
      method: p.methods[p.method[i]],
      reason: p.reason[i],
      conditional: p.conditional[i] === 1,
    };
    const via = p.via[i];
    if (via !== undefined) e.via = via;
    const undecided = p.undecided[i];
    if (undecided !== undefined) e.undecided = undecided;
    out.push(e);
  }
  return out;
}

/**
 * The answers {@link packAnswers} packed, as answerAccount gave them. `principals`: the
 * receiver's ARNs of the account's users then roles, whose strings the edges then share.
 */
export function unpackAnswers(p: PackedAnswers, principals?: readonly string[]): AccountAnswers {
  const grants: GrantAnswers[] = [];
  for (let at = 0; at < p.grants.length; at += PER_PRINCIPAL) {
    const code = p.grants[at];
    const status = STATUSES[code & 3];
    const missing = (code >> 2) & 31;
    const assessment: AdminAssessment =
      status === 'admin' ? { status } : status === 'not-admin' ? { status, missing: SENSITIVE_ACTIONS[missing - 1] } : { status, undecided: itemsOf(code >> 7, SENSITIVE_ACTIONS) };
    const d = (k: number): Decided => {
      const c = p.grants[at + 1 + k];
      const out: Decided = { allowed: itemsOf(c & 255, DECIDED_LISTS[k]), conditional: (c & (1 << 8)) !== 0 };
      if (c & (1 << 17)) out.unread = itemsOf((c >> 9) & 255, DECIDED_LISTS[k]);
      return out;
    };
    grants.push({ assessment, secrets: d(0), identity: d(1), write: d(2), read: d(3), invoke: d(4), invokeNamed: itemsOf(p.grants[at + 6], MODEL_INVOKE_ACTIONS) });
  }
  return { escalation: { ...p.escalation, edges: unpackEdges(p.edges, principals) }, grants, mayAssume: p.mayAssume };
}
