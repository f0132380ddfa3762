import type { IdentitySummary } from './types.js';

// A federated credential is a trust in an outside issuer's tokens: the tokens are short-lived,
// and the trust itself has no end date (an Entra federated identity credential has no
// endDateTime at all; an AWS role trust none either). It lasts until it is removed.
const TRUSTS = new Set(['federated-oidc', 'federated-saml']);

/**
 * A credential's expiry as the reports show it: the date, `null` for none, `undefined` when it
 * was not read. The AWS connector records its trusts with `null`; the Entra one leaves the field
 * out for federated credentials, which have no expiry to read, so they too count as `null`.
 */
export function credentialExpiry(c: IdentitySummary['credentials'][number]): string | null | undefined {
  return c.expiresAt === undefined && TRUSTS.has(c.type) ? null : c.expiresAt;
}
