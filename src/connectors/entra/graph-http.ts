import { requestSignal, waitUntilStopped } from '../abort.js';
import type { TokenSource } from './auth.js';
import { cleanProviderText } from './errors.js';
import { mapWithConcurrency } from './pool.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING, MAX_RESPONSE_BYTES } from '../limits.js';
import { repeatedPages } from '../repeated-page.js';

/** Why one Graph read failed, ready to become a coverage record. */
export interface GraphFailure {
  kind: 'missing-permission' | 'error';
  status?: number;
  /** One line, built from our own request path plus Graph's error code; never a secret. */
  reason: string;
  /** The `$batch` request itself failed: the status is not the answer of the item's own URL. */
  wholeBatch?: boolean;
  /** A throttled answer's Retry-After, when it named one: the wait that was not made. */
  retryAfterMs?: number;
  /**
   * The property a 400 BadRequest (or Request_BadRequest) says it could not find ("Could not find
   * a property named 'x' on type ..."), as Graph answers a `$select` naming one it does not know.
   * Only the name is kept, and only when it is a plain identifier: never other provider text.
   */
  unknownProperty?: string;
}

export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

/** One GET inside a `$batch`; `url` is relative to the version, e.g. `/applications/{id}/owners`. */
export interface BatchRequest {
  id: string;
  url: string;
}

export interface GraphHttpConfig {
  /** Graph origin, e.g. `https://graph.microsoft.com`. Tokens are only ever sent here. */
  origin: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  timeoutMs?: number;
  maxRetries?: number;
  /**
   * Milliseconds one request (or one `$batch`) may wait in all across its retries; a retry whose
   * wait would go past it is not made, and the last answer is final. Default: no limit beyond
   * `maxRetries` (doctor sets a short one: see DOCTOR_WAIT_BUDGET_MS).
   */
  waitBudgetMs?: number;
  concurrency?: number;
  /** Pages read per listing before it is taken as endless; default MAX_PAGES_PER_LISTING. */
  maxPagesPerListing?: number;
  /** Bytes of one HTTP answer read before it is given up as too large; default MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Once aborted, no request is sent, the one in flight is cancelled, and reads reject with its reason. */
  signal?: AbortSignal;
}

/** Counters for progress and for the efficiency tests. */
export interface GraphStats {
  requests: number;
  pages: number;
  retries: number;
  batches: number;
  tokenRefreshes: number;
}

/** Graph's own limit on requests per `$batch` (concepts/json-batching.md). */
export const BATCH_LIMIT = 20;
/** Throttling and gateway statuses that Microsoft's SDKs retry (learn.microsoft.com/graph/throttling). */
const RETRYABLE = new Set([429, 503, 504]);
/** Graph's answer when a feature needs a premium licence it treats like a permission problem. */
const LICENCE_CODES = /NonPremium|RequestFromNonPremiumTenant|LicenseRequired|Tenant_Not_Premium/i;
const MAX_BACKOFF_MS = 32_000;
/** A Retry-After larger than this is treated as a refusal to serve, not a wait. */
const MAX_RETRY_AFTER_MS = 300_000;
// Limits on one listing and one answer: ../limits.ts.

/** The answer grew past the size cap while it was read; final, not retried. */
class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * A small Microsoft Graph client on plain `fetch` (SDK-NOTES §4.5): paging by `@odata.nextLink`,
 * `$batch` with per-item retries, Retry-After/backoff, one token refresh on 401, timeouts.
 */
export class GraphHttp {
  readonly stats: GraphStats = { requests: 0, pages: 0, retries: 0, batches: 0, tokenRefreshes: 0 };
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly waitBudgetMs: number;
  private readonly concurrency: number;
  private readonly maxPagesPerListing: number;
  private readonly maxResponseBytes: number;
  private tokenPromise: Promise<string> | undefined;
  /** Tokens a refresh has already replaced, so concurrent 401s trigger a single re-acquisition. */
  private readonly replacedTokens = new Set<string>();

