import { DEFAULT_CONFIG } from '../../config/types.js';
import type { CollectResult } from '../../snapshot/types.js';
import { waitUntilStopped } from '../abort.js';
import { CoverageBook, OKTA_CAPABILITIES, type OktaCapability } from './coverage.js';
import { describeError, featureRefused, httpStatusOf, OktaAuthError, OktaTokenUnavailableError } from './errors.js';
import {
  DEFAULT_AWS_APP_NAMES,
  DEFAULT_SERVICE_ACCOUNT_PATTERNS,
  normaliseOrgUrl,
  type OktaClock,
  type OktaCollectOptions,
} from './options.js';
import { MAX_PAGES_PER_LISTING } from '../limits.js';
import { jwksKeys, listAll, type ItemsOf } from './paging.js';
import { forEachPooled } from './pool.js';
import { RateGate } from './rate-gate.js';
import { redactSecrets } from './redact.js';
import { GuardedRequestExecutor, type FetchResponse } from './request-executor.js';
import { connectOkta, createOktaSdk, type OktaSdk } from './sdk-client.js';
import {
  clientIdOf,
  idsOf,
  isAwsApp,
  isMachineApp,
  looksLikeServiceAccount,
  serviceAccountMatcher,
  serviceAccountSignals,
  userSignalsOf,
  tokenOwnerIds,
} from './selection.js';
import { appendAll } from '../../append-all.js';

export type { OktaCollectOptions } from './options.js';
export { oktaOptionsFromEnv, OKTA_READ_SCOPES } from './options.js';
export { OktaAuthError, OktaConfigError } from './errors.js';

type Obj = Record<string, unknown>;

/** Shown in the manifest whenever an SSWS token was used. */
export const SSWS_WARNING =
  'Collected with an Okta API token (SSWS). An API token carries the full admin rights of the ' +
  'user who created it and is not scoped; prefer an OAuth service app with read-only scopes ' +
  '(docs/okta-permissions.md).';

/** A per-object call: the relationship-file key and the path to list. */
interface ParentCall {
  key: string;
  path: string;
}

/**
 * Reads one Okta org into the `okta/` files of a snapshot (docs/snapshot-format.md). Every
 * capability gets a coverage record; a capability Okta refuses (403) is `missing-permission`
 * and the others go on. Throws {@link OktaAuthError} when the credential itself is rejected
 * and `OktaConfigError` for unusable options, both before or instead of partial output. Once
 * `opts.signal` aborts, rejects with its reason and sends no further request.
 */
