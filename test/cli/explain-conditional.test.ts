import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { explain, type ExplainCard } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

// The card's "Delegated authority" list showed an edge that holds only under a condition the same
// as a firm one ("ops-agent-role via CAN_ASSUME"), while its crown-jewel line said "may reach".

const OPS_AGENT_APPID = 'd8b52952-66bf-4927-97a3-022df7648254';

/** The demo with Ops Agent's requestedAccessTokenVersion not read: its link into ops-agent-role holds only if it asks for v1 tokens. */
function versionUnread(): Snapshot {
  const s = demoSnapshot();
  const apps = s.files['entra/applications.json'] as { value?: Record<string, unknown>[] } | Record<string, unknown>[];
  const list = (Array.isArray(apps) ? apps : apps.value!) as Record<string, unknown>[];
  delete list.find((a) => a.appId === OPS_AGENT_APPID)!.api;
  return s;
}

function card(s: Snapshot): ExplainCard {
  const m = explain(scan(s), 'Ops Agent');
  if (m.kind !== 'card') throw new Error('no card');
  return m.card;
}

describe('explain: a conditional direct edge in the delegated authority list', () => {
  it('is marked conditional, with why, in text and JSON; firm entries are as they were', () => {
    const c = card(versionUnread());
    const role = c.privileges.find((p) => p.name === 'ops-agent-role')!;
    expect(role.conditional).toBe(true);
    const firm = c.privileges.find((p) => p.name.startsWith('Tickets.ReadWrite.All'))!;
    expect(Object.keys(firm)).not.toContain('conditional');
    const text = renderExplain(c, false).replace(/\n +/g, ' ');
    expect(text).toMatch(/ ops-agent-role via CAN_ASSUME, hidden from access reviews \(conditional: ops-agent-role trusts Entra tenant .* \(only if Ops Agent asks for v1 tokens, which the sts\.windows\.net\/<tenant>\/ issuer signs \(its api\.requestedAccessTokenVersion was not read\)\)\)/);
    // Near miss: the version read, the link is firm and the entry unmarked.
    const plain = card(demoSnapshot());
    expect(Object.keys(plain.privileges.find((p) => p.name === 'ops-agent-role')!)).not.toContain('conditional');
    expect(renderExplain(plain, false)).not.toMatch(/conditional:/);
  });
});
