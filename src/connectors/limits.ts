/**
 * Limits every collector applies to what one provider answer, or one listing, may hand it. A
 * server that misbehaves (or is hostile) must end as a visible coverage gap, never as a scan that
 * runs or grows in memory for ever. Reaching a limit fails the read: nothing of the listing or
 * answer is kept, since it is not the whole of it.
 */

/**
 * Pages one listing may take. A listing whose every page has items and a new cursor escapes the
 * repeated-cursor and empty-page checks and would be followed for ever. 10,000 pages is far beyond
 * any real tenant: about ten million directory objects at Graph's `$top=999`, two million Okta
 * objects at its largest page size (200), ten million IAM items at 1,000 a page (IAM's default
 * quotas are 5,000 users and 5,000 roles an account), and more ListAccounts pages than an
 * organization has accounts.
 */
export const MAX_PAGES_PER_LISTING = 10_000;

/** Providers may send an empty page mid-listing; this many in a row, each with a new cursor, never ends. */
export const MAX_EMPTY_PAGES_IN_A_ROW = 100;

/**
 * Bytes read from one HTTP answer before it is given up. The largest real answers are a few MiB: a
 * Graph page of 999 directory objects or a `$batch` of 20 such pages, a page of 200 Okta users with
 * full profiles, a GetAccountAuthorizationDetails page of 1,000 items with their policy documents.
 * A server that streams without end would otherwise be buffered until the process runs out of
 * memory.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
