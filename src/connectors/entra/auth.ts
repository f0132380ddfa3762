import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile as fsReadFile } from 'node:fs/promises';
import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { requestSignal, waitUntilStopped } from '../abort.js';
import { normalizeAuthorityHost, parseTrustedUrl } from './cloud.js';
import { EntraAuthError, EntraConfigError, cleanProviderText } from './errors.js';
import type { EntraCollectOptions, EntraCredential } from './options.js';
import { TENANT_GUID } from './env.js';
import { isObject } from '../../snapshot/shape.js';

/** Hands out Graph access tokens; `forceRefresh` bypasses MSAL's in-memory cache. */
export interface TokenSource {
  getToken(forceRefresh: boolean): Promise<string>;
  /** Token requests that went to the network (cache hits are not counted). */
  readonly networkRequests: number;
}

type MsalAuth = Configuration['auth'];
type ReadFile = (path: string) => Promise<string>;

const defaultReadFile: ReadFile = (path) => fsReadFile(path, 'utf8');

/**
 * Builds an MSAL confidential client for the client-credentials flow against `graphOrigin`.
 * With `tokenEndpoint`/`authorityMetadata` MSAL reads the endpoints from config and, because the
 * authority host is listed in `knownAuthorities`, never calls instance discovery (SDK-NOTES §1.3 A).
 */
export async function createTokenSource(opts: EntraCollectOptions, graphOrigin: string): Promise<TokenSource> {
  const readFile = opts.readFile ?? defaultReadFile;
  const authorityHost = normalizeAuthorityHost(opts.authorityHost);
  const authority = `${authorityHost}/${encodeURIComponent(opts.tenantId)}`;
  const auth: MsalAuth = {
    clientId: opts.clientId,
    authority,
    knownAuthorities: [new URL(authorityHost).host],
    authorityMetadata: authorityMetadataFor(opts, authority),
    ...(await credentialConfig(opts.credential, readFile)),
  };
  const log: NetworkLog = { sent: 0 };
  const networkClient = timedNetworkClient(opts.requestTimeoutMs ?? 60_000, opts.signal, log, waitUntilStopped(opts.sleep, opts.signal), opts.now ?? Date.now);
  const cca = new ConfidentialClientApplication({ auth, system: { networkClient } });
  const scopes = [`${graphOrigin}/.default`];
  let networkRequests = 0;
  return {
    get networkRequests() {
      return networkRequests;
    },
    async getToken(forceRefresh) {
      opts.signal?.throwIfAborted();
      const sentBefore = log.sent;
      let result;
      try {
        result = await cca.acquireTokenByClientCredential({ scopes, skipCache: forceRefresh });
      } catch (err) {
        // Stopped from outside: not this credential's failure.
        opts.signal?.throwIfAborted();
        const sent = log.sent > sentBefore;
        throw authErrorFrom(err, opts, sent ? log.lastNoAnswer : undefined, sent ? { status: log.lastStatus, url: log.lastUrl, attempts: log.sent - sentBefore } : undefined);
      }
      if (!result?.accessToken) throw new EntraAuthError('the token endpoint returned no access token');
      if (!result.fromCache) networkRequests++;
      return result.accessToken;
    },
  };
}

/**
 * The tenant an access token was issued in: the `tid` claim of its payload (a GUID; Microsoft
 * identity platform, "Access token claims reference"), in lower case as Graph writes ids.
 * Undefined when the token is not a three-part JWT (the platform may issue opaque or encrypted
 * tokens, and tells clients not to depend on their format) or its tid is not a GUID. Only the
 * payload is decoded, nothing is verified (the token came from the token endpoint just asked),
 * and the token is neither kept nor logged.
 */
export function tenantIdOfAccessToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const tid = isObject(payload) ? payload.tid : undefined;
    return typeof tid === 'string' && TENANT_GUID.test(tid) ? tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function authorityMetadataFor(opts: EntraCollectOptions, authority: string): string | undefined {
  if (opts.authorityMetadata !== undefined) {
    return typeof opts.authorityMetadata === 'string' ? opts.authorityMetadata : JSON.stringify(opts.authorityMetadata);
  }
  if (!opts.tokenEndpoint) return undefined;
  const tokenEndpoint = parseTrustedUrl(opts.tokenEndpoint, 'the token endpoint', true).href;
  // MSAL only checks that these four keys exist; only token_endpoint is used by client credentials.
  return JSON.stringify({
    token_endpoint: tokenEndpoint,
    authorization_endpoint: tokenEndpoint.replace(/\/token$/, '/authorize'),
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  });
}

