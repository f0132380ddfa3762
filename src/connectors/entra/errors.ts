/**
 * A problem the user can fix (missing variable, bad URL, rejected credentials). The message is one
 * line and never carries a secret; `hint` says what to change.
 */
export class EntraConfigError extends Error {
  override readonly name = 'EntraConfigError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * No token could be had before any data was read, so there is nothing to collect: the token
 * endpoint refused us, or (`unreachable`) the authority did not answer at all (connection
 * refused, DNS, TLS, timeout), which is not the user's input, or (`status` 429 or 5xx) it answered
 * that it is limiting requests or failed, which judged nothing about the credential.
 */
export class EntraAuthError extends Error {
  override readonly name = 'EntraAuthError';
  readonly unreachable: boolean;
  /** The token endpoint's HTTP status when it answered 429 or 5xx; undefined otherwise. */
  readonly status?: number;
  /** With `status`: the URL (origin and path) that answered it, and how many requests were sent. */
  readonly endpoint?: string;
  readonly attempts?: number;
  constructor(
    message: string,
    readonly hint?: string,
    options: { unreachable?: boolean; status?: number; endpoint?: string; attempts?: number } = {},
  ) {
    super(message);
    this.unreachable = options.unreachable ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.endpoint !== undefined) this.endpoint = options.endpoint;
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

/** Removes control characters and bounds the length of a provider-supplied string. */
export function cleanProviderText(text: unknown, max = 160): string {
  const s = typeof text === 'string' ? text : String(text ?? '');
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
