import { GetAccountAuthorizationDetailsCommand, type GetAccountAuthorizationDetailsCommandOutput, type IAMClient } from '@aws-sdk/client-iam';
import { toCliJson } from './cli-json.js';
import { failed, type Outcome } from './safe-error.js';
import type { RequestStats } from './request-stats.js';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { repeatedPages } from '../repeated-page.js';
import { IDENTITY_NAME_FIELDS, identityProblem } from '../../aws/authz-details.js';

/** The shape `aws iam get-account-authorization-details` prints after merging all pages. */
export interface AuthorizationDetails {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

/** The largest page IAM allows for this call, so a big account takes the fewest requests. */
const MAX_ITEMS = 1000;

function append(target: unknown[], items: readonly unknown[] | undefined): void {
  // A loop rather than push(...items): spreading very large arrays can overflow the call stack.
  for (const item of items ?? []) target.push(toCliJson(item));
}

type Page = GetAccountAuthorizationDetailsCommandOutput;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g, (_, dec: string, hex: string, name: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : XML_ENTITIES[name],
  );
}

/**
 * The `<Marker>` of a raw GetAccountAuthorizationDetails answer. The element only occurs once, at
 * the top of the result: names, paths and tags inside the lists are XML-escaped and policy
 * documents URL-encoded, so the tag cannot come from data. A wrong guess only costs a request:
 * the page it fetched is used only if the SDK's own parse returns the same Marker.
 */
export function markerInXml(xml: string): string | undefined {
  const m = /<Marker>([^<]*)<\/Marker>/.exec(xml);
  return m ? unescapeXml(m[1]) : undefined;
}

