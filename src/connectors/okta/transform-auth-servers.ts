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
 * the server's status and audience, then the first policy that takes the client and its rules;
 * Okta help, "Create access policies": policies and their rules are evaluated in priority order).
 * Undefined when okta.authorizationServers was not collected: the files are then not read at all.
 * Field names as Okta's Management API reference gives them ("Authorization Servers",
 * "Authorization Server Policies", "Authorization Server Rules"). A list of the wrong type is an
 * InputError naming the file and path; a missing one is empty, as Okta leaves none out.
 */
export function readAuthServers(files: OktaFiles, b: GraphBuilder): OktaAuthServer[] | undefined {
  if (!files.authorizationServers || !files.authServerPolicies || !files.authServerPolicyRules) return undefined;
  const servers = new Reader(oktaPath('authorizationServers'));
  const policies = new Reader(oktaPath('authServerPolicies'));
  const rules = new Reader(oktaPath('authServerPolicyRules'));
  const seen = new Set<string>();
  const policyIds = new Set<string>();
  const out: OktaAuthServer[] = [];
  files.authorizationServers.forEach((s, i) => {
    const path = at('$', i);
    const id = servers.str(s, 'id', path);
    if (seen.has(id)) {
      b.warn(`${oktaPath('authorizationServers')}: duplicate authorization server id ${quoteInput(id)} at ${path}; first one kept`);
      return;
    }
    seen.add(id);
    const listed = (files.authServerPolicies!.get(id) ?? []).map((p, k) => {
      const ppath = `$[${quoteInput(id)}][${k}]`;
      const pid = policies.str(p, 'id', ppath);
      policyIds.add(pid);
      const clients = strings(policies, policies.optObject(policies.optObject(p, 'conditions', ppath) ?? {}, 'clients', `${ppath}.conditions`) ?? {}, 'include', `${ppath}.conditions.clients`);
      const own = (files.authServerPolicyRules!.get(pid) ?? []).map((r, n) => {
        const rpath = `$[${quoteInput(pid)}][${n}]`;
        const grants = rules.optObject(rules.optObject(r, 'conditions', rpath) ?? {}, 'grantTypes', `${rpath}.conditions`) ?? {};
        const rule: OktaAccessRule = {
          id: rules.str(r, 'id', rpath),
          name: rules.optStr(r, 'name', rpath) ?? rules.str(r, 'id', rpath),
          active: r.status === 'ACTIVE',
          grantTypes: strings(rules, grants, 'include', `${rpath}.conditions.grantTypes`),
        };
        return { rule, priority: priorityOf(r) };
      });
      const policy: OktaAccessPolicy = { id: pid, name: policies.optStr(p, 'name', ppath) ?? pid, active: p.status === 'ACTIVE', clients, rules: byPriority(own).map((x) => x.rule) };
      return { policy, priority: priorityOf(p) };
    });
    out.push({
      id,
      name: servers.optStr(s, 'name', path) ?? id,
      active: s.status === 'ACTIVE',
      audiences: strings(servers, s, 'audiences', path),
      ...(typeof s.issuer === 'string' ? { issuer: s.issuer } : {}),
      policies: byPriority(listed).map((x) => x.policy),
    });
  });
  warnOrphanKeys(b, 'authServerPolicies', files.authServerPolicies, (k) => seen.has(k), 'an authorization server');
  warnOrphanKeys(b, 'authServerPolicyRules', files.authServerPolicyRules, (k) => policyIds.has(k), 'a policy');
  return out;
}

/** The strings of the list `obj[key]` (absent: none); anything else in it is an input error. */
function strings(r: Reader, obj: Item, key: string, path: string): string[] {
  const list = r.optArray(obj, key, path);
  list.forEach((v, i) => {
    if (typeof v !== 'string') r.fail(`${path}.${key}[${i}]`, 'expected a string');
  });
  return list as string[];
}

/** Okta's `priority` (1 comes first); one without a number goes last. */
function priorityOf(x: Item): number {
  return typeof x.priority === 'number' && Number.isFinite(x.priority) ? x.priority : Number.POSITIVE_INFINITY;
}

/** Highest priority first; equal priorities keep the file's order (a stable sort). */
function byPriority<T extends { priority: number }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.priority - b.priority);
}