  constructor(private readonly config: GraphHttpConfig) {
    this.fetchImpl = config.fetch ?? fetch;
    this.sleep = waitUntilStopped(config.sleep, config.signal);
    this.now = config.now ?? Date.now;
    this.timeoutMs = config.timeoutMs ?? 60_000;
    this.maxRetries = config.maxRetries ?? 5;
    this.waitBudgetMs = config.waitBudgetMs ?? Infinity;
    this.concurrency = config.concurrency ?? 4;
    this.maxPagesPerListing = config.maxPagesPerListing ?? MAX_PAGES_PER_LISTING;
    this.maxResponseBytes = config.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  /** Absolute URL for a versioned path such as `v1.0` + `/servicePrincipals?$top=999`. */
  url(version: 'v1.0' | 'beta', path: string): string {
    return `${this.config.origin}/${version}${path}`;
  }

  /**
   * Reads every page of a collection, starting at an absolute URL. `keys` are the members every
   * item must carry as a non-empty string (see continueList).
   */
  async list(url: string, keys: readonly string[] = []): Promise<GraphResult<unknown[]>> {
    const first = await this.getJson(url);
    if (!first.ok) return first;
    return this.continueList(first.value, url, keys);
  }

  /**
   * Takes a first page already read (e.g. from a `$batch` item) and follows its nextLinks verbatim.
   * A nextLink to another origin is refused so that the bearer token never leaves the Graph host.
   * An item without one of `keys` as a non-empty string makes the page malformed: those are the
   * members the scan reads each item by (an id), and it would refuse the whole file, stopping the
   * scan, where a malformed listing costs only its capability.
   */
  async continueList(firstPage: unknown, label: string, keys: readonly string[] = []): Promise<GraphResult<unknown[]>> {
    const items: unknown[] = [];
    const seen = new Set<string>();
    const repeated = repeatedPages();
    let page = firstPage;
    let pageLabel = label;
    let emptyInARow = 0;
    for (let pagesRead = 1; ; pagesRead++) {
      this.stats.pages++;
      const value = (page as { value?: unknown } | null)?.value;
      if (!Array.isArray(value)) return fail('error', `malformed page (no value array) from ${this.describe(pageLabel)}`);
      // Directory collections hold objects only; a null or scalar would crash what reads the list.
      if (value.some((item) => item === null || typeof item !== 'object' || Array.isArray(item))) {
        return fail('error', `malformed page (an item that is not an object) from ${this.describe(pageLabel)}`);
      }
      for (const key of keys) {
        if (value.some((item) => typeof item[key] !== 'string' || item[key] === '')) {
          return fail('error', `malformed page (an item without a string "${key}") from ${this.describe(pageLabel)}`);
        }
      }
      // A page served again under a new nextLink: the page it stands in for was not read.
      if (repeated(value.map((item) => (item as Record<string, unknown>).id))) {
        return fail('error', `page repeated (the same items as an earlier page) from ${this.describe(pageLabel)}`);
      }
      for (const item of value) items.push(item);
      emptyInARow = value.length === 0 ? emptyInARow + 1 : 0;
      const next = (page as Record<string, unknown>)['@odata.nextLink'];
      if (next === undefined || next === null) return { ok: true, value: items };
      const checked = this.checkNextLink(next, seen, pageLabel);
      if (!checked.ok) return checked;
      if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
        return fail('error', `${emptyInARow} empty pages in a row from ${this.describe(pageLabel)}`);
      }
      // Like every other failure mid-listing, the pages read so far are dropped: a truncated list
      // must not pass for the whole collection.
      if (pagesRead >= this.maxPagesPerListing) {
        return fail('error', `listing stopped after ${pagesRead} pages (still a nextLink) from ${this.describe(pageLabel)}`);
      }
      const res = await this.getJson(checked.value);
      if (!res.ok) return res;
      page = res.value;
      pageLabel = checked.value;
    }
  }

  private checkNextLink(next: unknown, seen: Set<string>, from: string): GraphResult<string> {
    if (typeof next !== 'string') return fail('error', `malformed @odata.nextLink from ${this.describe(from)}`);
    let parsed: URL;
    try {
      parsed = new URL(next);
    } catch {
      return fail('error', `malformed @odata.nextLink from ${this.describe(from)}`);
    }
    if (parsed.origin !== this.config.origin) {
      return fail('error', `refused @odata.nextLink to foreign origin ${parsed.origin} from ${this.describe(from)}`);
    }
    if (seen.has(next)) return fail('error', `@odata.nextLink loop (same link twice) from ${this.describe(from)}`);
    seen.add(next);
    return { ok: true, value: next };
  }

  /** One GET returning the parsed body of a 2xx response. */
  async getJson(url: string): Promise<GraphResult<unknown>> {
    const res = await this.send('GET', url);
    if ('kind' in res) return { ok: false, failure: res };
    if (res.status >= 200 && res.status < 300) return { ok: true, value: res.body };
    const failure = failureFromStatus(res.status, res.body, `GET ${this.describe(url)}`);
    const retryAfterMs = RETRYABLE.has(res.status) ? this.retryAfterMs(res.headers.get('retry-after')) : undefined;
    return { ok: false, failure: retryAfterMs === undefined ? failure : { ...failure, retryAfterMs } };
  }

