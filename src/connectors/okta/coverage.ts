import { sortTexts } from '../../compare.js';
import type { CoverageRecord, CoverageStatus } from '../../snapshot/types.js';

/** Okta capability names used in coverage records (docs/snapshot-format.md). */
export const OKTA_CAPABILITIES = [
  'okta.apps',
  'okta.appCredentials',
  'okta.appGrants',
  'okta.clientRoles',
  'okta.apiTokens',
  'okta.users',
  'okta.adminRoles',
  'okta.factors',
  'okta.groups',
  'okta.appAssignments',
  'okta.userTypes',
  'okta.authorizationServers',
] as const;

export type OktaCapability = (typeof OKTA_CAPABILITIES)[number];

/** Worse outcomes win when several calls feed one capability. */
const RANK: Record<CoverageStatus, number> = {
  collected: 0,
  'not-collected': 1,
  error: 2,
  'missing-permission': 3,
};

/**
 * Collects the outcome of every call per capability and renders one coverage record each.
 * Several files share a capability (`okta.adminRoles` = user roles + group roles).
 */
export class CoverageBook {
  private readonly entries = new Map<OktaCapability, { status: CoverageStatus; reasons: string[] }>();

  constructor(private readonly scope: string) {}

  note(capability: OktaCapability, status: CoverageStatus, reason?: string): void {
    const cur = this.entries.get(capability);
    if (!cur) {
      this.entries.set(capability, { status, reasons: reason ? [reason] : [] });
      return;
    }
    if (RANK[status] > RANK[cur.status]) cur.status = status;
    if (reason && !cur.reasons.includes(reason)) cur.reasons.push(reason);
  }

  status(capability: OktaCapability): CoverageStatus | undefined {
    return this.entries.get(capability)?.status;
  }

  records(): CoverageRecord[] {
    return OKTA_CAPABILITIES.filter((c) => this.entries.has(c)).map((capability) => {
      const e = this.entries.get(capability)!;
      const rec: CoverageRecord = { provider: 'okta', scope: this.scope, capability, status: e.status };
      // Sorted: reads feeding one capability run side by side and fail in any order, and the same
      // outcomes must give the same record.
      if (e.status !== 'collected' && e.reasons.length > 0) rec.reason = sortTexts([...e.reasons]).join('; ');
      return rec;
    });
  }
}
