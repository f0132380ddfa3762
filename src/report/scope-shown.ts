/**
 * Which coverage-record scopes a report or warning echoes. A tenant id (or the domain a tenant may
 * be configured by), an org URL and an account id are shown as such; anything else (a path, a
 * query, user info pasted with the host, a value pasted into the field) may hold a secret and is
 * named by what it is not. One rule for the stray-scope warnings and every coverage section.
 */
const SHAPES: Readonly<Record<string, { shown: RegExp; what: string }>> = {
  entra: {
    shown: /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$/i,
    what: 'a tenant id',
  },
  okta: { shown: /^https?:\/\/[a-z0-9.-]+(:\d+)?$/, what: 'an org URL' },
  aws: { shown: /^\d{12}$/, what: 'an account id' },
};

/**
 * The AWS collector's records of what it could not file under an account: `caller` (its own
 * identity not read) and `organization` (the account list). Words of ours, safe to show.
 */
const AWS_WORDS = new Set(['caller', 'organization']);

/** `scope` as a report may print it: as written when it looks like an id of its provider, else a placeholder. */
export function shownScope(provider: string, scope: string): string {
  if (scope === '*' || !Object.hasOwn(SHAPES, provider)) return scope;
  if (provider === 'aws' && AWS_WORDS.has(scope)) return scope;
  const { shown, what } = SHAPES[provider];
  return shown.test(scope) ? scope : `a scope that is not ${what} (not shown)`;
}