  /**
   * Runs GETs through `$batch`, 20 per batch, `concurrency` batches in flight. Items throttled
   * inside a batch (their own 429 and Retry-After) are re-sent alone; every other item keeps its
   * own result, so one 403 only costs that item.
   */
  async batch(version: 'v1.0' | 'beta', requests: readonly BatchRequest[]): Promise<Map<string, GraphResult<unknown>>> {
    const chunks: BatchRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) chunks.push(requests.slice(i, i + BATCH_LIMIT));
    const results = new Map<string, GraphResult<unknown>>();
    await mapWithConcurrency(chunks, this.concurrency, (chunk) => this.runBatch(version, chunk, results));
    return results;
  }

  private async runBatch(
    version: 'v1.0' | 'beta',
    chunk: readonly BatchRequest[],
    results: Map<string, GraphResult<unknown>>,
  ): Promise<void> {
    const batchUrl = this.url(version, '/$batch');
    let pending = chunk;
    let waited = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      this.stats.batches++;
      const body = { requests: pending.map((r) => ({ id: r.id, method: 'GET', url: r.url })) };
      const res = await this.send('POST', batchUrl, body);
      if ('kind' in res || res.status !== 200) {
        const failure: GraphFailure = { ...('kind' in res ? res : failureFromStatus(res.status, res.body, `POST ${this.describe(batchUrl)}`)), wholeBatch: true };
        for (const r of pending) results.set(r.id, { ok: false, failure });
        return;
      }
      const byId = new Map<string, BatchItem>();
      const responses = (res.body as { responses?: unknown } | null)?.responses;
      if (Array.isArray(responses)) {
        for (const item of responses as BatchItem[]) if (item && typeof item.id === 'string') byId.set(item.id, item);
      }
      const retry: BatchRequest[] = [];
      /** The items to retry, with the failure each stands for if the wait is over budget. */
      const unlessOverBudget: [string, GraphFailure][] = [];
      let wait = 0;
      for (const r of pending) {
        const item = byId.get(r.id);
        const label = `GET /${version}${r.url.split('?')[0]} (in $batch)`;
        if (!item || typeof item.status !== 'number') {
          results.set(r.id, fail('error', `no response for ${label}`));
        } else if (item.status >= 200 && item.status < 300) {
          results.set(r.id, { ok: true, value: item.body });
        } else if (RETRYABLE.has(item.status) && attempt < this.maxRetries && this.worthWaiting(headerValue(item.headers, 'retry-after'))) {
          retry.push(r);
          unlessOverBudget.push([r.id, failureFromStatus(item.status, item.body, label)]);
          wait = Math.max(wait, this.retryDelay(headerValue(item.headers, 'retry-after'), attempt));
        } else {
          results.set(r.id, { ok: false, failure: failureFromStatus(item.status, item.body, label) });
        }
      }
      if (retry.length > 0 && waited + wait > this.waitBudgetMs) {
        for (const [id, failure] of unlessOverBudget) results.set(id, { ok: false, failure });
        return;
      }
      if (retry.length > 0) {
        this.stats.retries += retry.length;
        waited += wait;
        await this.sleep(wait);
      }
      pending = retry;
    }
  }

  /** Sends one request with retries; returns the final response or a transport-level failure. */
  private async send(method: 'GET' | 'POST', url: string, body?: unknown): Promise<RawResponse | GraphFailure> {
    let refreshed = false;
    let waited = 0;
    const stop = this.config.signal;
    for (let attempt = 0; ; attempt++) {
      // Stopped from outside: reject rather than record a failure, and send nothing more.
      stop?.throwIfAborted();
      let token: string;
      try {
        token = await this.token();
      } catch (err) {
        stop?.throwIfAborted();
        return { kind: 'error', reason: `token acquisition failed: ${cleanProviderText((err as Error).message)}` };
      }
      let res: RawResponse;
      try {
        this.stats.requests++;
        res = await this.fetchOnce(method, url, token, body);
      } catch (err) {
        stop?.throwIfAborted();
        // The same server would send the same oversized answer again: not worth a retry.
        if (err instanceof ResponseTooLarge) {
          return { kind: 'error', reason: `${method} ${this.describe(url)} answer larger than ${this.maxResponseBytes} bytes; not read` };
        }
        const delay = this.retryDelay(null, attempt);
        if (attempt < this.maxRetries && waited + delay <= this.waitBudgetMs) {
          this.stats.retries++;
          waited += delay;
          await this.sleep(delay);
          continue;
        }
        const what = (err as Error).name === 'TimeoutError' ? 'timed out' : 'network error';
        return { kind: 'error', reason: `${method} ${this.describe(url)} ${what} after ${attempt + 1} attempts` };
      }
      if (res.status === 401 && !refreshed) {
        // Token expired or revoked mid-scan: fetch a fresh one (skipping MSAL's cache) once.
        refreshed = true;
        try {
          await this.refreshToken(token);
        } catch (err) {
          stop?.throwIfAborted();
          return { kind: 'error', reason: `token re-acquisition failed: ${cleanProviderText((err as Error).message)}` };
        }
        attempt--;
        continue;
      }
      if (RETRYABLE.has(res.status) && attempt < this.maxRetries && this.worthWaiting(res.headers.get('retry-after'))) {
        const delay = this.retryDelay(res.headers.get('retry-after'), attempt);
        if (waited + delay <= this.waitBudgetMs) {
          this.stats.retries++;
          waited += delay;
          await this.sleep(delay);
          continue;
        }
      }
      return res;
    }
  }

  private async fetchOnce(method: string, url: string, token: string, body: unknown): Promise<RawResponse> {
    const request = requestSignal(this.timeoutMs, this.config.signal);
    let text: string;
    let res: Awaited<ReturnType<typeof this.fetchImpl>>;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Never followed: a redirect would carry the token to wherever Location points. Taken as the
        // answer it is (a 3xx, failureFromStatus), so it is not retried as a network error would be.
        redirect: 'manual',
        signal: request.signal,
      });
      text = await readCapped(res, this.maxResponseBytes);
    } finally {
      request.done();
    }
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  private token(): Promise<string> {
    this.tokenPromise ??= this.config.tokens.getToken(false);
    return this.tokenPromise;
  }

  private async refreshToken(stale: string): Promise<void> {
    if (!this.replacedTokens.has(stale)) {
      this.replacedTokens.add(stale);
      this.stats.tokenRefreshes++;
      this.tokenPromise = this.config.tokens.getToken(true);
    }
    await this.tokenPromise;
  }

  /** Retry-After (seconds or HTTP date) wins; without it, exponential backoff from 1 s. */
  private retryDelay(retryAfter: string | null | undefined, attempt: number): number {
    const ms = this.retryAfterMs(retryAfter);
    if (ms !== undefined) return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
    return Math.min(1000 * 2 ** attempt, MAX_BACKOFF_MS);
  }

  /** False when Retry-After asks for more than MAX_RETRY_AFTER_MS: the answer is then final. */
  private worthWaiting(retryAfter: string | null | undefined): boolean {
    const ms = this.retryAfterMs(retryAfter);
    return ms === undefined || ms <= MAX_RETRY_AFTER_MS;
  }

  private retryAfterMs(retryAfter: string | null | undefined): number | undefined {
    if (!retryAfter) return undefined;
    const trimmed = retryAfter.trim();
    const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - this.now();
    return Number.isFinite(ms) ? ms : undefined;
  }

  /** Our own request path, for reasons: origin and query left out. */
  private describe(url: string): string {
    try {
      return new URL(url).pathname;
    } catch {
      return cleanProviderText(url, 120);
    }
  }
}

