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

/** The token endpoint refused us before any data was read, so there is nothing to collect. */
export class EntraAuthError extends Error {
  override readonly name = 'EntraAuthError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Removes control characters and bounds the length of a provider-supplied string. */
export function cleanProviderText(text: unknown, max = 160): string {
  const s = typeof text === 'string' ? text : String(text ?? '');
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
