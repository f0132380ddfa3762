import type { IdentitySummary } from '../../src/report/types.js';

/** An identity summary for reporter tests: a scheduled Entra service principal owned by Alice, used the day before the scan. */
export function identitySummary(over: Partial<IdentitySummary> = {}): IdentitySummary {
  return {
    id: 'entra:t:sp:1',
    provider: 'entra',
    type: 'entra-service-principal',
    name: 'Sync',
    nativeId: '1',
    scope: 't',
    lastUsedAt: '2026-11-19T00:00:00Z',
    owners: [{ name: 'Alice', relation: 'owner', enabled: true }],
    credentials: [],
    tier: 1,
    tierReasons: [],
    autonomy: 'scheduled',
    autonomyReason: '',
    strength: 'private-key',
    strengthEvidence: [],
    longLivedCredential: false,
    crownJewels: [],
    findingIds: [],
    ...over,
  };
}
