import { setFlagsFromString } from 'node:v8';
import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';
import { Reader } from '../../snapshot/shape.js';
import { SAML_PROVIDER_ARN, samlProviderRef } from './saml-claims.js';
import { at, groupSourceApp, type AwsFederationApp, type OktaContext } from './transform-context.js';
import { oktaPath } from './transform-read.js';
import { quoteInput } from '../../reporters/sanitize.js';

type Item = Record<string, unknown>;

/**
 * The literal SAML provider ARN a role value pattern names, if one of its parts is one. The SAML
 * Role value is the provider ARN and the role ARN joined by a comma, so the pattern is split on
 * commas first and each part matched whole (SAML_PROVIDER_ARN).
 */
function literalProviderArn(pattern: string | undefined): string | undefined {
  for (const part of pattern?.split(',') ?? []) if (SAML_PROVIDER_ARN.test(part.trim())) return part.trim();
  return undefined;
}

/**
 * Reads who is assigned to one `amazon_aws_sso` (IAM Identity Center) app. Access through it is
 * granted by permission sets in AWS, which a snapshot does not hold, so it links nothing; its
 * assignments tell which users and groups the collector read per user and per group.
 */
export function readAwsSsoApp(ctx: OktaContext, appId: string): void {
  const ru = new Reader(oktaPath('appUsers'));
  ctx.files.appUsers?.get(appId)?.forEach((a, j) => ctx.awsAppUsers.add(ru.str(a, 'id', at(`$[${quoteInput(appId)}]`, j))));
  const rg = new Reader(oktaPath('appGroups'));
  const groups = (ctx.files.appGroups?.get(appId) ?? []).map((a, j) => rg.str(a, 'id', at(`$[${quoteInput(appId)}]`, j)));
  ctx.awsSsoApps.push({ appId, groups });
}

/**
 * Reads one `amazon_aws` app: its role-mapping settings (key names as the Okta Terraform provider
 * documents them; Okta's API spec types `settings.app` as free-form) and who is assigned to it.
 * The app becomes a privilege node: holding it, or changing it, is holding AWS access.
 */
