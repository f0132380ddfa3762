import { verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { holdUntil } from './latency.js';
import { writableAgain } from './backpressure.js';

type Obj = Record<string, unknown>;

/** The org the fake serves. Relationship maps are keyed like the snapshot files. */
export interface OktaFakeDataset {
  apps: Obj[];
  appSecrets: Record<string, Obj[]>;
  appJwks: Record<string, Obj[]>;
  appGrants: Record<string, Obj[]>;
  /** Keyed by OAuth client_id. */
  clientRoles: Record<string, Obj[]>;
  appUsers: Record<string, Obj[]>;
  appGroups: Record<string, Obj[]>;
  apiTokens: Obj[];
  users: Obj[];
  userRoles: Record<string, Obj[]>;
  userFactors: Record<string, Obj[]>;
  userGroups: Record<string, Obj[]>;
  groups: Obj[];
  groupRoles: Record<string, Obj[]>;
  /** GET /api/v1/meta/types/user; `[]` when left out. */
  userTypes?: Obj[];
  /** GET /api/v1/authorizationServers; `[]` when left out. */
  authorizationServers?: Obj[];
  /** GET /api/v1/authorizationServers/{id}/policies, keyed by server id. */
  authServerPolicies?: Record<string, Obj[]>;
  /** GET /api/v1/authorizationServers/{id}/policies/{policyId}/rules, keyed by policy id. */
  authServerPolicyRules?: Record<string, Obj[]>;
}

/** A registered OAuth service app allowed to use private_key_jwt at `/oauth2/v1/token`. */
export interface FakeServiceApp {
  clientId: string;
  publicKey: KeyObject;
  keyId?: string;
  /**
   * A token request that asks for any scope not listed here is refused whole, as Okta's org
   * authorization server does: HTTP 400 `{"error":"invalid_scope","error_description":...}`.
   */
  grantedScopes: string[];
}

export interface OktaFakeOptions {
  dataset: OktaFakeDataset;
  /** Accepted SSWS token. */
  apiToken?: string;
  serviceApp?: FakeServiceApp;
  /** Page size when the request has no `limit`. Okta's generic default is 20. */
  defaultLimit?: number;
  /** Largest page the endpoint serves, keyed by template (e.g. `/api/v1/users`). Default 200. */
  maxLimit?: Record<string, number>;
  /** Requests per bucket (method + template) per window. Default 10,000. */
  rateLimitBudget?: number;
  rateLimitWindowMs?: number;
  /** The fake's time, shared with the collector's injected clock in tests. */
  now?: () => number;
  /**
   * The first `times` requests to `template` are answered 429 (not counted as violations), with
   * `X-Rate-Limit-Remaining: 0` and `X-Rate-Limit-Reset` in UTC epoch seconds as Okta sends
   * them: the end of the current rate-limit window, or with `resetAfterMs` the first whole
   * second at least that far ahead. With `after`, that many requests to `template` are answered
   * as usual first (a token refresh limited mid-run: `after: 1` on `/oauth2/v1/token`).
   */
  inject429?: { template: string; times: number; resetAfterMs?: number; after?: number }[];
  /** Templates answered 403 E0000006 (a scope the credential lacks). */
  forbid?: string[];
  /**
   * Templates answered with this raw body (not JSON-encoded) instead of their listing, e.g. a
   * malformed or non-JSON body; `status` defaults to 200.
   */
  rawBodyOn?: { template: string; body: string; status?: number }[];
  /**
   * Templates answered 200 with a JSON array of about `bytes` bytes, chunked with no
   * Content-Length: a body far larger than any real page.
   */
  oversizedOn?: { template: string; bytes: number }[];
  /** Templates (the token endpoint too) answered `307 Temporary Redirect` to `location`. */
  redirectOn?: { template: string; location: string }[];
  /**
   * How `GET /api/v1/apps/{id}/credentials/jwks` answers: a plain array of keys (the default, as
   * older SDKs type it), `keys` for a key set `{"keys": [...]}` (Okta's Node SDK 8.1.0,
   * ListJwk200Response) or `jwks` for `{"jwks": {"keys": [...]}}` (the sample in Okta's API
   * reference, ApplicationSSOPublicKeys). A key set is one answer, with no Link header.
   */
  jwksAs?: 'array' | 'keys' | 'jwks';
  /** Templates whose `rel="next"` link points to another origin (the credential must not follow it). */
  foreignNextOn?: string[];
  /** Templates that, past their last item, keep serving empty pages with a new next link each. */
  endlessEmptyPagesOn?: string[];
  /**
   * Templates that never end: every page holds an item (the listing again from the start once it
   * runs out) and a next link with a cursor not used before.
   */
  endlessPagesOn?: string[];
  /** Templates whose `rel="next"` link never advances. */
  loopOn?: string[];
  /**
   * Templates whose Link header is cut short in the middle of the next link (no closing `>` and no
   * `rel`), as a proxy that truncates long headers sends it.
   */
  truncatedLinkOn?: string[];
  /**
   * Templates whose first page's next link serves the first page again, under a cursor of its
   * own, and whose next link then skips the second page (a server that lost its place).
   */
  repeatPageOn?: string[];
  /** Templates that serve an empty page between real pages (still with a next link). */
  emptyPagesOn?: string[];
  /** An access token stops working after this many API requests (simulates expiry). */
  tokenLifetimeRequests?: number;
  /** Token requests after this many successful ones are refused with invalid_client. */
  tokenGrantsAllowed?: number;
  /**
   * The org requires DPoP with a server nonce (Okta's "Demonstrating Proof-of-Possession"): a token
   * request whose DPoP proof does not carry this `nonce` claim is answered 400 `use_dpop_nonce`
   * with the nonce in a `dpop-nonce` header, as Okta answers the first one.
   */
  dpopNonce?: string;
  /** Every token request is answered with this HTTP status (a 5xx: the endpoint failing) and `server_error`. */
  tokenStatus?: number;
  /** With `tokenStatus`: the first this many token requests are answered as usual, only later ones fail. */
  tokenStatusAfter?: number;
  /**
   * Real time from a request's arrival to its answer, so that concurrent requests overlap. The
   * answer is built on arrival and held until then (see holdUntil): the delay is a floor, and the
   * fake's own work is not added to it. Default 3 ms.
   */
  responseDelayMs?: number;
  /**
   * Real-time mode (benchmarks): every answer leaves this many milliseconds after its request
   * arrived (built meanwhile, as with `responseDelayMs`) and the rate-limit windows run on the
   * real clock, so it cannot be combined with `now`. Overrides `responseDelayMs`.
   */
  latencyMs?: number;
}

export interface TokenRequestRecord {
  ok: boolean;
  error?: string;
  hadDpop: boolean;
  /** The `nonce` claim of the request's DPoP proof, when it had one. */
  dpopNonce?: string;
  scope: string;
  kid?: string;
}

/** What the fake observed; tests assert on it. */
export interface OktaFakeState {
  requests: { method: string; path: string; template: string; authorization: string }[];
  /** `limit` query values per template. */
  limits: Record<string, number[]>;
  /** Requests that arrived after their bucket's advertised budget was used up. */
  violations: { bucket: string }[];
  inFlight: number;
  maxInFlight: number;
  tokenRequests: TokenRequestRecord[];
  injected429: number;
  /**
   * Every 429 answered (injected or a real budget violation): its template and how long the
   * server told the client to wait (`X-Rate-Limit-Reset` minus the fake's time when answering).
   */
  throttled: { template: string; waitMs: number }[];
  /** API calls refused because the OAuth token's scopes do not cover them (template and scope). */
  outsideScopes: { template: string; needs: string }[];
  /** Oversized answers (`oversizedOn`) written to their end: the client read them through. */
  oversizedFinished: number;
}

export interface OktaFake {
  url: string;
  state: OktaFakeState;
  close(): Promise<void>;
}

const TEMPLATES: { re: RegExp; template: string; idGroup?: number }[] = [
  { re: /^\/api\/v1\/apps$/, template: '/api/v1/apps' },
  { re: /^\/api\/v1\/apps\/([^/]+)\/credentials\/secrets$/, template: '/api/v1/apps/{id}/credentials/secrets' },
  { re: /^\/api\/v1\/apps\/([^/]+)\/credentials\/jwks$/, template: '/api/v1/apps/{id}/credentials/jwks' },
  { re: /^\/api\/v1\/apps\/([^/]+)\/grants$/, template: '/api/v1/apps/{id}/grants' },
  { re: /^\/api\/v1\/apps\/([^/]+)\/users$/, template: '/api/v1/apps/{id}/users' },
  { re: /^\/api\/v1\/apps\/([^/]+)\/groups$/, template: '/api/v1/apps/{id}/groups' },
  { re: /^\/oauth2\/v1\/clients\/([^/]+)\/roles$/, template: '/oauth2/v1/clients/{id}/roles' },
  { re: /^\/api\/v1\/api-tokens$/, template: '/api/v1/api-tokens' },
  { re: /^\/api\/v1\/users$/, template: '/api/v1/users' },
  { re: /^\/api\/v1\/users\/([^/]+)\/roles$/, template: '/api/v1/users/{id}/roles' },
  { re: /^\/api\/v1\/users\/([^/]+)\/factors$/, template: '/api/v1/users/{id}/factors' },
  { re: /^\/api\/v1\/users\/([^/]+)\/groups$/, template: '/api/v1/users/{id}/groups' },
  { re: /^\/api\/v1\/groups$/, template: '/api/v1/groups' },
  { re: /^\/api\/v1\/meta\/types\/user$/, template: '/api/v1/meta/types/user' },
  { re: /^\/api\/v1\/groups\/([^/]+)\/roles$/, template: '/api/v1/groups/{id}/roles' },
  { re: /^\/oauth2\/v1\/token$/, template: '/oauth2/v1/token' },
  { re: /^\/api\/v1\/authorizationServers$/, template: '/api/v1/authorizationServers' },
  { re: /^\/api\/v1\/authorizationServers\/([^/]+)\/policies$/, template: '/api/v1/authorizationServers/{id}/policies' },
  // The policy id is the key (the rules are keyed by it); the server is checked to hold it.
  { re: /^\/api\/v1\/authorizationServers\/([^/]+)\/policies\/([^/]+)\/rules$/, template: '/api/v1/authorizationServers/{id}/policies/{policyId}/rules', idGroup: 2 },
];

/**
 * The scope docs/okta-permissions.md gives for each endpoint. An OAuth access token is only good
 * for the endpoints its granted scopes cover (SSWS tokens are not scoped).
 */
export const OKTA_SCOPE_FOR: Record<string, string> = {
  '/api/v1/apps': 'okta.apps.read',
  '/api/v1/apps/{id}/credentials/secrets': 'okta.apps.read',
  '/api/v1/apps/{id}/credentials/jwks': 'okta.apps.read',
  '/api/v1/apps/{id}/users': 'okta.apps.read',
  '/api/v1/apps/{id}/groups': 'okta.apps.read',
  '/api/v1/apps/{id}/grants': 'okta.appGrants.read',
  '/api/v1/users': 'okta.users.read',
  '/api/v1/users/{id}/factors': 'okta.users.read',
  '/api/v1/users/{id}/groups': 'okta.users.read',
  '/api/v1/groups': 'okta.groups.read',
  '/api/v1/users/{id}/roles': 'okta.roles.read',
  '/api/v1/groups/{id}/roles': 'okta.roles.read',
  '/oauth2/v1/clients/{id}/roles': 'okta.roles.read',
  '/api/v1/api-tokens': 'okta.apiTokens.read',
  '/api/v1/meta/types/user': 'okta.userTypes.read',
  '/api/v1/authorizationServers': 'okta.authorizationServers.read',
  '/api/v1/authorizationServers/{id}/policies': 'okta.authorizationServers.read',
  '/api/v1/authorizationServers/{id}/policies/{policyId}/rules': 'okta.authorizationServers.read',
};

function match(path: string): { template: string; id?: string; owner?: string } | undefined {
  for (const t of TEMPLATES) {
    const m = t.re.exec(path);
    if (!m) continue;
    const g = t.idGroup ?? 1;
    const id = m[g] === undefined ? undefined : decodeURIComponent(m[g]);
    return { template: t.template, id, ...(g > 1 ? { owner: decodeURIComponent(m[1]) } : {}) };
  }
  return undefined;
}

function b64urlJson(part: string): Obj {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Obj;
}

/** Starts the fake Okta org on 127.0.0.1 with an ephemeral port. */
export async function startOktaFake(opts: OktaFakeOptions): Promise<OktaFake> {
  const ds = opts.dataset;
  if (opts.latencyMs !== undefined && opts.now !== undefined) {
    throw new TypeError('latencyMs runs the fake on the real clock; it cannot be combined with a virtual `now`');
  }
  const now = opts.now ?? (() => Date.now());
  const budget = opts.rateLimitBudget ?? 10_000;
  const windowMs = opts.rateLimitWindowMs ?? 60_000;
  const delay = opts.latencyMs ?? opts.responseDelayMs ?? 3;
  const state: OktaFakeState = {
    requests: [],
    limits: {},
    violations: [],
    inFlight: 0,
    maxInFlight: 0,
    tokenRequests: [],
    injected429: 0,
    throttled: [],
    outsideScopes: [],
    oversizedFinished: 0,
  };
  const used = new Map<string, { window: number; count: number }>();
  const pending429 = new Map((opts.inject429 ?? []).map((i) => [i.template, i.times]));
  const resetAfter = new Map((opts.inject429 ?? []).map((i) => [i.template, i.resetAfterMs]));
  /** Requests per template still answered as usual before its injected 429s start. */
  const before429 = new Map((opts.inject429 ?? []).map((i) => [i.template, i.after ?? 0]));
  /** Issued access token → API requests it has served. */
  const issuedTokens = new Map<string, number>();
  /** Issued access token → the scopes it was granted. */
  const tokenScopes = new Map<string, string[]>();
  const userIds = new Set(ds.users.map((u) => String(u.id)));
  const groupIds = new Set(ds.groups.map((g) => String(g.id)));
  const appIds = new Set(ds.apps.map((a) => String(a.id)));

  const collections: Record<string, () => Obj[]> = {
    '/api/v1/apps': () => ds.apps,
    '/api/v1/api-tokens': () => ds.apiTokens,
    '/api/v1/users': () => ds.users,
    '/api/v1/groups': () => ds.groups,
    '/api/v1/meta/types/user': () => ds.userTypes ?? [],
    '/api/v1/authorizationServers': () => ds.authorizationServers ?? [],
  };
  const serverIds = new Set((ds.authorizationServers ?? []).map((s) => String(s.id)));
  /** Policy id -> the server that holds it. */
  const policyOwner = new Map<string, string>();
  for (const [server, list] of Object.entries(ds.authServerPolicies ?? {})) for (const p of list) policyOwner.set(String(p.id), server);
  const relations: Record<string, { map: Record<string, Obj[]>; parents: () => Set<string> }> = {
    '/api/v1/apps/{id}/credentials/secrets': { map: ds.appSecrets, parents: () => appIds },
    '/api/v1/apps/{id}/credentials/jwks': { map: ds.appJwks, parents: () => appIds },
    '/api/v1/apps/{id}/grants': { map: ds.appGrants, parents: () => appIds },
    '/api/v1/apps/{id}/users': { map: ds.appUsers, parents: () => appIds },
    '/api/v1/apps/{id}/groups': { map: ds.appGroups, parents: () => appIds },
    '/oauth2/v1/clients/{id}/roles': { map: ds.clientRoles, parents: () => new Set(Object.keys(ds.clientRoles)) },
    '/api/v1/users/{id}/roles': { map: ds.userRoles, parents: () => userIds },
    '/api/v1/users/{id}/factors': { map: ds.userFactors, parents: () => userIds },
    '/api/v1/users/{id}/groups': { map: ds.userGroups, parents: () => userIds },
    '/api/v1/groups/{id}/roles': { map: ds.groupRoles, parents: () => groupIds },
    '/api/v1/authorizationServers/{id}/policies': { map: ds.authServerPolicies ?? {}, parents: () => serverIds },
    '/api/v1/authorizationServers/{id}/policies/{policyId}/rules': { map: ds.authServerPolicyRules ?? {}, parents: () => new Set(policyOwner.keys()) },
  };

  const server = createServer((req, res) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let done = false;
    const finished = (): void => {
      if (!done) {
        done = true;
        state.inFlight--;
      }
    };
    res.on('finish', finished);
    res.on('close', finished);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The answer leaves `delay` after the request arrived, built meanwhile: as the AWS and Entra
      // fakes do, so that a benchmark's latency is not the fake's work plus the delay.
      const held = holdUntil(res, performance.now() + delay);
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'), held);
      } catch (e) {
        // A bug in the fake must show up as a failed request, not hang the client.
        send(res, 500, { errorCode: 'FAKE', errorSummary: String(e) });
      }
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    // Date on the fake's own clock (virtual in tests), as a server stamps its answers.
    res.writeHead(status, { 'content-type': 'application/json', date: new Date(now()).toUTCString(), ...headers });
    res.end(JSON.stringify(body));
  }

  /** `held` settles once the answer's hold has ended and writes go straight out. */
  function handle(req: IncomingMessage, res: ServerResponse, body: string, held: Promise<void>): void {
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const m = match(url.pathname);
    const template = m?.template ?? url.pathname;
    state.requests.push({ method, path: url.pathname, template, authorization: String(req.headers.authorization ?? '') });

    // Rate limiting per bucket, with the headers Okta sends on every answer.
    const bucket = `${method} ${template}`;
    const t = now();
    const window = Math.floor(t / windowMs);
    const reset = String(((window + 1) * windowMs) / 1000);
    const injected = pending429.get(template) ?? 0;
    const spared = before429.get(template) ?? 0;
    if (spared > 0) before429.set(template, spared - 1);
    else if (injected > 0) {
      pending429.set(template, injected - 1);
      state.injected429++;
      const after = resetAfter.get(template);
      const injectedReset = after === undefined ? reset : String(Math.ceil((t + after) / 1000));
      state.throttled.push({ template, waitMs: Number(injectedReset) * 1000 - t });
      send(res, 429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }, {
        'x-rate-limit-limit': String(budget),
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': injectedReset,
      });
      return;
    }
    let u = used.get(bucket);
    if (!u || u.window !== window) {
      u = { window, count: 0 };
      used.set(bucket, u);
    }
    const rl = (remaining: number): Record<string, string> => ({
      'x-rate-limit-limit': String(budget),
      'x-rate-limit-remaining': String(remaining),
      'x-rate-limit-reset': reset,
    });
    if (u.count >= budget) {
      state.violations.push({ bucket });
      state.throttled.push({ template, waitMs: Number(reset) * 1000 - t });
      send(res, 429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }, rl(0));
      return;
    }
    u.count++;
    const limitHeaders = rl(budget - u.count);

    const redirect = opts.redirectOn?.find((r) => r.template === template);
    if (redirect) {
      res.writeHead(307, { location: redirect.location, date: new Date(now()).toUTCString(), ...limitHeaders });
      res.end();
      return;
    }
    if (!m) {
      send(res, 404, { errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' }, limitHeaders);
      return;
    }
    if (template === '/oauth2/v1/token') {
      if (method !== 'POST') return send(res, 405, { error: 'invalid_request' }, limitHeaders);
      const r = tokenResponse(req, host, body);
      return send(res, r.status, r.body, { ...limitHeaders, ...(r.headers ?? {}) });
    }
    if (method !== 'GET') return send(res, 405, { errorCode: 'E0000022' }, limitHeaders);
    if (!authorised(String(req.headers.authorization ?? ''))) {
      return send(res, 401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided' }, limitHeaders);
    }
    const needs = OKTA_SCOPE_FOR[template];
    const bearer = /^(?:Bearer|DPoP) (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (bearer !== undefined && !(needs !== undefined && tokenScopes.get(bearer)?.includes(needs))) {
      state.outsideScopes.push({ template, needs: needs ?? '(undocumented endpoint)' });
      return send(res, 403, { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' }, limitHeaders);
    }
    if (opts.forbid?.includes(template)) {
      return send(res, 403, { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' }, limitHeaders);
    }

    const oversized = opts.oversizedOn?.find((r) => r.template === template);
    if (oversized) {
      res.writeHead(200, { 'content-type': 'application/json', date: new Date(now()).toUTCString(), ...limitHeaders });
      // Stops writing once the client has gone, so a client that gives up early is not fed the rest.
      // Streams only once the hold has ended: until then every write would be queued whole.
      const chunk = `{"id":"${'x'.repeat(16 * 1024)}"},`;
      void (async () => {
        await held;
        res.write('[');
        for (let sent = 0; sent < oversized.bytes && !res.destroyed; sent += chunk.length) {
          if (!res.write(chunk)) await writableAgain(res);
        }
        if (res.destroyed) return;
        state.oversizedFinished++;
        res.end('{"id":"last"}]');
      })();
      return;
    }
    const raw = opts.rawBodyOn?.find((r) => r.template === template);
    if (raw) {
      res.writeHead(raw.status ?? 200, { 'content-type': 'application/json', date: new Date(now()).toUTCString(), ...limitHeaders });
      res.end(raw.body);
      return;
    }
    let items: Obj[];
    if (template === '/api/v1/apps/{id}/credentials/jwks' && opts.jwksAs !== undefined && opts.jwksAs !== 'array' && appIds.has(m.id!)) {
      const keys = ds.appJwks[m.id!] ?? [];
      return send(res, 200, opts.jwksAs === 'keys' ? { keys } : { jwks: { keys } }, limitHeaders);
    }
    if (collections[template]) {
      items = collections[template]();
    } else {
      const rel = relations[template];
      if (!rel.parents().has(m.id!) || (m.owner !== undefined && policyOwner.get(m.id!) !== m.owner)) {
        return send(res, 404, { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found' }, limitHeaders);
      }
      items = rel.map[m.id!] ?? [];
    }
    const limitParam = url.searchParams.get('limit');
    if (limitParam !== null) (state.limits[template] ??= []).push(Number(limitParam));
    const cap = opts.maxLimit?.[template] ?? 200;
    const pageSize = Math.max(1, Math.min(limitParam === null ? (opts.defaultLimit ?? 20) : Number(limitParam), cap));
    const after = url.searchParams.get('after');
    const cursor = after === null ? 'o:0' : Buffer.from(after, 'base64url').toString('utf8');
    const [kind, offStr] = cursor.split(':');
    const offset = Number(offStr);
    const pageLink = (c: string): string => {
      const q = new URLSearchParams();
      if (limitParam !== null) q.set('limit', limitParam);
      q.set('after', Buffer.from(c).toString('base64url'));
      const origin = opts.foreignNextOn?.includes(template) ? 'https://okta.attacker.example' : `http://${host}`;
      return `${origin}${url.pathname}?${q.toString()}`;
    };
    const links = [`<http://${host}${url.pathname}${url.search}>; rel="self"`];
    let page: Obj[];
    if (kind === 'e') {
      page = [];
      links.push(`<${pageLink(`o:${offset}`)}>; rel="next"`);
    } else if (kind === 'r') {
      page = items.slice(0, pageSize);
      if (2 * pageSize < items.length) links.push(`<${pageLink(`o:${2 * pageSize}`)}>; rel="next"`);
    } else if (opts.repeatPageOn?.includes(template) && offset === 0 && pageSize < items.length) {
      page = items.slice(0, pageSize);
      links.push(`<${pageLink('r:0')}>; rel="next"`);
    } else if (opts.endlessPagesOn?.includes(template) && items.length > 0) {
      page = [items[offset % items.length]];
      links.push(`<${pageLink(`o:${offset + 1}`)}>; rel="next"`);
    } else {
      page = items.slice(offset, offset + pageSize);
      const nextOffset = offset + page.length;
      if (opts.endlessEmptyPagesOn?.includes(template) && nextOffset >= items.length) {
        links.push(`<${pageLink(`o:${Math.max(offset, items.length) + 1}`)}>; rel="next"`);
      } else if (nextOffset < items.length) {
        if (opts.loopOn?.includes(template)) {
          links.push(`<${pageLink(`o:${pageSize}`)}>; rel="next"`);
        } else if (opts.emptyPagesOn?.includes(template)) {
          links.push(`<${pageLink(`e:${nextOffset}`)}>; rel="next"`);
        } else {
          links.push(`<${pageLink(`o:${nextOffset}`)}>; rel="next"`);
        }
      }
    }
    if (opts.truncatedLinkOn?.includes(template) && links.length > 1) links[1] = links[1].slice(0, links[1].indexOf('>'));
    // Okta sends self and next as separate Link headers.
    res.setHeader('link', links);
    send(res, 200, page, limitHeaders);
  }

  function authorised(header: string): boolean {
    if (opts.apiToken && header === `SSWS ${opts.apiToken}`) return true;
    const m = /^(Bearer|DPoP) (.+)$/.exec(header);
    if (m === null || !issuedTokens.has(m[2])) return false;
    const uses = issuedTokens.get(m[2])! + 1;
    issuedTokens.set(m[2], uses);
    return opts.tokenLifetimeRequests === undefined || uses <= opts.tokenLifetimeRequests;
  }

  function tokenResponse(req: IncomingMessage, host: string, body: string): { status: number; body: Obj; headers?: Record<string, string> } {
    const form = new URLSearchParams(body);
    const proof = typeof req.headers.dpop === 'string' ? req.headers.dpop.split('.') : [];
    const record: TokenRequestRecord = {
      ok: false,
      hadDpop: proof.length === 3,
      scope: form.get('scope') ?? '',
    };
    if (proof.length === 3) {
      try {
        const nonce = b64urlJson(proof[1]).nonce;
        if (typeof nonce === 'string') record.dpopNonce = nonce;
      } catch {
        // Not a JWT: hadDpop says so.
      }
    }
    state.tokenRequests.push(record);
    if (opts.tokenStatus !== undefined && state.tokenRequests.length > (opts.tokenStatusAfter ?? 0)) {
      record.error = 'server_error';
      return { status: opts.tokenStatus, body: { error: 'server_error', error_description: 'The authorization server failed.' } };
    }
    if (opts.dpopNonce !== undefined && record.dpopNonce !== opts.dpopNonce) {
      record.error = 'use_dpop_nonce';
      return { status: 400, body: { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' }, headers: { 'dpop-nonce': opts.dpopNonce } };
    }
    const fail = (status: number, error: string, description: string): { status: number; body: Obj } => {
      record.error = error;
      return { status, body: { error, error_description: description } };
    };
    const app = opts.serviceApp;
    if (!app) return fail(401, 'invalid_client', 'No service app is registered.');
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return fail(401, 'invalid_client', 'client_assertion_type');
    }
    const parts = (form.get('client_assertion') ?? '').split('.');
    if (parts.length !== 3) return fail(401, 'invalid_client', 'The client_assertion is not a JWT.');
    let header: Obj;
    let claims: Obj;
    try {
      header = b64urlJson(parts[0]);
      claims = b64urlJson(parts[1]);
    } catch {
      return fail(401, 'invalid_client', 'The client_assertion is not a JWT.');
    }
    record.kid = typeof header.kid === 'string' ? header.kid : undefined;
    if (header.alg !== 'RS256') return fail(401, 'invalid_client', 'Unsupported alg.');
    if (app.keyId && header.kid !== undefined && header.kid !== app.keyId) {
      return fail(401, 'invalid_client', 'The client_assertion kid is not registered.');
    }
    const signed = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      app.publicKey,
      Buffer.from(parts[2], 'base64url'),
    );
    if (!signed) return fail(401, 'invalid_client', 'The client_assertion signature is invalid.');
    if (claims.aud !== `http://${host}/oauth2/v1/token`) return fail(401, 'invalid_client', 'aud');
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) return fail(401, 'invalid_client', 'iss/sub');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return fail(401, 'invalid_client', 'expired');
    const requested = record.scope.split(' ').filter(Boolean);
    if (requested.length === 0 || requested.some((s) => !app.grantedScopes.includes(s))) {
      return fail(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    }
    if (opts.tokenGrantsAllowed !== undefined && issuedTokens.size >= opts.tokenGrantsAllowed) {
      return fail(401, 'invalid_client', 'The client is no longer allowed to get tokens.');
    }
    const token = `CANARY-OKTA-AT-${state.tokenRequests.length}`;
    issuedTokens.set(token, 0);
    tokenScopes.set(token, requested);
    record.ok = true;
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, access_token: token, scope: requested.join(' ') } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
