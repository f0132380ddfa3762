import { readFileSync } from 'node:fs';
import type { ProgressFn } from '../../snapshot/types.js';
import type { OktaCapability } from './coverage.js';
import { OktaConfigError } from './errors.js';
import { readOktaOrgUrl } from './org-url.js';
import type { ServiceAccountConventions } from './selection.js';

/**
 * Read-only Okta API scopes the OAuth service app needs (see docs/okta-permissions.md).
 * Per-user factors and groups are served under `okta.users.read`; `okta.factors.read` covers
 * the org-level factor settings, which the collector does not read.
 */
export const OKTA_READ_SCOPES: readonly string[] = [
  'okta.apps.read',
  'okta.appGrants.read',
  'okta.users.read',
  'okta.groups.read',
  'okta.roles.read',
  'okta.apiTokens.read',
  'okta.userTypes.read',
  'okta.authorizationServers.read',
];

export interface OptionalScope {
  scope: string;
  capability: OktaCapability;
}

/**
 * Scopes of {@link OKTA_READ_SCOPES} added after service apps were already set up, with the
 * capability each one serves. Okta's org authorization server checks every requested scope
 * against the app's grants and refuses the whole token request (`invalid_scope`) for one that is
 * not granted; when the default scopes were requested, the collector asks once more without
 * these and records their capability as `missing-permission` instead of reading nothing.
 */
export const OKTA_OPTIONAL_SCOPES: readonly OptionalScope[] = [
  { scope: 'okta.userTypes.read', capability: 'okta.userTypes' },
  { scope: 'okta.authorizationServers.read', capability: 'okta.authorizationServers' },
];

/** How the collector authenticates to the Okta Management API. */
export type OktaAuth =
  | {
      /** SSWS API token: carries the full admin rights of the user who created it. */
      kind: 'ssws';
      token: string;
    }
  | {
      /** OAuth 2.0 service app with `private_key_jwt` client authentication. */
      kind: 'privateKey';
      clientId: string;
      /** RSA private key as PEM or JWK (JSON string or object). */
      privateKey: string | Record<string, unknown>;
      /** `kid` registered on the app; a `kid` inside a JWK wins (SDK behaviour). */
      keyId?: string;
      /**
       * Defaults to {@link OKTA_READ_SCOPES} (less {@link OKTA_OPTIONAL_SCOPES} if Okta refuses
       * those); scopes given here are requested exactly as given.
       */
      scopes?: readonly string[];
    };

/** Injected time source so rate-limit pauses are testable without waiting. */
export interface OktaClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Everything `collectOkta` needs. Only `orgUrl` and `auth` are required. */
export interface OktaCollectOptions {
  /** e.g. `https://contoso.okta.com`; a trailing slash is removed. */
  orgUrl: string;
  auth: OktaAuth;
  /** Page size for list endpoints (Okta caps most lists at 200). Default 200. */
  pageSize?: number;
  /** Maximum requests in flight at once. Default 3. */
  maxConcurrent?: number;
  /** Retries of one request after HTTP 429. Default 4. */
  maxRetries?: number;
  /** Share of a bucket's limit kept unused for other API clients of the org. Default 0.1. */
  rateLimitReserve?: number;
  /**
   * Added to every wait for `X-Rate-Limit-Reset`. Default 100 ms. The reset is a time on Okta's
   * clock; the collector bounds how far its own clock is ahead of Okta's from the `Date` header
   * of every answer, and allows 900 ms more until the first one has arrived.
   */
  resetPaddingMs?: number;
  /**
   * Pages read from one listing before it is recorded as an error (a server that never stops
   * sending a next link). Default 10,000; tests lower it.
   */
  maxPagesPerListing?: number;
  /**
   * Bytes of one answer read before it is given up as too large (an error record for the
   * capability, nothing of it kept). Default 64 MiB (MAX_RESPONSE_BYTES in ../limits.ts).
   */
  maxResponseBytes?: number;
  /** Socket timeout per request. Default 60 s. */
  requestTimeoutMs?: number;
  /**
   * The collector's own service-account heuristics, tested against `profile.login`,
   * `profile.userType` and `type.id` (Okta users have no "service account" flag); a user they
   * match is read in detail on top of those `serviceAccounts` selects.
   */
  serviceAccountPatterns?: readonly RegExp[];
  /**
   * The configuration's serviceAccountPatterns, knownServiceAccounts and serviceAccountTypes.
   * Every user the transform will classify by them as a service account has its roles, factors
   * and groups read (the same predicate, selection.ts). Default: those of the default config.
   */
  serviceAccounts?: ServiceAccountConventions;
  /** Okta app `name`s whose assignments federate into AWS. */
  awsAppNames?: readonly string[];
  /** Allow plain http for a non-loopback host (never needed against a real org). */
  allowInsecureHttp?: boolean;
  clock?: OktaClock;
  progress?: ProgressFn;
  /**
   * Stops the collection from outside (another provider's credential was refused): no request is
   * sent after it aborts, the ones in flight are cancelled, and `collectOkta` rejects with its reason.
   */
  signal?: AbortSignal;
}

/** Default service-account heuristics; override with `serviceAccountPatterns`. */
export const DEFAULT_SERVICE_ACCOUNT_PATTERNS: readonly RegExp[] = [
  /^(svc|service|srv|sa|api|bot|sys|system|integration|automation|robot)[-_.]/i,
  /[-_.](svc|service|bot|api|integration|automation)@/i,
  /^(service|machine|system|bot|nhi|non[-_ ]?human)/i,
];