/**
 * The body as text, read chunk by chunk so that an answer past `max` bytes is cancelled (the
 * connection is let go) as soon as it is known to be too large, whether or not it announced its
 * length. Throws ResponseTooLarge.
 */
async function readCapped(res: Response, max: number): Promise<string> {
  const announced = Number(res.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  // As res.text() decodes: UTF-8, a leading byte-order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

interface BatchItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

function fail(kind: GraphFailure['kind'], reason: string): { ok: false; failure: GraphFailure } {
  return { ok: false, failure: { kind, reason } };
}

/** Maps an HTTP error to a coverage kind: 403 and licence refusals are missing permissions. */
export function failureFromStatus(status: number, body: unknown, label: string): GraphFailure {
  const rawCode = (body as { error?: { code?: unknown } } | null)?.error?.code;
  const code = typeof rawCode === 'string' ? cleanProviderText(rawCode, 80).replace(/[^\w.-]/g, '_') : '';
  const reason = `${status}${code ? ` ${code}` : ''} on ${label}${status >= 300 && status < 400 ? ' (a redirect, not followed: it would carry the access token elsewhere)' : ''}`;
  const missing = status === 403 || ((status === 400 || status === 401) && LICENCE_CODES.test(code));
  const unknownProperty = status === 400 ? unknownPropertyOf(code, body) : undefined;
  return { kind: missing ? 'missing-permission' : 'error', status, reason, ...(unknownProperty ? { unknownProperty } : {}) };
}

/** Graph's answer to a `$select` of a property it does not know: the property's name, else undefined. */
function unknownPropertyOf(code: string, body: unknown): string | undefined {
  if (code !== 'BadRequest' && code !== 'Request_BadRequest') return undefined;
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message !== 'string') return undefined;
  return /could not find a property named '([A-Za-z_][\w.]{0,99})'/i.exec(message)?.[1];
}