export async function collectOkta(opts: OktaCollectOptions): Promise<CollectResult> {
  const orgUrl = normaliseOrgUrl(opts.orgUrl, opts.allowInsecureHttp);
  const stop = opts.signal;
  // Waits (rate-limit resets, 429 backoff) end early when the collection is stopped.
  const given = opts.clock;
  const clock: OktaClock =
    given && !stop ? given : { now: given ? () => given.now() : () => Date.now(), sleep: waitUntilStopped(given && ((ms) => given.sleep(ms)), stop) };
  const maxConcurrent = Math.max(1, Math.floor(opts.maxConcurrent ?? 3));
  const pageSize = Math.max(1, Math.min(200, Math.floor(opts.pageSize ?? 200)));
  const stats = { requests: 0, pages: 0, retries: 0, tokenRequests: 0, rateLimitPauses: 0, maxInFlight: 0 };
  const gate = new RateGate({
    maxConcurrent,
    reserveFraction: opts.rateLimitReserve ?? 0.1,
    resetPaddingMs: opts.resetPaddingMs ?? 100,
    // Until an answer carries a Date header, allow for our clock being up to 0.9 s ahead.
    clockAheadWithoutDateMs: 900,
    clock,
  });
  const executor = new GuardedRequestExecutor({
    gate,
    clock,
    maxRetries: Math.max(0, Math.floor(opts.maxRetries ?? 4)),
    requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
    maxResponseBytes: opts.maxResponseBytes,
    stats,
    signal: stop,
  });
  let sdk = createOktaSdk(orgUrl, opts.auth, executor);
  const book = new CoverageBook(orgUrl);
  const files: Record<string, unknown> = {};
  const warnings: string[] = [];
  if (sdk.authMode === 'ssws') warnings.push(SSWS_WARNING);
  /** Per file, the JSON paths of values left out for looking like a credential (redact.ts). */
  const dropped = new Map<string, string[]>();
  const progress = opts.progress ?? (() => undefined);

  const finish = (): void => {
    stats.rateLimitPauses = gate.pauses;
    stats.maxInFlight = gate.maxInflightSeen;
  };
  try {
    // Okta limiting the first token request past the wait allowed, or failing it (5xx), says
    // nothing about the app, and without a token nothing can be read: every capability is an
    // error record naming the answer (exit 3), never a refused service app (exit 2). No read asks
    // again: that would press on a limited endpoint, and with the default scopes a read could not
    // tell a scope the app lacks (invalid_scope, which connectOkta handles) from a refused app.
    let connected: Awaited<ReturnType<typeof connectOkta>>;
    try {
      connected = await connectOkta(sdk, orgUrl, opts.auth, executor, stop);
    } catch (e) {
      if (!(e instanceof OktaTokenUnavailableError)) throw e;
      const what = e.status === 429 ? 'Okta limited the token request' : "Okta's token endpoint failed";
      for (const cap of OKTA_CAPABILITIES) book.note(cap, 'error', `${describeError(e)}: ${what}, so nothing was read; run again later`);
      return { files, coverage: book.records(), manifest: { orgUrl, authMode: sdk.authMode, ...(warnings.length > 0 ? { warnings } : {}) }, stats };
    }
    sdk = connected.sdk;
    // Scopes the token was asked for without, because the app was not granted them: their
    // capabilities are recorded as refused and not read.
    const refused = new Set<OktaCapability>();
    for (const d of connected.dropped) {
      refused.add(d.capability);
      book.note(d.capability, 'missing-permission', `the service app is not granted ${d.scope}: Okta refused a token request that included it (invalid_scope), so the token was requested without it`);
      warnings.push(`The Okta service app is not granted ${d.scope}, so ${d.capability} was not read. Okta refuses the whole token request for a scope the app lacks, so the token was requested again without it; grant the scope to read it (docs/okta-permissions.md).`);
    }
    const maxPages = Math.max(1, Math.floor(opts.maxPagesPerListing ?? MAX_PAGES_PER_LISTING));
    const c = new Collector(sdk, orgUrl, maxConcurrent, book, files, () => stats.pages++, stop, maxPages, dropped);
    const awsNames = new Set(opts.awsAppNames ?? DEFAULT_AWS_APP_NAMES);
    const patterns = opts.serviceAccountPatterns ?? DEFAULT_SERVICE_ACCOUNT_PATTERNS;
    const conventions = serviceAccountMatcher(opts.serviceAccounts ?? DEFAULT_CONFIG);

    // Every read starts as soon as what it depends on is known, so the in-flight cap of the rate
    // gate stays full instead of each step waiting for the slowest read of the previous one:
    //   apps -> per machine app: secrets, keys, grants, admin roles; per AWS app: users, groups
    //   API tokens + users + AWS app users -> per selected user: roles, factors, groups
    //   those users' groups + AWS app groups -> per group: roles
    //   groups (independent)
    const apps = c.list('okta.apps', 'okta/apps.json', `/api/v1/apps?limit=${pageSize}`, 'id').then((list) => {
      progress(`okta: ${list?.length ?? 0} apps`);
      if (!list) {
        for (const cap of ['okta.appCredentials', 'okta.appGrants', 'okta.clientRoles', 'okta.appAssignments'] as const) {
          book.note(cap, 'not-collected', 'needs the app list (okta.apps)');
        }
      }
      return list;
    });
    const machineReads = apps.then(async (list) => {
      if (!list) return;
      const machine = list.filter(isMachineApp);
      const byId = (sub: string): ParentCall[] =>
        machine.map((a) => ({ key: String(a.id), path: `/api/v1/apps/${enc(a.id)}${sub}` }));
      const clients = machine
        .map(clientIdOf)
        .filter((id): id is string => id !== undefined)
        .map((id) => ({ key: id, path: `/oauth2/v1/clients/${enc(id)}/roles` }));
      await Promise.all([
        c.perParent('okta.appCredentials', 'okta/appSecrets.json', byId('/credentials/secrets'), undefined, 'id'),
        // A key set, not a list (jwksKeys).
        c.perParent('okta.appCredentials', 'okta/appJwks.json', byId('/credentials/jwks'), jwksKeys),
        c.perParent('okta.appGrants', 'okta/appGrants.json', byId('/grants'), undefined, 'scopeId'),
        c.perParent('okta.clientRoles', 'okta/clientRoles.json', clients, undefined, 'type'),
      ]);
    });
    /** Ids of the AWS federation apps; undefined when the app list could not be read. */
    const awsApps = apps.then((list) => list?.filter((a) => isAwsApp(a, awsNames)).map((a) => String(a.id)));
    const appAssignments = (file: string, sub: string): Promise<Record<string, Obj[]> | undefined> =>
      awsApps.then((ids) =>
        ids === undefined
          ? undefined
          : c.perParent('okta.appAssignments', file, ids.map((id) => ({ key: id, path: `/api/v1/apps/${enc(id)}${sub}?limit=${pageSize}` })), undefined, 'id'),
      );
    const appUsers = appAssignments('okta/appUsers.json', '/users');
    const appGroups = appAssignments('okta/appGroups.json', '/groups');

    // With an API token nothing has checked the credential yet: the first page goes alone, so a
    // rejected token costs one request rather than one per independent list.
    if (sdk.authMode === 'ssws') await c.firstAnswer;

    // The warnings of the lists read side by side, added in this order once all are done: pushed
    // as each answer came back, two collections of one org listed them in different orders.
    const listWarnings: { tokens?: string; userTypes?: string; users?: string; authServers?: string } = {};
    const tokens = c.list('okta.apiTokens', 'okta/apiTokens.json', '/api/v1/api-tokens', 'id').then((list) => {
      // okta.adminRoles and okta.factors stay collected: they hold every user read per user, and a
      // user missing from their files counts as not read (its roles are not taken as none). What
      // the token list would have added is said here, without claiming those records failed.
      if (!list) {
        listWarnings.tokens =
          'The Okta API token list was not read (okta.apiTokens): no API token is judged, and their owners are unknown. okta.adminRoles and okta.factors hold the users picked without it (service accounts by the configuration, AWS app users); an owner who is neither was not read, and one with no active MFA factor is not known to be a service account.';
      }
      return list;
    });
    const users = c.list('okta.users', 'okta/users.json', `/api/v1/users?limit=${pageSize}`, 'id');
    // A user's `type` is only an id in the Users API; the org's user types (at most ten, one
    // unpaged list) give the names serviceAccountTypes is written against.
    const userTypes = (refused.has('okta.userTypes') ? Promise.resolve(undefined) : c.list('okta.userTypes', 'okta/userTypes.json', '/api/v1/meta/types/user', 'id')).then((list) => {
      if (!list) listWarnings.userTypes = 'Okta user types were not read (okta.userTypes): users are matched against serviceAccountTypes by profile.userType and type id only, and a user whose type cannot be named is not known to be a person.';
      return list;
    });
    const groupList = c.list('okta.groups', 'okta/groups.json', `/api/v1/groups?limit=${pageSize}`, 'id');
    // The custom authorization servers, their access policies and the policies' rules: whether a
    // service app can get a token from one at all (docs/snapshot-format.md). Independent of the rest.
    const authServers = refused.has('okta.authorizationServers')
      ? Promise.resolve()
      : readAuthServers(c, book, pageSize).then((read) => {
          if (!read) {
            listWarnings.authServers =
              "Okta's custom authorization servers were not read (okta.authorizationServers): a service app's link to a role or app that trusts a custom authorization server's tokens is conditional, since whether that server is active, issues tokens for the trust's audience and lets the app use the client_credentials grant is not known.";
          }
        });

    // Per-user calls only for users that can act as machines: API token owners, users that
    // look like service accounts, and users who can federate into AWS.
    // The selection also waits for the user types (one request, sent alongside the users), so
    // that which users are read does not depend on which answer came first.
    const userGroups = Promise.all([tokens, users, awsApps, appUsers, userTypes]).then(async ([tokenList, userList, awsIds, assigned, typeList]) => {
      progress(`okta: ${userList?.length ?? 0} users, ${tokenList?.length ?? 0} API tokens`);
      const relevant = new Set<string>(tokenOwnerIds(tokenList ?? []));
      const typeNames = new Map<string, Obj>();
      for (const t of typeList ?? []) if (typeof t.id === 'string' && !typeNames.has(t.id)) typeNames.set(t.id, t);
      for (const u of userList ?? []) {
        if (typeof u.id !== 'string') continue;
        // The configuration's conventions through the transform's own predicate: a user it will
        // call a service account is never left with its roles, factors and groups unread.
        if (looksLikeServiceAccount(u, patterns) || serviceAccountSignals(conventions, u.id, userSignalsOf(u, typeNames)).length > 0) relevant.add(u.id);
      }
      for (const id of awsIds ?? []) for (const uid of idsOf(assigned?.[id] ?? [])) relevant.add(uid);
      const userIds = [...relevant].sort();
      const perUser = (sub: string): ParentCall[] => userIds.map((id) => ({ key: id, path: `/api/v1/users/${enc(id)}${sub}` }));
      if (!userList) {
        // Without the user list the service accounts among the users cannot be picked, and the
        // transform makes user nodes from that list only: roles and factors read for the token
        // owners and AWS app users alone would be a partial file under a "collected" record, and
        // no rule could use them. They are not read; the AWS app users' groups still are (the
        // AWS link reads them by user id).
        const why = `needs the user list (okta.users), which was not read: the users whose roles and factors are read are picked from it`;
        book.note('okta.adminRoles', 'not-collected', why);
        book.note('okta.factors', 'not-collected', why);
        listWarnings.users = 'The Okta user list was not read (okta.users), so the users whose admin roles and MFA factors matter (service accounts, API token owners) could not be picked: okta.adminRoles and okta.factors were not collected.';
        progress(`okta: reading groups of ${userIds.length} users`);
        return c.perParent('okta.groups', 'okta/userGroups.json', perUser('/groups'), undefined, 'id');
      }
      progress(`okta: reading roles, factors and groups of ${userIds.length} users`);
      const [, , groupsOfUsers] = await Promise.all([
        c.perParent('okta.adminRoles', 'okta/userRoles.json', perUser('/roles'), undefined, 'type'),
        c.perParent('okta.factors', 'okta/userFactors.json', perUser('/factors')),
        c.perParent('okta.groups', 'okta/userGroups.json', perUser('/groups'), undefined, 'id'),
      ]);
      return groupsOfUsers;
    });

    // Group admin roles only for groups that reach a relevant user or an AWS app: one call per
    // group in a large org would dominate the run.
    const groupRoles = Promise.all([userGroups, awsApps, appGroups, users]).then(async ([ofUsers, awsIds, assigned, userList]) => {
      // okta.adminRoles is already not collected without the user list (above): group roles read
      // now would be ignored by the scan.
      if (!userList) return;
      const groupIds = new Set<string>();
      for (const gs of Object.values(ofUsers ?? {})) for (const g of idsOf(gs)) groupIds.add(g);
      for (const id of awsIds ?? []) for (const g of idsOf(assigned?.[id] ?? [])) groupIds.add(g);
      await c.perParent(
        'okta.adminRoles',
        'okta/groupRoles.json',
        [...groupIds].sort().map((id) => ({ key: id, path: `/api/v1/groups/${enc(id)}/roles` })),
        undefined,
        'type',
      );
    });

    // Wait for every read before returning or throwing, so nothing is still running afterwards.
    const settled = await Promise.allSettled([machineReads, groupList, groupRoles, userTypes, authServers]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const w of [listWarnings.tokens, listWarnings.userTypes, listWarnings.users, listWarnings.authServers]) if (w !== undefined) warnings.push(w);
  } finally {
    finish();
  }

  // Added once every read is done, by file name: the reads finish in any order.
  for (const file of [...dropped.keys()].sort()) warnings.push(droppedWarning(file, dropped.get(file)!));
  const manifest: Record<string, unknown> = { orgUrl, authMode: sdk.authMode };
  if (sdk.scopes) manifest.scopes = [...sdk.scopes];
  if (warnings.length > 0) manifest.warnings = warnings;
  return { files, coverage: book.records(), manifest, stats };
}