async function credentialConfig(cred: EntraCredential, readFile: ReadFile): Promise<Partial<MsalAuth>> {
  switch (cred.kind) {
    case 'secret':
      return { clientSecret: cred.clientSecret };
    case 'certificate':
      return {
        clientCertificate: { thumbprintSha256: cred.thumbprintSha256, privateKey: cred.privateKey, x5c: cred.x5c },
      };
    case 'certificateFile':
      return { clientCertificate: parseCertificatePem(await readCertificateFile(cred.path, readFile), cred.password, cred.sendCertificateChain) };
    case 'federated':
      // Read once now: MSAL turns an error of the assertion callback into its own unknown_error,
      // so a missing or empty file would be reported as a refused credential.
      await readFederatedToken(cred.tokenFile, readFile);
      // Re-read on every token request: Kubernetes and CI runners rotate the projected token.
      return { clientAssertion: () => readFederatedToken(cred.tokenFile, readFile) };
  }
}

async function readFederatedToken(path: string, readFile: ReadFile): Promise<string> {
  let token: string;
  try {
    token = (await readFile(path)).trim();
  } catch {
    throw new EntraConfigError('cannot read the federated token file', 'check AZURE_FEDERATED_TOKEN_FILE');
  }
  if (!token) throw new EntraConfigError('the federated token file is empty', 'check AZURE_FEDERATED_TOKEN_FILE');
  return token;
}

