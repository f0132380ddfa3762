import { describe, expect, it } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';

// An Entra app's federated identity credential may trust the tokens of a tenant that was scanned
// too. The linker judges each of its audiences by the app it names: a token of the credential's
// issuer never carries an audience whose app asks for the other token version, nor an App ID URI
// when the issuer is the v2 one. A credential left with only such audiences is one no token
// passes (its FEDERATES_TO edge's evidence.dead), and its node is then inactive, as an IAM role's
// trust no token passes is (aud-dead-credential.test.ts).
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const OPS_AGENT_APPID = 'd8b52952-66bf-4927-97a3-022df7648254'; // v1 tokens (requestedAccessTokenVersion null)
const OPS_AGENT_SP = 'ef64d807-28f7-4739-a893-33575ef793c0';
const READER_OID = '9ecf916d-06cc-4a4d-a861-b237ebf00e83'; // Directory Reader Sync
const LEGACY_APP = '521b7fa3-4460-40d3-a6b0-1a5287a47071'; // Legacy Provisioning Sync's registration
const LEGACY = ids.entraSp(TENANT, 'c808fcb1-fee2-48fe-8a05-cac58233ce37');
const FIC = '0f5e0c57-7a3b-4d8e-9d55-2d1f2f6b3a10';

type Json = Record<string, any>;

interface Variant {
  audience: string;
  /** Ops Agent's api.requestedAccessTokenVersion. */
  version?: number;
  /** Ops Agent's service principal enabled. */
  enabled?: boolean;
  /** An App ID URI of Ops Agent's service principal, besides its app id. */
  uri?: string;
}

/** The demo with Legacy Provisioning Sync trusting Directory Reader Sync's v2 tokens for one audience. */
function run({ audience, version, enabled = true, uri }: Variant) {
  const s = demoSnapshot();
  (s.files['entra/federatedIdentityCredentials.json'] as Record<string, Json[]>)[LEGACY_APP] = [
    { id: FIC, name: 'from-reader', issuer: V2, subject: READER_OID, audiences: [audience] },
  ];
  if (version !== undefined) {
    const app = (s.files['entra/applications.json'] as Json).value.find((a: Json) => a.appId === OPS_AGENT_APPID);
    app.api = { ...app.api, requestedAccessTokenVersion: version };
  }
  const sp = (s.files['entra/servicePrincipals.json'] as Json).value.find((x: Json) => x.id === OPS_AGENT_SP);
  if (!enabled) sp.accountEnabled = false;
  if (uri !== undefined) sp.servicePrincipalNames = [OPS_AGENT_APPID, uri];
  const r = scan(s);
  const cred = r.graph.node(ids.entraCredential(TENANT, FIC))!;
  const fed = r.graph.in(LEGACY, 'FEDERATES_TO').find((e) => e.evidence?.ficId === FIC)!;
  const held = r.graph.out(LEGACY, 'HAS_CREDENTIAL').filter((e) => e.to === cred.id);
  const summary = r.report.identities.find((i) => i.id === LEGACY)!;
  // As the report states it: a credential with no status of its own is active.
  const status = summary.credentials.filter((c) => c.name === 'from-reader').map((c) => c.status ?? 'active');
  const sheet = renderRecertCsv(r.report).split('\r\n');
  const header = sheet[0].split(',');
  const line = sheet.find((l) => l.includes(LEGACY))!;
  // The credential_types cell of the row: the sheet quotes no cell of it.
  const types = line.split(',')[header.indexOf('credential_types')];
  // Legacy Provisioning Sync keeps an active client secret: an exact-subject credential that
  // still works is federation it could sign in with instead.
  const federatedWithSecret = r.report.findings.some((f) => f.ruleId === 'nhi-federation-with-active-secret' && f.subject.id === LEGACY);
  return { cred, fed, held, status, types, federatedWithSecret, strength: r.analysis.strength(LEGACY) };
}

describe('an Entra app\'s federated credential whose every audience no token of the scanned issuer carries', () => {
  it('is inactive with the reason of its edge, and the recert sheet counts it inactive', () => {
    const { cred, fed, held, status, types, federatedWithSecret, strength } = run({ audience: OPS_AGENT_APPID });
    const why = fed.evidence?.dead;
    expect(why).toEqual(expect.stringContaining('Ops Agent asks for v1 tokens'));
    expect([cred.status, cred.attrs.dead]).toEqual(['inactive', why]);
    expect(held.map((e) => e.reason)).toEqual([`federated credential "from-reader" on Legacy Provisioning Sync trusts ${V2}, which no token passes: ${why}`]);
    expect(status).toEqual(['inactive']);
    expect(types).toMatch(/federated-oidc \(1 inactive\)/);
    // Its strength is not drawn from a credential nobody passes, nor is it federation beside the secret.
    expect(strength.evidence.some((e) => e.includes('from-reader'))).toBe(false);
    expect(federatedWithSecret).toBe(false);
  });

  it('an App ID URI on the v2 issuer: the same (a v2 token\'s aud is the app id)', () => {
    const { cred, fed } = run({ audience: 'api://ops-agent', version: 2, uri: 'api://ops-agent' });
    expect(fed.evidence?.dead).toMatch(/aud api:\/\/ops-agent is an App ID URI of Ops Agent/);
    expect([cred.status, cred.attrs.dead]).toEqual(['inactive', fed.evidence?.dead]);
  });

  it('near miss: the audience app asks for v2 tokens, and the credential stays active', () => {
    const { cred, fed, held, status, types, federatedWithSecret, strength } = run({ audience: OPS_AGENT_APPID, version: 2 });
    expect(fed.evidence?.dead).toBeUndefined();
    expect([status, cred.attrs.dead]).toEqual([['active'], undefined]);
    expect(types).not.toMatch(/inactive/);
    expect(held.map((e) => e.reason)).toEqual([expect.not.stringContaining('no token passes')]);
    expect(strength.evidence.some((e) => e.includes('from-reader'))).toBe(true);
    expect(federatedWithSecret).toBe(true);
  });

  it('near miss: an audience app only disabled leaves it active (re-enabling the app opens it)', () => {
    const { cred, fed, status } = run({ audience: OPS_AGENT_APPID, version: 2, enabled: false });
    expect(fed.evidence?.dormant).toBeDefined();
    expect(fed.evidence?.dead).toBeUndefined();
    expect([status, cred.attrs.dead]).toEqual([['active'], undefined]);
  });

  it('near miss: Entra\'s token exchange audience names no app even where a service principal lists it as an App ID URI', () => {
    // The audience Microsoft documents for a federated credential fed by Entra's own tokens (a
    // managed identity's, under the v2 issuer) is written as it is in the token; a tenant whose
    // service principal happens to list it must not make it an App ID URI that no v2 token carries.
    for (const audience of ['api://AzureADTokenExchange', 'api://azureadtokenexchange', 'api://AzureADTokenExchangeChina']) {
      const { cred, fed, status } = run({ audience, version: 2, uri: audience });
      expect(fed.evidence?.dead).toBeUndefined();
      expect([status, cred.attrs.dead]).toEqual([['active'], undefined]);
    }
  });

  it('near miss: an audience of no app of the tenant (api://AzureADTokenExchange) is not judged, and the credential stays active', () => {
    const { cred, fed, status } = run({ audience: 'api://AzureADTokenExchange' });
    expect(fed.evidence?.dead).toBeUndefined();
    expect([status, cred.attrs.dead]).toEqual([['active'], undefined]);
  });
});
