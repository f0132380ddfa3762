import type { GraphBuilder } from '../../graph/graph.js';
import type { OktaAccessPolicy, OktaAccessRule, OktaAuthServer } from '../../graph/model.js';
import { quoteInput } from '../../reporters/sanitize.js';
import { Reader } from '../../snapshot/shape.js';
import { at } from './transform-context.js';
import type { OktaFiles } from './transform-read.js';
import { oktaPath, warnOrphanKeys } from './transform-read.js';

type Item = Record<string, unknown>;

/**
 * The org's custom authorization servers with their access policies and rules, in the form the
 * link stage judges a client credentials token by (what decides whether a service app gets one:
 * the server's status, issuer and audience, then the first policy that takes the client and its
 * rules, whose grant types, scopes and people condition a client credentials request must meet;
 * Okta help, "Create access policies": policies and their rules are evaluated in priority order).
 * Undefined when okta.authorizationServers was not collected: the files are then not read at all.
 * Field names as Okta's Management API reference gives them ("Authorization Servers",
 * "Authorization Server Policies", "Authorization Server Rules"). A list of the wrong type is an
 * InputError naming the file and path. A missing status, issuer, audiences or clients/grant
 * types list, and a server or policy with no entry in the policies or rules file, are not read
 * (undefined, with one warning per file naming the first items): the link stage then makes the
 * link conditional on them, never a firm no.
 */
export function readAuthServers(files: OktaFiles, b: GraphBuilder): OktaAuthServer[] | undefined {
  if (!files.authorizationServers || !files.authServerPolicies || !files.authServerPolicyRules) return undefined;
  const servers = new Reader(oktaPath('authorizationServers'));
  const policies = new Reader(oktaPath('authServerPolicies'));
  const rules = new Reader(oktaPath('authServerPolicyRules'));
  const seen = new Set<string>();
  const policyIds = new Set<string>();
  const out: OktaAuthServer[] = [];
  const unread = { authorizationServers: new Unread('authorizationServers', 'authorization servers'), authServerPolicies: new Unread('authServerPolicies', 'access policies'), authServerPolicyRules: new Unread('authServerPolicyRules', 'rules') };
  files.authorizationServers.forEach((s, i) => {
    const path = at('$', i);
    const id = servers.str(s, 'id', path);
    if (seen.has(id)) {
      b.warn(`${oktaPath('authorizationServers')}: duplicate authorization server id ${quoteInput(id)} at ${path}; first one kept`);
      return;
    }
    seen.add(id);
    const serverUnread: string[] = [];
    const own = files.authServerPolicies!.get(id);
    if (own === undefined) serverUnread.push(`its access policies (${oktaPath('authServerPolicies')} has no entry for it)`);
    const listed = (own ?? []).map((p, k) => {
      const ppath = `$[${quoteInput(id)}][${k}]`;
      const pid = policies.str(p, 'id', ppath);
      policyIds.add(pid);
      const policyUnread: string[] = [];
      const clients = include(policies, p, 'clients', ppath, policyUnread);
      const listedRules = files.authServerPolicyRules!.get(pid);
      if (listedRules === undefined) policyUnread.push(`its rules (${oktaPath('authServerPolicyRules')} has no entry for it)`);
      const mine = (listedRules ?? []).map((r, n) => {
        const rpath = `$[${quoteInput(pid)}][${n}]`;
        const ruleUnread: string[] = [];
        const rid = rules.str(r, 'id', rpath);
        const rule: OktaAccessRule = {
          id: rid,
          name: rules.optStr(r, 'name', rpath) ?? rid,
          active: statusOf(r, rpath, ruleUnread),
          grantTypes: include(rules, r, 'grantTypes', rpath, ruleUnread),
          scopes: include(rules, r, 'scopes', rpath, ruleUnread),
          people: peopleOf(rules, r, rpath, ruleUnread),
        };
        unread.authServerPolicyRules.add(`the rule ${quoteInput(rid)} of the policy ${quoteInput(pid)}`, ruleUnread);
        return { rule, priority: priorityOf(r) };
      });
      const policy: OktaAccessPolicy = {
        id: pid,
        name: policies.optStr(p, 'name', ppath) ?? pid,
        active: statusOf(p, ppath, policyUnread),
        clients,
        rules: listedRules === undefined ? undefined : byPriority(mine).map((x) => x.rule),
      };
      unread.authServerPolicies.add(`the access policy ${quoteInput(pid)} of the authorization server ${quoteInput(id)}`, policyUnread);
      return { policy, priority: priorityOf(p) };
    });
    const active = statusOf(s, path, serverUnread);
    const audiences = s.audiences === undefined ? undefined : servers.optStrings(s, 'audiences', path);
    if (audiences === undefined) serverUnread.push(`${path}.audiences (missing)`);
    // The issuer is the iss its tokens carry, which a trust must name (link.ts); issuerMode, absent
    // when the org has neither a custom URL domain nor dynamic issuers, says which domain it is on.
    const issuer = servers.optStr(s, 'issuer', path) || undefined;
    if (issuer === undefined) serverUnread.push(`${path}.issuer (missing)`);
    const issuerMode = servers.optStr(s, 'issuerMode', path);
    if (issuerMode !== undefined && !ISSUER_MODES.has(issuerMode)) serverUnread.push(`${path}.issuerMode (${quoteInput(issuerMode)}, neither ORG_URL, CUSTOM_URL nor DYNAMIC)`);
    unread.authorizationServers.add(`the authorization server ${quoteInput(id)}`, serverUnread);
    out.push({
      id,
      name: servers.optStr(s, 'name', path) ?? id,
      active,
      audiences,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(issuerMode !== undefined ? { issuerMode } : {}),
      policies: own === undefined ? undefined : byPriority(listed).map((x) => x.policy),
    });
  });
  for (const u of Object.values(unread)) u.warn(b);
  warnOrphanKeys(b, 'authServerPolicies', files.authServerPolicies, (k) => seen.has(k), 'an authorization server');
  warnOrphanKeys(b, 'authServerPolicyRules', files.authServerPolicyRules, (k) => policyIds.has(k), 'a policy');
  return out;
}