/**
 * A value dropped for its shape may have been a name or description the transform reads: the
 * warning says which file and where, never the value. The paths are capped: one listing can have
 * many.
 */
function droppedWarning(file: string, paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  const more = paths.length > 5 ? `, and ${paths.length - 5} more` : '';
  const what = paths.length === 1 ? 'a value shaped like a credential' : `${paths.length} values shaped like a credential`;
  return `${file}: ${what} (an authorization header value, a PEM block or a JWT) ${paths.length === 1 ? 'was' : 'were'} left out of the snapshot and the scan: ${shown}${more}`;
}

/**
 * Reads the org's custom authorization servers, each one's access policies and each policy's rules
 * (okta.authorizationServers.read; Okta Management API, "Authorization Servers", "Authorization
 * Server Policies" and "Authorization Server Rules":
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServer/,
 * .../tag/AuthorizationServerPolicies, .../tag/AuthorizationServerRules). The SDK's
 * AuthorizationServerApi calls the same paths (listAuthorizationServers with `limit`/`after`,
 * listAuthorizationServerPolicies, listAuthorizationServerPolicyRules); they are read here like
 * every other listing, following `Link: rel="next"` on each. The rules are keyed by policy id
 * (Okta's policy ids are unique in the org). True when all three were read whole.
 */
