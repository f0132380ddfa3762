import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { explain, type ExplainCard } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';

// Demo story 15: the card of the AWS Dev Console enterprise app listed its edge to the EntraID SAML
// provider under "Delegated authority" like any power of its own, although the analysis gives the
// app no tier or path through it: it only issues the assertions its assignees sign in with.

function card(name: string): ExplainCard {
  const m = explain(scan(demoSnapshot()), name);
  if (m.kind !== 'card') throw new Error(`no card for ${name}`);
  return m.card;
}

describe('explain: an Entra app that signs users in to AWS by SAML', () => {
  it('marks its entry for the SAML provider as signing others in, in JSON and text', () => {
    const c = card('AWS Dev Console');
    const provider = c.privileges.find((p) => p.name === 'SAML provider EntraID')!;
    expect(provider).toMatchObject({ via: 'SAML_MAPS_TO', signsInOthers: true });
    expect(provider.tier ?? 0).toBe(0);
    expect(renderExplain(c, false).replace(/\n +/g, ' ')).toMatch(/SAML provider EntraID via SAML_MAPS_TO, hidden from access reviews \(signs its assignees in; holds nothing there itself\)/);
  });

  it('leaves the assignee\'s own route to the role unmarked: that one is power it holds', () => {
    const c = card('svc-backup');
    const route = c.privileges.find((p) => p.name === 'entra-dev-admin')!;
    expect(route.via).toBe('SAML_MAPS_TO');
    expect(Object.keys(route)).not.toContain('signsInOthers');
    expect(c.privileges.some((p) => p.signsInOthers)).toBe(false);
  });
});
