import { describe, it, expect } from 'vitest';
import { demoSnapshot, scan, withOrgUrl } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { baselineJudge, compareScopes, createBaseline } from '../../src/ci/baseline.js';
import { findingKeys } from '../helpers/finding-keys.js';

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
const fingerprints = (s: Snapshot) => findingKeys(scan(s).report.findings);

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

describe('Okta scope as the org origin, as in the ids', () => {
  const WRITTEN = 'HTTPS://Northwind.OKTA.example:443/';
  const scopesOf = (s: Snapshot) => {
    const r = scan(s).report;
    return {
      scopes: r.scopes.filter((x) => x.provider === 'okta'),
      coverage: r.coverage.filter((c) => c.provider === 'okta').map((c) => `${c.scope} ${c.capability} ${c.status}`),
      subjects: [...new Set(r.findings.filter((f) => f.provider === 'okta').map((f) => f.subject.scope))],
    };
  };

  it('reports the same scope, coverage and finding scopes whichever way the org URL is written', () => {
    const plain = scopesOf(demoSnapshot());
    expect(plain.scopes.map((x) => x.id)).toEqual([ORG]);
    expect(plain.subjects).toEqual([ORG]);
    expect(scopesOf(withOrgUrl(WRITTEN))).toEqual(plain);
  });

  it('a manifest coverage record still applies when its scope is written another way than the org URL', () => {
    const s = demoSnapshot();
    s.manifest.coverage.push({ provider: 'okta', scope: WRITTEN, capability: 'okta.apiTokens', status: 'missing-permission', reason: 'not granted' });
    s.manifest.coverage = s.manifest.coverage.filter((c) => !(c.provider === 'okta' && c.capability === 'okta.apiTokens' && c.scope !== WRITTEN));
    expect(scopesOf(s).coverage).toContain(`${ORG} okta.apiTokens missing-permission`);
  });

  it('a baseline and the scan agree on the scope: not foreign, nothing added or dropped', () => {
    const written = scan(withOrgUrl(WRITTEN)).report;
    const plain = scan(demoSnapshot()).report;
    const fromPlain = createBaseline(plain.findings, 'now', plain.scopes);
    expect(compareScopes(fromPlain, written.scopes)).toEqual({ recorded: true, foreign: false, added: [], dropped: [] });
    // A baseline written before the scope was normalised names the org as written in the manifest.
    const old = { ...fromPlain, scopes: fromPlain.scopes!.map((x) => (x.provider === 'okta' ? { ...x, id: WRITTEN } : x)) };
    expect(compareScopes(old, plain.scopes)).toEqual({ recorded: true, foreign: false, added: [], dropped: [] });
  });

  it('an Okta subject gone from a fully read org is resolved, not unknown, when the org URL is written with :443', () => {
    const r = scan(withOrgUrl(WRITTEN)).report;
    const judge = baselineJudge({ scopes: r.scopes, coverage: r.coverage, ruleRequires: new Map([['r', []]]), unknownBySubject: new Map(), evaluated: new Set() });
    const okta = r.coverage.filter((c) => c.provider === 'okta' && ['okta.users', 'okta.apps', 'okta.apiTokens'].includes(c.capability));
    expect(okta.every((c) => c.status === 'collected')).toBe(true);
    expect(judge({ fingerprint: 'x', ruleId: 'r', subjectId: ids.oktaApp(ORG, '0oaGONE') })).toBe(false);
  });
});
