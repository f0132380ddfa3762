import { DEFAULT_CONFIG, type NhiConfig } from '../../config/types.js';
import { andList } from '../../report/and-list.js';

const DEFAULT_PATTERNS = DEFAULT_CONFIG.serviceAccountPatterns.map((p) => new RegExp(p, 'i'));

/**
 * Whether the collector looks up this user's manager (client.ts, readManagers): a user object
 * whose names, employeeType or password policy look like a service account's, by the default
 * conventions (the collector has no scan config). The transform asks the same question to tell
 * a user missing from userManagers.json that was never to be read from one that was not read.
 */
export function looksLikeServiceAccount(u: Record<string, unknown>): boolean {
  const names = [u.userPrincipalName, u.displayName, u.mailNickname].filter((x): x is string => typeof x === 'string');
  const local = names.map((n) => n.split('@')[0]);
  if ([...names, ...local].some((n) => DEFAULT_PATTERNS.some((p) => p.test(n)))) return true;
  if (typeof u.employeeType === 'string' && DEFAULT_CONFIG.serviceAccountTypes.includes(u.employeeType.toLowerCase())) return true;
  return typeof u.passwordPolicies === 'string' && /DisablePasswordExpiration/i.test(u.passwordPolicies);
}

/** What is known about one user object, for the service-account decision. */
export interface UserFacts {
  id: string;
  userPrincipalName?: string;
  displayName?: string;
  employeeType?: string;
  passwordPolicies?: string;
  onPremisesSyncEnabled?: boolean;
  /** `undefined`: managers not read; `false`: read, and there is none. */
  hasManager?: boolean;
  /** `undefined`: registration details not read. */
  mfaRegistered?: boolean;
  lastInteractive?: string;
  lastNonInteractive?: string;
  /** Whether `signInActivity` was present on the object at all. */
  signInKnown: boolean;
}

export interface Classification {
  machine: boolean;
  /** Every reason found, strong ones first (kept even when the user stays human, for review). */
  reasons: string[];
  /**
   * For a user named like a service account that no signal read makes one: the sources of
   * supporting signals that were not read ("manager", "MFA registration", "sign-in activity"),
   * any of which could have made it one. Empty otherwise: a declared or supported user is decided,
   * and without the name no supporting signal decides anything.
   */
  unread: string[];
}

/**
 * Decides whether a user object is a service account. Explicit declarations (the configured
 * known list, an `employeeType` the organisation uses for service accounts) decide on their own.
 * A naming pattern is weaker (a person may be called "svc"): it needs at least one supporting
 * signal of non-human use (password never expires, no manager, no MFA, only non-interactive
 * sign-ins, synced from on-premises AD). Supporting signals alone never make a machine: plenty
 * of people have no manager or no MFA, and those are findings about people.
 */
export function classifyUser(u: UserFacts, config: NhiConfig): Classification {
  const declared: string[] = [];
  const named: string[] = [];
  const support: string[] = [];
  const keys = [u.id, u.userPrincipalName, u.displayName].filter((x): x is string => !!x).map((x) => x.toLowerCase());
  if (config.knownServiceAccounts.some((k) => keys.includes(k.toLowerCase()))) declared.push('listed in knownServiceAccounts');
  if (u.employeeType && config.serviceAccountTypes.some((t) => t.toLowerCase() === u.employeeType!.toLowerCase())) {
    declared.push(`employeeType "${u.employeeType}"`);
  }
  const local = u.userPrincipalName?.split('@')[0];
  for (const candidate of [local, u.displayName]) {
    if (!candidate) continue;
    const hit = config.serviceAccountPatterns.find((p) => safeTest(p, candidate));
    if (hit) {
      named.push(`name "${candidate}" matches /${hit}/`);
      break;
    }
  }
  if (u.passwordPolicies && /DisablePasswordExpiration/i.test(u.passwordPolicies)) support.push('password never expires');
  if (u.hasManager === false) support.push('no manager');
  if (u.mfaRegistered === false) support.push('no MFA method registered');
  if (u.signInKnown && u.lastNonInteractive && !u.lastInteractive) support.push('only non-interactive sign-ins');
  if (u.onPremisesSyncEnabled === true) support.push('synced from on-premises AD');
  const machine = declared.length > 0 || (named.length > 0 && support.length > 0);
  // Such a user is a person only on the signals read: one that was not may be the one that
  // makes it a service account, so the caller must not present it as a person without saying so.
  const unread: string[] = [];
  if (!machine && named.length > 0) {
    if (u.hasManager === undefined) unread.push('manager');
    if (u.mfaRegistered === undefined) unread.push('MFA registration');
    if (!u.signInKnown) unread.push('sign-in activity');
  }
  return { machine, reasons: [...declared, ...named, ...support], unread };
}

/** "manager was not read", "manager and MFA registration were not read": the sources a user's classification lacks. */
export function unreadText(unread: readonly string[]): string {
  if (unread.length === 1) return `${unread[0]} was not read`;
  return `${andList(unread)} were not read`;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'i').test(value);
  } catch {
    return false;
  }
}
