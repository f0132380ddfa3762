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
function withOktaRole(issuer: string, aud: string, clientIds: string[] = [aud], condition?: Json): Snapshot {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const ops = details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role');
  const role = structuredClone(ops);
  role.RoleName = 'okta-fed-role';
  role.RoleId = 'AROAEXAMPLEEXAMPLE02';
  role.Arn = `arn:aws:iam::${ACCT}:role/okta-fed-role`;
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/${issuer}`;
  role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
  role.AssumeRolePolicyDocument.Statement[0].Condition = condition ?? { StringEquals: { [`${issuer}:aud`]: aud, [`${issuer}:sub`]: HR_SYNC_CLIENT } };
  details.RoleDetailList.push(role);
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).push({ Arn: provider, Url: issuer, ClientIDList: clientIds, ThumbprintList: [], CreateDate: '2025-01-01T00:00:00+00:00' });
  return s;
}
const links = (s: Snapshot) => scan(s).graph.in(roleId('okta-fed-role'), 'CAN_ASSUME').filter((e) => e.from === HR_SYNC);
const AUDIT = ids.oktaApp(ORG, '0oa4J7O526RezV2zvWHX');
/** Every Okta app linked to okta-fed-role, with whether its link is conditional. */
const oktaLinks = (s: Snapshot) =>
  scan(s)
    .graph.in(roleId('okta-fed-role'), 'CAN_ASSUME')
    .filter((e) => e.from.startsWith(ids.oktaApp(ORG, '')))
    .map((e) => [e.from, e.conditional ?? false])
    .sort();

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

// The org authorization server's access token carries aud https://{yourOktaDomain}, the org URL as
// Okta writes it (Okta developer docs, "Authorization servers": the org authorization server), and
// StringEquals compares it as written (IAM User Guide, condition operators).
describe('Okta org authorization server: the aud is compared as a token carries it', () => {
  const HOST = 'northwind.okta.example';
  it('a trailing slash, another case or the default port under StringEquals: no token carries it', () => {
    for (const aud of [`${ORG}/`, 'https://Northwind.okta.example', `${ORG}:443`, 'HTTPS://northwind.okta.example']) expect(links(withOktaRole(HOST, aud))).toEqual([]);
  });

  it('StringEqualsIgnoreCase takes the org URL in another case (STS must still find it in the client id list)', () => {
    const upper = 'https://Northwind.okta.example';
    const cond = { StringEqualsIgnoreCase: { [`${HOST}:aud`]: upper }, StringEquals: { [`${HOST}:sub`]: HR_SYNC_CLIENT } };
    const [listed] = links(withOktaRole(HOST, upper, [ORG], cond));
    expect(listed.conditional ?? false).toBe(false);
    // Listed only in another case: STS's comparison is not documented, so the link rests on it.
    const [unsure] = links(withOktaRole(HOST, upper, [upper], cond));
    expect(unsure.conditional).toBe(true);
    expect(unsure.reason).toMatch(/ignoring case/);
  });

  it('with no aud condition the client id list must hold the org URL as the token carries it', () => {
    const cond = { StringEquals: { [`${HOST}:sub`]: HR_SYNC_CLIENT } };
    expect(links(withOktaRole(HOST, ORG, [`${ORG}/`], cond))).toEqual([]);
    expect(links(withOktaRole(HOST, ORG, [ORG], cond)).map((e) => e.conditional ?? false)).toEqual([false]);
  });
});

// In a client credentials access token sub is the client's client_id (Okta developer docs,
// "Implement authorization by grant type", client credentials; the token's claims). A sub pattern
// is met by every service app whose client id it matches, as a pinned sub by the one it names.
describe('Okta issuer with a sub pattern', () => {
  const CUSTOM = 'northwind.okta.example/oauth2/aus1a2b3c4d5e6f7g8h9';
  const pattern = (sub: string, extra: Json = {}) => ({ StringEquals: { [`${CUSTOM}:aud`]: 'api://aws' }, StringLike: { [`${CUSTOM}:sub`]: sub }, ...extra });
  it('links each service app whose client id the pattern matches', () => {
    expect(oktaLinks(withOktaRole(CUSTOM, 'api://aws', ['api://aws'], pattern('0oa*')))).toEqual([
      [AUDIT, false],
      [HR_SYNC, false],
    ]);
    expect(oktaLinks(withOktaRole(CUSTOM, 'api://aws', ['api://aws'], pattern('0oaK*')))).toEqual([[HR_SYNC, false]]);
    // StringLike compares case.
    expect(oktaLinks(withOktaRole(CUSTOM, 'api://aws', ['api://aws'], pattern('0OA*')))).toEqual([]);
  });

  it('a negated operator on the sub key turns away the client ids it names', () => {
    const cond = pattern('0oa*', { StringNotEquals: { [`${CUSTOM}:sub`]: HR_SYNC_CLIENT } });
    expect(oktaLinks(withOktaRole(CUSTOM, 'api://aws', ['api://aws'], cond))).toEqual([[AUDIT, false]]);
  });

  it('the org authorization server: only for the org URL as aud', () => {
    const HOST = 'northwind.okta.example';
    const cond = (aud: string) => ({ StringEquals: { [`${HOST}:aud`]: aud }, StringLike: { [`${HOST}:sub`]: '0oaK*' } });
    expect(oktaLinks(withOktaRole(HOST, ORG, [ORG], cond(ORG)))).toEqual([[HR_SYNC, false]]);
    expect(oktaLinks(withOktaRole(HOST, 'api://aws', ['api://aws'], cond('api://aws')))).toEqual([]);
  });
});

