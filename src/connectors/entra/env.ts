import { EntraConfigError } from './errors.js';
import { andList } from '../../report/and-list.js';
import type { EntraCollectOptions, EntraCredential } from './options.js';

/** Command-line flags that shape the Entra connection (all optional). */
export interface EntraFlags {
  tenantId?: string;
  clientId?: string;
  /** Authority host; overrides `AZURE_AUTHORITY_HOST`. */
  authority?: string;
  /** Graph origin for national clouds. */
  graphUrl?: string;
  /** Test-only: OIDC metadata JSON for the authority, so MSAL makes no discovery call. */
  authorityMetadata?: string;
  /** Test-only: token endpoint (loopback http allowed). */
  tokenEndpoint?: string;
}

type Env = Record<string, string | undefined>;

export const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A verified domain of the tenant, e.g. contoso.onmicrosoft.com. */
const TENANT_DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

/**
 * Builds collector options from the environment variables the Azure SDKs use. When several
 * credentials are present the precedence is the one of azure-identity's DefaultAzureCredential:
 * client secret, then certificate (its EnvironmentCredential, which never reads a federated token
 * file), then a federated token file (its WorkloadIdentityCredential, tried next). Pure: files are read at collect time.
 */
export function entraOptionsFromEnv(env: Env, flags: EntraFlags = {}): EntraCollectOptions {
  const tenantId = flags.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = flags.clientId ?? env.AZURE_CLIENT_ID;
  if (!tenantId) throw new EntraConfigError('AZURE_TENANT_ID is not set', 'set AZURE_TENANT_ID to the tenant id (a GUID)');
  if (!clientId) throw new EntraConfigError('AZURE_CLIENT_ID is not set', 'set AZURE_CLIENT_ID to the application (client) id');
  // Client credentials need a concrete tenant; MSAL rejects these aliases (SDK-NOTES §1.1.6).
  if (['common', 'organizations', 'consumers'].includes(tenantId.toLowerCase())) {
    throw new EntraConfigError(`AZURE_TENANT_ID cannot be "${tenantId}"`, 'use the tenant id or its primary domain');
  }
  // The value is not echoed: swapped variables would put a client secret here.
  if (!TENANT_GUID.test(tenantId) && !TENANT_DOMAIN.test(tenantId)) {
    throw new EntraConfigError('AZURE_TENANT_ID is neither a tenant id (a GUID) nor a domain name', 'set AZURE_TENANT_ID (or --entra-tenant) to the directory (tenant) id');
  }
  return {
    tenantId,
    clientId,
    credential: credentialFromEnv(env),
    authorityHost: flags.authority ?? env.AZURE_AUTHORITY_HOST,
    graphUrl: flags.graphUrl,
    authorityMetadata: flags.authorityMetadata,
    tokenEndpoint: flags.tokenEndpoint,
  };
}

/** The credential variables in the order azure-identity's DefaultAzureCredential tries them. */
const CREDENTIAL_VARIABLES = [
  ['AZURE_CLIENT_SECRET', 'the client secret'],
  ['AZURE_CLIENT_CERTIFICATE_PATH', 'the certificate'],
  ['AZURE_FEDERATED_TOKEN_FILE', 'the federated token file'],
] as const;

/**
 * One line when more than one Entra credential is set: the first wins (credentialFromEnv), and a
 * certificate or federated token set up to replace a secret that was never unset would otherwise
 * be passed over without a word. Names the variables only, never their values.
 */
export function entraCredentialChoiceWarning(env: Env): string | undefined {
  const set = CREDENTIAL_VARIABLES.filter(([name]) => env[name]);
  if (set.length < 2) return undefined;
  const names = set.map(([name]) => name);
  const listed = andList(names);
  const [used, what] = set[0];
  return `${listed} are ${set.length === 2 ? 'both' : 'all'} set: ${what} (${used}) is used, as azure-identity orders them; unset the ${set.length === 2 ? 'one' : 'ones'} not meant`;
}

function credentialFromEnv(env: Env): EntraCredential {
  if (env.AZURE_CLIENT_SECRET) return { kind: 'secret', clientSecret: env.AZURE_CLIENT_SECRET };
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return {
      kind: 'certificateFile',
      path: env.AZURE_CLIENT_CERTIFICATE_PATH,
      password: env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined,
      sendCertificateChain: env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === 'true' || env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === '1',
    };
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE) return { kind: 'federated', tokenFile: env.AZURE_FEDERATED_TOKEN_FILE };
  throw new EntraConfigError(
    'no Entra credential in the environment',
    'set AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE',
  );
}
