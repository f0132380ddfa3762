import { createPrivateKey } from 'node:crypto';
import { Client } from '@okta/okta-sdk-nodejs';
import { OktaAuthError, OktaConfigError, OktaTokenUnavailableError } from './errors.js';
import { OKTA_OPTIONAL_SCOPES, OKTA_READ_SCOPES, type OktaAuth, type OptionalScope } from './options.js';
import type { GuardedRequestExecutor } from './request-executor.js';

/**
 * Checks the private key locally so a wrong file gives a clear message before any request.
 * RSA only: SDK 8.1.0 signs its DPoP proof with a hard-coded RS256 whatever the key type.
 */
function checkPrivateKey(key: string | Record<string, unknown>): void {
  let parsed;
  try {
    if (typeof key === 'object') {
      parsed = createPrivateKey({ key: key as never, format: 'jwk' });
    } else if (key.trim().startsWith('{')) {
      parsed = createPrivateKey({ key: JSON.parse(key) as never, format: 'jwk' });
    } else {
      parsed = createPrivateKey(key);
    }
  } catch {
    // The parser's message is not echoed: it could quote part of the key.
    throw new OktaConfigError(
      'the Okta private key (OKTA_PRIVATE_KEY_PATH) is not an unencrypted private key in PEM or JWK form',
    );
  }
  if (parsed.asymmetricKeyType !== 'rsa') {
    throw new OktaConfigError(
      `the Okta private key (OKTA_PRIVATE_KEY_PATH) is ${parsed.asymmetricKeyType ?? 'not asymmetric'}; use an RSA key (the Okta SDK signs DPoP proofs with RS256 only)`,
    );
  }
}

/** The SDK's client plus the pieces of it the collector calls. */
export interface OktaSdk {
  client: Client;
  authMode: 'ssws' | 'oauth-private-key';
  scopes?: readonly string[];
}

/**
 * Creates the SDK client with every setting passed explicitly. The SDK also merges
 * `~/.okta/okta.yaml`, `./okta.yaml` and `OKTA_CLIENT_*` variables under the constructor
 * arguments; any field we leave unset could be filled from there, so all are set (empty string
 * where unused) and the result is checked afterwards.
 */
export function createOktaSdk(orgUrl: string, auth: OktaAuth, executor: GuardedRequestExecutor): OktaSdk {
  const common = {
    orgUrl,
    requestExecutor: executor,
    // The default cache middleware memoises non-collection GETs in memory; we want fresh reads.
    cacheMiddleware: null,
    userAgent: 'nhiscan',
  };
  let client: Client;
  let scopes: readonly string[] | undefined;
  if (auth.kind === 'ssws') {
    if (!auth.token) throw new OktaConfigError('the Okta API token is empty');
    client = new Client({
      ...common,
      authorizationMode: 'SSWS',
      token: auth.token,
      clientId: '',
      scopes: [],
      privateKey: '',
      keyId: '',
    } as never);
  } else {
    if (!auth.clientId) throw new OktaConfigError('the Okta OAuth client id is empty');
    checkPrivateKey(auth.privateKey);
    scopes = auth.scopes && auth.scopes.length > 0 ? auth.scopes : OKTA_READ_SCOPES;
    client = new Client({
      ...common,
      authorizationMode: 'PrivateKey',
      token: '',
      clientId: auth.clientId,
      scopes: [...scopes],
      privateKey: auth.privateKey,
      keyId: auth.keyId ?? '',
    } as never);
  }
  verifyEffectiveConfig(client, orgUrl, auth, scopes);
  if (auth.kind !== 'ssws') shareTokenRequests(client);
  return { client, authMode: auth.kind === 'ssws' ? 'ssws' : 'oauth-private-key', scopes };
}

/**
 * SDK 8.1.0 caches the access token only once it has arrived: reads running side by side whose
 * token expired would each ask for a new one. Concurrent callers share one token request here.
 * A call with a DPoP nonce is the SDK's own retry inside that request and goes straight through.
 */
