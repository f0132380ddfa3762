import type { Clock } from './clock.js';
import type { EstatePlan } from './plan.js';
import type { Rng } from './prng.js';

/** Receives each generated file once, path relative to the snapshot folder. */
export type FileSink = (relPath: string, content: string) => void;

/** An Entra app registration with a service principal, as other providers refer to it. */
export interface EntraAppRef {
  appId: string;
  spId: string;
  name: string;
}

/** One planned AWS account and the role names other providers point at before AWS is generated. */
export interface AwsAccountPlan {
  accountId: string;
  alias: string;
  roles: number;
  users: number;
  /** Roles entered through the Okta `amazon_aws` app (Okta groups `aws_<account>_<role>`). */
  oktaSamlRoles: string[];
}

/** Everything generated so far that a later provider cross-references. */
export interface GenContext {
  rng: Rng;
  clock: Clock;
  plan: EstatePlan;
  emit: FileSink;
  tenantId: string;
  orgUrl: string;
  domain: string;
  accounts: AwsAccountPlan[];
  /** Filled by the Entra generator. */
  entraApps: EntraAppRef[];
  /** Filled by the Okta generator: client ids of service apps. */
  oktaServiceClientIds: string[];
  /** Counts of what was written, for the manifest-free summary `gen` prints. */
  counts: Record<string, number>;
}

/** Graph collection envelope, as `GET /v1.0/<collection>` returns it (pages merged). */
export function graphCollection(name: string, value: unknown[]): string {
  return JSON.stringify({ '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${name}`, value });
}

export function bump(ctx: GenContext, key: string, by = 1): void {
  ctx.counts[key] = (ctx.counts[key] ?? 0) + by;
}
