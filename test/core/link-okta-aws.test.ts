import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const ORG = 'https://northwind.okta.example';
const ACCT = '111122223333';
const HR_SYNC_CLIENT = '0oaKYWOIriafAH29u2He';
const HR_SYNC = ids.oktaApp(ORG, '0oaKYWOIriafAH29u2He');
const roleId = (name: string) => ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/${name}`);

type Json = Record<string, any>;
/** The demo with a role trusting Okta tokens (issuer host + path) whose sub is HR Sync's client id, for `aud`. */
function withOktaRole(issuer: string, aud: string, clientIds: string[] = [aud]): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const ops = details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role');
  const role = structuredClone(ops);
  role.RoleName = 'okta-fed-role';
  role.RoleId = 'AROAEXAMPLEEXAMPLE02';
  role.Arn = `arn:aws:iam::${ACCT}:role/okta-fed-role`;
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/${issuer}`;
  role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
  role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${issuer}:aud`]: aud, [`${issuer}:sub`]: HR_SYNC_CLIENT } };
  details.RoleDetailList.push(role);
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).push({ Arn: provider, Url: issuer, ClientIDList: clientIds, ThumbprintList: [], CreateDate: '2025-01-01T00:00:00+00:00' });
  return s;
}
const links = (s: Snapshot) => scan(s).graph.in(roleId('okta-fed-role'), 'CAN_ASSUME').filter((e) => e.from === HR_SYNC);

describe('Okta tokens into AWS roles: the audience the trust accepts', () => {
  it('org authorization server: an aud other than the org URL, which its client credentials tokens carry, links nothing', () => {
    expect(links(withOktaRole('northwind.okta.example', 'sts.amazonaws.com'))).toEqual([]);
    // Near miss: the org URL as aud.
    const [hit] = links(withOktaRole('northwind.okta.example', ORG));
    expect(hit.conditional ?? false).toBe(false);
    expect(hit.reason).toMatch(/aud/);
  });

  it('custom authorization server: its audience is set in Okta (not collected), so the link stays and names the aud it relies on', () => {
    const [hit] = links(withOktaRole('northwind.okta.example/oauth2/aus1a2b3c4d5e6f7g8h9', 'api://aws'));
    expect(hit.conditional ?? false).toBe(false);
    expect(hit.reason).toMatch(/api:\/\/aws/);
  });
});
