import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan, withOrgUrl } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const ORG = 'https://northwind.okta.example';

const ACCT = '111122223333';
type Json = Record<string, any>;
/** Adds a role trusting the org authorization server's tokens whose sub is HR Sync Service's client id. */
function withOktaRole(s: Snapshot): Snapshot {
  const issuer = 'northwind.okta.example';
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  const role = structuredClone(details.RoleDetailList.find((r: Json) => r.RoleName === 'ops-agent-role'));
  role.RoleName = 'okta-fed-role';
  role.RoleId = 'AROAEXAMPLEEXAMPLE02';
  role.Arn = `arn:aws:iam::${ACCT}:role/okta-fed-role`;
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/${issuer}`;
  role.AssumeRolePolicyDocument.Statement[0].Principal = { Federated: provider };
  role.AssumeRolePolicyDocument.Statement[0].Condition = { StringEquals: { [`${issuer}:aud`]: ORG, [`${issuer}:sub`]: '0oaKYWOIriafAH29u2He' } };
  details.RoleDetailList.push(role);
  (s.files[`aws/${ACCT}/oidc-providers.json`] as Json[]).push({ Arn: provider, Url: issuer, ClientIDList: [ORG], ThumbprintList: [], CreateDate: '2025-01-01T00:00:00+00:00' });
  return s;
}
const oktaLinks = (s: Snapshot) =>
  scan(s)
    .graph.in(ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/okta-fed-role`), 'CAN_ASSUME')
    .filter((e) => e.from === ids.oktaApp(ORG, '0oaKYWOIriafAH29u2He'));
const fingerprints = (s: Snapshot) => scan(s).report.findings.map((f) => `${f.ruleId} ${f.subject.id} ${f.fingerprint}`).sort();

describe('Okta org URL as its origin', () => {
  it('drops the scheme\'s default port, as a URL origin does', () => {
    expect(ids.oktaApp('HTTPS://Northwind.OKTA.example:443/', '0oa1')).toBe(ids.oktaApp(ORG, '0oa1'));
    // Another port is another origin.
    expect(ids.oktaApp('https://northwind.okta.example:8443', '0oa1')).toBe('okta:https://northwind.okta.example:8443:app:0oa1');
  });

  it('the demo with its org written HTTPS://Northwind.OKTA.example:443/ gives the same findings and fingerprints', () => {
    const plain = fingerprints(demoSnapshot());
    expect(plain.some((f) => f.includes(' okta:'))).toBe(true);
    expect(fingerprints(withOrgUrl('HTTPS://Northwind.OKTA.example:443/'))).toEqual(plain);
  });

  it('links Okta tokens into an AWS role when the org URL carries the default port', () => {
    expect(oktaLinks(withOktaRole(demoSnapshot()))).toHaveLength(1);
    expect(oktaLinks(withOktaRole(withOrgUrl('HTTPS://Northwind.OKTA.example:443/')))).toHaveLength(1);
  });
});
