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
 * The configuration's service-account conventions, compiled once: what the transform classifies
 * a user by and what the collector selects users by, so the two cannot disagree.
 */
export interface ServiceAccountMatcher {
  patterns: { source: string; re: RegExp }[];
  /** knownServiceAccounts, lower-case. */
  known: Set<string>;
  /** serviceAccountTypes, lower-case. */
  types: Set<string>;
}

/** The parts of the configuration that tell a service account from a person. */
export interface ServiceAccountConventions {
  serviceAccountPatterns: readonly string[];
  knownServiceAccounts: readonly string[];
  serviceAccountTypes: readonly string[];
}

export function serviceAccountMatcher(c: ServiceAccountConventions): ServiceAccountMatcher {
  return {
    patterns: c.serviceAccountPatterns.map((p) => ({ source: p, re: new RegExp(p, 'i') })),
    known: new Set(c.knownServiceAccounts.map((k) => k.toLowerCase())),
    types: new Set(c.serviceAccountTypes.map((t) => t.toLowerCase())),
  };
}

/** What a user's service-account classification looks at. */
export interface UserSignals {
  login: string | undefined;
  /** The user type's `name` ("serviceAccount"). */
  userType: string | undefined;
  /** `type.id`; the Users API names the type by id only. */
  userTypeId?: string;
  /** The type's display name ("Service Account"), as an admin sees it in the console. */
  userTypeDisplay?: string;
  /** `profile.userType`, a free-text profile attribute independent of the user type. */
  profileUserType?: string;
}

/**
 * Why the configuration makes a user a service account (its login or the part before the @
 * matches a pattern, it is listed in knownServiceAccounts by id or login, or one of its type
 * signals is in serviceAccountTypes); empty when it does not.
 */
export function serviceAccountSignals(m: ServiceAccountMatcher, userId: string, facts: UserSignals): string[] {
  const strong: string[] = [];
  if (facts.login) {
    // Patterns are written for bare names; Okta logins are usually e-mail addresses, so try both.
    const login = facts.login;
    const local = login.split('@')[0];
    const hit = m.patterns.find((p) => p.re.test(login) || p.re.test(local));
    if (hit) strong.push(`login matches service-account pattern /${hit.source}/`);
  }
  if (m.known.has(userId.toLowerCase()) || (facts.login && m.known.has(facts.login.toLowerCase()))) strong.push('listed in knownServiceAccounts');
  // Every user has a named type (at least the default "user"), so each type signal is tried on
  // its own: an org may mark service accounts by user type or only by profile.userType.
  const typeSignals: [string, string | undefined][] = [
    ['user type', facts.userType],
    ['user type display name', facts.userTypeDisplay],
    ['profile.userType', facts.profileUserType],
    ['user type id', facts.userTypeId],
  ];
  const typeHit = typeSignals.find(([, v]) => v !== undefined && m.types.has(v.toLowerCase()));
  if (typeHit) strong.push(`${typeHit[0]} "${typeHit[1]}"`);
  return strong;
}

/**
 * The {@link UserSignals} of a user as the Users API returns it, its type named through the
 * org's user types (`typeNames`, by id; absent when they were not read). A `type` that embeds
 * its name (older exports) is read as the transform reads it.
 */
export function userSignalsOf(user: Obj, typeNames?: ReadonlyMap<string, Obj>): UserSignals {
  const profile = obj(user.profile);
  const type = obj(user.type);
  const typeId = str(type?.id);
  const embedded = str(type?.name) ?? str(type?.displayName);
  const named = embedded !== undefined ? { name: embedded, displayName: undefined } : typeId !== undefined ? typeNames?.get(typeId) : undefined;
  return { login: str(profile?.login), userType: str(named?.name), userTypeId: typeId, userTypeDisplay: str(named?.displayName), profileUserType: str(profile?.userType) };
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
