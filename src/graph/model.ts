import type { CoverageRecord } from '../snapshot/types.js';

/** Where a node comes from. `external` covers issuers and workloads outside the three providers (GitHub, other clouds). */
export type Provider = 'entra' | 'okta' | 'aws' | 'external';

/**
 * Provider-neutral node kinds (the ontology):
 * - `identity`: a machine identity (service principal, managed identity, agent identity, OAuth service
 *   app, API token, IAM role or user, or a user object classified as a service account);
 * - `credential`: something an identity proves itself with (secret, key, certificate, federated trust);
 * - `human`: a person (owner, sponsor, consenting user, token creator);
 * - `group`: a group whose members inherit roles;
 * - `privilege`: an app role, delegated scope, directory/admin role, or a crown jewel (see `crownJewel`);
 * - `external`: an issuer or workload outside the scanned tenants (GitHub repo, foreign tenant/account).
 */
export type NodeKind = 'identity' | 'credential' | 'human' | 'group' | 'privilege' | 'external';

/** How a workload proves who it is, weakest first (see issue "workload-identity strength"). */
export type StrengthClass = 'none' | 'shared-secret' | 'private-key' | 'federated';

export type CredentialType =
  | 'client-secret'
  | 'certificate'
  | 'access-key'
  | 'api-token'
  | 'password'
  | 'private-key-jwt'
  | 'federated-oidc'
  | 'federated-saml'
  | 'x509-trust-anchor'
  | 'managed';

/** Federation details of a credential or trust (OIDC/SAML/FIC). */
export interface FederationInfo {
  issuer: string;
  /** The subject condition as written, if any. */
  subject?: string;
  /** `exact` pins one workload; `wildcard` matches many; `missing` matches any token of the issuer/audience. */
  subjectMatch: 'exact' | 'wildcard' | 'missing';
  audiences?: string[];
}

/**
 * One node. Optional fields follow one convention everywhere: `undefined` means "not collected",
 * `null` means "collected, and there is none" (e.g. `lastUsedAt: null` is "never used").
 */
export interface GraphNode {
  /** Stable id from immutable provider ids, e.g. `entra:<tenant>:sp:<objectId>`, `aws:<account>:role:<arn>`. */
  id: string;
  kind: NodeKind;
  provider: Provider;
  /** Provider-native subtype, e.g. `entra-service-principal`, `okta-api-token`, `aws-iam-role`. */
  type: string;
  /** Display name; provider-controlled and untrusted. */
  name: string;
  /** The provider's own immutable id (object id, ARN, app id). */
  nativeId: string;
  /** Tenant id, Okta org URL or AWS account id this node belongs to. */
  scope: string;
  enabled?: boolean;
  createdAt?: string | null;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  tags?: string[];
  /** For credentials. */
  credentialType?: CredentialType;
  /** For credentials: whether the credential is currently usable. */
  status?: 'active' | 'inactive' | 'expired';
  federation?: FederationInfo;
  /** Why a user object is treated as a machine identity (service account classification). */
  machineReasons?: string[];
  /** Why this identity is treated as an AI agent, with the confidence of the evidence. */
  agent?: { confidence: 'authoritative' | 'permission' | 'name' | 'config'; reasons: string[] };
  /** Third-party multi-tenant app: the owning tenant and whether its publisher is verified. */
  thirdParty?: { ownerScope: string; verifiedPublisher: boolean };
  /** Microsoft/Okta/AWS first-party object that nobody in the tenant administers. */
  firstParty?: boolean;
  /** For privilege nodes: the crown-jewel class this privilege amounts to. */
  crownJewel?: CrownJewelClass;
  /** For privilege nodes: capability tier 0..4 this privilege gives on its own. */
  tier?: Tier;
  /** Provider-native details kept for evidence and rules; never a secret value. */
  attrs: Record<string, unknown>;
}

export type Tier = 0 | 1 | 2 | 3 | 4;
export type CrownJewelClass = 'admin' | 'identity-admin' | 'secrets';

