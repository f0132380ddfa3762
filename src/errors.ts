import { escapeChar, UNSAFE_CHARS } from './reporters/sanitize.js';

// The same set the reporters make safe: controls, line and paragraph separators, bidi controls,
// invisible characters.
const CONTROL = UNSAFE_CHARS;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(c: string): string {
  return NAMED[c] ?? escapeChar(c);
}

/** `text` (a path the user typed, say) with the characters UNSAFE_CHARS names shown escaped, as InputError lines show them. */
export function escapeUnsafe(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/**
 * An error the user can fix (bad flag, unreadable file, malformed JSON): printed as one line,
 * exit code 2, no stack trace unless --debug.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /**
   * `file: location: message`, each part present only when known. Messages may quote values
   * from the input; control characters among them are shown escaped (`\n`, `\u001b`) so the
   * error stays one line, and so are bidi controls and invisible characters (`\u200b`).
   */
  oneLine(): string {
    return escapeUnsafe([this.file, this.location, this.message].filter(Boolean).join(': '));
  }
}

/**
 * A provider could not be reached (connection refused, DNS, TLS, timeout) before its credential
 * could be checked, so nothing was read. Not the user's input: printed as one line like an
 * InputError, but exit code 3 (README "Exit codes"), the code of a collection that is incomplete.
 */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/**
 * `collect --out` wrote its folder, but reading the answers as the scan reads them before writing
 * (setting aside each value the scan cannot read) failed with an error that is no such value: a
 * fault in nhiscan, not in the answers. The files were written as collected, unchecked, so an
 * hour's collection is not lost to it. Printed as one line; `--debug` adds the stack of `cause`,
 * the error itself. Exit 2, the code of an internal error: the folder is whole, but not the one a
 * successful collect writes, and a script must not take it for that.
 */
export class UncheckedSnapshotError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'UncheckedSnapshotError';
  }
}

/** Error codes of a request that got no answer: socket, DNS, undici and TLS failures. */
const NO_ANSWER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/*
 * The Okta connector turns an unanswered token request into its OktaAuthError with these words
 * (src/connectors/okta/sdk-client.ts: node-fetch's message for a socket error or its timeout); the
 * error carries no flag of its own. Tests against a closed local port hold these texts in place.
 * The Entra connector's EntraAuthError says so with `unreachable: true`.
 */
const OKTA_NO_ANSWER = /^could not obtain an Okta access token \((request to \S+ failed, reason: |network timeout at: )/;

/**
 * Whether `e` (or an error it wraps as `cause`) says that a provider did not answer at all: no
 * HTTP status was received. A refused credential, a 4xx/5xx answer or a body that cannot be read
 * are not: the provider was reached.
 */
export function isUnreachable(e: unknown): boolean {
  let x: unknown = e;
  for (let depth = 0; depth < 4 && typeof x === 'object' && x !== null; depth++) {
    const { name, code, type, message, unreachable } = x as { name?: unknown; code?: unknown; type?: unknown; message?: unknown; unreachable?: unknown };
    if (unreachable === true) return true;
    if (typeof code === 'string' && NO_ANSWER_CODES.has(code)) return true;
    // AbortSignal.timeout and the AWS SDK's connection and request timeouts.
    if (name === 'TimeoutError') return true;
    // node-fetch (the Okta SDK): a timeout has no code.
    if (name === 'FetchError' && (type === 'request-timeout' || type === 'body-timeout')) return true;
    if (typeof message === 'string' && name === 'OktaAuthError' && OKTA_NO_ANSWER.test(message)) return true;
    x = (x as { cause?: unknown }).cause;
  }
  return false;
}
