import { ids } from '../../graph/ids.js';
import type { GraphNode } from '../../graph/model.js';

/**
 * Per SAML provider ARN, the active Okta AWS apps that name it as their own. With providerAccepts
 * and patternPart, shared by the cross-provider link (link.ts) and the Okta transform, so that the
 * transform leaves out only routes the link would drop.
 */
export type ProviderClaims = Map<string, GraphNode[]>;

/**
 * The Okta AWS apps that sign for each SAML provider: the provider each app names as its own
 * (`identityProviderArn`, or the literal ARN of its role value pattern). An inactive app is left
 * out: it signs nothing, and whether the provider was ever built for it says nothing about which
 * app it takes assertions from now. Keyed by provider ARN. One pass over the nodes.
 */
export function providerClaims(nodes: Iterable<GraphNode>): ProviderClaims {
  const claims: ProviderClaims = new Map();
  for (const n of nodes) {
    if (n.type !== 'okta-aws-federation-app' || n.enabled === false || typeof n.attrs.samlProviderArn !== 'string') continue;
    const arn = n.attrs.samlProviderArn;
    (claims.get(arn) ?? claims.set(arn, []).get(arn)!).push(n);
  }
  return claims;
}

/**
 * Whether a SAML provider the role value pattern names accepts this app's assertions. An IAM SAML
 * provider holds one IdP's metadata, signing certificate included, and Okta signs each app's
 * assertions with a key of that app alone unless keys were shared between apps on purpose (Okta
 * help, "Manage signing certificates": the active certificate is scoped only to the app
 * integration; Okta developer guide, "Share application key credentials for IdPs across apps":
 * for two apps to be accepted by the same IdP, their assertions must be signed by the same key).
 * So a provider that another scanned app names as its own (one AWS app per account, each with
 * Okta's default multi-account pattern) rejects this app's assertions, unless the two apps sign
 * with the same key (`credentials.signing.kid`); even then the route is conditional, as AWS also
 * matches the assertion's Issuer against the provider's metadata (the error "Issuer not present in
 * specified provider"), which is not read. A provider no scanned app names may have been
 * created from this app's metadata (Okta's one-app multi-account setup) or not; the provider's
 * metadata is not read, so that route is conditional. The Okta transform asks it too, to leave
 * out escalation edges the link would drop (addRoleGroupEscalations), so both decide alike.
 */
export function providerAccepts(claims: ProviderClaims, providerArn: string, app: GraphNode): { accepts: 'yes' | 'maybe' | 'no'; why: string } {
  const apps = claims.get(providerArn);
  if (apps === undefined) return { accepts: 'maybe', why: ", which accepts the app's assertions only if it was created from this app's SAML metadata (not read)" };
  if (apps.includes(app)) return { accepts: 'yes', why: '' };
  const kid = app.attrs.signingKid;
  const same = typeof kid === 'string' ? apps.find((a) => a.attrs.signingKid === kid) : undefined;
  // A shared key only makes the signature verify: AWS also checks the assertion's Issuer against
  // the provider's metadata ("Issuer not present in specified provider"), and each Okta app has
  // its own issuer unless that metadata names it too, which is not read.
  if (same)
    return {
      accepts: 'maybe',
      why: `, which the AWS app ${same.name} names as its own and which signs with the same key as ${app.name}; it accepts ${app.name}'s assertions only if its metadata (not read) also names ${app.name}'s issuer, since AWS checks the issuer as well as the signature`,
    };
  const unread = typeof kid !== 'string' ? app : apps.find((a) => typeof a.attrs.signingKid !== 'string');
  if (unread) return { accepts: 'maybe', why: `, which the AWS app ${apps[0].name} names as its own; it accepts ${app.name}'s assertions only if both sign with the same key (the signing key of ${unread.name} was not read)` };
  // An inference, not something read: the provider's metadata is not collected. It rests on the
  // layout Okta documents and that is by far the common one (one AWS app per account, each
  // account's provider created from that app's metadata), and on a provider built from another
  // app's metadata holding that app's certificate and issuer, which this app's assertions do not
  // match. A provider whose metadata was later replaced with this app's would be missed.
  return { accepts: 'no', why: '' };
}

/**
 * The ARN one part of a role value pattern gives (the part naming `:role/` or `:saml-provider/`;
 * AWS takes the pair in either order), when it has that part and the account it needs.
 */