async function readAuthServers(c: Collector, book: CoverageBook, pageSize: number): Promise<boolean> {
  const servers = await c.list('okta.authorizationServers', 'okta/authorizationServers.json', `/api/v1/authorizationServers?limit=${pageSize}`, 'id');
  if (!servers) return false;
  const serverPath = (s: Obj) => `/api/v1/authorizationServers/${enc(s.id)}/policies`;
  const policies = await c.perParent('okta.authorizationServers', 'okta/authServerPolicies.json', servers.map((s) => ({ key: String(s.id), path: serverPath(s) })), undefined, 'id');
  if (!policies) return false;
  const rules: ParentCall[] = [];
  for (const s of servers) for (const p of policies[String(s.id)] ?? []) rules.push({ key: String(p.id), path: `${serverPath(s)}/${enc(p.id)}/rules` });
  await c.perParent('okta.authorizationServers', 'okta/authServerPolicyRules.json', rules, undefined, 'id');
  return book.status('okta.authorizationServers') === 'collected';
}

function enc(id: unknown): string {
  return encodeURIComponent(String(id));
}

/** Scope each capability's read calls need, for missing-permission reasons. */
const SCOPE_HINT: Record<OktaCapability, string> = {
  'okta.apps': 'okta.apps.read',
  'okta.appCredentials': 'okta.apps.read',
  'okta.appGrants': 'okta.appGrants.read',
  'okta.clientRoles': 'okta.roles.read',
  'okta.apiTokens': 'okta.apiTokens.read',
  'okta.users': 'okta.users.read',
  'okta.adminRoles': 'okta.roles.read',
  'okta.factors': 'okta.users.read',
  'okta.groups': 'okta.groups.read / okta.users.read',
  'okta.appAssignments': 'okta.apps.read',
  'okta.userTypes': 'okta.userTypes.read',
  'okta.authorizationServers': 'okta.authorizationServers.read',
};