export function readAwsApp(ctx: OktaContext, r: Reader, app: Item, path: string): void {
  const appId = r.str(app, 'id', path);
  const settings = r.optObject(app, 'settings', path);
  const s = (settings ? r.optObject(settings, 'app', `${path}.settings`) : undefined) ?? {};
  const sp = `${path}.settings.app`;
  const roleValuePattern = r.optStr(s, 'roleValuePattern', sp);
  const identityProviderArn = r.optStr(s, 'identityProviderArn', sp);
  // A pattern with ${accountid} placeholders names one provider per account; only a literal ARN links.
  const samlProviderArn = identityProviderArn ?? literalProviderArn(roleValuePattern);
  const status = r.optStr(app, 'status', path);
  // The key the app signs its SAML assertions with (Okta's Apps API, `credentials.signing.kid`):
  // each app integration has its own unless keys were shared between apps on purpose.
  const credentials = r.optObject(app, 'credentials', path);
  const signing = credentials ? r.optObject(credentials, 'signing', `${path}.credentials`) : undefined;
  const signingKid = signing ? r.optStr(signing, 'kid', `${path}.credentials.signing`) : undefined;
  const node: GraphNode = {
    id: ids.oktaApp(ctx.org, appId),
    kind: 'privilege',
    provider: 'okta',
    type: 'okta-aws-federation-app',
    name: r.optStr(app, 'label', path) ?? appId,
    nativeId: appId,
    scope: ctx.org,
    enabled: status === undefined ? undefined : status === 'ACTIVE',
    createdAt: r.optDate(app, 'created', path),
    attrs: {
      status,
      identityProviderArn,
      samlProviderArn,
      roleValuePattern,
      groupFilter: r.optStr(s, 'groupFilter', sp),
      joinAllRoles: optFlag(r, s, 'joinAllRoles', sp),
      useGroupMapping: optFlag(r, s, 'useGroupMapping', sp),
      sessionDuration: optSeconds(r, s, 'sessionDuration', sp),
      awsEnvironmentType: r.optStr(s, 'awsEnvironmentType', sp),
      loginURL: r.optStr(s, 'loginURL', sp),
      appFilter: r.optStr(s, 'appFilter', sp),
      signingKid,
      assignmentsCollected: (ctx.files.appUsers?.has(appId) ?? false) && (ctx.files.appGroups?.has(appId) ?? false),
    },
  };
  ctx.b.addNode(node);
  // A filter that is not applied leaves the app's group-to-role mapping unknown (the link keeps
  // its routes, conditional); say so where the gaps are listed, since it depends on the data.
  const filterProblem = node.attrs.useGroupMapping === false ? undefined : oktaGroupFilterProblem(node.attrs.groupFilter);
  if (filterProblem !== undefined) {
    const reason = `the group filter of AWS app ${quoteInput(node.name)} (${quoteInput(appId)}) is not applied: ${filterProblem}; its group-to-role mapping is unknown`;
    ctx.b.addCoverage({ provider: 'okta', scope: ctx.org, capability: `okta.groupFilter@${appId}`, status: 'error', reason });
    ctx.b.warn(`${oktaPath('apps')} ${sp}.groupFilter: ${reason}`);
  }
  const fed: AwsFederationApp = { node, appId, samlProviderArn, users: [], groups: [] };
  const ru = new Reader(oktaPath('appUsers'));
  ctx.files.appUsers?.get(appId)?.forEach((a, j) => {
    const p = at(`$[${quoteInput(appId)}]`, j);
    const userId = ru.str(a, 'id', p);
    fed.users.push({ userId, scope: ru.optStr(a, 'scope', p), samlRoles: samlRoles(ru, a, p) });
    ctx.awsUsers.add(userId);
    ctx.awsAppUsers.add(userId);
  });
  const rg = new Reader(oktaPath('appGroups'));
  ctx.files.appGroups?.get(appId)?.forEach((a, j) => {
    const p = at(`$[${quoteInput(appId)}]`, j);
    const groupId = rg.str(a, 'id', p);
    fed.groups.push({ groupId, samlRoles: samlRoles(rg, a, p) });
    ctx.awsGroups.add(groupId);
  });
  ctx.awsApps.push(fed);
  if (!samlProviderArn) {
    ctx.b.warn(`AWS federation app ${quoteInput(node.name)} (${appId}) has no literal SAML provider ARN (identityProviderArn / roleValuePattern); it is not linked to AWS`);
  }
}

/** Okta returns some app settings as strings ("true", "3600"). */
function optFlag(r: Reader, obj: Item, key: string, path: string): boolean | undefined {
  const v = obj[key];
  if (v === 'true') return true;
  if (v === 'false') return false;
  return r.optBool(obj, key, path);
}

function optSeconds(r: Reader, obj: Item, key: string, path: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) r.fail(`${path}.${key}`, 'expected a number of seconds');
  return n;
}

function samlRoles(r: Reader, a: Item, p: string): string[] {
  const profile = r.optObject(a, 'profile', p);
  if (!profile) return [];
  const out = r.optArray(profile, 'samlRoles', `${p}.profile`).filter((x): x is string => typeof x === 'string');
  const single = r.optStr(profile, 'role', `${p}.profile`);
  if (single && !out.includes(single)) out.push(single);
  return out;
}

const filterCache = new Map<string, RegExp | undefined>();

/**
 * Okta's group filter syntax (`(?{{role}}...)` named groups) as a whole-name match; `undefined`
 * when there is no filter, a blank one, or one that does not compile. Every caller reads
 * `undefined` as a mapping it cannot apply: the link keeps the app's routes, conditional, the
 * membership-rights transform leaves one conditional edge, and okta-aws-broad-role-mapping says
 * unknown.
 *
 * Blank (empty or only whitespace): the Okta help, "Enable group-based role mapping in Okta"
 * (aws-enable-role-based.htm), asks for a regular expression that captures {{role}} and
 * {{accountid}}, and does not say what a blank one maps. Compiled as written, "   " would match
 * a group named three spaces and no other, so every route through the app would disappear;
 * should Okta skip a blank filter, or search names with it rather than match them whole, every
 * group could map. Not knowing which, the scanner takes the reading that hides no access.
 */
export function oktaGroupFilter(value: unknown): RegExp | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (filterCache.has(value)) return filterCache.get(value);
  const source = oktaFilterSource(value);
  boundBacktracking();
  let re: RegExp | undefined;
  try {
    re = unsafeFilterReason(source) === undefined ? new RegExp(`^(?:${source})$`) : undefined;
  } catch {
    re = undefined;
  }
  filterCache.set(value, re);
  return re;
}

