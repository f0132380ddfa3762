import { describe, expect, it } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { ids } from '../../src/graph/ids.js';
import { renderRecertCsv } from '../../src/reporters/recert.js';

// The linker, not the AWS transform, decides whether a token of the Entra tenant can carry a
// trust's aud (the app's token version, the case Entra writes its app id in, whether its service
// principal is enabled). A trust whose every audience no token carries names no one (the edge's
// evidence.dead): the role's record of that trust is then inactive, as the transform makes it for
// a trust whose sub condition no token meets.
const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
const ACCT = '111122223333';
const ISSUER = `sts.windows.net/${TENANT}/`;
const AUD = `${ISSUER}:aud`;
const APPID = 'd8b52952-66bf-4927-97a3-022df7648254'; // Ops Agent: no assignment required, v1 tokens
const SP = 'ef64d807-28f7-4739-a893-33575ef793c0'; // Ops Agent's service principal
const ROLE = ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/ops-agent-role`);

type Json = Record<string, any>;

/** The demo scanned with ops-agent-role's Entra trust taking `aud` under `op`, and Ops Agent's service principal enabled or not. */
function run(op: string, aud: string, spEnabled = true) {
  const s = demoSnapshot();
  const details = s.files[`aws/${ACCT}/authorization-details.json`] as Json;
  details.RoleDetailList.find((x: Json) => x.RoleName === 'ops-agent-role').AssumeRolePolicyDocument.Statement[0].Condition = { [op]: { [AUD]: [aud] } };
  if (!spEnabled) (s.files['entra/servicePrincipals.json'] as Json).value.find((x: Json) => x.id === SP).accountEnabled = false;
  const r = scan(s);
  const feds = r.graph.in(ROLE, 'FEDERATES_TO').filter((e) => e.from.includes(TENANT));
  const creds = r.graph.targets(ROLE, 'HAS_CREDENTIAL').filter((c) => c.federation?.issuer.includes(TENANT));
  const held = r.graph.out(ROLE, 'HAS_CREDENTIAL').filter((e) => creds.some((c) => c.id === e.to));
  const summary = r.report.identities.find((i) => i.id === ROLE)!;
  const sheet = renderRecertCsv(r.report).split('\r\n');
  const header = sheet[0].split(',');
  const line = sheet.find((l) => l.includes(ROLE))!;
  // The credential_types cell of the role's row: the sheet quotes no cell of this row.
  const types = line.split(',')[header.indexOf('credential_types')];
  return { feds, creds, held, summary, types, strength: r.analysis.strength(ROLE) };
}

describe('the federated credential of a role whose trust no token of the Entra tenant carries the aud of', () => {
  it('is inactive with the reason of the edge, and the recert sheet counts it inactive', () => {
    // Entra writes an app id in aud in lower case, and StringEquals compares case.
    const { feds, creds, held, summary, types, strength } = run('StringEquals', APPID.toUpperCase());
    const why = feds[0].evidence?.dead;
    expect(why).toEqual(expect.stringContaining(APPID.toUpperCase()));
    expect(creds.map((c) => [c.status, c.attrs.dead])).toEqual([['inactive', why]]);
    expect(held.map((e) => e.reason)).toEqual([`role ops-agent-role has a federated-oidc trust no token passes: ${why}`]);
    expect(summary.credentials.filter((c) => c.name.includes(TENANT)).map((c) => c.status)).toEqual(['inactive']);
    expect(types).toMatch(/^federated-oidc \(1 inactive\)$/);
    // Its strength is not drawn from a trust nobody passes.
    expect(strength.evidence.some((e) => e.includes(TENANT))).toBe(false);
  });

  it('near miss: the same app id in the case Entra writes it keeps the credential active', () => {
    const { feds, creds, types } = run('StringEquals', APPID);
    expect(feds[0].evidence?.dead).toBeUndefined();
    expect(creds.map((c) => [c.status, c.attrs.dead])).toEqual([['active', undefined]]);
    expect(types).toBe('federated-oidc');
  });

  it('near miss: an audience app that is only disabled leaves it active (re-enabling the app opens the trust, its policy untouched)', () => {
    const { feds, creds } = run('StringEquals', APPID, false);
    expect(feds[0].evidence?.dormant).toBeDefined();
    expect(feds[0].evidence?.dead).toBeUndefined();
    expect(creds.map((c) => [c.status, c.attrs.dead])).toEqual([['active', undefined]]);
  });
});