/** Runs list calls and records their outcome per capability. */
class Collector {
  constructor(
    private readonly sdk: OktaSdk,
    private readonly orgUrl: string,
    private readonly concurrency: number,
    private readonly book: CoverageBook,
    private readonly files: Record<string, unknown>,
    private readonly onPage: () => void,
    private readonly stop: AbortSignal | undefined,
    private readonly maxPages: number,
    private readonly dropped: Map<string, string[]>,
  ) {}

  /** Notes the paths of values of `file` that redaction dropped for their shape. */
  private noteDropped(file: string, paths: string[] | undefined): void {
    if (!paths || paths.length === 0) return;
    const list = this.dropped.get(file);
    if (list) appendAll(list, paths);
    else this.dropped.set(file, [...paths]);
  }

  /**
   * Set once the credential is refused mid-run, or the token endpoint limited or failed the
   * request for a new access token: later reads fail at once instead of asking again.
   */
  private authDead?: unknown;

  private answered: () => void = () => undefined;
  /** Settles when the first read has been answered (or has failed). */
  readonly firstAnswer = new Promise<void>((resolve) => {
    this.answered = resolve;
  });

  private get = (url: string): Promise<FetchResponse> => {
    if (this.stop?.aborted) return Promise.reject(this.stop.reason);
    if (this.authDead !== undefined) return Promise.reject(this.authDead);
    const req = this.sdk.client.http.http(url, { method: 'get', headers: { Accept: 'application/json' } } as never) as unknown as Promise<FetchResponse>;
    return req.then(
      (res) => {
        this.answered();
        return res;
      },
      (e: unknown) => {
        if (e instanceof OktaAuthError || e instanceof OktaTokenUnavailableError || (httpStatusOf(e) === 401 && !featureRefused(e))) this.authDead = e;
        this.answered();
        throw e;
      },
    );
  };