let backtrackingBounded = false;

/**
 * Lets V8 finish a match that backtracks too much on its linear-time engine, once per process,
 * before the first filter is compiled. It is a second line under unsafeFilterReason, for an
 * explosive shape the static check misses: the answer is the same (only the time differs), and
 * the engine reads the named groups the filters use; backreferences and lookarounds, which it
 * cannot run, are refused by the check. Node 20 (V8 11.3) takes this flag at run time, and it
 * applies to expressions already compiled too, so the CLI and a library caller get it alike.
 * Measured: 40 overlapping two-way groups against a name that fails at its end answered in a
 * few milliseconds, against days for backtracking alone.
 */
function boundBacktracking(): void {
  if (backtrackingBounded) return;
  backtrackingBounded = true;
  try {
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  } catch {
    // A runtime without the flag keeps the static check alone.
  }
}

/** Okta's `(?{{name}}` groups written as JavaScript named groups. */
function oktaFilterSource(value: string): string {
  return value.replace(/\(\?\{\{(\w+)\}\}/g, '(?<$1>');
}

/**
 * Why a non-blank group filter is not applied (it does not compile, or it is refused as unsafe),
 * or `undefined` when oktaGroupFilter compiles it. The Okta transform turns the answer into a
 * warning and a coverage record, so the app's group-to-role mapping is reported unknown.
 */
export function oktaGroupFilterProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const source = oktaFilterSource(value);
  const unsafe = unsafeFilterReason(source);
  if (unsafe !== undefined) return `it is refused as a regular expression whose matching time can explode (${unsafe})`;
  try {
    new RegExp(source);
  } catch {
    return 'it is not a regular expression this scanner can read';
  }
  return undefined;
}

/** More variable quantifiers than this in one filter are refused (see unsafeFilterReason). */
const MAX_QUANTIFIERS = 4;
/** More unbounded quantifiers (`*`, `+`, `{n,}`, `{n,m}` with n < m) than this are refused. */
const MAX_UNBOUNDED = 2;
/** A filter whose alternations multiply to more ways through than this is refused. */
const MAX_ALTERNATIVE_PATHS = 16;

/**
 * Why a filter's source is unsafe to run on group names, or `undefined`. The filter and the
 * group names both come from the provider, and V8's backtracking engine can take exponential time
 * on an ambiguous pattern (ReDoS): `(a+)+!` against "aaaa…" never finishes. A bound on the
 * name's length alone does not help an exponential pattern, and V8's linear engine
 * (boundBacktracking) is experimental, so it is only the second line: what is refused or kept
 * is decided here, the same on any runtime. The scanner refuses what makes backtracking blow up,
 * read conservatively from the source:
 * - a quantified group holding a quantifier or an alternation (`(a+)+`, `(a|aa)*`): exponential;
 * - backreferences and lookarounds: outside what Okta's filters need, and harder to bound;
 * - more than MAX_UNBOUNDED unbounded quantifiers, or MAX_QUANTIFIERS variable ones in all: with
 *   no quantified group, a failing match costs about n^k steps for k unbounded quantifiers on a
 *   name of n characters (`.*_.*_.*x` on a 1,000-character name took seconds), so k is kept at 2
 *   (quadratic), with a few `?` on top. A repeat followed by a literal it cannot match
 *   (stopsAtNext) has one way to go on, and is not counted.
 * - alternations that multiply to more than MAX_ALTERNATIVE_PATHS ways through: one unquantified
 *   group `(?:a|\w)` doubles the ways a failing name is tried when its alternatives overlap, so
 *   27 of them in a row took 9 s (2^27 ways). Counting the alternatives of every group and of the
 *   whole filter, and multiplying, bounds that without judging which alternatives overlap; nested
 *   alternations are multiplied too, which overcounts and so errs towards refusing.
 * The Okta default filter `aws_(?{{accountid}}\d+)_(?{{role}}[a-zA-Z0-9+=,.@\-_]+)` and the Okta
 * help's example `^aws\#\S+\#(?{{role}}[\w\-]+)\#(?{{accountid}}\d+)$` are kept. A refused
 * filter is not a pass: its app's mapping is unknown, with a warning.
 */
