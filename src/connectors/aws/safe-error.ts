import type { CoverageStatus } from '../../snapshot/types.js';

/** Result of reading one capability: the value, or why it could not be read. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status: Exclude<CoverageStatus, 'collected'>; reason: string };

export const failed = (status: Exclude<CoverageStatus, 'collected'>, reason: string): Outcome<never> => ({ ok: false, status, reason });

/** Error names AWS uses for "the caller lacks a permission" across query, JSON and REST protocols. */
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
]);

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);

/** Long-term and temporary access key ids (AKIA…, ASIA…) are redacted from every message. */
const KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{8,}\b/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;
/** What the SDK appends to the message of an error thrown while deserializing an answer. */
const DESERIALIZATION_HINT = /Deserialization error: to see the raw response/;

/**
 * Removes key ids, any known secret value and control characters from text that is about to
 * land in a coverage reason or progress message. Provider messages are untrusted input.
 */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_ID, '[redacted-key-id]').replace(CONTROL, ' ').slice(0, 400);
}

interface AwsErrorShape {
  nhiscanCall?: unknown;
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export function errorName(error: unknown): string {
  const e = error as AwsErrorShape | undefined;
  return typeof e?.name === 'string' ? e.name : 'Error';
}

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorName(error));
}

/** Whether AWS answered that it is limiting requests (after the retry strategy gave up waiting). */
export function isThrottled(error: unknown): boolean {
  return THROTTLING.has(errorName(error)) || (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode === 429;
}

/**
 * Turns an SDK error into a coverage status and a reason that is safe to store. `fallbackCall`
 * names the step when the error did not come from an SDK command (those carry their own name).
 */
export function classifyError(fallbackCall: string, error: unknown, secrets: ReadonlySet<string>): Outcome<never> {
  const e = (error ?? {}) as AwsErrorShape;
  const call = typeof e.nhiscanCall === 'string' ? e.nhiscanCall : fallbackCall;
  const name = errorName(error);
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const where = `${call}: ${name}${status ? ` (HTTP ${status})` : ''}`;
  if (ACCESS_DENIED.has(name)) return failed('missing-permission', redact(`${where} ${message}`, secrets));
  // An answer the SDK could not parse: its parser's message may quote the answer (V8's JSON.parse
  // quotes the text around the fault), which can hold anything, a secret included. Not shown.
  // ResponseTooLarge is the size cap's own error (sdk-clients.ts), raised while the body is read.
  if (DESERIALIZATION_HINT.test(message) && name !== 'ResponseTooLarge') return failed('error', redact(`${where} the answer could not be parsed (its text is not shown)`, secrets));
  if (THROTTLING.has(name) || status === 429) {
    return failed('error', redact(`${where} still throttled after ${attempts ?? '?'} attempts`, secrets));
  }
  return failed('error', redact(`${where} ${message}`, secrets));
}
