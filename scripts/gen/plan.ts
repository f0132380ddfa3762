/** How many objects of each kind an estate of `identities` identities gets. */
export interface EstatePlan {
  identities: number;
  entra: {
    /** App registration + its service principal: one identity in the graph (the two merge). */
    appWithSp: number;
    /** App registration with no service principal in the tenant. */
    appOnly: number;
    managedIdentities: number;
    /** Multi-tenant apps from other organisations, consented here. */
    thirdParty: number;
    agents: number;
    /** People: owners, consenting users, admins. Not counted as identities. */
    users: number;
    /** User objects that look like service accounts (counted by the scanner, not by the plan). */
    serviceUsers: number;
  };
  okta: { serviceApps: number; apiTokens: number; users: number; webApps: number };
  aws: { accounts: { roles: number; users: number }[] };
}

/**
 * One AWS account per this many identities of the whole estate (so about 2,500 IAM principals
 * each): large estates spread over many accounts, and an account's size stays the same as the
 * estate grows.
 */
const IDENTITIES_PER_ACCOUNT = 5000;

/**
 * Splits `n` identities roughly 40% Entra, 10% Okta, 50% AWS, the proportions a mid-size
 * enterprise running all three shows, and sizes the people and accounts around them.
 */
export function planEstate(n: number): EstatePlan {
  if (!Number.isInteger(n) || n < 50) throw new Error('identities must be an integer of at least 50');
  const entra = Math.round(n * 0.4);
  const okta = Math.round(n * 0.1);
  const aws = n - entra - okta;

  const managedIdentities = Math.round(entra * 0.22);
  const thirdParty = Math.round(entra * 0.12);
  const appOnly = Math.round(entra * 0.03);
  const agents = Math.max(1, Math.round(entra * 0.01));
  const appWithSp = entra - managedIdentities - thirdParty - appOnly - agents;

  const serviceApps = Math.round(okta * 0.6);
  const apiTokens = okta - serviceApps;

  const accountCount = Math.max(2, Math.round(n / IDENTITIES_PER_ACCOUNT));
  const accounts: { roles: number; users: number }[] = [];
  let left = aws;
  for (let i = 0; i < accountCount; i++) {
    // The first account is the big production one; the rest share what is left evenly.
    const size = i === accountCount - 1 ? left : Math.round(i === 0 ? aws / accountCount * 1.3 : (aws - Math.round(aws / accountCount * 1.3)) / (accountCount - 1));
    const users = Math.round(size * 0.16);
    accounts.push({ roles: size - users, users });
    left -= size;
  }

  return {
    identities: n,
    entra: {
      appWithSp,
      appOnly,
      managedIdentities,
      thirdParty,
      agents,
      users: Math.max(30, Math.round(entra * 0.15)),
      serviceUsers: Math.max(3, Math.round(entra * 0.01)),
    },
    okta: { serviceApps, apiTokens, users: Math.max(20, Math.round(okta * 0.5)), webApps: Math.max(3, Math.round(okta * 0.05)) },
    aws: { accounts },
  };
}