function unsafeFilterReason(source: string): string | undefined {
  // One frame per open group: whether it holds a quantifier or an alternation, at any depth, and
  // how many alternatives it has itself (one plus its own bars).
  const frame = (): { quantified: boolean; alternation: boolean; alternatives: number } => ({ quantified: false, alternation: false, alternatives: 1 });
  const stack = [frame()];
  let paths = 1;
  let quantifiers = 0;
  let unbounded = 0;
  let i = 0;
  // The quantifier starting at `j`, if any: its length and whether it is unbounded.
  const quantifierAt = (j: number): { length: number; unbounded: boolean; exact: boolean } | undefined => {
    const c = source[j];
    if (c === '*' || c === '+') return { length: 1, unbounded: true, exact: false };
    if (c === '?') return { length: 1, unbounded: false, exact: false };
    if (c !== '{') return undefined;
    // Without the u flag a `{` that does not start a quantifier is a literal brace.
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(j));
    if (!m) return undefined;
    const exact = m[2] === undefined || m[3] === m[1];
    return { length: m[0].length, unbounded: !exact, exact };
  };
  // Reads the quantifier after an atom (with a lazy `?`) and counts it. `atom` is the source of
  // a one-character atom (a literal, an escape or a class); for a group it is undefined.
  const quantify = (atom?: string): void => {
    const q = quantifierAt(i);
    if (!q) return;
    i += q.length;
    if (source[i] === '?') i++;
    if (q.exact) return;
    quantifiers++;
    stack[stack.length - 1].quantified = true;
    if (q.unbounded && !stopsAtNext(atom, i)) unbounded++;
  };
  // Whether a repeated one-character atom is followed (past the ends of groups) by a literal
  // character it cannot match, as `\d+` by `_` in `(?{{accountid}}\d+)_`: giving back characters
  // then only puts a character of the atom where the literal must be, so the repeat has one way
  // to go on and does not raise the degree of the backtracking.
  const stopsAtNext = (atom: string | undefined, j: number): boolean => {
    if (atom === undefined) return false;
    while (source[j] === ')') {
      if (quantifierAt(j + 1)) return false;
      j++;
    }
    let literal: string | undefined;
    let end = j + 1;
    if (source[j] === '\\' && /^[^\w\s]$/.test(source[j + 1] ?? '')) {
      literal = source[j + 1];
      end = j + 2;
    } else if (source[j] !== undefined && !'\\[]()|.^$*+?{}'.includes(source[j])) literal = source[j];
    if (literal === undefined || quantifierAt(end)) return false;
    try {
      return !new RegExp(`^(?:${atom})$`).test(literal);
    } catch {
      return false;
    }
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== undefined && /[1-9]/.test(next)) return 'a backreference';
      if (next === 'k' && source[i + 2] === '<') return 'a backreference';
      // A hexadecimal, Unicode or control escape spans more than two characters: read it whole,
      // and give no atom, so its repeat is always counted.
      const long = /^\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|c[a-zA-Z])/.exec(source.slice(i));
      i += long ? long[0].length : 2;
      quantify(long ? undefined : source.slice(i - 2, i));
    } else if (c === '[') {
      // A character class, up to its first unescaped `]` (JavaScript's `[]` and `[^]` included).
      const start = i;
      i++;
      if (source[i] === '^') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      quantify(source.slice(start, i));
    } else if (c === '(') {
      if (/^\(\?(=|!|<=|<!)/.test(source.slice(i, i + 4))) return 'a lookaround';
      stack.push(frame());
      i++;
    } else if (c === ')') {
      // An unbalanced `)` is left to the compiler, which refuses it.
      const group = stack.length > 1 ? stack.pop()! : frame();
      i++;
      paths *= group.alternatives;
      if (paths > MAX_ALTERNATIVE_PATHS) return `alternations with more than ${MAX_ALTERNATIVE_PATHS} ways through`;
      const q = quantifierAt(i);
      if (q && group.quantified) return 'a quantified group holding a quantifier';
      if (q && group.alternation) return 'a quantified group holding an alternation';
      const parent = stack[stack.length - 1];
      parent.quantified ||= group.quantified;
      parent.alternation ||= group.alternation;
      quantify();
    } else if (c === '|') {
      stack[stack.length - 1].alternation = true;
      stack[stack.length - 1].alternatives++;
      i++;
    } else {
      i++;
      if (c !== '^' && c !== '$') quantify(c === '.' ? '.' : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'));
    }
  }
  // The filter's own top-level bars (an unclosed group is left to the compiler, which refuses it).
  if (paths * stack[0].alternatives > MAX_ALTERNATIVE_PATHS) return `alternations with more than ${MAX_ALTERNATIVE_PATHS} ways through`;
  if (unbounded > MAX_UNBOUNDED) return `more than ${MAX_UNBOUNDED} unbounded quantifiers`;
  if (quantifiers > MAX_QUANTIFIERS) return `more than ${MAX_QUANTIFIERS} quantifiers`;
  return undefined;
}