/**
 * `status` as Okta writes it: ACTIVE or INACTIVE. Anything else, or none, is not read (undefined,
 * noted in `unread`): a missing status is no evidence the item is off, and reading it as inactive
 * made a link dormant that nothing said was.
 */
function statusOf(x: Item, path: string, unread: string[]): boolean | undefined {
  if (x.status === 'ACTIVE') return true;
  if (x.status === 'INACTIVE') return false;
  unread.push(`${path}.status (${x.status === undefined ? 'missing' : `${quoteInput(String(x.status))}, neither ACTIVE nor INACTIVE`})`);
  return undefined;
}

/**
 * `conditions.<key>.include` of a policy or rule. Missing (no conditions, no `<key>`, no `include`):
 * not read (undefined, noted in `unread`), not an empty list, which would say the policy takes no
 * client or the rule allows no grant. A list of the wrong type stays an input error.
 */
function include(r: Reader, x: Item, key: string, path: string, unread: string[]): string[] | undefined {
  const conditions = r.optObject(x, 'conditions', path);
  const cond = conditions === undefined ? undefined : r.optObject(conditions, key, `${path}.conditions`);
  if (cond === undefined || cond.include === undefined) {
    unread.push(`${path}.conditions.${key}.include (missing)`);
    return undefined;
  }
  return r.optStrings(cond, 'include', `${path}.conditions.${key}`);
}

/** The issuer modes Okta documents for a custom authorization server (Management API, "Authorization Servers", issuerMode). */
const ISSUER_MODES: ReadonlySet<string> = new Set(['ORG_URL', 'CUSTOM_URL', 'DYNAMIC']);

/** How many items of a file with fields not read a warning spells out; the rest are counted. */
const SPELLED_OUT = 3;

/**
 * The items of one file with fields not read, warned of once for the file: an org with thousands
 * of incomplete policies gets one line, not one per policy. The first few (in file order) are
 * named with each field; the rest are counted. Each link through one of them still says what of it
 * was not read (link.ts), so nothing is lost by the count.
 */
class Unread {
  private count = 0;
  private readonly first: string[] = [];
  constructor(
    private readonly file: string,
    private readonly noun: string,
  ) {}

  add(what: string, fields: readonly string[]): void {
    if (fields.length === 0) return;
    this.count++;
    if (this.first.length < SPELLED_OUT) this.first.push(`${what}: ${fields.join(', ')}`);
  }

  warn(b: GraphBuilder): void {
    if (this.count === 0) return;
    if (this.count === 1) {
      b.warn(`${oktaPath(this.file)}: ${this.first[0]} not read; a service app's link through it is conditional`);
      return;
    }
    const more = this.count - this.first.length;
    b.warn(`${oktaPath(this.file)}: ${this.count} ${this.noun} with fields not read (${this.first.join('; ')}${more > 0 ? `; and ${more} more` : ''}); a service app's link through them is conditional`);
  }
}

/**
 * Whom a rule's `conditions.people` admits. A client credentials request has no user, so a rule
 * that admits only the users or groups it names never matches one; one for "any user assigned the
 * app" (the EVERYONE group) does (Okta support, "Okta Access Policy Rules with 'AND User is' Filter
 * Do Not Apply to API Service Apps/Client Credentials Flow",
 * https://support.okta.com/help/s/article/authorization-server-token-lifetime; Okta help, "Create
 * access policies": service apps have no user,
 * https://help.okta.com/en-us/Content/Topics/Security/api-config-access-policies.htm). No people
 * condition restricts no one. One that lists neither users nor groups says whom it admits nowhere:
 * not read (noted in `unread`). A list of the wrong type stays an input error.
 */
function peopleOf(r: Reader, x: Item, path: string, unread: string[]): OktaAccessRule['people'] {
  const conditions = r.optObject(x, 'conditions', path);
  const people = conditions === undefined ? undefined : r.optObject(conditions, 'people', `${path}.conditions`);
  if (people === undefined) return 'everyone';
  const ppath = `${path}.conditions.people`;
  const list = (key: string): readonly string[] => {
    const o = r.optObject(people, key, ppath);
    return (o === undefined ? undefined : r.optStrings(o, 'include', `${ppath}.${key}`)) ?? [];
  };
  const groups = list('groups');
  const users = list('users');
  if (groups.includes('EVERYONE')) return 'everyone';
  if (groups.length > 0 || users.length > 0) return 'named';
  unread.push(`${ppath} (lists neither users nor groups)`);
  return undefined;
}

/** Okta's `priority` (1 comes first); one without a number goes last. */
function priorityOf(x: Item): number {
  return typeof x.priority === 'number' && Number.isFinite(x.priority) ? x.priority : Number.POSITIVE_INFINITY;
}

/** Highest priority first; equal priorities keep the file's order (a stable sort). */
function byPriority<T extends { priority: number }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.priority - b.priority);
}