  private fetchList(path: string, itemsOf?: ItemsOf, key?: string): Promise<Obj[]> {
    return listAll(this.get, `${this.orgUrl}${path}`, this.onPage, this.maxPages, itemsOf, key);
  }

  /**
   * A 401 before anything was read means the credential is bad: stop with one clear error. A
   * 401 later (revoked or expired mid-run) keeps what was read: the capability becomes an
   * error record like any other failure, and the scan is reported as partial.
   */
  private rethrowAuth(e: unknown): void {
    // Stopped from outside: the collection ends, nothing is recorded as coverage.
    this.stop?.throwIfAborted();
    const midScan = Object.keys(this.files).length > 0;
    if (e instanceof OktaAuthError && !midScan) throw e;
    // The org lacks the feature (custom authorization servers), not a good credential.
    if (featureRefused(e)) return;
    if (httpStatusOf(e) === 401 && !midScan) {
      throw new OktaAuthError(
        this.sdk.authMode === 'ssws'
          ? 'Okta rejected the API token (HTTP 401): check OKTA_API_TOKEN and that its creator is still active'
          : 'Okta rejected the access token (HTTP 401): check the service app and its granted scopes',
      );
    }
  }

  private forbidden(cap: OktaCapability, e: unknown): string {
    if (featureRefused(e)) return `${describeError(e)}: Okta refuses the feature, which an org without API Access Management (custom authorization servers) answers`;
    return `${describeError(e)} (needs ${SCOPE_HINT[cap]} and an admin role that can read it)`;
  }

  /**
   * The token endpoint gave no new access token mid-run (429 past the wait allowed, or 5xx). Its
   * status reads like a listing's own 429, whose reads share one rate-limit bucket; this says
   * what was refused instead.
   */
  private tokenLost(e: OktaTokenUnavailableError): string {
    const what = e.status === 429 ? 'Okta limited the request for a new access token' : "Okta's token endpoint failed when asked for a new access token";
    return `${describeError(e)}: ${what}, and no read can go out without one; run again later`;
  }

