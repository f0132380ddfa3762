/**
 * Compiled policies: every statement's Action/NotAction, Resource/NotResource and Condition
 * turned into matchers once, so that asking many questions of the same policy only runs
 * set lookups and pre-built regexes.
 */
import { compileCondition, evaluateCondition, type CompiledCondition } from './conditions.js';
import type { KeyEnvironment } from './context.js';
import type { PolicyDocument, PolicyStatement } from './document.js';
import { triNot, type Tri } from './tri.js';
import { parseTemplate, resolveTemplate, type TemplatePart } from './variables.js';
import { resourceTypesOf } from './resource-types.js';
import { ActionMatcher, arnPiecesTokens, compileArnPattern, compileWildcard, type ArnPiece, type WildTester } from './wildcard.js';

/**
 * Stands for "a resource of the caller's choosing", for actions that create a new resource
 * (ec2:RunInstances, lambda:CreateFunction…). An Allow with any Resource matches it; a Deny
 * when one of its entries covers every name (`*`, `…:function:*`), maybe for other wildcard
 * entries, and not for literal ARNs (another name escapes it). See denyOnNewResource.
 */
export const SOME_RESOURCE: unique symbol = Symbol('some-resource');
export type ResourceQuery = string | typeof SOME_RESOURCE;

type ResourceEntry = { raw: string; test: (arn: string) => boolean } | { raw: string; template: TemplatePart[]; cache: Map<string, WildTester> };

/** One statement, ready to be asked about. */
export interface CompiledStatement {
  index: number;
  source: PolicyStatement;
  actions: ActionMatcher;
  notAction: boolean;
  resources: ResourceEntry[] | undefined;
  notResource: boolean;
  condition: CompiledCondition | undefined;
}

export interface CompiledPolicy {
  document: PolicyDocument;
  statements: CompiledStatement[];
  /** Statements whose Action/NotAction covers an action, by interned action id (see actionKey). */
  byActionId: Array<readonly CompiledStatement[] | undefined>;
  /**
   * The services of every action a statement can cover (see ActionMatcher.services); null when
   * that is not a short list (`*`, NotAction…); undefined until first asked.
   */
  services?: ReadonlySet<string> | null;
}

/** How one statement answered one question. */
export interface StatementOutcome {
  result: Tri;
  /** Condition operator/key pairs (or `resource variable`) that could not be decided. */
  undecided: string[];
}

const cache = new WeakMap<PolicyDocument, CompiledPolicy>();

function compileResources(list: string[], version: string | undefined): ResourceEntry[] {
  return list.map((raw) => {
    const template = parseTemplate(raw, version);
    return template ? { raw, template, cache: new Map<string, WildTester>() } : { raw, test: compileArnPattern(raw) };
  });
}

/** Compiles a document once; later calls with the same document object reuse the result. */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const hit = cache.get(document);
  if (hit) return hit;
  const statements = document.statements.map((s, index): CompiledStatement => {
    const actionList = s.action ?? s.notAction ?? [];
    const resourceList = s.resource ?? s.notResource;
    return {
      index,
      source: s,
      actions: new ActionMatcher(actionList),
      notAction: s.action === undefined,
      resources: resourceList ? compileResources(resourceList, document.version) : undefined,
      notResource: s.resource === undefined && s.notResource !== undefined,
      condition: s.condition ? compileCondition(s.condition, document.version) : undefined,
    };
  });
  const compiled: CompiledPolicy = {
    document,
    statements,
    byActionId: [],
  };
  cache.set(document, compiled);
  return compiled;
}

const NONE: readonly CompiledStatement[] = [];

/** See CompiledPolicy.services. */
function servicesOf(policy: CompiledPolicy): ReadonlySet<string> | null {
  const out = new Set<string>();
  for (const st of policy.statements) {
    if (st.notAction || st.actions.services === undefined) return null;
    for (const s of st.actions.services) out.add(s);
  }
  return out;
}

/** Whether the policy's statements name only services other than the action's. */
function otherService(policy: CompiledPolicy, key: ActionKey): boolean {
  if (policy.services === undefined) policy.services = servicesOf(policy);
  return policy.services !== null && !policy.services.has(key.service);
}

/**
 * The statements of a policy that cover an action, in document order. A policy whose statements
 * name only other services covers none: most policies name a few services, and the evaluator
 * asks about a few dozen actions of others.
 */
function covering(policy: CompiledPolicy, key: ActionKey): readonly CompiledStatement[] {
  if (otherService(policy, key)) return NONE;
  let list: CompiledStatement[] | undefined;
  const statements = policy.statements;
  for (let i = 0; i < statements.length; i++) if (statementCoversAction(statements[i], key.lower)) (list ??= []).push(statements[i]);
  return list ?? NONE;
}

/** An action name, lower-cased once, with a small id for per-policy arrays (-1 past the cap). */
export interface ActionKey {
  lower: string;
  id: number;
  /** The lower-cased text before the first colon; empty when there is none (or it is first). */
  service: string;
}

