import { RequestExecutor } from '@okta/okta-sdk-nodejs';
import { OktaAuthError, OktaResponseError, OktaTokenUnavailableError } from './errors.js';
import type { OktaClock } from './options.js';
import { bucketOf, MAX_RESET_WAIT_MS, parseRateLimitHeaders, RateGate } from './rate-gate.js';
import { MAX_RESPONSE_BYTES } from '../limits.js';

/** The part of node-fetch's Response the collector reads. */
export interface FetchResponse {
  status: number;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  clone(): FetchResponse;
}

/** The part of the SDK's request options the executor reads or sets. */
export interface ExecutorRequest {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  timeout?: number;
  [k: string]: unknown;
}

/** Counters shared with the collector's `stats`. */
export interface ExecutorStats {
  requests: number;
  retries: number;
  tokenRequests: number;
}

export interface GuardedExecutorOptions {
  gate: RateGate;
  clock: OktaClock;
  maxRetries: number;
  /**
   * Milliseconds one request may wait in all after 429s; a retry whose wait would go past it is
   * not made and the 429 is the answer. Default: no limit beyond `maxRetries` and
   * MAX_RESET_WAIT_MS (doctor sets a short one: see DOCTOR_WAIT_BUDGET_MS). A function is asked
   * once per request, as it starts (doctor: the smaller of that and what its check has left).
   */
  waitBudgetMs?: number | (() => number);
  requestTimeoutMs: number;
  stats: ExecutorStats;
  /** Bytes of one answer read before it is given up as too large. Default MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Once aborted, no request is sent, those in flight are cancelled, and `fetch` rejects with its reason. */
  signal?: AbortSignal;
}

const TOKEN_PATH = '/oauth2/v1/token';


/** The body-reading methods of node-fetch 2's Response (its Body mixin). */
const BODY_READERS = ['text', 'json', 'buffer', 'arrayBuffer', 'blob', 'textConverted'] as const;

/**
 * Bounds what reading `res`'s body may buffer. node-fetch 2 stops accumulating past its `size`
 * option (a FetchError of type `max-size`) but keeps receiving and discarding the rest, so an
 * endless body would hold the connection for ever: on that error the request is aborted through
 * `cut`, which closes the connection, and the reader gets an OktaResponseError that says why.
 * A clone (the token check reads one) does not inherit `size` in node-fetch 2; it gets it here.
 */
function capBody(res: FetchResponse, max: number, cut: AbortController): FetchResponse {
  const r = res as unknown as Record<string, unknown>;
  r.size = max;
  const path = new URL(res.url).pathname;
  for (const name of BODY_READERS) {
    const read = r[name];
    if (typeof read !== 'function') continue;
    r[name] = (...args: unknown[]) =>
      (read as (...a: unknown[]) => Promise<unknown>).apply(res, args).catch((e: unknown) => {
        if ((e as { type?: unknown } | null)?.type !== 'max-size') throw e;
        cut.abort();
        throw new OktaResponseError(`the answer from ${path} is larger than ${max} bytes; not read`);
      });
  }
  const clone = res.clone.bind(res);
  res.clone = () => capBody(clone(), max, cut);
  return res;
}

/** Control characters and excess length removed: Okta's error text is provider-controlled. */
function cleanProviderText(s: unknown): string {
  if (typeof s !== 'string') return '';
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 200);
}

/**
 * Every HTTP request of the SDK (API calls and the OAuth token call) passes through here.
 * Replaces the SDK's DefaultRequestExecutor, whose 429 retry sleeps on the real clock with no
 * proactive pacing and no concurrency cap. Also turns a failed token call into an error: SDK
 * 8.1.0 would otherwise cache the error body as the token and send `Bearer undefined`.
 */
export class GuardedRequestExecutor extends RequestExecutor {
  /**
   * Why the token endpoint gave no token, once it has refused the service app, limited the
   * request past the wait allowed (429) or failed (5xx). Reads running side by side each ask for
   * a new token when theirs expires, and every later read asks again once the cached token is
   * gone: after one such answer they all get the same error without asking. A limit or failure is
   * kept for the rest of the run too, not only a refusal: the 429 retries above have already
   * waited for the resets allowed, and asking on each read would press on a limited endpoint.
   */
  private tokenRefused?: OktaAuthError | OktaTokenUnavailableError;

