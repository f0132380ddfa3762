import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { transformEntra } from '../../src/connectors/entra/transform.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/scan.js';
import privilegedRole from '../../rules/entra/entra-privileged-directory-role.js';
import { rawSnapshot, rawSp, spNodeId } from '../helpers/entra-raw.js';

// unifiedRoleEligibilitySchedule (Graph v1.0): scheduleInfo.startDateTime and
// scheduleInfo.expiration (expirationPattern: type noExpiration / afterDateTime / afterDuration,
// endDateTime, ISO 8601 duration). Outside that window the eligibility grants nothing.
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const NOW = new Date('2026-11-29T00:00:00Z'); // the snapshot was collected 2026-11-20
const sp = rawSp('Ticketing API');

const eligibility = (scheduleInfo: unknown) => ({ id: 'e1', principalId: sp.id, roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', status: 'Provisioned', memberType: 'Direct', scheduleInfo });
const snapshotWith = (scheduleInfo: unknown) => rawSnapshot({ 'servicePrincipals.json': [sp], 'roleEligibilitySchedules.json': [eligibility(scheduleInfo)] });
function graph(scheduleInfo: unknown, opts: { now?: Date } = { now: NOW }): Graph {
  const b = new GraphBuilder();
  transformEntra(snapshotWith(scheduleInfo), b, DEFAULT_CONFIG, opts);
  return b.build();
}
const roles = (g: Graph) => g.out(spNodeId(sp), 'HAS_ROLE');

describe('PIM eligibility schedules against the scan clock', () => {
  it('an eligibility that ended before now grants nothing (though after collection)', () => {
    const g = graph({ startDateTime: '2026-11-01T00:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '2026-11-25T00:00:00Z' } });
    expect(roles(g)).toHaveLength(0);
  });

  it('an eligibility that starts after now grants nothing yet', () => {
    const g = graph({ startDateTime: '2026-12-10T00:00:00Z', expiration: { type: 'noExpiration' } });
    expect(roles(g)).toHaveLength(0);
  });

  it('an afterDuration eligibility ends at start + duration', () => {
    expect(roles(graph({ startDateTime: '2026-11-01T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P10D' } }))).toHaveLength(0);
    expect(roles(graph({ startDateTime: '2026-11-01T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P60D' } }))).toHaveLength(1);
  });

  it('a current eligibility counts (conditional, with its end date)', () => {
    const g = graph({ startDateTime: '2026-01-12T09:30:11.36Z', expiration: { type: 'afterDateTime', endDateTime: '2027-01-12T09:30:11.36Z' } });
    expect(roles(g)).toHaveLength(1);
    expect(roles(g)[0]).toMatchObject({ conditional: true, evidence: { eligible: true, endDateTime: '2027-01-12T09:30:11.360Z' } });
  });

  it('an unreadable window is kept (reported, not hidden)', () => {
    expect(roles(graph(undefined))).toHaveLength(1);
    expect(roles(graph({ startDateTime: '2026-01-01T00:00:00Z', expiration: { type: 'afterDuration', duration: 'P1Y2M' } }))).toHaveLength(1);
  });

  it('without a clock the transform judges at the collection time', () => {
    const info = { startDateTime: '2026-11-01T00:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '2026-11-25T00:00:00Z' } };
    expect(roles(graph(info, {}))).toHaveLength(1);
  });

  it('scan --now reaches the transform: the rule does not report an ended eligibility', () => {
    const info = { startDateTime: '2026-11-01T00:00:00Z', expiration: { type: 'afterDateTime', endDateTime: '2026-11-25T00:00:00Z' } };
    const findings = (now: Date) => scanSnapshot(snapshotWith(info), { now, config: DEFAULT_CONFIG, rules: [privilegedRole], version: 'test' }).report.findings;
    expect(findings(new Date('2026-11-20T00:00:00Z')).filter((f) => f.ruleId === privilegedRole.meta.id)).toHaveLength(1);
    expect(findings(NOW).filter((f) => f.ruleId === privilegedRole.meta.id)).toHaveLength(0);
  });
});