  /**
   * A collection file: the whole listing or nothing. `key` names the field every item must carry
   * as a non-empty string (see listAll): the scan reads each item by it and would refuse the file,
   * stopping the whole scan, where a malformed listing costs only its capability.
   */
  async list(cap: OktaCapability, file: string, path: string, key?: string): Promise<Obj[] | undefined> {
    try {
      const items = await this.fetchList(path, undefined, key);
      const paths: string[] = [];
      this.files[file] = redactSecrets(items, (path) => paths.push(path));
      this.noteDropped(file, paths);
      this.book.note(cap, 'collected');
      return items;
    } catch (e) {
      this.rethrowAuth(e);
      if (httpStatusOf(e) === 403 || featureRefused(e)) this.book.note(cap, 'missing-permission', this.forbidden(cap, e));
      else if (e instanceof OktaTokenUnavailableError) this.book.note(cap, 'error', `${file} not read: ${this.tokenLost(e)}`);
      else this.book.note(cap, 'error', describeError(e));
      return undefined;
    }
  }

  /**
   * A relationship file: one listing per parent. Parents that fail are left out of the map
   * (so they read as "not read") and make the capability `error`; the first 403 stops the
   * rest, since the same scope guards them all. So does the first read that is still answered
   * 429 after its retries: the parents share one rate-limit bucket, and each further parent
   * would wait out the same reset (minutes) up to maxRetries times. `key` is as for `list`: a
   * parent whose listing has an item without it is one failed read.
   */
  async perParent(cap: OktaCapability, file: string, parents: ParentCall[], itemsOf?: ItemsOf, key?: string): Promise<Record<string, Obj[]> | undefined> {
    const got = new Map<string, Obj[]>();
    let forbidden: string | undefined;
    let throttled: string | undefined;
    let tokenLost: string | undefined;
    let skipped = 0;
    let failures = 0;
    let firstFailure: string | undefined;
    // Kept per parent and noted in parent order below: the reads finish in any order.
    const droppedOf = new Map<string, string[]>();
    const unique = dedupe(parents);
    await forEachPooled(unique, this.concurrency, async (p) => {
      if (forbidden !== undefined) return;
      if (throttled !== undefined || tokenLost !== undefined) {
        skipped++;
        return;
      }
      try {
        const items = await this.fetchList(p.path, itemsOf, key);
        const paths: string[] = [];
        got.set(p.key, redactSecrets(items, (path) => paths.push(path), `$[${JSON.stringify(p.key)}]`));
        if (paths.length > 0) droppedOf.set(p.key, paths);
      } catch (e) {
        this.rethrowAuth(e);
        if (httpStatusOf(e) === 403 || featureRefused(e)) {
          forbidden ??= this.forbidden(cap, e);
          return;
        }
        if (e instanceof OktaTokenUnavailableError) tokenLost ??= this.tokenLost(e);
        else if (httpStatusOf(e) === 429) throttled ??= describeError(e);
        failures++;
        firstFailure ??= describeError(e);
      }
    });
    if (forbidden !== undefined) {
      this.book.note(cap, 'missing-permission', forbidden);
      return undefined;
    }
    const out: Record<string, Obj[]> = {};
    for (const p of unique) {
      const v = got.get(p.key);
      if (v !== undefined) out[p.key] = v;
      this.noteDropped(file, droppedOf.get(p.key));
    }
    this.files[file] = out;
    if (tokenLost !== undefined) {
      this.book.note(cap, 'error', `${failures} of ${unique.length} reads for ${file} failed${skipped > 0 ? ` and ${skipped} were not tried` : ''}: ${tokenLost}`);
    } else if (throttled !== undefined) {
      this.book.note(cap, 'error', `${failures} of ${unique.length} reads for ${file} failed (first: ${firstFailure}) and ${skipped} were not tried: Okta still answered ${throttled} after the retries, and the other reads share its rate limit`);
    } else if (failures > 0) {
      this.book.note(cap, 'error', `${failures} of ${unique.length} reads for ${file} failed (first: ${firstFailure})`);
    } else {
      this.book.note(cap, 'collected');
    }
    return out;
  }
}

function dedupe(parents: ParentCall[]): ParentCall[] {
  const seen = new Set<string>();
  const out: ParentCall[] = [];
  for (const p of parents) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    out.push(p);
  }
  return out;
}