/** Whether the App Filter lets a group through: `yes`, `no`, or `maybe` when that depends on what was not read. */
export type Admission = 'yes' | 'no' | 'maybe';

const appFilterCache = new Map<string, Set<string>>();

/**
 * Whether an AWS app's App Filter lets a group's name through to its group mapping. Okta help,
 * "Enable group-based role mapping in Okta" (aws-enable-role-based.htm): the App Filter is "a
 * comma-separated list of apps for AWS entitlement mapping": "enter active_directory to use only
 * Active Directory groups. Or enter okta to limit use to local Okta groups". So a group made in
 * Okta (`OKTA_GROUP`) is mapped only when the list has `okta`, and a group imported from an app
 * (`APP_GROUP`) only when the list names that app (`sourceApp`, the name of the app its
 * `_links.source` points to); with that app, or the group's type, not read it is `maybe`, as is
 * the built-in Everyone group, which the help does not place. No filter: every group is mapped.
 */
export function appFilterAdmits(appFilter: unknown, groupType: unknown, sourceApp?: unknown): Admission {
  if (typeof appFilter !== 'string' || appFilter.trim() === '') return 'yes';
  let apps = appFilterCache.get(appFilter);
  if (!apps) appFilterCache.set(appFilter, (apps = new Set(appFilter.split(',').map((x) => x.trim().toLowerCase()))));
  if (groupType === 'OKTA_GROUP') return apps.has('okta') ? 'yes' : 'no';
  if (groupType === 'APP_GROUP' && typeof sourceApp === 'string') return apps.has(sourceApp.toLowerCase()) ? 'yes' : 'no';
  return 'maybe';
}

/** Why the App Filter may leave a group out (for an Admission of `maybe`). */
export function appFilterDoubt(appFilter: unknown, group: string): string {
  return `the app's App Filter (${String(appFilter)}) maps group ${group} only if the group comes from an app it lists, and the group's type or source app was not read`;
}

/**
 * The groups of an assigned user that give it roles through the app's group filter, other than
 * those assigned to the app (their own assignment edge carries their role to their members):
 * Okta maps every group of the user whose name matches, whether the group is assigned to the app
 * or not. `roleGroupsUnnamed` lists the groups whose name was read neither from groups.json nor
 * from the user's group list, so the filter cannot be applied to them. A group the App Filter
 * leaves out is not listed, and `roleGroupsUnsure` lists those it may leave out (appFilterAdmits:
 * `maybe`). Nothing when the user's groups were not read (the link then keeps the route,
 * conditional). One pass over the user's groups.
 */
function roleGroupsOf(
  ctx: OktaContext,
  r: Reader,
  userId: string,
  filter: RegExp,
  assigned: Set<string>,
  appFilter: unknown,
): { roleGroups: string[]; roleGroupsUnnamed?: string[]; roleGroupsUnsure?: string[] } | undefined {
  const list = ctx.files.userGroups?.get(userId);
  if (!list) return undefined;
  const roleGroups: string[] = [];
  const unnamed: string[] = [];
  const unsure: string[] = [];
  list.forEach((g, j) => {
    const p = at(`$[${quoteInput(userId)}]`, j);
    const id = r.str(g, 'id', p);
    if (assigned.has(id)) return;
    const listed = ctx.groupNames.get(id);
    const profile = r.optObject(g, 'profile', p);
    const name = listed !== undefined && listed !== id ? listed : profile ? r.optStr(profile, 'name', `${p}.profile`) : undefined;
    if (name === undefined) unnamed.push(id);
    else if (filter.test(name)) {
      // The App Filter decides which groups the app maps at all (appFilterAdmits).
      const admits = appFilterAdmits(appFilter, ctx.groupTypes.get(id) ?? r.optStr(g, 'type', p), groupSourceApp(ctx, id));
      if (admits === 'yes') roleGroups.push(name);
      else if (admits === 'maybe') unsure.push(name);
    }
  });
  return { roleGroups, ...(unnamed.length > 0 ? { roleGroupsUnnamed: unnamed } : {}), ...(unsure.length > 0 ? { roleGroupsUnsure: unsure } : {}) };
}

