/** Bad or missing Okta settings; detected before any request is sent. */
export class OktaConfigError extends Error {
  override name = 'OktaConfigError';
}

/**
 * Okta refused our credentials (401, or the OAuth token endpoint said no). Stops the whole
 * collection: every further call would fail the same way.
 */
export class OktaAuthError extends Error {
  override name = 'OktaAuthError';
  constructor(
    message: string,
    /** The token endpoint's OAuth `error` code (e.g. `invalid_scope`), when it gave one. */
    readonly tokenError?: string,
  ) {
    super(message);
  }
}

/**
 * The OAuth token endpoint could not give a token, without refusing the service app: it answered
 * 429 and the wait it asked for was more than the run allows, or it failed (5xx). Not an
 * OktaAuthError, so nothing treats the credential as dead; `status` makes it read as any other
 * answer of that status (httpStatusOf). The collector then records every capability as an error
 * naming it (exit 3), and doctor says THROTTLED (429) or that the credential was not judged (5xx).
 */
export class OktaTokenUnavailableError extends Error {
  override name = 'OktaTokenUnavailableError';
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(status === 429 ? "Okta's token endpoint limited the request (HTTP 429) beyond the wait this run allows" : `Okta's token endpoint failed (HTTP ${status}), which is not a refusal of the service app`);
  }
}

/** A problem with one listing (paging loop, foreign next link, body that is not an array). */
export class OktaResponseError extends Error {
  override name = 'OktaResponseError';
}

/** What the collector needs from the SDK's `OktaApiError` / `HttpError`. */
export interface HttpStatusError {
  status: number;
  errorCode?: string | number;
  errorSummary?: string;
  url?: string;
}

export function httpStatusOf(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'status' in err) {
    const s = (err as { status: unknown }).status;
    if (typeof s === 'number') return s;
  }
  return undefined;
}

/**
 * An org without API Access Management (the paid feature behind custom authorization servers)
 * answers their endpoints HTTP 401 E0000015, "You do not have permission to access the feature you
 * are requesting" (Okta support, "401 Permissions Error during Log in to an OIDC App or when
 * Configuring a Custom Authorization Server",
 * https://support.okta.com/help/s/article/401-permissions-error-during-log-in-to-an-oidc-app-or-when-configuring-a-custom-authorization-server).
 * That 401 refuses a feature, not the credential: it must not end the collection.
 */
export function featureRefused(err: unknown): boolean {
  return httpStatusOf(err) === 401 && (err as HttpStatusError).errorCode === 'E0000015' && isAuthServerUrl((err as HttpStatusError).url);
}

/** Whether `url` is one of the custom authorization server endpoints (`/api/v1/authorizationServers...`). */
export function isAuthServerUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).pathname.startsWith('/api/v1/authorizationServers');
  } catch {
    return false;
  }
}

const OKTA_ERROR_CODE = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * One line describing a failed call, for coverage reasons. Uses only the status, Okta's error
 * code and the request path: error summaries are provider text and may echo input.
 */
export function describeError(err: unknown): string {
  const status = httpStatusOf(err);
  if (status !== undefined) {
    const e = err as HttpStatusError;
    let path = '';
    if (typeof e.url === 'string') {
      try {
        path = ` on ${new URL(e.url).pathname}`;
      } catch {
        path = '';
      }
    }
    // Okta's codes look like E0000006. The field is provider text all the same: anything else
    // (control characters, links, megabytes) stays out of the reason, which lands in the
    // snapshot's manifest as is.
    const code = e.errorCode !== undefined && OKTA_ERROR_CODE.test(String(e.errorCode)) ? ` ${String(e.errorCode)}` : e.errorCode !== undefined ? ' (unrecognised error code)' : '';
    return `HTTP ${status}${code}${path}`;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
