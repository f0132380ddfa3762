import { X509Certificate, constants, createHash, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntraDataset } from './entra-dataset.js';
import { allowedBy, documentedCall } from './entra-permissions.js';
import { holdUntil } from './latency.js';
import { writableAgain } from './backpressure.js';

/** Faults and credentials of one fake tenant. */
export interface EntraFakeOptions {
  dataset: EntraDataset;
  clientId: string;
  /** Domain names the token endpoint also accepts as the tenant (`/contoso.onmicrosoft.com/oauth2/v2.0/token`). */
  tenantDomains?: string[];
  /**
   * Access tokens shaped as the Microsoft identity platform issues them: a JWT whose payload names
   * the tenant in `tid` (the dataset's tenant id; a string given here instead). Default: an opaque
   * string, as a token the client must not read may be.
   */
  jwtAccessTokens?: boolean | { tid: string };
  /** Accept `client_secret` equal to this. */
  clientSecret?: string;
  /** Accept PS256 client assertions signed by the key of this PEM certificate. */
  certificatePem?: string;
  /** Accept this exact `client_assertion` (workload identity federation). */
  federatedAssertion?: string;
  /** Largest page served, whatever `$top` asks. Default 100. */
  pageSize?: number;
  latencyMs?: number;
  /** Versioned paths (no query) answered with 403, also inside `$batch`, e.g. `/beta/reports/x`. */
  forbid?: string[];
  /**
   * 403 when `$select` on this versioned path names this property; with `status` 400, the
   * BadRequest a service that does not know the property answers.
   */
  forbidSelect?: { path: string; property: string; status?: 400 }[];
  /** First `times` requests to a versioned path (or `/v1.0/$batch`) get 429 + Retry-After. */
  throttle?: Record<string, { times: number; retryAfter?: string }>;
  /** Token requests are answered `307 Temporary Redirect` to this URL (fetch would re-send the form). */
  redirectTokenTo?: string;
  /**
   * Every token request is answered with this status and an OAuth error body (`temporarily_unavailable`
   * for 429 and 503, `server_error` otherwise), as a failing or limiting authority would.
   */
  tokenStatus?: number;
  /** Only the first this many token requests get `tokenStatus`; the later ones are served as usual. Default: all. */
  tokenStatusTimes?: number;
  /**
   * Graph's documented page limit for `/users` when `signInActivity` is selected (user-list: 500).
   * When set, a larger `$top` there is answered 400, as a real tenant may.
   */
  signInActivityMaxTop?: number;
  /** The first `times` `$batch` POSTs are answered with this status as a whole (not per item). */
  failBatches?: { status: number; times: number };
  /** The first this many token requests are never answered (only the client's timeout ends them). */
  hangTokenRequests?: number;
  /** The first token issued stops working after this many Graph requests (401). */
  expireFirstTokenAfterCalls?: number;
  /** Versioned paths (no query), also inside `$batch`, whose every page carries a `null` item (a malformed page). */
  nullItemOn?: string[];
  /**
   * Versioned paths (no query), also inside `$batch`, answered 200 with this body as it is: a
   * success status around an error object or `{}` (a misbehaving Graph or proxy).
   */
  okBodyOn?: Record<string, unknown>;
  /**
   * Versioned paths (no query, not inside `$batch`) answered 200 with a JSON page padded to this
   * many bytes, sent in chunks with no Content-Length: a body far larger than any real page.
   */
  oversizedOn?: Record<string, number>;
  /** Versioned paths (no query, not inside `$batch`) answered `302 Found` to this URL (a proxy's or a portal's redirect). */
  redirectOn?: Record<string, string>;
  /** Rewrites the nextLink the fake would emit (foreign origin, loops). */
  rewriteNextLink?: (link: string, versionedPath: string) => string;
  /**
   * Application permissions consented to the client. When set, tokens carry them and every Graph
   * GET needs one that docs/entra-permissions.md lists for it (403 otherwise). Default: no check.
   */
  grantedPermissions?: string[];
}

