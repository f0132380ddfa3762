import { OktaResponseError } from './errors.js';
import type { FetchResponse } from './request-executor.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { repeatedPages } from '../repeated-page.js';

/** Sends one authenticated GET through the SDK (auth header, token refresh, error mapping). */
export type GetFn = (url: string) => Promise<FetchResponse>;

/**
 * The `rel="next"` target of an RFC 8288 `Link` header. Okta sends `self` and `next` as two
 * headers, which fetch joins with ", ". A link that is not `<URL>` and its parameters (a header
 * cut short on its way, say) throws: it may have been the next link, so the listing cannot be
 * taken to end there. `path` names the listing in the error.
 */
export function nextLinkOf(header: string | null, path = 'the listing'): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,\s*(?=<)/)) {
    if (part.trim() === '') continue;
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    // The relation, quoted (and the quote closed) or a bare token: a link without one, or cut in it
    // (`rel="nex`), may have been the next link too.
    const rels = m ? /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s";,]+))/i.exec(m[2]) : null;
    if (!m || !rels) throw new OktaResponseError(`malformed Link header (a link that is not <URL>; rel=...) on ${path}`);
    // Relation types compare case-insensitively (RFC 8288, 2.1.1): `rel="Next"` is the next link.
    if ((rels[1] ?? rels[2]).toLowerCase().split(/\s+/).includes('next')) return m[1];
  }
  return undefined;
}

/**
 * The parsed body of an answer to `url`. Parsed here rather than with `res.json()`: node-fetch's
 * error would carry V8's parse message, which quotes the text around the fault (part of a
 * client_secret on /credentials/secrets), and the full URL. The error names the path only.
 */
export async function readJsonBody(res: FetchResponse, url: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new OktaResponseError(`the body from ${new URL(url).pathname} is not valid JSON`);
  }
}

/** The items one answer holds, or undefined when it holds none in the expected form. */
export type ItemsOf = (body: unknown) => unknown[] | undefined;

/** A listing's items: the answer is the list. */
const listItems: ItemsOf = (body) => (Array.isArray(body) ? body : undefined);

/**
 * The keys of an answer from `GET /api/v1/apps/{appId}/credentials/jwks`, which answers with a
 * key set rather than a list: Okta's API reference (ApplicationSSOPublicKeys, "List all the
 * OAuth 2.0 client JSON Web Keys") shows `{"jwks": {"keys": [...]}}`, and the Okta Node SDK
 * 8.1.0 types it `ListJwk200Response`, `{"keys": [...]}`. Earlier SDKs (Go) typed it as a plain
 * list of keys, which is read too.
 */
export const jwksKeys: ItemsOf = (body) => {
  if (Array.isArray(body)) return body;
  if (body === null || typeof body !== 'object') return undefined;
  const outer = body as Record<string, unknown>;
  const set = outer.jwks !== null && typeof outer.jwks === 'object' && !Array.isArray(outer.jwks) ? (outer.jwks as Record<string, unknown>) : outer;
  return Array.isArray(set.keys) ? set.keys : undefined;
};

/**
 * Reads every page of an Okta list endpoint by following `Link: rel="next"`. Refuses a next
 * link to another origin (the credential would go with it) and stops on a repeated link
 * instead of looping forever. `null` entries are dropped: the SDK's own iterator yields them
 * for empty pages (its collection turns a falsy item into `null`), and skipping them costs
 * nothing. Any other item that is not an object fails the listing: Okta's lists hold objects
 * only, so a string or number means the page is not what we think it is. So does an item without
 * `key` as a non-empty string, when given: the field the scan identifies such items by (an id, a
 * role's type), without which it would refuse the whole file and stop (see Collector.list).
 */
// The limits themselves: ../limits.ts.

export async function listAll(
  get: GetFn,
  firstUrl: string,
  onPage: () => void,
  maxPages: number = MAX_PAGES_PER_LISTING,
  itemsOf: ItemsOf = listItems,
  key?: string,
): Promise<Record<string, unknown>[]> {
  const origin = new URL(firstUrl).origin;
  const seen = new Set<string>();
  const repeated = repeatedPages();
  const items: Record<string, unknown>[] = [];
  let url: string | undefined = firstUrl;
  let pages = 0;
  let emptyInARow = 0;
  while (url !== undefined) {
    if (seen.has(url)) throw new OktaResponseError(`paging loop: next link repeats on ${new URL(url).pathname}`);
    seen.add(url);
    const res = await get(url);
    onPage();
    const body = itemsOf(await readJsonBody(res, url));
    if (body === undefined) {
      throw new OktaResponseError(`expected ${itemsOf === listItems ? 'a JSON array' : 'a JSON array or a JSON Web Key Set'} from ${new URL(url).pathname}`);
    }
    pages++;
    // A page served again under a new next link: the page it stands in for was not read.
    if (repeated(body.filter((item) => item !== null).map((item) => (item as Record<string, unknown> | undefined)?.id))) {
      throw new OktaResponseError(`page repeated (the same items as an earlier page) on ${new URL(url).pathname}`);
    }
    for (const item of body) {
      if (item === null) continue;
      if (typeof item !== 'object' || Array.isArray(item)) {
        throw new OktaResponseError(`malformed page: an item that is not an object from ${new URL(url).pathname}`);
      }
      const k = key === undefined ? undefined : (item as Record<string, unknown>)[key];
      if (key !== undefined && (typeof k !== 'string' || k === '')) {
        throw new OktaResponseError(`malformed page: an item without a string "${key}" from ${new URL(url).pathname}`);
      }
      items.push(item as Record<string, unknown>);
    }
    emptyInARow = body.length === 0 ? emptyInARow + 1 : 0;
    const next = nextLinkOf(res.headers.get('link'), new URL(url).pathname);
    if (next === undefined) break;
    if (pages >= maxPages) {
      throw new OktaResponseError(`paging stopped after ${pages} pages on ${new URL(url).pathname}: the listing kept sending a next link`);
    }
    if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
      throw new OktaResponseError(`paging loop: ${emptyInARow} empty pages in a row on ${new URL(url).pathname}, each with a new next link`);
    }
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, url);
    } catch {
      throw new OktaResponseError(`unparsable next link on ${new URL(url).pathname}`);
    }
    if (nextUrl.origin !== origin) {
      throw new OktaResponseError(`next link points to another origin (${nextUrl.origin}); not followed`);
    }
    url = nextUrl.href;
  }
  return items;
}