function shareTokenRequests(client: Client): void {
  const oauth = (client as unknown as { oauth?: { accessToken: unknown; getAccessToken(nonce?: string | null): Promise<unknown> } }).oauth;
  if (!oauth) return;
  const original = oauth.getAccessToken.bind(oauth);
  let pending: Promise<unknown> | undefined;
  oauth.getAccessToken = (...nonce: [(string | null)?]): Promise<unknown> => {
    // The SDK's nonce retry always passes an argument (possibly null).
    if (nonce.length > 0) return original(...nonce);
    if (oauth.accessToken) return Promise.resolve(oauth.accessToken);
    pending ??= original().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

function verifyEffectiveConfig(
  client: Client,
  orgUrl: string,
  auth: OktaAuth,
  scopes: readonly string[] | undefined,
): void {
  const c = client as unknown as {
    baseUrl: string;
    authorizationMode: string;
    apiToken?: string;
    clientId?: string;
    scopes?: string[];
    keyId?: string;
  };
  const problems: string[] = [];
  if (c.baseUrl !== orgUrl) problems.push('org URL');
  if (auth.kind === 'ssws') {
    if (c.authorizationMode !== 'SSWS' || c.apiToken !== auth.token) problems.push('API token');
  } else {
    if (c.authorizationMode !== 'PrivateKey' || c.clientId !== auth.clientId) problems.push('client id');
    if ((c.scopes ?? []).join(' ') !== (scopes ?? []).join(' ')) problems.push('scopes');
    if ((c.keyId ?? '') !== (auth.keyId ?? '')) problems.push('key id');
  }
  if (problems.length > 0) {
    throw new OktaConfigError(
      `the Okta SDK changed the ${problems.join(', ')} we passed (check ~/.okta/okta.yaml, ./okta.yaml and OKTA_CLIENT_* variables)`,
    );
  }
}

/**
 * Fetches the OAuth access token once before collecting, so a wrong client id, key or scope
 * grant fails here with the token endpoint's reason instead of as API 401s.
 */
export async function preflightToken(sdk: OktaSdk, stop?: AbortSignal): Promise<void> {
  if (sdk.authMode !== 'oauth-private-key') return;
  const oauth = (sdk.client as unknown as { oauth: { getAccessToken(): Promise<unknown> } }).oauth;
  let token: unknown;
  try {
    token = await oauth.getAccessToken();
  } catch (e) {
    // A limited or failing token endpoint (OktaTokenUnavailableError) is passed on as it is: the
    // collector records it on every capability, doctor says THROTTLED or not judged; neither
    // calls the app refused.
    if (e instanceof OktaAuthError || e instanceof OktaConfigError || e instanceof OktaTokenUnavailableError) throw e;
    // Stopped from outside (the executor rejects with the signal's reason): not a token problem.
    stop?.throwIfAborted();
    // Network failures are worth showing; signing errors from the SDK's key parsing are not
    // echoed, their message may quote key material.
    const detail = e instanceof Error && e.name === 'FetchError' ? e.message : e instanceof Error ? e.name : 'error';
    throw new OktaAuthError(`could not obtain an Okta access token (${detail})`);
  }
  const at = (token as { access_token?: unknown } | null)?.access_token;
  if (typeof at !== 'string' || at === '') {
    throw new OktaAuthError('Okta token endpoint returned no access token');
  }
}

/**
 * Gets the first access token (see {@link preflightToken}). Okta refuses the whole token request
 * with `invalid_scope` when one requested scope is not granted to the app ("Implement OAuth for
 * Okta with a service app": the org authorization server validates every requested scope
 * against the app's grants). A service app set up before a newer scope of the defaults was
 * added would then read nothing at all; so when the default scopes were used, this asks again
 * without each of {@link OKTA_OPTIONAL_SCOPES} in turn, then without all of them, and returns the client for the reduced scopes along
 * with the scopes it left out, whose capabilities the caller records as `missing-permission`.
 * Scopes the user configured are requested exactly as given, and never retried.
 */
export async function connectOkta(
  sdk: OktaSdk,
  orgUrl: string,
  auth: OktaAuth,
  executor: GuardedRequestExecutor,
  stop?: AbortSignal,
): Promise<{ sdk: OktaSdk; dropped: OptionalScope[] }> {
  try {
    await preflightToken(sdk, stop);
    return { sdk, dropped: [] };
  } catch (e) {
    const defaulted = auth.kind === 'privateKey' && !(auth.scopes && auth.scopes.length > 0);
    const optional = OKTA_OPTIONAL_SCOPES.filter((o) => sdk.scopes?.includes(o.scope));
    if (!(e instanceof OktaAuthError) || e.tokenError !== 'invalid_scope' || !defaulted || optional.length === 0) throw e;
    // Okta's refusal does not say which scope it lacks: each optional scope is left out alone
    // first (an app set up before one was added lacks that one only, and keeps the others), then
    // all of them together.
    const tries = optional.length === 1 ? [optional] : [...optional.map((o) => [o]), optional];
    for (let i = 0; i < tries.length; i++) {
      const dropped = tries[i];
      const scopes = sdk.scopes!.filter((s) => !dropped.some((o) => o.scope === s));
      // The executor answers later token requests with the refusal it saw; these scopes differ.
      executor.forgetTokenRefusal();
      const reduced = createOktaSdk(orgUrl, { ...auth, scopes }, executor);
      try {
        await preflightToken(reduced, stop);
        return { sdk: reduced, dropped };
      } catch (again) {
        if (i === tries.length - 1 || !(again instanceof OktaAuthError) || again.tokenError !== 'invalid_scope') throw again;
      }
    }
    throw e;
  }
}
