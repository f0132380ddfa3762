import type { GraphFailure, GraphHttp, GraphResult } from './graph-http.js';
import { mapWithConcurrency } from './pool.js';

/** Per-object sub-collections the collector reads through `$batch`. */
export type RelationshipKind =
  | 'applicationOwners'
  | 'servicePrincipalOwners'
  | 'federatedIdentityCredentials'
  | 'appRoleAssignedTo'
  | 'groupMembers'
  | 'agentSponsors';

/** One per-object read: `url` is relative to the version, as `$batch` wants it. */
export interface RelationshipJob {
  kind: RelationshipKind;
  parentId: string;
  version: 'v1.0' | 'beta';
  url: string;
}

/**
 * The members the scan reads every item of each kind by (its transform's required strings): a
 * page with an item without one is malformed, and only that parent is not read.
 */
const ITEM_KEYS: Record<RelationshipKind, readonly string[]> = {
  applicationOwners: ['id'],
  servicePrincipalOwners: ['id'],
  federatedIdentityCredentials: ['id', 'issuer'],
  appRoleAssignedTo: ['principalId', 'resourceId', 'appRoleId'],
  groupMembers: ['id'],
  agentSponsors: ['id'],
};

/** What was read for one kind: parents absent from `byParent` were not read (see `failures`). */
export interface RelationshipOutcome {
  byParent: Map<string, unknown[]>;
  failures: GraphFailure[];
  attempted: number;
}

/**
 * Reads all jobs with as few requests as possible: every kind of the same Graph version shares
 * the same batches (20 reads each), and only items whose first page has a nextLink cost more.
 */
export async function readRelationships(
  http: GraphHttp,
  jobs: readonly RelationshipJob[],
  concurrency: number,
): Promise<Map<RelationshipKind, RelationshipOutcome>> {
  const firstPages = new Map<string, GraphResult<unknown>>();
  for (const version of ['v1.0', 'beta'] as const) {
    const requests = [];
    for (let i = 0; i < jobs.length; i++) if (jobs[i].version === version) requests.push({ id: String(i), url: jobs[i].url });
    if (requests.length === 0) continue;
    for (const [id, result] of await http.batch(version, requests)) firstPages.set(id, result);
  }

  const complete = await mapWithConcurrency(jobs, concurrency, async (job, i): Promise<GraphResult<unknown[]>> => {
    const first = firstPages.get(String(i));
    if (!first) return { ok: false, failure: { kind: 'error', reason: `no batch result for ${job.kind}` } };
    if (!first.ok) return first;
    return http.continueList(first.value, http.url(job.version, job.url), ITEM_KEYS[job.kind]);
  });

  const outcomes = new Map<RelationshipKind, RelationshipOutcome>();
  jobs.forEach((job, i) => {
    let outcome = outcomes.get(job.kind);
    if (!outcome) outcomes.set(job.kind, (outcome = { byParent: new Map(), failures: [], attempted: 0 }));
    outcome.attempted++;
    const result = complete[i];
    if (result.ok) outcome.byParent.set(job.parentId, result.value);
    else outcome.failures.push(result.failure);
  });
  return outcomes;
}