  /**
   * The signals of the requests whose answer is still being read. The run's stop aborts them all
   * through one listener: one per request on the long-lived stop signal would pile up (see
   * `requestSignal` in ../abort.ts).
   */
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly opts: GuardedExecutorOptions) {
    super();
    const stop = opts.signal;
    stop?.addEventListener(
      'abort',
      () => {
        for (const c of this.inFlight) c.abort(stop.reason);
        this.inFlight.clear();
      },
      { once: true },
    );
  }

  /** Lets a token request with other scopes through after a refusal (see `connectOkta`). */
  forgetTokenRefusal(): void {
    this.tokenRefused = undefined;
  }

  override async fetch(request: ExecutorRequest): Promise<FetchResponse> {
    const url = String(request.url);
    const method = String(request.method ?? 'get');
    const isToken = new URL(url).pathname === TOKEN_PATH;
    const bucket = bucketOf(method, url);
    const { gate, clock, stats, signal } = this.opts;
    const maxBytes = this.opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    /** The reset the previous 429 of this request told us to wait for, and how often it repeated. */
    let waitedFor: number | undefined;
    let early = 0;
    let waited = 0;
    const given = this.opts.waitBudgetMs;
    const budget = typeof given === 'function' ? given() : (given ?? Infinity);
    for (let attempt = 0; ; attempt++) {
      await gate.acquire(bucket);
      if (signal?.aborted) {
        gate.release(bucket, undefined);
        throw signal.reason;
      }
      if (isToken && this.tokenRefused) {
        gate.release(bucket, undefined);
        throw this.tokenRefused;
      }
      let res: FetchResponse;
      const cut = new AbortController();
      this.inFlight.add(cut);
      try {
        stats.requests++;
        if (isToken) stats.tokenRequests++;
        // node-fetch 2 reads `timeout` (ms) from the options; the SDK types omit it. Redirects
        // are not followed: node-fetch would re-send a 307'd token form (the signed client
        // assertion) and keep the Authorization header for any port of the same host; a 3xx
        // then fails like any other non-2xx answer.
        // `size` and `cut` bound the body (capBody). `cut` is this request's own signal, so
        // aborting it closes only this connection; the run's stop reaches it through `inFlight`.
        const options = { ...request, timeout: request.timeout || this.opts.requestTimeoutMs, redirect: 'manual', size: maxBytes, signal: cut.signal };
        res = capBody((await super.fetch(options as never)) as FetchResponse, maxBytes, cut);
        releaseWithBody(res, () => this.inFlight.delete(cut));
      } catch (e) {
        this.inFlight.delete(cut);
        gate.release(bucket, undefined);
        throw signal?.aborted ? signal.reason : e;
      }
      gate.noteServerDate(res.headers.get('date'), clock.now());
      const limits = parseRateLimitHeaders((n) => res.headers.get(n));
      gate.release(bucket, limits);
      // Refused again for a reset we already waited for: our clock mapping was optimistic, so
      // each such repeat adds twice the padding of the last.
      const repeat = limits !== undefined && waitedFor !== undefined && limits.reset <= waitedFor;
      const nextEarly = repeat ? early + 1 : early;
      const resetWait = limits ? gate.msUntilReset(limits, nextEarly === 0 ? 0 : 2 ** nextEarly - 1) : 0;
      // Without usable headers, back off exponentially (1 s, 2 s, 4 s ... capped at 60 s).
      const wait = limits ? resetWait : Math.min(60_000, 1000 * 2 ** attempt);
      // A reset beyond MAX_RESET_WAIT_MS, or a wait past the request's budget, counts as retries
      // exhausted: the 429 is reported.
      if (res.status === 429 && attempt < this.opts.maxRetries && resetWait <= MAX_RESET_WAIT_MS && waited + wait <= budget) {
        stats.retries++;
        await res.text().catch(() => undefined);
        if (limits) {
          early = nextEarly;
          waitedFor = limits.reset;
        }
        waited += wait;
        await clock.sleep(wait);
        continue;
      }
      if (isToken) {
        try {
          await checkTokenResponse(res);
        } catch (e) {
          if (e instanceof OktaAuthError || e instanceof OktaTokenUnavailableError) this.tokenRefused = e;
          throw e;
        }
      }
      return res;
    }
  }
}

/**
 * Calls `release` once the body of `res` has been read, failed or been closed. Listening for
 * these events does not start the stream flowing, so whoever reads the body later misses nothing.
 */
function releaseWithBody(res: FetchResponse, release: () => void): void {
  const body = (res as { body?: unknown }).body as { once?: (event: string, fn: () => void) => void; destroyed?: boolean } | null | undefined;
  if (!body || typeof body.once !== 'function' || body.destroyed) return release();
  for (const event of ['end', 'error', 'close']) body.once(event, release);
}

async function checkTokenResponse(res: FetchResponse): Promise<void> {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(await res.clone().text());
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (res.status >= 200 && res.status < 300) {
    if (typeof body?.access_token === 'string' && body.access_token !== '') return;
    throw new OktaAuthError(`Okta's token endpoint answered HTTP ${res.status} without an access_token`);
  }
  // DPoP-bound orgs answer the first token call with this; the SDK retries it with the nonce.
  if (body?.error === 'use_dpop_nonce') return;
  // Limited (the retries above did not get through within the allowed wait) or failing: not refused.
  if (res.status === 429 || res.status >= 500) throw new OktaTokenUnavailableError(res.status, res.url);
  const code = cleanProviderText(body?.error) || 'no error code';
  const desc = cleanProviderText(body?.error_description);
  throw new OktaAuthError(
    `Okta's token endpoint refused the service app (HTTP ${res.status} ${code}${desc ? `: ${desc}` : ''}). ` +
      'Check OKTA_CLIENT_ID, that the public key for OKTA_KEY_ID is registered on the app with ' +
      'private_key_jwt client authentication, and that the read-only scopes are granted ' +
      '(docs/okta-permissions.md).',
    typeof body?.error === 'string' ? body.error : undefined,
  );
}