const actionKeys = new Map<string, ActionKey>();
const idsByLower = new Map<string, number>();
const MAX_ACTION_IDS = 4096;

/**
 * The key of an action as callers write it. The evaluator asks the same few dozen actions of
 * every principal; interning them lets each policy keep its statements per action in an array.
 */
export function actionKey(action: string): ActionKey {
  let k = actionKeys.get(action);
  if (k) return k;
  const lower = action.toLowerCase();
  let id = idsByLower.get(lower);
  if (id === undefined) {
    id = idsByLower.size < MAX_ACTION_IDS ? idsByLower.size : -1;
    if (id >= 0) idsByLower.set(lower, id);
  }
  const colon = lower.indexOf(':');
  k = { lower, id, service: colon > 0 ? lower.slice(0, colon) : '' };
  if (actionKeys.size < MAX_ACTION_IDS) actionKeys.set(action, k);
  return k;
}

/**
 * The statements of a policy that cover an action, in document order. The evaluator asks the
 * same few dozen actions of every principal, so each (policy, action) pair is matched once and
 * later questions only test resources and conditions. Actions past the id cap are matched anew.
 */
export function statementsForKey(policy: CompiledPolicy, key: ActionKey): readonly CompiledStatement[] {
  if (key.id < 0) return covering(policy, key);
  let hit = policy.byActionId[key.id];
  if (hit === undefined) {
    hit = covering(policy, key);
    policy.byActionId[key.id] = hit;
  }
  return hit;
}

/** Whether the statement's Action/NotAction covers the lower-cased action. */
export function statementCoversAction(st: CompiledStatement, action: string): boolean {
  return st.actions.matches(action) !== st.notAction;
}

function entryMatches(entry: ResourceEntry, resource: string, env: KeyEnvironment): Tri {
  if ('test' in entry) return entry.test(resource) ? 'yes' : 'no';
  const parts = resolveTemplate(entry.template, env);
  if (parts === null) return 'no';
  let unknown = false;
  const pieces: ArnPiece[] = parts.map((p) => {
    if ('unknown' in p) {
      unknown = true;
      return { glob: '*' };
    }
    return p;
  });
  const key = JSON.stringify(pieces);
  let re = entry.cache.get(key);
  if (!re) {
    re = compileWildcard(arnPiecesTokens(pieces));
    entry.cache.set(key, re);
  }
  if (!re.test(resource)) return 'no';
  return unknown ? 'maybe' : 'yes';
}

/**
 * How much of "a new resource of the caller's choosing" one Resource entry covers, for the
 * lower-cased `action` that creates or picks it:
 * - `all` when every name the caller could pick matches: `*`, or an ARN whose region and account
 *   are wildcards, empty or the caller's own and whose resource part is a type followed only by
 *   `*` (`arn:aws:lambda:*:*:function:*`, `arn:aws:ec2:*:*:instance/*`) of a type every request
 *   of the action names (resource-types.ts), or no type at all (`arn:aws:lambda:*:*:*`);
 * - `none` for another account's resources, and for a service or type the action is known not to
 *   be authorized against (for an action authorized against `*` only, every ARN);
 * - `some` when a wildcard or a policy variable leaves the caller's name possibly inside or
 *   outside, when only some requests of the action name that type, or when what the action is
 *   authorized against is not known here;
 * - `named` for one literal ARN (the caller can pick another name).
 */
