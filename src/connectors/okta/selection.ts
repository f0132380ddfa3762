/** Picks which Okta objects deserve per-object calls, so request count scales with what matters. */

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * An OIDC app that authenticates as itself: an API service app, or any OIDC app allowed the
 * `client_credentials` grant. These are the apps whose secrets, keys, Okta-API grants and
 * admin roles make them non-human identities.
 */
export function isMachineApp(app: Obj): boolean {
  if (app.signOnMode !== 'OPENID_CONNECT') return false;
  const client = obj(obj(app.settings)?.oauthClient);
  if (client?.application_type === 'service') return true;
  const grants = client?.grant_types;
  return Array.isArray(grants) && grants.includes('client_credentials');
}

/** The OAuth `client_id` of an OIDC app (equal to the app id in current orgs, not guaranteed). */
export function clientIdOf(app: Obj): string | undefined {
  return str(obj(obj(app.credentials)?.oauthClient)?.client_id) ?? str(app.id);
}

export function isAwsApp(app: Obj, awsAppNames: ReadonlySet<string>): boolean {
  return typeof app.name === 'string' && awsAppNames.has(app.name);
}

/** True when the user's login, profile `userType` or user type id matches a pattern. */
export function looksLikeServiceAccount(user: Obj, patterns: readonly RegExp[]): boolean {
  const profile = obj(user.profile);
  const candidates = [str(profile?.login), str(profile?.userType), str(obj(user.type)?.id)].filter(
    (s): s is string => s !== undefined,
  );
  // Reset lastIndex: a caller-supplied /g or /y pattern would otherwise alternate results.
  return patterns.some((re) =>
    candidates.some((c) => {
      re.lastIndex = 0;
      return re.test(c);
    }),
  );
}

/**
 * True when one of the user's type signals is listed in `types` (lower-case names, as in the
 * config's serviceAccountTypes): `profile.userType`, the user type id, or the type's `name` or
 * `displayName` from the org's user types (`typeNames`, by id; absent when they were not read).
 */
export function hasServiceAccountType(user: Obj, types: ReadonlySet<string>, typeNames?: ReadonlyMap<string, Obj>): boolean {
  if (types.size === 0) return false;
  const typeId = str(obj(user.type)?.id);
  const named = typeId !== undefined ? typeNames?.get(typeId) : undefined;
  const candidates = [str(obj(user.profile)?.userType), typeId, str(named?.name), str(named?.displayName)];
  return candidates.some((c) => c !== undefined && types.has(c.toLowerCase()));
}

/** Id of every user in an app-user listing (`/api/v1/apps/{id}/users` items carry `id`). */
export function idsOf(items: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const it of items) {
    const id = str(it.id);
    if (id) out.push(id);
  }
  return out;
}

/** Owner user ids of API tokens. */
export function tokenOwnerIds(tokens: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const id = str(t.userId);
    if (id) out.push(id);
  }
  return out;
}