/**
 * AWS federation apps in the Okta Integration Network: `amazon_aws` is the SAML/IAM app,
 * `amazon_aws_sso` the IAM Identity Center app.
 */
export const DEFAULT_AWS_APP_NAMES: readonly string[] = ['amazon_aws', 'amazon_aws_sso'];

/** Command-line flags that override the environment. */
export interface OktaFlags {
  oktaOrgUrl?: string;
  oktaApiToken?: string;
  oktaClientId?: string;
  oktaPrivateKeyPath?: string;
  oktaKeyId?: string;
}

/** Reads the private key file; injectable so only the CLI touches the file system in tests. */
export type ReadTextFile = (path: string) => string;

/**
 * Builds collector options from `OKTA_ORG_URL`, `OKTA_API_TOKEN`, `OKTA_CLIENT_ID`,
 * `OKTA_PRIVATE_KEY_PATH`, `OKTA_KEY_ID` (flags win). Returns `undefined` when no Okta
 * setting is present at all, so the CLI can skip the provider. The SDK's own `OKTA_CLIENT_*`
 * variables are deliberately not read.
 */
export function oktaOptionsFromEnv(
  env: Record<string, string | undefined>,
  flags: OktaFlags = {},
  readFile: ReadTextFile = (p) => readFileSync(p, 'utf8'),
): OktaCollectOptions | undefined {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const v = flag ?? env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const orgUrl = pick(flags.oktaOrgUrl, 'OKTA_ORG_URL');
  const token = pick(flags.oktaApiToken, 'OKTA_API_TOKEN');
  const clientId = pick(flags.oktaClientId, 'OKTA_CLIENT_ID');
  const keyPath = pick(flags.oktaPrivateKeyPath, 'OKTA_PRIVATE_KEY_PATH');
  const keyId = pick(flags.oktaKeyId, 'OKTA_KEY_ID');

  if (!orgUrl && !token && !clientId && !keyPath) return undefined;
  if (!orgUrl) throw new OktaConfigError('OKTA_ORG_URL is not set (e.g. https://contoso.okta.com)');
  if (token && (clientId || keyPath)) {
    throw new OktaConfigError(
      'both OKTA_API_TOKEN and OKTA_CLIENT_ID/OKTA_PRIVATE_KEY_PATH are set; choose one (the OAuth service app is preferred)',
    );
  }
  if (token) return { orgUrl, auth: { kind: 'ssws', token } };
  // An org with no credential at all is the first step of a set-up, not a half-given key pair.
  if (!clientId && !keyPath) throw new OktaConfigError('no Okta credential is set: set OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY_PATH');
  if (!clientId) throw new OktaConfigError('OKTA_PRIVATE_KEY_PATH is set but OKTA_CLIENT_ID is not');
  if (!keyPath) throw new OktaConfigError('OKTA_CLIENT_ID is set but OKTA_PRIVATE_KEY_PATH is not');
  let privateKey: string;
  try {
    privateKey = readFile(keyPath);
  } catch (e) {
    // The value is never echoed: `OKTA_PRIVATE_KEY_PATH="$(cat key.pem)"` puts the key itself
    // here, and the error line would print it (Entra's certificate path is not echoed either).
    const hint = 'OKTA_PRIVATE_KEY_PATH must name the file that holds the private key';
    if (looksLikeKeyMaterial(keyPath)) throw new OktaConfigError(`${hint}; its value looks like the key itself (not shown): save the key to a file and give its path`);
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new OktaConfigError(`cannot read the file OKTA_PRIVATE_KEY_PATH names (${code}); ${hint} (the value is not shown)`);
  }
  return { orgUrl, auth: { kind: 'privateKey', clientId, privateKey, keyId } };
}

/** A PEM block, a JWK or anything spanning lines: key material, not a file name. */
function looksLikeKeyMaterial(value: string): boolean {
  return /-----BEGIN|[\r\n]/.test(value) || value.startsWith('{');
}

/**
 * The org URL the collector talks to, read by the rules a manifest's is read by (org-url.ts), so
 * that the origin it writes is the one a hand-written manifest of the same org turns into: no
 * trailing slash (SDK 8.1.0 would otherwise request `//api/v1/...`), no path. Two things are
 * asked of a live setting that a manifest is spared: the scheme is written out, since requests
 * go wherever the value says, and it is https unless the host is loopback or `allowInsecureHttp`
 * is set, because the credential travels with every request.
 */
export function normaliseOrgUrl(raw: string, allowInsecureHttp = false): string {
  const r = readOktaOrgUrl(raw, { bareHost: false });
  // The value is not echoed: a swapped pair of variables would print the API token.
  if (!r.ok && r.why === 'not-a-url') throw new OktaConfigError('the Okta org URL (OKTA_ORG_URL or --okta-org-url) is not a valid URL, e.g. https://contoso.okta.com');
  if (!r.ok && r.why === 'not-http') throw new OktaConfigError('the Okta org URL (OKTA_ORG_URL or --okta-org-url) must use https, e.g. https://contoso.okta.com');
  // Only the origin is echoed: a path, user info or query may hold a token pasted after the host.
  if (!r.ok) throw new OktaConfigError(`the Okta org URL (OKTA_ORG_URL or --okta-org-url) must be just the origin, without a path, user or query: ${r.origin}`);
  const loopback = r.hostname === '127.0.0.1' || r.hostname === 'localhost' || r.hostname === '[::1]';
  if (r.protocol !== 'https:' && !(loopback || allowInsecureHttp)) {
    throw new OktaConfigError(`the Okta org URL (OKTA_ORG_URL or --okta-org-url) must use https: ${r.origin}`);
  }
  return r.origin;
}