function newResourceCover(raw: string, accountId: string | undefined, action: string): 'all' | 'some' | 'named' | 'none' {
  if (raw === '*') return 'all';
  const parts = raw.split(':');
  const wild = /[*?]|\$\{/.test(raw);
  if (parts.length < 6 || parts[0] !== 'arn') return wild ? 'some' : 'named';
  const service = parts[2];
  const region = parts[3];
  const account = parts[4];
  if (account !== '' && account !== '*' && !/[*?$]/.test(account) && accountId !== undefined && account !== accountId) return 'none';
  const rest = parts.slice(5).join(':');
  const known = resourceTypesOf(action);
  const literalService = !/[*?$]/.test(service);
  // The resource type the ARN names (`function` in function:NAME, `instance` in instance/ID).
  const type = literalService ? /^[^:/*?$]+(?=[:/])/.exec(rest)?.[0] : undefined;
  let optional = false;
  if (known) {
    if (known.required.size === 0 && known.optional.size === 0) return 'none';
    if (literalService && !known.services.has(service)) return 'none';
    if (type !== undefined) {
      optional = known.optional.has(`${service}:${type}`);
      if (!optional && !known.required.has(`${service}:${type}`)) return 'none';
    }
  } else if (literalService && service !== action.slice(0, action.indexOf(':'))) {
    // Some actions are authorized against another service's resources (ssm:SendCommand against
    // EC2 instances): unknown.
    return 'some';
  }
  const cut = Math.max(rest.lastIndexOf(':'), rest.lastIndexOf('/'));
  const tail = rest.slice(cut + 1);
  const typePart = rest.slice(0, cut + 1);
  const open = (v: string) => v === '' || v === '*';
  // Every resource of the service (no type), or of every service (`arn:*:*:*:*:*`).
  const anyService = /^\*+$/.test(service);
  if (/^\*+$/.test(tail) && !/[*?$]/.test(typePart) && (literalService || (anyService && typePart === '')) && open(region) && (open(account) || account === accountId)) {
    if (typePart === '') return known || anyService || service === action.slice(0, action.indexOf(':')) ? 'all' : 'some';
    return known && !optional ? 'all' : 'some';
  }
  return wild ? 'some' : 'named';
}

/**
 * A Deny asked about a resource the caller creates (SOME_RESOURCE). With Resource: `yes` when an
 * entry covers every name, `maybe` when a wildcard entry might cover the name chosen, `no` for
 * literal ARNs (another name escapes it). With NotResource the Deny applies to every resource
 * not listed: `no` when a listed entry covers every name, `yes` when nothing listed is in the
 * caller's account, otherwise `maybe`.
 */
function denyOnNewResource(entries: readonly ResourceEntry[], notResource: boolean, accountId: string | undefined, action: string): Tri {
  let all = false;
  let some = false;
  let inAccount = false;
  for (const e of entries) {
    const c = newResourceCover(e.raw, accountId, action);
    if (c === 'all') all = true;
    else if (c === 'some') some = true;
    if (c !== 'none') inAccount = true;
  }
  if (!notResource) return all ? 'yes' : some ? 'maybe' : 'no';
  return all ? 'no' : inAccount ? 'maybe' : 'yes';
}

function resourcesMatch(st: CompiledStatement, resource: ResourceQuery, env: KeyEnvironment): Tri {
  const entries = st.resources;
  if (!entries) return 'yes'; // trust policies have no Resource: the role itself is the resource
  if (resource === SOME_RESOURCE) {
    if (st.source.effect === 'Allow') return st.notResource ? (entries.some((e) => e.raw === '*') ? 'no' : 'yes') : entries.length > 0 ? 'yes' : 'no';
    return denyOnNewResource(entries, st.notResource, env.principal.accountId, env.action);
  }
  let any: Tri = 'no';
  for (let i = 0; i < entries.length; i++) {
    const r = entryMatches(entries[i], resource, env);
    if (r === 'yes') {
      any = 'yes';
      break;
    }
    if (r === 'maybe') any = 'maybe';
  }
  return st.notResource ? triNot(any) : any;
}

/** Does this statement apply to (action, resource) in this environment? `action` lower-cased. */
export function statementApplies(st: CompiledStatement, action: string, resource: ResourceQuery, env: KeyEnvironment): StatementOutcome {
  if (!statementCoversAction(st, action)) return OUTCOME_NO;
  return statementAppliesToResource(st, resource, env);
}

const NO_UNDECIDED: string[] = Object.freeze([]) as unknown as string[];
/** Shared, frozen outcomes for the common answers (no condition left undecided). */
const OUTCOME_NO: StatementOutcome = Object.freeze({ result: 'no', undecided: NO_UNDECIDED });
const OUTCOME_YES: StatementOutcome = Object.freeze({ result: 'yes', undecided: NO_UNDECIDED });

const NEW_RESOURCE = 'Resource name chosen by the caller';
const RESOURCE_VARIABLE = 'Resource policy variable';
/** Shared, frozen outcomes of a statement without condition whose resource might match. */
const MAYBE_NEW: StatementOutcome = Object.freeze({ result: 'maybe', undecided: Object.freeze([NEW_RESOURCE]) as string[] });
const MAYBE_VARIABLE: StatementOutcome = Object.freeze({ result: 'maybe', undecided: Object.freeze([RESOURCE_VARIABLE]) as string[] });

/** The rest of statementApplies, for a statement already known to cover the action. */
export function statementAppliesToResource(st: CompiledStatement, resource: ResourceQuery, env: KeyEnvironment): StatementOutcome {
  const r = resourcesMatch(st, resource, env);
  if (r === 'no') return OUTCOME_NO;
  if (!st.condition) return r === 'yes' ? OUTCOME_YES : resource === SOME_RESOURCE ? MAYBE_NEW : MAYBE_VARIABLE;
  const why = resource === SOME_RESOURCE ? NEW_RESOURCE : RESOURCE_VARIABLE;
  const c = evaluateCondition(st.condition, env);
  if (c.result === 'no') return OUTCOME_NO;
  if (r === 'yes') return c.undecided.length === 0 ? OUTCOME_YES : c;
  const undecided = r === 'maybe' ? [why, ...c.undecided] : [...c.undecided];
  return { result: undecided.length > 0 ? 'maybe' : 'yes', undecided };
}
