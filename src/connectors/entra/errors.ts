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
 * refused, DNS, TLS, timeout), which is not the user's input.
 */
export class EntraAuthError extends Error {
  override readonly name = 'EntraAuthError';
  readonly unreachable: boolean;
  constructor(
    message: string,
    readonly hint?: string,
    options: { unreachable?: boolean } = {},
  ) {
    super(message);
    this.unreachable = options.unreachable ?? false;
  }
}

/** Removes control characters and bounds the length of a provider-supplied string. */
export function cleanProviderText(text: unknown, max = 160): string {
  const s = typeof text === 'string' ? text : String(text ?? '');
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
