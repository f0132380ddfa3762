import type { Finding } from '../../src/engine/types.js';

/**
 * `ruleId subjectId fingerprint` of each finding, sorted: two scans that must give the same
 * findings under the same fingerprints compare equal, and a failing diff names what moved.
 */
export function findingKeys(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.subject.id} ${f.fingerprint}`).sort();
}