/** Edge types, UPPER_SNAKE. */
export type EdgeType =
  | 'OWNS'
  | 'SPONSORS'
  | 'MANAGES'
  | 'HAS_CREDENTIAL'
  | 'MEMBER_OF'
  | 'HAS_ROLE'
  | 'GRANTED'
  | 'DELEGATED_GRANT'
  | 'CAN_ASSUME'
  | 'FEDERATES_TO'
  | 'ACTS_AS'
  | 'CAN_ESCALATE_TO'
  | 'CREATED_BY'
  | 'SAML_MAPS_TO';

export interface GraphEdge {
  from: string;
  to: string;
  type: EdgeType;
  /** A sentence a reviewer can read: why this edge exists. Built from untrusted names; escape on output. */
  reason: string;
  /** True when the provider's own access-review screens would not show this edge. */
  hidden?: boolean;
  /** True when the edge only holds under a condition the scanner could not decide. */
  conditional?: boolean;
  /** Escalation method or grant details (e.g. `{ method: 'iam:PassRole+lambda' }`). */
  evidence?: Record<string, unknown>;
}

/** One tenant, org or account that was scanned. */
export interface ScopeInfo {
  provider: Exclude<Provider, 'external'>;
  id: string;
  name?: string;
  /**
   * Entra: the tenant's id (a GUID in lower case) when `id` names it otherwise (a domain name, as
   * AZURE_TENANT_ID may, when /organization was not read). Token issuers name a tenant by its id.
   */
  tenantId?: string;
  /**
   * AWS: the organisation the account is in (aws/<account>/organization.json), null when it is
   * in none; absent when that was not read.
   */
  organizationId?: string | null;
  /**
   * Okta: the org's custom authorization servers with their access policies, as the link stage
   * judges a token of one by them (transform-auth-servers.ts); absent when okta.authorizationServers
   * was not collected. Not in the report (scan.ts leaves it out of its scopes).
   */
  authorizationServers?: readonly OktaAuthServer[];
}

/** An Okta custom authorization server: what decides whether a service app gets a token from it. */
export interface OktaAuthServer {
  id: string;
  name: string;
  /** `status` is ACTIVE: an inactive server issues no token. Undefined: not read (no status, or another one). */
  active: boolean | undefined;
  /** The `aud` its access tokens carry (Okta supports one). Undefined: not read (the field is missing). */
  audiences: readonly string[] | undefined;
  /**
   * The `issuer` as listed, which becomes the `iss` of its access tokens: `{org}/oauth2/{id}` (or
   * `.../oauth2/default` for the default server), or the same path on a custom URL domain.
   * Undefined: not read (missing).
   */
  issuer?: string;
  /**
   * `issuerMode` as listed: ORG_URL, CUSTOM_URL or DYNAMIC (any other text is kept as written and
   * judged as not read). Undefined: the field is absent, which Okta does when the org has no custom
   * URL domain and no dynamic issuer mode, so `issuer` is the iss.
   */
  issuerMode?: string;
  /**
   * Its access policies, highest priority (lowest `priority`) first, inactive ones included.
   * Undefined: not read (authServerPolicies.json has no entry for the server).
   */
  policies: readonly OktaAccessPolicy[] | undefined;
}

/** An access policy of an Okta custom authorization server. */
export interface OktaAccessPolicy {
  id: string;
  name: string;
  /** Undefined: not read (no status, or another one). */
  active: boolean | undefined;
  /** `conditions.clients.include`: client ids, or `ALL_CLIENTS`. Undefined: not read. */
  clients: readonly string[] | undefined;
  /** Its rules, highest priority first, inactive ones included. Undefined: not read (authServerPolicyRules.json has no entry for the policy). */
  rules: readonly OktaAccessRule[] | undefined;
}

/** A rule of an Okta access policy. */
export interface OktaAccessRule {
  id: string;
  name: string;
  /** Undefined: not read (no status, or another one). */
  active: boolean | undefined;
  /** `conditions.grantTypes.include`. Undefined: not read. */
  grantTypes: readonly string[] | undefined;
  /** `conditions.scopes.include`: scope names, or `*` for every scope. Undefined: not read. */
  scopes: readonly string[] | undefined;
  /**
   * Whom `conditions.people` admits: `everyone` (no people condition, or the `EVERYONE` group among
   * `groups.include`), or `named` (only the users or groups it lists, which a request with no user,
   * such as a client credentials one, never meets). Undefined: not read (neither list says whom).
   */
  people: 'everyone' | 'named' | undefined;
}

export type { CoverageRecord };
