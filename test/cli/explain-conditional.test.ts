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

// A trust no token passes today (its evidence's dormant or dead mark) was listed in the card's
// delegated authority as a firm one ("cloud-role via FEDERATES_TO"), while the tier line above it
// said "only through a latent trust: ... no token passes today".
const ACCT = '111122223333';
const V2 = 'login.microsoftonline.com/691d0d64-52fb-4de1-ae87-2e52cdd26449/v2.0';

/** The demo with cloud-role trusting the v2 issuer for Ops Agent's app id; `version`: the app's requestedAccessTokenVersion. */
function v2Trust(version: number | null): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as { RoleDetailList: Record<string, any>[] };
  const role = structuredClone(details.RoleDetailList.find((r) => r.RoleName === 'ops-agent-role')!);
  role.RoleName = 'cloud-role';
  role.RoleId = 'AROAEXAMPLEEXAMPLE02';
  role.Arn = `arn:aws:iam::${ACCT}:role/cloud-role`;
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/${V2}`;
  role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
  role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${V2}:aud`]: OPS_AGENT_APPID } };
  details.RoleDetailList.push(role);
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Record<string, unknown>[]).push({ Arn: provider, Url: V2, ClientIDList: [OPS_AGENT_APPID], ThumbprintList: [] });
  const apps = s.files['entra/applications.json'] as { value?: Record<string, any>[] } | Record<string, any>[];
  const app = (Array.isArray(apps) ? apps : apps.value!).find((a) => a.appId === OPS_AGENT_APPID)!;
  app.api = { ...app.api, requestedAccessTokenVersion: version };
  return s;
}

describe('explain: a trust no token passes today in the delegated authority list', () => {
  it('is marked latent, with why, in text and JSON', () => {
    const m = explain(scan(v2Trust(1)), `external:oidc:ext:https://${V2}|*`);
    if (m.kind !== 'card') throw new Error('no card');
    expect(m.card.identity.tierReasons[0]).toMatch(/only through a latent trust/);
    const trust = m.card.privileges.find((p) => p.name === 'cloud-role')!;
    expect(trust.latent).toBe(true);
    expect(Object.keys(trust)).not.toContain('conditional');
    const text = renderExplain(m.card, false).replace(/\n +/g, ' ');
    expect(text).toMatch(/ cloud-role via FEDERATES_TO, hidden from access reviews \(latent, no token passes today: trust policy of role cloud-role .*; but Ops Agent asks for v1 tokens.*\)/);
    // Near miss: the app asks for v2 tokens, the trust is open and its entry unmarked.
    const open = explain(scan(v2Trust(2)), `external:oidc:ext:https://${V2}|*`);
    if (open.kind !== 'card') throw new Error('no card');
    expect(Object.keys(open.card.privileges.find((p) => p.name === 'cloud-role')!)).not.toContain('latent');
    expect(renderExplain(open.card, false)).not.toMatch(/latent/);
  });
});

// An edge into a disabled object (a suspended Okta user, a disabled service principal) was listed
// as a firm one, while the tier line above it said "only through ..., which is disabled": nothing
// passes into such an object until it is re-enabled (analyze.ts, flowsInto). An edge that can
// change the object (CAN_ESCALATE_TO: reset or reactivate it) still gives its rights, unmarked.
const ZAPIER_OWNER = 'svc.zapier@northwind.example';

/** The demo with the owner of the zapier-prod API token in `status`. */
function ownerStatus(status: string): Snapshot {
  const s = demoSnapshot();
  const users = s.files['okta/users.json'] as Record<string, any>[];
  users.find((u) => u.profile.login === ZAPIER_OWNER)!.status = status;
  return s;
}

describe('explain: an edge into a disabled object in the delegated authority list', () => {
  it('is marked target disabled in text and JSON, as the tier reason words it; near miss unmarked', () => {
    const m = explain(scan(ownerStatus('SUSPENDED')), 'zapier-prod');
    if (m.kind !== 'card') throw new Error('no card');
    expect(m.card.identity.tierReasons[0]).toMatch(new RegExp(`only through ${ZAPIER_OWNER.replace(/\./g, '\\.')}, which is disabled`));
    const owner = m.card.privileges.find((p) => p.name === ZAPIER_OWNER)!;
    expect(owner).toMatchObject({ via: 'ACTS_AS', targetDisabled: true });
    const text = renderExplain(m.card, false).replace(/\n +/g, ' ');
    expect(text).toContain(` ${ZAPIER_OWNER} via ACTS_AS, hidden from access reviews (target disabled: nothing passes into it until it is re-enabled)`);
    const active = explain(scan(ownerStatus('ACTIVE')), 'zapier-prod');
    if (active.kind !== 'card') throw new Error('no card');
    expect(Object.keys(active.card.privileges.find((p) => p.name === ZAPIER_OWNER)!)).not.toContain('targetDisabled');
    expect(renderExplain(active.card, false)).not.toMatch(/target disabled/);
  });

  it('leaves an escalation into a disabled object unmarked: it can reactivate or reset it', () => {
    // okta.users.manage (held by HR Sync Service) can reset or reactivate the SIEM service account.
    const s = demoSnapshot();
    const users = s.files['okta/users.json'] as Record<string, any>[];
    users.find((u) => u.profile.login === 'svc.siem@northwind.example')!.status = 'SUSPENDED';
    const m = explain(scan(s), 'okta:https://northwind.okta.example:scope:okta.users.manage');
    if (m.kind !== 'card') throw new Error('no card');
    const entry = m.card.privileges.find((p) => p.name === 'svc.siem@northwind.example')!;
    expect(entry.via).toBe('CAN_ESCALATE_TO');
    expect(Object.keys(entry)).not.toContain('targetDisabled');
  });
});