async function readCertificateFile(path: string, readFile: ReadFile): Promise<string> {
  try {
    return await readFile(path);
  } catch {
    throw new EntraConfigError('cannot read the certificate file', 'check AZURE_CLIENT_CERTIFICATE_PATH');
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Splits a PEM holding a certificate and its private key (the `AZURE_CLIENT_CERTIFICATE_PATH`
 * format) into what MSAL wants: SHA-256 thumbprint of the leaf, an unencrypted PKCS#8 key, and
 * optionally the chain for the `x5c` header (needed for subject-name/issuer authentication).
 */
export function parseCertificatePem(
  pem: string,
  password?: string,
  sendChain = false,
): { thumbprintSha256: string; privateKey: string; x5c?: string } {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE').map((b) => b[0]);
  const keyBlock = blocks.find((b) => b[1].endsWith('PRIVATE KEY'));
  if (certs.length === 0 || !keyBlock) {
    throw new EntraConfigError(
      'the certificate file must hold a PEM certificate and its private key',
      'concatenate the certificate and the key into one PEM file (AZURE_CLIENT_CERTIFICATE_PATH)',
    );
  }
  let privateKey: string;
  try {
    privateKey = createPrivateKey({ key: keyBlock[0], passphrase: password })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  } catch {
    throw new EntraConfigError('cannot read the private key in the certificate file', 'check AZURE_CLIENT_CERTIFICATE_PASSWORD');
  }
  let thumbprintSha256: string;
  try {
    thumbprintSha256 = new X509Certificate(certs[0]).fingerprint256.replace(/:/g, '');
  } catch {
    throw new EntraConfigError('cannot read the certificate in the certificate file', 'check AZURE_CLIENT_CERTIFICATE_PATH');
  }
  return { thumbprintSha256, privateKey, ...(sendChain ? { x5c: certs.join('\n') } : {}) };
}

const NETWORK_HINT = 'check network access to the authority host (and --entra-authority or AZURE_AUTHORITY_HOST)';

const HINTS: Record<EntraCredential['kind'], string> = {
  secret: 'check AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (expired secret?)',
  certificate: 'check that the certificate is uploaded to the app registration',
  certificateFile: 'check that the certificate is uploaded to the app registration',
  federated: 'check the federated credential (issuer, subject, audience) on the app registration',
};

/** MSAL's error code for a token request the network module gave up on. */
const TIMED_OUT = 'request_timed_out';
/** MSAL's error code for a token request that got no HTTP answer at all. */
const UNREACHABLE = 'network_error';
/** Our code for an answer that was a redirect (not followed: it would re-send the form). */
const REDIRECTED = 'redirect_refused';
/**
 * MSAL's code when it has no OpenID configuration for the authority: the read of
 * `{authority}/v2.0/.well-known/openid-configuration` got no answer, or an answer that is not
 * one (an unknown tenant: 400 invalid_tenant). Only the network client knows which.
 */
const NO_ENDPOINTS = 'endpoints_resolution_error';

/** How a request of the network client ended when it got no HTTP answer at all. */
type NoAnswer = 'timeout' | 'no-answer';

/**
 * What the network client saw. MSAL drops the network error of the OpenID configuration read
 * (Authority.getEndpointMetadataFromNetwork returns null on any error) and reports only
 * endpoints_resolution_error, so the token source looks here to tell a host that did not answer
 * from a tenant it does not know. MSAL reads the configuration over the network only for an
 * authority host whose endpoints it does not carry (not login.microsoftonline.com, .us or
 * partner.microsoftonline.cn; login.chinacloudapi.cn and custom hosts).
 */
interface NetworkLog {
  /** Requests sent so far. */
  sent: number;
  /** How the last request to end ended, when it got no answer; undefined when it was answered. */
  lastNoAnswer?: NoAnswer;
  /** The HTTP status of the last request to end, when it was answered. */
  lastStatus?: number;
  /** Where the last request went: origin and path, no query (for reasons; never a secret). */
  lastUrl?: string;
}

/**
 * A token POST answered 429 or 5xx is sent again at most this many times. MSAL itself never
 * retries: it remembers the answer for the request (60 s, or the Retry-After up to an hour) and
 * fails every later acquisition at once without asking again, so a single 503 would otherwise
 * cost the whole tenant.
 */
const TOKEN_RETRIES = 2;
/** Wait before retry n (0-based) when the answer named none: short, the run is waiting on it. */
const TOKEN_BACKOFF_MS = 500;
/**
 * Longest total wait for one token request. A Retry-After asking for more is not waited out:
 * the answer is final, and the collector records the tenant as not read (exit 3).
 */
const TOKEN_WAIT_BUDGET_MS = 10_000;

/**
 * MSAL's own network module sets no timeout on the token POST, so a token endpoint that never
 * answers hangs the collection, and it follows redirects, which would re-send the form (client
 * secret or assertion) to wherever a 307 points. This one bounds every request and refuses
 * redirects; like MSAL's, it returns 4xx/5xx answers for MSAL to read the error from. In `log` it
 * records whether each request got an answer. fetch rejects only when none came (connection
 * refused or reset, DNS, TLS), or when stopped; with `redirect: 'manual'` a redirect is an answer
 * instead of a rejection. A body that breaks off or never ends (timeout) counts as no answer.
 * A token POST answered 429 or 5xx is sent again a few times (TOKEN_RETRIES) within a short wait.
 */
function timedNetworkClient(timeoutMs: number, stop: AbortSignal | undefined, log: NetworkLog, sleep: (ms: number) => Promise<void>, now: () => number): INetworkModule {
  const sendOnce = async (url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions): Promise<{ res: Response; text: string }> => {
    const request = requestSignal(timeoutMs, stop);
    log.sent++;
    log.lastUrl = withoutQuery(url);
    try {
      const res = await fetch(url, {
        method,
        headers: options?.headers,
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        redirect: 'manual',
        signal: request.signal,
      });
      return { res, text: await res.text() };
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      log.lastNoAnswer = timedOut ? 'timeout' : 'no-answer';
      log.lastStatus = undefined;
      throw new AuthError(timedOut ? TIMED_OUT : UNREACHABLE, timedOut ? `no answer within ${timeoutMs} ms` : 'network request failed');
    } finally {
      request.done();
    }
  };
  const send = async <T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    let { res, text } = await sendOnce(url, method, options);
    // Only the token POST is asked again: a limited or failing token endpoint has judged nothing.
    // MSAL sees only the last answer, so its own memory of a 429/5xx holds just that one.
    let waited = 0;
    for (let retry = 0; method === 'POST' && (res.status === 429 || res.status >= 500) && retry < TOKEN_RETRIES; retry++) {
      const wait = retryAfterMs(res.headers.get('retry-after'), now) ?? TOKEN_BACKOFF_MS * 2 ** retry;
      if (waited + wait > TOKEN_WAIT_BUDGET_MS) break;
      waited += wait;
      await sleep(wait);
      ({ res, text } = await sendOnce(url, method, options));
    }
    log.lastNoAnswer = undefined;
    log.lastStatus = res.status;
    if (res.status >= 300 && res.status < 400) throw new AuthError(REDIRECTED, `answered ${res.status} (a redirect, not followed)`);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Not echoed: a token answer carries the access token.
      throw new AuthError('token_parsing_error', 'the token endpoint answered with a body that is not JSON');
    }
    return { headers, body: body as T, status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(value: string | null, now: () => number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now();
  return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}

/** Origin and path of a URL, for a reason: a query could carry something that is not ours to print. */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the token endpoint';
  }
}

/**
 * Turns an MSAL error into one line: error code and AADSTS number only, never the raw text.
 * `noAnswer`: the last of this acquisition's requests to end got no answer (how); MSAL then gave
 * up for that reason, whatever code it reports. `answered`: that request's HTTP status otherwise.
 */
function authErrorFrom(err: unknown, opts: EntraCollectOptions, noAnswer: NoAnswer | undefined, last?: { status?: number; url?: string; attempts: number }): Error {
  const answered = last?.status;
  if (err instanceof EntraConfigError) return err;
  const e = err as { errorCode?: unknown; errorMessage?: unknown; message?: unknown };
  const code = cleanProviderText(e.errorCode ?? 'unknown_error', 60).replace(/[^\w.-]/g, '_');
  const text = String(e.errorMessage ?? e.message ?? '');
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  const tenant = cleanProviderText(opts.tenantId, 80);
  if (code === TIMED_OUT || noAnswer === 'timeout') {
    return new EntraAuthError(`token request for tenant ${tenant} timed out (no answer within ${opts.requestTimeoutMs ?? 60_000} ms)`, 'check network access to the authority host', {
      unreachable: true,
    });
  }
  if (code === UNREACHABLE || noAnswer === 'no-answer') {
    // The token POST itself, or (no token endpoint given) the authority's OpenID configuration.
    const what = code === UNREACHABLE ? 'the token endpoint' : 'the authority host';
    return new EntraAuthError(`token request for tenant ${tenant} failed: ${what} could not be reached`, NETWORK_HINT, { unreachable: true });
  }
  if (code === NO_ENDPOINTS) {
    // Answered, but not with an OpenID configuration: most often a tenant the authority does not know.
    return new EntraAuthError(
      `token request for tenant ${tenant} failed: ${code}`,
      'check the tenant id (AZURE_TENANT_ID or --entra-tenant) and the authority host (--entra-authority or AZURE_AUTHORITY_HOST)',
    );
  }
  if (code === REDIRECTED) {
    return new EntraAuthError(
      `token request for tenant ${tenant} failed: the authority answered with a redirect, which is not followed`,
      'check the authority host (--entra-authority or AZURE_AUTHORITY_HOST) and any proxy in between',
    );
  }
  if (answered !== undefined && (answered === 429 || answered >= 500)) {
    // The endpoint is limiting requests or failing: the credential's hint (an expired secret?)
    // would send the user after the wrong thing.
    const why = answered === 429 ? 'limited the request' : 'failed';
    return new EntraAuthError(
      `token request for tenant ${tenant} failed: the token endpoint ${why} (HTTP ${answered}, ${code}${aadsts ? `, ${aadsts}` : ''})`,
      'not a refusal of the credential; try again later',
      { status: answered, ...(last?.url ? { endpoint: last.url } : {}), attempts: last!.attempts },
    );
  }
  return new EntraAuthError(`token request for tenant ${tenant} failed: ${code}${aadsts ? ` (${aadsts})` : ''}`, HINTS[opts.credential.kind]);
}
