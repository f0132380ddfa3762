/**
 * Compiled policies: every statement's Action/NotAction, Resource/NotResource and Condition
 * turned into matchers once, so that asking many questions of the same policy only runs
 * set lookups and pre-built regexes.
 */
import { compileCondition, evaluateCondition, type CompiledCondition } from './conditions.js';
import type { KeyEnvironment } from './context.js';
import type { PolicyDocument, PolicyStatement } from './document.js';
import { triNot, triOr, type Tri } from './tri.js';
import { parseTemplate, resolveTemplate, type TemplatePart } from './variables.js';
import { arnShapeOf, resourceTypesOf, SHAREABLE_TYPES, type ArnShape, type ResourceTypes } from './resource-types.js';
import { actionMatcher, arnPiecesTokens, compileArnPattern, compileGlob, compileWildcard, type ActionMatcher, type ArnPiece, type WildTester } from './wildcard.js';

/**
 * Stands for "a resource of the caller's choosing", for actions that create a new resource
 * (ec2:RunInstances, lambda:CreateFunction…). An Allow matches it when its Resource can name
 * such a resource (for a request naming several types, each type by some Allow); a Deny when one
 * of its entries covers every name (`*`, `…:function:*`), maybe for other wildcard entries, and
 * not for literal ARNs (another name escapes it). See allowOnNewResource and denyOnNewResource.
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

/** Resource lists holding a policy variable: their answers depend on the caller (see onNewResourceOnce). */
const withVariables = new WeakSet<readonly ResourceEntry[]>();

function compileResources(list: string[], version: string | undefined): ResourceEntry[] {
  const entries = list.map((raw): ResourceEntry => {
    const template = parseTemplate(raw, version);
    return template ? { raw, template, cache: new Map<string, WildTester>() } : { raw, test: compileArnPattern(raw) };
  });
  if (entries.some((e) => 'template' in e)) withVariables.add(entries);
  return entries;
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
      actions: actionMatcher(actionList),
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
  return !mayNameService(policy, key.service);
}

/**
 * Whether a statement of the policy (Allow or Deny) may cover some action of `service` (lower
 * case): false when every statement names only other services, so statementsForKey gives no
 * statement for any action of it.
 */