/**
 * Links each AWS federation app, and everyone assigned to it, to the AWS SAML provider it signs
 * for. The AWS transform joins that provider to the roles whose trust policy names it.
 */
export function linkAws(ctx: OktaContext): void {
  const missingUsers = new Set<string>();
  const rug = new Reader(oktaPath('userGroups'));
  for (const fed of ctx.awsApps) {
    const arn = fed.samlProviderArn;
    if (!arn) continue;
    const refId = ctx.b.addNode(samlProviderRef(arn)).id;
    const a = fed.node.attrs;
    const mapping = { roleValuePattern: a.roleValuePattern, groupFilter: a.groupFilter, joinAllRoles: a.joinAllRoles };
    // With group mapping, a user's roles come from every group of theirs the filter matches.
    const filter = a.useGroupMapping === true ? oktaGroupFilter(a.groupFilter) : undefined;
    const assignedGroups = new Set(fed.groups.map((g) => g.groupId));
    ctx.b.addEdge({
      from: fed.node.id,
      to: refId,
      type: 'SAML_MAPS_TO',
      hidden: true,
      reason: `Okta app ${fed.node.name} issues the SAML assertions AWS accepts through ${arn}`,
      evidence: { appId: fed.appId, ...mapping },
    });
    for (const u of fed.users) {
      const user = ctx.users.get(u.userId);
      if (!user) {
        missingUsers.add(u.userId);
        continue;
      }
      const roles = u.samlRoles.length > 0 ? ` (SAML roles ${u.samlRoles.join(', ')})` : '';
      const mapped = filter ? roleGroupsOf(ctx, rug, u.userId, filter, assignedGroups, a.appFilter) : undefined;
      ctx.b.addEdge({
        from: user.id,
        to: refId,
        type: 'SAML_MAPS_TO',
        hidden: true,
        reason: `${user.name} is assigned to the AWS app ${fed.node.name}${roles} and can sign in to AWS through ${arn}`,
        evidence: { appId: fed.appId, assignment: u.scope ?? 'USER', samlRoles: u.samlRoles, ...mapping, ...mapped },
      });
    }
    for (const g of fed.groups) {
      const groupNode = ctx.groupNodes.get(g.groupId);
      if (!groupNode) continue;
      const name = ctx.groupNames.get(g.groupId) ?? g.groupId;
      const roles = g.samlRoles.length > 0 ? ` (SAML roles ${g.samlRoles.join(', ')})` : '';
      ctx.b.addEdge({
        from: groupNode,
        to: refId,
        type: 'SAML_MAPS_TO',
        hidden: true,
        reason: `members of group ${name} are assigned to the AWS app ${fed.node.name}${roles} and can sign in to AWS through ${arn}`,
        evidence: { appId: fed.appId, samlRoles: g.samlRoles, ...mapping },
      });
    }
  }
  if (missingUsers.size > 0 && ctx.files.users) {
    const shown = [...missingUsers].slice(0, 3).map((x) => quoteInput(x)).join(', ');
    ctx.b.warn(`${oktaPath('appUsers')}: ${missingUsers.size} assigned user(s) not in ${oktaPath('users')} (${shown}); not linked to AWS`);
  }
  if (ctx.files.apps) {
    const awsIds = new Set([...ctx.awsApps.map((f) => f.appId), ...ctx.awsSsoApps.map((f) => f.appId)]);
    for (const file of ['appUsers', 'appGroups'] as const) {
      const map = ctx.files[file];
      const stray = [...(map?.keys() ?? [])].filter((k) => !awsIds.has(k));
      if (stray.length > 0) ctx.b.warn(`${oktaPath(file)}: ${stray.length} key(s) are not AWS federation apps (${stray.slice(0, 3).map((x) => quoteInput(x)).join(', ')}); ignored`);
    }
  }
}