export interface EntraFake {
  url: string;
  tokenEndpoint: string;
  counts: { token: number; graph: number; batchItems: number; rejectedAuth: number };
  /** Every HTTP request and every `$batch` item (path without query, status). */
  log: { path: string; status: number; inBatch: boolean }[];
  /** Last token-request form fields, for credential assertions (never contains what we do not send). */
  tokenForms: Record<string, string>[];
  /** GETs (path without query) that docs/entra-permissions.md does not list, whatever was granted. */
  undocumented: string[];
  /** GETs refused because no granted permission covers them (only with `grantedPermissions`). */
  refused: string[];
  close(): Promise<void>;
}

interface Served {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const graphError = (status: number, code: string, headers?: Record<string, string>, message = `${code} (fake)`): Served => ({
  status,
  headers,
  body: { error: { code, message, innerError: { date: '2026-11-28T00:00:00' } } },
});

/** A token endpoint plus Graph v1.0/beta on one 127.0.0.1 port, generated from a dataset. */
export async function startEntraFake(opts: EntraFakeOptions): Promise<EntraFake> {
  const pageSize = opts.pageSize ?? 100;
  const tenant = opts.dataset.tenantId;
  const tokens = new Map<string, { calls: number; limit: number }>();
  const undocumented: string[] = [];
  const refused: string[] = [];
  const throttleLeft = new Map(Object.entries(opts.throttle ?? {}).map(([k, v]) => [k, { ...v }]));
  const counts = { token: 0, graph: 0, batchItems: 0, rejectedAuth: 0 };
  const log: EntraFake['log'] = [];
  const tokenForms: Record<string, string>[] = [];
  const cert = opts.certificatePem ? new X509Certificate(opts.certificatePem) : undefined;
  let hangTokens = opts.hangTokenRequests ?? 0;
  let failedBatches = 0;
  let statusTokensLeft = opts.tokenStatusTimes ?? Infinity;

  const issueToken = (): string => {
    const token = opts.jwtAccessTokens ? fakeJwt(opts.jwtAccessTokens === true ? tenant : opts.jwtAccessTokens.tid) : `fake-at-${randomBytes(12).toString('hex')}`;
    const first = tokens.size === 0;
    tokens.set(token, { calls: 0, limit: first && opts.expireFirstTokenAfterCalls !== undefined ? opts.expireFirstTokenAfterCalls : Infinity });
    return token;
  };

  const checkClient = (form: Record<string, string>, endpoint: string): string | undefined => {
    if (form.client_id !== opts.clientId) return 'AADSTS700016: unknown client';
    if (form.grant_type !== 'client_credentials') return 'unsupported grant';
    if (form.client_secret !== undefined) return form.client_secret === opts.clientSecret && opts.clientSecret ? undefined : 'AADSTS7000215: invalid secret';
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return 'no credential';
    if (opts.federatedAssertion !== undefined && form.client_assertion === opts.federatedAssertion) return undefined;
    if (cert) return checkCertificateAssertion(form.client_assertion, cert, opts.clientId, endpoint);
    return 'AADSTS700027: assertion rejected';
  };

  const serveToken = (form: Record<string, string>, host: string, path: string): Served => {
    counts.token++;
    tokenForms.push(form);
    if (![tenant, ...(opts.tenantDomains ?? [])].some((t) => path === `/${t}/oauth2/v2.0/token`)) return { status: 400, body: { error: 'invalid_tenant', error_description: 'AADSTS90002: tenant not found' } };
    const problem = checkClient(form, `http://${host}${path}`);
    if (problem) return { status: 401, body: { error: 'invalid_client', error_description: problem } };
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: issueToken() } };
  };

  const takeThrottle = (key: string): Served | undefined => {
    const t = throttleLeft.get(key);
    if (!t || t.times <= 0) return undefined;
    t.times--;
    return graphError(429, 'TooManyRequests', t.retryAfter === undefined ? undefined : { 'Retry-After': t.retryAfter });
  };

  /** One GET against the dataset; `relative` is path+query after the version. */
  const serveGet = (version: string, relative: string, host: string): Served => {
    const url = new URL(relative, 'http://fake.invalid');
    const path = decodeURIComponent(url.pathname);
    const key = `/${version}${path}`;
    const select = url.searchParams.get('$select')?.split(',');
    if (!documentedCall(key)) undocumented.push(key);
    if (opts.grantedPermissions && !allowedBy(opts.grantedPermissions, key, select)) {
      refused.push(key);
      return graphError(403, 'Authorization_RequestDenied');
    }
    const throttled = takeThrottle(key);
    if (throttled) return throttled;
    if (opts.signInActivityMaxTop !== undefined && key === '/v1.0/users' && select?.includes('signInActivity')) {
      if (Number(url.searchParams.get('$top') ?? 0) > opts.signInActivityMaxTop) return graphError(400, 'Request_UnsupportedQuery');
    }
    if (opts.forbid?.includes(key)) return graphError(403, 'Authorization_RequestDenied');
    for (const f of opts.forbidSelect ?? []) {
      if (f.path === key && select?.includes(f.property)) {
        // Graph's answer to a $select of a property the type does not have names the property.
        if (f.status === 400) return graphError(400, 'BadRequest', undefined, `Could not find a property named '${f.property}' on type 'microsoft.graph.servicePrincipal'.`);
        return graphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
      }
    }
    const okBody = opts.okBodyOn?.[key];
    if (okBody !== undefined) return { status: 200, body: okBody };
    const single = opts.dataset.singletons?.[path];
    if (single) return { status: 200, body: { '@odata.context': `http://${host}/${version}/$metadata#${path}`, ...project(single, select) } };
    // GET /groups/{id}: one group of the group list, as Graph answers it (group-get).
    const groupId = /^\/groups\/([^/]+)$/.exec(path)?.[1];
    const group = groupId === undefined ? undefined : opts.dataset.v1['/groups']?.find((g) => g.id === groupId);
    if (group) return { status: 200, body: { '@odata.context': `http://${host}/${version}/$metadata#groups(${select?.join(',') ?? ''})/$entity`, ...project(group, select) } };
    const data = (version === 'beta' ? opts.dataset.beta[path] : undefined) ?? opts.dataset.v1[path];
    if (!data) return graphError(404, 'Request_ResourceNotFound');
    let items = data;
    if (url.searchParams.get('$filter') === 'isAssignableToRole eq true') items = items.filter((x) => x.isAssignableToRole === true);
    const top = Math.min(Number(url.searchParams.get('$top') ?? pageSize) || pageSize, pageSize);
    const offset = Number(url.searchParams.get('$skiptoken') ?? 0);
    const page: unknown[] = items.slice(offset, offset + top).map((item) => project(item, select));
    if (opts.nullItemOn?.includes(key)) page.push(null);
    const body: Record<string, unknown> = { '@odata.context': `http://${host}/${version}/$metadata#${path}`, value: page };
    if (offset + top < items.length) {
      const query = url.search.slice(1).split('&').filter((p) => p && !p.startsWith('$skiptoken=')).join('&');
      const link = `http://${host}/${version}${url.pathname}?${query ? `${query}&` : ''}$skiptoken=${offset + top}`;
      body['@odata.nextLink'] = opts.rewriteNextLink ? opts.rewriteNextLink(link, key) : link;
    }
    return { status: 200, body };
  };

  const serveBatch = (version: string, body: unknown, host: string): Served => {
    const requests = (body as { requests?: { id: string; method: string; url: string }[] })?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > 20) return graphError(400, 'BadRequest');
    const responses = requests.map((r) => {
      counts.batchItems++;
      const served = r.method === 'GET' ? serveGet(version, r.url, host) : graphError(405, 'MethodNotAllowed');
      log.push({ path: `/${version}${r.url.split('?')[0]}`, status: served.status, inBatch: true });
      return { id: r.id, status: served.status, headers: { 'Content-Type': 'application/json', ...served.headers }, body: served.body };
    });
    // Graph answers batch items in any order.
    return { status: 200, body: { responses: responses.reverse() } };
  };

  const authorize = (req: IncomingMessage): boolean => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const state = token ? tokens.get(token) : undefined;
    if (!state || state.calls >= state.limit) return false;
    state.calls++;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    // The answer leaves latencyMs after the request arrived, built meanwhile (see holdUntil).
    if (opts.latencyMs) holdUntil(res, performance.now() + opts.latencyMs);
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    let served: Served;
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token') && hangTokens > 0) {
      hangTokens--;
      counts.token++;
      return;
    }
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token') && opts.redirectTokenTo) {
      counts.token++;
      served = { status: 307, headers: { location: opts.redirectTokenTo }, body: {} };
    } else if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token') && opts.tokenStatus !== undefined && statusTokensLeft > 0) {
      statusTokensLeft--;
      counts.token++;
      const error = opts.tokenStatus === 429 || opts.tokenStatus === 503 ? 'temporarily_unavailable' : 'server_error';
      served = { status: opts.tokenStatus, headers: opts.tokenStatus === 429 ? { 'retry-after': '120' } : {}, body: { error, error_description: 'AADSTS50000: There was an error issuing a token.', error_codes: [50000] } };
    } else if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) {
      served = serveToken(Object.fromEntries(new URLSearchParams(raw)), host, url.pathname);
    } else {
      counts.graph++;
      const [, version, ...rest] = url.pathname.split('/');
      const relative = `/${rest.join('/')}${url.search}`;
      if (version !== 'v1.0' && version !== 'beta') served = graphError(404, 'UnknownVersion');
      else if (!authorize(req)) {
        counts.rejectedAuth++;
        served = graphError(401, 'InvalidAuthenticationToken');
      } else if (req.method === 'POST' && rest.join('/') === '$batch' && failedBatches < (opts.failBatches?.times ?? 0)) {
        failedBatches++;
        served = graphError(opts.failBatches!.status, 'Request_ResourceNotFound');
      } else if (req.method === 'POST' && rest.join('/') === '$batch') {
        served = takeThrottle(`/${version}/$batch`) ?? serveBatch(version, safeJson(raw), host);
      } else if (req.method === 'GET' && opts.redirectOn?.[url.pathname] !== undefined) {
        served = { status: 302, headers: { location: opts.redirectOn[url.pathname] }, body: {} };
      } else if (req.method === 'GET') served = serveGet(version, relative, host);
      else served = graphError(405, 'MethodNotAllowed');
    }
    log.push({ path: url.pathname, status: served.status, inBatch: false });
    const oversized = served.status === 200 && req.method === 'GET' ? opts.oversizedOn?.[url.pathname] : undefined;
    if (oversized !== undefined) return sendOversized(res, oversized);
    res.writeHead(served.status, { 'content-type': 'application/json', ...served.headers });
    res.end(JSON.stringify(served.body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tokenEndpoint: `${url}/${tenant}/oauth2/v2.0/token`,
    counts,
    log,
    tokenForms,
    undocumented,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Verifies what MSAL signs for a certificate credential (SDK-NOTES §1.2): PS256, x5t#S256, aud. */
function checkCertificateAssertion(jwt: string | undefined, cert: X509Certificate, clientId: string, endpoint: string): string | undefined {
  const parts = (jwt ?? '').split('.');
  if (parts.length !== 3) return 'AADSTS50027: malformed assertion';
  const [h, p, s] = parts;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const thumb = createHash('sha256').update(cert.raw).digest('base64url');
  if (header.alg !== 'PS256') return 'AADSTS5002730: wrong alg';
  if (header['x5t#S256'] !== thumb) return 'AADSTS700027: unknown certificate';
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) return 'AADSTS700027: bad signature';
  if (payload.aud !== endpoint || payload.iss !== clientId || payload.sub !== clientId) return 'AADSTS700027: bad claims';
  if (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) return 'AADSTS700027: expired';
  return undefined;
}

/** A JWT-shaped access token for Graph naming tenant `tid` (signed by nothing: the fake only matches it whole). */
function fakeJwt(tid: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid: 'fake' };
  const payload = { aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + 3599, tid, uti: randomBytes(12).toString('hex') };
  return `${part(header)}.${part(payload)}.${randomBytes(32).toString('base64url')}`;
}

function project(item: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (k === 'id' || k.startsWith('@odata.') || select.includes(k)) out[k] = v;
  return out;
}

/**
 * A valid JSON page of about `bytes` bytes, chunked. Stops writing once the client has gone, so a
 * client that gives up early is not fed the rest.
 */
async function sendOversized(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  const chunk = `{"id":"${'x'.repeat(16 * 1024)}"},`;
  res.write('{"value":[');
  let sent = 0;
  while (sent < bytes && !res.destroyed) {
    if (!res.write(chunk)) await writableAgain(res);
    sent += chunk.length;
  }
  if (!res.destroyed) res.end('{"id":"last"}]}');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