export function patternPart(pattern: unknown, kind: ':role/' | ':saml-provider/', account: string | undefined, role: string): string | undefined {
  if (typeof pattern !== 'string') return undefined;
  // Split only at a comma that starts the next ARN: a role's path and name may hold commas
  // (`[\w+=,.@-]`), and cut at those, `role/a,b` read as the role `a`. Neither they nor the
  // pattern's `${...}` variables hold a colon, so `,arn:` only ever separates the two ARNs.
  const part = pattern.split(/,(?=\s*arn:)/).find((x) => x.includes(kind));
  if (!part || (part.includes('${accountid}') && account === undefined)) return undefined;
  return part.replaceAll('${accountid}', account ?? '').replaceAll('${role}', role).trim();
}

/**
 * An IAM SAML provider ARN, whole. The name follows CreateSAMLProvider's `Name` as IAM checks it
 * (IAM API Reference, CreateSAMLProvider: Pattern `[\w._-]+`, length 1 to 128; the service
 * model's SAMLProviderNameType says the same): letters, digits, `_`, `.` and `-` only. The prose
 * of that page lists `_+=,.@-`, the text IAM repeats for user and role names; the pattern is the
 * constraint, and an ARN naming `+`, `=`, `,` or `@` names no provider that can exist. The
 * partition is `aws`, `aws-cn` or `aws-us-gov` (AWS General Reference, "Amazon Resource Names":
 * the supported partitions), or another `aws-<name>` one (the isolated and sovereign partitions
 * follow that form); not `awsx` or `aws_cn`. Group 1 is the account. Shared by the Okta transform
 * (a role value pattern's literal provider) and the Entra transform (an AWS app role's value), so
 * both read the same ARNs.
 */
export const SAML_PROVIDER_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):saml-provider\/[\w.-]{1,128}$/;

/** An IAM role ARN and a SAML provider ARN, as one AWS app role value names them. */
export interface AwsSamlPair {
  roleArn: string;
  providerArn: string;
}

const AWS_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/**
 * The role and SAML provider an app role value names, when it is the value AWS reads from a SAML
 * assertion's `https://aws.amazon.com/SAML/Attributes/Role` attribute: a role ARN and a provider
 * ARN joined by a comma, in either order (IAM User Guide, "Configure SAML assertions for the
 * authentication response"). Entra's AWS gallery apps put exactly that in each app role's value
 * and send the signed-in user's assigned roles in that attribute; an Okta AWS app's assignment may
 * carry it as one of its own SAML roles (the link reads those, link.ts mappedRoles). A role's path
 * and name may hold commas (IAM API Reference, CreateRole: RoleName `[\w+=,.@-]+`), so
 * `arn:aws:iam::111122223333:role/a,b,arn:aws:iam::111122223333:saml-provider/Okta` is the role
 * `a,b` and that provider.
 */
export function awsSamlRole(value: string): AwsSamlPair | undefined {
  // A role's path and name may hold commas, a provider's name may not (SAML_PROVIDER_ARN): the
  // provider is what lies before the first comma or after the last, and the role all the rest.
  const first = value.indexOf(',');
  if (first < 0) return undefined;
  const last = value.lastIndexOf(',');
  for (const [providerArn, roleArn] of [
    [value.slice(0, first).trim(), value.slice(first + 1).trim()],
    [value.slice(last + 1).trim(), value.slice(0, last).trim()],
  ]) {
    if (SAML_PROVIDER_ARN.test(providerArn) && AWS_ROLE_ARN.test(roleArn)) return { roleArn, providerArn };
  }
  return undefined;
}

/**
 * The node of an AWS SAML provider an identity provider's app names (the Okta and Entra
 * transforms add it; the AWS transform adds the same id for the roles trusting it, and the builder
 * merges them). Its scope is the provider's account, or `aws` when the ARN names none.
 */
export function samlProviderRef(arn: string): GraphNode {
  const account = arn.match(/::(\d{12}):/)?.[1];
  return {
    id: ids.external('saml-provider', arn),
    kind: 'external',
    provider: 'external',
    type: 'aws-saml-provider-ref',
    name: arn,
    nativeId: arn,
    scope: account ?? 'aws',
    attrs: { arn, accountId: account },
  };
}