/** Two turns of the event loop: see `peekMarker`. */
const letIoRun = async (): Promise<void> => {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

type Handler = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;

/**
 * Innermost middleware of one page's request: reads the raw answer, hands its Marker to
 * `onMarker` (which requests the next page at once), and gives the bytes back to the SDK to
 * parse. The SDK parses a page of hundreds of principals for milliseconds to tens of
 * milliseconds; without this the next request would only leave after that, so every page would
 * cost its parse on top of its round trip. The event loop gets two turns before the parse, so
 * that the request just handed to the socket leaves first (and a server in this process, like
 * the test fakes, reads it first).
 */
function peekMarker(onMarker: (marker: string) => void) {
  return (next: Handler): Handler =>
    async (args) => {
      const out = await next(args);
      const response = out.response as { statusCode?: number; body?: unknown } | undefined;
      const body = response?.body as AsyncIterable<Uint8Array> | undefined;
      if (response?.statusCode !== 200 || body === undefined || typeof body[Symbol.asyncIterator] !== 'function') return out;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      response.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const marker = markerInXml(bytes.toString('utf8'));
      if (marker !== undefined) {
        onMarker(marker);
        await letIoRun();
      }
      return out;
    };
}

/**
 * The first user, group or role entry of a page that the scan's parser refuses (one without its
 * Arn or name, see identityProblem), as `RoleDetailList[3].Arn: problem` (the index within the
 * page, never a value), or undefined. Filed, such an entry would make the scan refuse the whole
 * file and stop with every provider's report lost; refused here, it costs aws.iam only.
 */
function refusedEntry(page: Page): string | undefined {
  for (const list of ['UserDetailList', 'GroupDetailList', 'RoleDetailList'] as const) {
    const entries: readonly unknown[] = page[list] ?? [];
    for (let i = 0; i < entries.length; i++) {
      const refused = identityProblem(entries[i], IDENTITY_NAME_FIELDS[list]);
      if (refused) return `${list}[${i}]${refused.field ? `.${refused.field}` : ''}: ${refused.problem}`;
    }
  }
  return undefined;
}

/**
 * Reads every page of GetAccountAuthorizationDetails (permission
 * `iam:GetAccountAuthorizationDetails`) and merges them. Paging follows `Marker` only; a Marker
 * seen before would make paging loop forever, so it ends the read as an error, and so do
 * `maxPages` pages with another still to come (new Markers and full pages forever). Partial data
 * is not returned: a truncated inventory would make absent grants look absent.
 *
 * Each page's request leaves as soon as the previous answer has arrived (its Marker is read
 * from the raw XML, see `peekMarker`); the page is used only once the SDK's parse of the
 * previous answer confirms that Marker.
 */
export async function readAuthorizationDetails(
  iam: IAMClient,
  stats: RequestStats,
  onPage: (page: number, items: number) => void,
  maxPages = MAX_PAGES_PER_LISTING,
): Promise<Outcome<AuthorizationDetails>> {
  const merged: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  const seenMarkers = new Set<string>();
  /** Pages requested from a Marker read in the raw answer, before the SDK parsed it. */
  const ahead = new Map<string, Promise<Page>>();
  let sent = 0;
  const send = (marker?: string): Promise<Page> => {
    sent += 1;
    const command = new GetAccountAuthorizationDetailsCommand({ MaxItems: MAX_ITEMS, ...(marker === undefined ? {} : { Marker: marker }) });
    command.middlewareStack.add(
      peekMarker((nextMarker) => {
        // Past the page cap the read stops; asking for the page after it would only waste a request.
        if (nextMarker === marker || seenMarkers.has(nextMarker) || ahead.has(nextMarker) || sent >= maxPages) return;
        const page = send(nextMarker);
        // Awaited when the parse confirms the Marker; a page nobody asks for must not surface as
        // an unhandled rejection.
        page.catch(() => undefined);
        ahead.set(nextMarker, page);
      }) as never,
      { step: 'deserialize', priority: 'low', name: 'nhiscanPeekMarker' },
    );
    return iam.send(command);
  };
  let pages = 0;
  let emptyInARow = 0;
  const repeated = repeatedPages();
  let pending: Promise<Page> | undefined = send();
  while (pending !== undefined) {
    const page: Page = await pending;
    pending = undefined;
    pages += 1;
    stats.pages += 1;
    // IAM always sends IsTruncated. Without it the 200 answer was not an IAM result (an empty
    // body, a proxy's page), which the SDK parses into an empty output: an empty account.
    if (typeof page.IsTruncated !== 'boolean') {
      return failed('error', `GetAccountAuthorizationDetails answered without a result (no IsTruncated, page ${pages}); the answer is not an IAM response`);
    }
    const refused = refusedEntry(page);
    if (refused) {
      return failed('error', `GetAccountAuthorizationDetails returned an entry the scan cannot read (page ${pages}, ${refused}); the inventory would be incomplete without it, so none of it is used`);
    }
    // A page served again under a new Marker (a server that lost its place): the page it stands
    // in for was not read.
    const arns = [...(page.UserDetailList ?? []), ...(page.GroupDetailList ?? []), ...(page.RoleDetailList ?? []), ...(page.Policies ?? [])].map((item) => item.Arn);
    if (repeated(arns)) {
      return failed('error', `GetAccountAuthorizationDetails returned a page it had already returned (page ${pages}, the same entries as an earlier page); the inventory would be incomplete, so none of it is used`);
    }
    const size = arns.length;
    emptyInARow = size === 0 ? emptyInARow + 1 : 0;
    if (page.Marker && emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) {
      return failed('error', `GetAccountAuthorizationDetails returned ${emptyInARow} empty pages in a row, each with a new Marker (page ${pages}); stopped to avoid an endless loop`);
    }
    if (page.Marker) {
      if (seenMarkers.has(page.Marker)) {
        return failed('error', `GetAccountAuthorizationDetails returned a Marker it had already returned (page ${pages}); stopped to avoid an endless loop`);
      }
      if (pages >= maxPages) {
        return failed('error', `GetAccountAuthorizationDetails: stopped after ${pages} pages with more still to come; the inventory is incomplete, so none of it is used`);
      }
      seenMarkers.add(page.Marker);
      pending = ahead.get(page.Marker) ?? send(page.Marker);
      ahead.delete(page.Marker);
    } else if (page.IsTruncated) {
      return failed('error', `GetAccountAuthorizationDetails said IsTruncated=true without a Marker (page ${pages}); the result would be incomplete`);
    }
    append(merged.UserDetailList, page.UserDetailList);
    append(merged.GroupDetailList, page.GroupDetailList);
    append(merged.RoleDetailList, page.RoleDetailList);
    append(merged.Policies, page.Policies);
    onPage(pages, merged.UserDetailList.length + merged.GroupDetailList.length + merged.RoleDetailList.length + merged.Policies.length);
  }
  return { ok: true, value: merged };
}
