import type { ProgressFn } from '../../snapshot/types.js';

/**
 * How the collector proves its identity to Microsoft Entra ID. Exactly one kind is used; all of
 * them are client-credentials flows of a confidential client (no user sign-in).
 */
export type EntraCredential =
  | { kind: 'secret'; clientSecret: string }
  /** A certificate already split into its parts (SHA-256 thumbprint of the DER cert, PEM key). */
  | { kind: 'certificate'; thumbprintSha256: string; privateKey: string; x5c?: string }
  /** A PEM file holding the certificate and its private key, as `AZURE_CLIENT_CERTIFICATE_PATH`. */
  | { kind: 'certificateFile'; path: string; password?: string; sendCertificateChain?: boolean }
  /** Workload identity federation: the assertion is re-read from this file for every token request. */
  | { kind: 'federated'; tokenFile: string };

/** Everything `collectEntra` needs. Build it with `entraOptionsFromEnv` or by hand in tests. */
export interface EntraCollectOptions {
  tenantId: string;
  clientId: string;
  credential: EntraCredential;
  /** Authority host, e.g. `https://login.microsoftonline.us`. Default `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Graph origin, e.g. `https://graph.microsoft.us`. Default derived from the authority host. */
  graphUrl?: string;
  /**
   * OIDC endpoint metadata for the authority (JSON string or object). MSAL then makes no discovery
   * call. Meant for tests and air-gapped setups; `tokenEndpoint` is the short form.
   */
  authorityMetadata?: string | Record<string, unknown>;
  /** Token endpoint override (loopback http allowed): builds `authorityMetadata` around it. */
  tokenEndpoint?: string;
  /** Per-request timeout in milliseconds. Default 60 000. */
  requestTimeoutMs?: number;
  /** Retries after a 429/503/504 or a network failure, per request. Default 5. */
  maxRetries?: number;
  /** `$batch` requests in flight at once (and list endpoints read in parallel). Default 4. */
  concurrency?: number;
  /** `$top` for the endpoints that accept it. Default 999 (Graph's maximum for directory lists). */
  pageSize?: number;
  /** Users that look like service accounts whose manager is read (one batched read each). Default 5000. */
  maxManagerLookups?: number;
  /** Pages read per listing before it is given up as endless. Default 10 000 (see graph-http.ts). */
  maxPagesPerListing?: number;
  /**
   * Bytes of one HTTP answer read before it is given up as too large (an error record for what it
   * was read for, nothing of it kept). Default 64 MiB (MAX_RESPONSE_BYTES in ../limits.ts).
   */
  maxResponseBytes?: number;
  /** Injected for tests: the Graph client's fetch (MSAL keeps its own). */
  fetch?: typeof fetch;
  /** Injected for tests: how retries wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: reads the federated token file and the certificate file. */
  readFile?: (path: string) => Promise<string>;
  /** Clock used only to turn an HTTP-date `Retry-After` into a delay. */
  now?: () => number;
  progress?: ProgressFn;
  /**
   * Stops the collection from outside (another provider's credential was refused): no request is
   * sent after it aborts, the one in flight is cancelled, and `collectEntra` rejects with its reason.
   */
  signal?: AbortSignal;
}