export function mayNameService(policy: CompiledPolicy, service: string): boolean {
  if (policy.services === undefined) policy.services = servicesOf(policy);
  return policy.services === null || policy.services.has(service);
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

/**
 * Whether an Allow statement of the policy covers the action, without keeping the answer (as
 * statementsForKey does): for a question asked once of each principal, where a kept answer in
 * every policy's byActionId would grow hundreds of thousands of arrays for nothing.
 */
export function allowCoversAction(policy: CompiledPolicy, key: ActionKey): boolean {
  const known = key.id < 0 ? undefined : policy.byActionId[key.id];
  if (known !== undefined) return known.some((st) => st.source.effect === 'Allow');
  if (otherService(policy, key)) return false;
  const statements = policy.statements;
  for (let i = 0; i < statements.length; i++) if (statements[i].source.effect === 'Allow' && statementCoversAction(statements[i], key.lower)) return true;
  return false;
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
  const pieces: ArnPiece[] = parts.flatMap((p): ArnPiece[] => {
    if ('unknown' in p) {
      unknown = true;
      // What the value is known to begin with stays literal text before the unknown rest.
      return p.prefix === undefined ? [{ glob: '*' }] : [{ literal: p.prefix }, { glob: '*' }];
    }
    return [p];
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

type Cover = 'all' | 'some' | 'none';

const ALL_STARS = /^\*+$/;
const WILD = /[*?]|\$\{/;

/** Whether a glob (`*`, `?`) could match the text; a policy variable counts as matching anything. */
function globCovers(pattern: string, text: string): boolean {
  if (pattern === text || ALL_STARS.test(pattern) || pattern.includes('${')) return true;
  return WILD.test(pattern) && compileGlob(pattern).test(text);
}

/** An empty ARN segment, or one of `*` only: any value. */
const anyValue = (v: string): boolean => v === '' || ALL_STARS.test(v);

/** Who asks: the account and the partition of the caller (a new resource is created there). */
interface Asker {
  account?: string;
  partition?: string;
}

/** A Resource entry with the segments of its ARN (none when it is `*` or no ARN). */
interface NewResourceEntry {
  raw: string;
  /** A policy variable whose value is not known was read as `*` (see askedEntry). */
  variable: boolean;
  arn?: { partition: string; service: string; region: string; account: string; rest: string };
}

function newResourceEntry(raw: string, variable = false): NewResourceEntry {
  const parts = raw.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return { raw, variable };
  return { raw, variable, arn: { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], rest: parts.slice(5).join(':') } };
}

/** Stands for `${*}`, `${?}`: a literal character no resource name holds, and no wildcard. */
const LITERAL_MARK = '\u0001';
const GLOB_CHARS = /[*?]/g;

/**
 * A Resource entry as asked about a new resource by one caller. Its policy variables are put in
 * before the ARN is cut into segments (`${aws:PrincipalAccount}` holds a colon), as every request
 * carries them (resolveTemplate): the caller's account, user name, tags… A value is literal text,
 * so a `*` or `?` in it is no wildcard. A variable whose value is not known may stand for any
 * value of its segment: it is read as `*` and the entry marked `variable` (see capVariable and
 * allowByType). Null when a variable the request does not carry has no default: IAM then matches
 * nothing with the entry (IAM User Guide, "Policy variables with no value"), as `${aws:username}`
 * for a role.
 */
function askedEntry(e: ResourceEntry, env: KeyEnvironment): NewResourceEntry | null {
  if (!('template' in e)) return newResourceEntry(e.raw);
  const parts = resolveTemplate(e.template, env);
  if (parts === null) return null;
  let raw = '';
  let variable = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ('glob' in part) raw += part.glob;
    else if ('literal' in part) raw += part.literal.replace(GLOB_CHARS, LITERAL_MARK);
    else {
      raw += '*';
      // The region a request goes to is the caller's pick, as the new resource's name is: any
      // value it picks, not one value it is given (resolveTemplate keeps one part per template part).
      if (!callerPicks(e.template[i])) variable = true;
    }
  }
  return newResourceEntry(raw, variable);
}

/** A variable whose value the caller of a new-resource request chooses (see askedEntry). */
function callerPicks(part: TemplatePart): boolean {
  return 'key' in part && part.key.toLowerCase() === 'aws:requestedregion';
}

/** The entries as asked by one caller, without those that match nothing (see askedEntry). */
function askedEntries(entries: readonly ResourceEntry[], env: KeyEnvironment): NewResourceEntry[] {
  const out: NewResourceEntry[] = [];
  for (const e of entries) {
    const a = askedEntry(e, env);
    if (a !== null) out.push(a);
  }
  return out;
}

/** `*` itself, not a policy variable read as `*`: a variable's value is literal text. */
const isStar = (e: NewResourceEntry): boolean => e.raw === '*' && !e.variable;

/**
 * A cover as far as an entry's policy variables allow: one read as `*` covers no more than
 * `some`, as its value at request time is one value, which may leave out the resource the caller
 * picks.
 */
function capVariable(c: Cover, e: NewResourceEntry): Cover {
  return c === 'all' && e.variable ? 'some' : c;
}

/**
 * What every entry answers alike: `*` covers everything, an entry that is no ARN covers some
 * name when it has a wildcard and none otherwise, an ARN of another partition none; undefined
 * for an ARN the caller's partition may hold.
 */
function coverOfAnyEntry(e: NewResourceEntry, asker: Asker): Cover | undefined {
  if (e.raw === '*') return 'all';
  if (!e.arn) return WILD.test(e.raw) ? 'some' : 'none';
  if (asker.partition !== undefined && !globCovers(e.arn.partition, asker.partition)) return 'none';
  return undefined;
}

/**
 * How much of the new resources of one type (`service:type`, resource-types.ts) a Resource entry
 * covers: `all` when every resource of that type the caller could use matches (any name, any
 * region, its account or any), `none` when none can, `some` otherwise (a wildcard or a policy
 * variable in the name, one region, a resource that may live in another account).
 */
function coverOfType(e: NewResourceEntry, asker: Asker, serviceType: string): Cover {
  const common = coverOfAnyEntry(e, asker);
  if (common !== undefined) return common;
  const { partition, service, region, account, rest } = e.arn!;
  const cut = serviceType.indexOf(':');
  const wantService = serviceType.slice(0, cut);
  const wantType = serviceType.slice(cut + 1);
  if (!globCovers(service, wantService)) return 'none';
  const shape = arnShapeOf(serviceType);
  let full = ALL_STARS.test(partition) || !WILD.test(partition);
  if (!ALL_STARS.test(service) && WILD.test(service)) full = false;
  // An empty segment matches only an empty one: a regional type's ARN always has a region,
  // and a global type's (an instance profile, a bucket) never has one.
  if (shape.region) {
    if (region === '') return 'none';
    if (!ALL_STARS.test(region)) full = false;
  } else if (region !== '' && !compileGlob(region).test('')) return 'none';
  if (!shape.account) {
    // The ARN of an AMI or a snapshot has no account: only an empty or `*` account matches it.
    if (!anyValue(account)) return 'none';
  } else if (account === '') {
    // Only the AWS-owned documents, when the type has both kinds.
    if (shape.account !== 'either') return 'none';
    full = false;
  } else if (ALL_STARS.test(account)) {
    // Any account.
  } else if (!WILD.test(account)) {
    if (asker.account !== undefined && account !== asker.account) return 'none';
    // The caller's own account: a resource another account shares with it escapes.
    if (SHAREABLE_TYPES.has(serviceType)) full = false;
  } else full = false;
  if (ALL_STARS.test(rest)) return full ? confirmAll(e, asker, serviceType, shape) : 'some';
  if (shape.sep === '') {
    // No type part (a bucket name): a name holds no '/', and a literal one escapes the caller.
    return WILD.test(rest) && !rest.includes('/') ? 'some' : 'none';
  }
  const m = /^([^:/]*)([:/])(.*)$/.exec(rest);
  if (!m) return WILD.test(rest) ? 'some' : 'none';
  const [, type, sep, name] = m;
  if (WILD.test(type)) return globCovers(type, wantType) ? 'some' : 'none';
  if (type !== wantType) return 'none';
  // `function/NAME` never matches `function:NAME`, nor `instance:ID` an `instance/ID`.
  if (sep !== shape.sep) return 'none';
  if (ALL_STARS.test(name)) return full ? confirmAll(e, asker, serviceType, shape) : 'some';
  return WILD.test(name) ? 'some' : 'none';
}

/**
 * A last check of an `all` answer with the real ARN matcher: the entry must match a made-up ARN
 * of the type (a region and a name nobody would write, the caller's account and partition), or
 * it covers only some of them after all.
 */
function confirmAll(e: NewResourceEntry, asker: Asker, serviceType: string, shape: ArnShape): Cover {
  const { partition, account } = e.arn!;
  const cut = serviceType.indexOf(':');
  const p = asker.partition ?? (WILD.test(partition) ? 'aws' : partition);
  const a = shape.account ? (asker.account ?? (WILD.test(account) ? '123456789012' : account)) : '';
  const rest = shape.sep === '' ? 'nhiscan-probe' : `${serviceType.slice(cut + 1)}${shape.sep}nhiscan-probe`;
  const probe = `arn:${p}:${serviceType.slice(0, cut)}:${shape.region ? 'zz-probe-9' : ''}:${a}:${rest}`;
  return compileArnPattern(e.raw)(probe) ? 'all' : 'some';
}

/**
 * For an action not in resource-types.ts: how much of "the new resource" (of unknown type) an
 * entry covers. Only `*`, or every resource of the action's own service, is `all`; another
 * service's resources or a typed ARN only might be what the action uses.
 */
function coverUnknown(e: NewResourceEntry, asker: Asker, action: string): Cover {
  const common = coverOfAnyEntry(e, asker);
  if (common !== undefined) return common;
  const { partition, service, region, account, rest } = e.arn!;
  if (account !== '' && !WILD.test(account) && asker.account !== undefined && account !== asker.account) return 'none';
  const own = action.slice(0, action.indexOf(':'));
  // The type, and so whether its ARN has a region and an account, is not known: an empty region
  // or account may miss it, so only `*` there covers it all.
  if ((ALL_STARS.test(service) || service === own) && ALL_STARS.test(rest) && ALL_STARS.test(region) && (ALL_STARS.test(account) || account === asker.account) && (anyValue(partition) || !WILD.test(partition))) return 'all';
  return WILD.test(e.raw) ? 'some' : 'none';
}

/**
 * A Deny asked about a resource the caller creates or picks (SOME_RESOURCE), for the lower-cased
 * `action`. What the action is authorized against comes from resource-types.ts:
 * - Resource: `yes` when an entry covers every resource of a type every request names, `maybe`
 *   when an entry might cover one the request names, `no` otherwise (a literal ARN: the caller
 *   can pick another name; another account, partition, service or type).
 * - NotResource: the Deny applies to every resource of the request that is not listed: `yes` when
 *   a type every request names is listed nowhere, `no` when every such type is listed whole,
 *   otherwise `maybe`.
 * An action authorized against `*` only matches `*` alone. For an action not listed, the one
 * resource of unknown type (coverUnknown): with NotResource, `no` when it is listed whole.
 */
function denyOnNewResource(entries: readonly NewResourceEntry[], notResource: boolean, asker: Asker, action: string): Tri {
  const types = resourceTypesOf(action);
  if (!types) {
    let all = false;
    let some = false;
    for (const e of entries) {
      const c = capVariable(coverUnknown(e, asker, action), e);
      if (c === 'all') all = true;
      else if (c === 'some') some = true;
    }
    if (!notResource) return all ? 'yes' : some ? 'maybe' : 'no';
    return all ? 'no' : some ? 'maybe' : 'yes';
  }
  if (types.required.size === 0 && types.optional.size === 0) {
    const star = entries.some(isStar);
    return star !== notResource ? 'yes' : 'no';
  }
  // The best cover of each type over the entries.
  const best = (t: string): Cover => {
    let c: Cover = 'none';
    for (const e of entries) {
      const x = capVariable(coverOfType(e, asker, t), e);
      if (x === 'all') return 'all';
      if (x === 'some') c = 'some';
    }
    return c;
  };
  if (!notResource) {
    let maybe = false;
    for (const t of types.required) {
      const c = best(t);
      if (c === 'all') return 'yes';
      if (c === 'some') maybe = true;
    }
    for (const t of types.optional) if (best(t) !== 'none') maybe = true;
    return maybe ? 'maybe' : 'no';
  }
  // With only optional types (ssm:StartSession), a request may name none of them: then nothing
  // of it is listed, and whether the Deny applies depends on what it names.
  if (types.required.size === 0) return 'maybe';
  let whole = true;
  for (const t of types.required) {
    const c = best(t);
    if (c === 'none') return 'yes';
    if (c === 'some') whole = false;
  }
  return whole ? 'no' : 'maybe';
}

/**
 * Whether a Resource entry can name some resource of one type (`service:type`, resource-types.ts)
 * that the caller could use: its service, type, separator and region shape fit, and its account
 * is the caller's (or any, or, for a type another account can share, another one). The name is
 * not asked: the caller picks the name of what it creates, and one it picks may exist. Unlike
 * coverOfType, which asks whether an entry covers every such resource (what a Deny needs).
 */
function canNameType(e: NewResourceEntry, asker: Asker, serviceType: string): boolean {
  const common = coverOfAnyEntry(e, asker);
  if (common !== undefined) return common !== 'none';
  const { service, region, account, rest } = e.arn!;
  const cut = serviceType.indexOf(':');
  if (!globCovers(service, serviceType.slice(0, cut))) return false;
  const shape = arnShapeOf(serviceType);
  if (shape.region) {
    if (region === '') return false;
  } else if (region !== '' && !compileGlob(region).test('')) return false;
  if (!shape.account) {
    if (!anyValue(account)) return false;
  } else if (account === '') {
    if (shape.account !== 'either') return false;
  } else if (asker.account !== undefined && !globCovers(account, asker.account) && !SHAREABLE_TYPES.has(serviceType)) return false;
  if (ALL_STARS.test(rest)) return true;
  // No type part (a bucket name): a name holds no '/'.
  if (shape.sep === '') return WILD.test(rest) || !rest.includes('/');
  const m = /^([^:/]*)([:/])(.*)$/.exec(rest);
  if (!m) return WILD.test(rest);
  const [, type, sep] = m;
  if (WILD.test(type)) return globCovers(type, serviceType.slice(cut + 1));
  return type === serviceType.slice(cut + 1) && sep === shape.sep;
}

/**
 * An Allow asked about a resource the caller creates or picks (SOME_RESOURCE), for the
 * lower-cased `action`, by the types of resource-types.ts. A request is allowed only when each
 * resource it is authorized against is (IAM User Guide, policy evaluation logic; Service
 * Authorization Reference, "Resource types"). For each type every request names, in the order of
 * `types.required`, whether this statement allows a new resource of it:
 * - Resource: `yes` when an entry can name one of that type (canNameType), `maybe` when only an
 *   entry holding a policy variable whose value is not known can (the value may name another
 *   account or resource, or be missing);
 * - NotResource: `yes` when some resource of that type is left out of the list, `no` when an
 *   entry lists the type whole, `maybe` when only a policy variable makes it whole.
 * An Allow on another account's functions, on S3 objects, or with a NotResource listing every
 * function, lets nobody create a Lambda function. A request naming several types
 * (ec2:RunInstances: the image, the instance, the subnet…) needs each allowed, often by different
 * statements: the evaluator joins the statements' answers type by type (allowedTypes). Only for
 * an action whose every request names a type (allowOnNewResource answers the others).
 */
function allowByType(entries: readonly NewResourceEntry[], notResource: boolean, asker: Asker, types: ResourceTypes): Tri[] {
  const out: Tri[] = [];
  for (const t of types.required) {
    if (!notResource) {
      let can: Tri = 'no';
      for (const e of entries) if (canNameType(e, asker, t)) can = triOr(can, e.variable ? 'maybe' : 'yes');
      out.push(can);
      continue;
    }
    let whole: Tri = 'no';
    for (const e of entries) {
      const c = coverOfType(e, asker, t);
      if (c === 'all') whole = triOr(whole, e.variable ? 'maybe' : 'yes');
    }
    out.push(triNot(whole));
  }
  return out;
}

/**
 * allowByType joined over the types, for one statement on its own: `yes` when it allows some
 * type (the others may be allowed by other statements; the evaluator checks that). An action
 * authorized against `*` only is allowed by `*` alone. An action not listed, or one whose every
 * type is optional, is answered as before this was known: `yes` for a Resource list (`maybe` when
 * each entry holds a policy variable whose value is not known, `no` when none is left, see
 * askedEntry), and for a NotResource list unless it holds `*`.
 */
function allowOnNewResource(entries: readonly NewResourceEntry[], notResource: boolean, asker: Asker, action: string): { any: Tri; byType?: Tri[] } {
  const types = resourceTypesOf(action);
  const star = entries.some(isStar);
  if (!types || (types.required.size === 0 && types.optional.size > 0)) {
    if (notResource) return { any: star ? 'no' : 'yes' };
    return { any: entries.some((e) => !e.variable) ? 'yes' : entries.length > 0 ? 'maybe' : 'no' };
  }
  if (types.required.size === 0) return { any: star !== notResource ? 'yes' : 'no' };
  const byType = allowByType(entries, notResource, asker, types);
  let any: Tri = 'no';
  for (const t of byType) any = triOr(any, t);
  return types.required.size > 1 ? { any, byType } : { any };
}

/**
 * denyOnNewResource and allowOnNewResource, remembered per statement's entries: the answer
 * depends only on them, the effect, the action and the caller's account and partition, and the
 * principals of an account share their managed policies' statements. Entries with a policy
 * variable also depend on the caller (its name, tags…): for them the key holds the entries as
 * this caller asks them, so that one user's answer is never another's. Past MAX_ANSWERS keys per
 * statement (one per user of a shared policy naming `${aws:username}`), answers are computed anew.
 */
const newResourceAnswers = new WeakMap<readonly ResourceEntry[], Map<string, { any: Tri; byType?: Tri[] }>>();
const MAX_ANSWERS = 10_000;
function onNewResourceOnce(entries: readonly ResourceEntry[], notResource: boolean, allow: boolean, env: KeyEnvironment): { any: Tri; byType?: Tri[] } {
  const arn = env.principal.arn;
  const partition = arn.startsWith('arn:') ? arn.slice(4, arn.indexOf(':', 4)) : undefined;
  let key = `${allow ? 'A' : 'D'}${notResource ? 1 : 0}\u0000${env.action}\u0000${env.principal.accountId ?? ''}\u0000${partition ?? ''}`;
  const asked = withVariables.has(entries) ? askedEntries(entries, env) : undefined;
  if (asked) key += `\u0000${asked.map((e) => (e.variable ? `?${e.raw}` : `=${e.raw}`)).join('\u0000')}`;
  let answers = newResourceAnswers.get(entries);
  if (!answers) newResourceAnswers.set(entries, (answers = new Map()));
  let r = answers.get(key);
  if (r === undefined) {
    const asker = { account: env.principal.accountId, partition };
    const list = asked ?? askedEntries(entries, env);
    r = allow ? allowOnNewResource(list, notResource, asker, env.action) : { any: denyOnNewResource(list, notResource, asker, env.action) };
    if (answers.size < MAX_ANSWERS) answers.set(key, r);
  }
  return r;
}

/**
 * For an Allow statement asked about a new resource of an action whose requests each name several
 * types (ec2:RunInstances): per type of `resourceTypesOf(action).required`, whether the statement
 * allows it (allowByType). Undefined for any other statement or action. The statement's condition
 * is not in it: statementAppliesToResource answers that.
 */
export function allowedTypes(st: CompiledStatement, env: KeyEnvironment): readonly Tri[] | undefined {
  if (!st.resources || st.source.effect !== 'Allow') return undefined;
  return onNewResourceOnce(st.resources, st.notResource, true, env).byType;
}

/** How many types every request of the lower-cased action names, when it is more than one (see allowedTypes). */
export function requiredTypeCount(action: string): number {
  const n = resourceTypesOf(action)?.required.size ?? 0;
  return n > 1 ? n : 0;
}

function resourcesMatch(st: CompiledStatement, resource: ResourceQuery, env: KeyEnvironment): Tri {
  const entries = st.resources;
  if (!entries) return 'yes'; // trust policies have no Resource: the role itself is the resource
  if (resource === SOME_RESOURCE) {
    return onNewResourceOnce(entries, st.notResource, st.source.effect === 'Allow', env).any;
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
  // A Deny on a new resource might cover the name the caller picks; an Allow on one is in doubt
  // only through a policy variable whose value is not known (allowOnNewResource).
  const byName = resource === SOME_RESOURCE && st.source.effect === 'Deny';
  if (!st.condition) return r === 'yes' ? OUTCOME_YES : byName ? MAYBE_NEW : MAYBE_VARIABLE;
  const why = byName ? NEW_RESOURCE : RESOURCE_VARIABLE;
  const c = evaluateCondition(st.condition, env);
  if (c.result === 'no') return OUTCOME_NO;
  if (r === 'yes') return c.undecided.length === 0 ? OUTCOME_YES : c;
  const undecided = r === 'maybe' ? [why, ...c.undecided] : [...c.undecided];
  return { result: undecided.length > 0 ? 'maybe' : 'yes', undecided };
}
