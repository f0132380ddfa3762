import { describe, expect, it } from 'vitest';
import { demoSnapshot, scan } from '../e2e/demo.js';
import { InputError } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

type Json = Record<string, any>;
const ORG = 'https://northwind.okta.example';
const AS_FILES = ['okta/authorizationServers.json', 'okta/authServerPolicies.json', 'okta/authServerPolicyRules.json'];

const oktaScope = (s: Snapshot) => scan(s).graph.scopes.find((x) => x.provider === 'okta')!;

/** The demo as a snapshot written before nhiscan read authorization servers: no files, no record. */
function withoutServers(): Snapshot {
  const s = demoSnapshot();
  for (const f of AS_FILES) delete s.files[f];
  s.manifest.coverage = s.manifest.coverage.filter((c) => c.capability !== 'okta.authorizationServers');
  return s;
}

describe('Okta custom authorization servers: snapshot files to the org scope', () => {
  it('reads each server with its policies and rules, highest priority first', () => {
    const s = demoSnapshot();
    const policies = s.files['okta/authServerPolicies.json'] as Record<string, Json[]>;
    const rules = s.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>;
    // A second policy listed first but of lower priority, and an inactive rule before the active one.
    const low = { ...structuredClone(policies.aus1a2b3c4d5e6f7g8h9[0]), id: '00pLOWPRIORITY000001', name: 'Catch-all', priority: 2, conditions: { clients: { include: ['ALL_CLIENTS'] } } };
    policies.aus1a2b3c4d5e6f7g8h9.unshift(low);
    rules['00pLOWPRIORITY000001'] = [];
    rules['00p1a2b3c4e8Hk5Tq0Zw'].unshift({ ...structuredClone(rules['00p1a2b3c4e8Hk5Tq0Zw'][0]), id: '0prOFF', name: 'Old rule', status: 'INACTIVE', priority: 2 });
    const servers = oktaScope(s).authorizationServers!;
    expect(servers.map((x) => [x.id, x.name, x.active, x.audiences, x.issuer])).toEqual([
      ['ausb1f5x0nJ3aT2Q9d7y', 'default', true, ['api://default'], `${ORG}/oauth2/default`],
      ['aus1a2b3c4d5e6f7g8h9', 'aws-workloads', true, ['api://aws'], `${ORG}/oauth2/aus1a2b3c4d5e6f7g8h9`],
    ]);
    const aws = servers[1];
    expect(aws.policies!.map((p) => [p.name, p.active, p.clients])).toEqual([
      ['AWS workload federation', true, ['0oaKYWOIriafAH29u2He', '0oa4J7O526RezV2zvWHX']],
      ['Catch-all', true, ['ALL_CLIENTS']],
    ]);
    expect(aws.policies![0].rules!.map((r) => [r.name, r.active, r.grantTypes, r.scopes])).toEqual([
      ['Client credentials only', true, ['client_credentials'], ['aws.assume']],
      ['Old rule', false, ['client_credentials'], ['aws.assume']],
    ]);
  });

  it('a snapshot written before they were read: no servers on the scope, the capability not collected', () => {
    const r = scan(withoutServers());
    expect(r.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers).toBeUndefined();
    expect(r.report.coverage.find((c) => c.capability === 'okta.authorizationServers')).toMatchObject({ status: 'not-collected' });
  });

  it('a capability recorded as refused leaves the files unread, even when present', () => {
    const s = demoSnapshot();
    const rec = s.manifest.coverage.find((c) => c.capability === 'okta.authorizationServers')!;
    rec.status = 'missing-permission';
    rec.reason = 'HTTP 403 E0000006 on /api/v1/authorizationServers';
    expect(oktaScope(s).authorizationServers).toBeUndefined();
  });

  it('the report scopes stay as the schema describes them: no servers in them', () => {
    const r = scan(demoSnapshot());
    expect(JSON.stringify(r.report.scopes)).not.toContain('authorizationServers');
  });

  it('a list of the wrong type stops the scan with the file and path', () => {
    const s = demoSnapshot();
    (s.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>)['00p1a2b3c4e8Hk5Tq0Zw'][0].conditions.grantTypes.include = 'client_credentials';
    let thrown: unknown;
    try {
      scan(s);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect(thrown).toMatchObject({ file: 'okta/authServerPolicyRules.json', location: '$["00p1a2b3c4e8Hk5Tq0Zw"][0].conditions.grantTypes.include' });
  });

  it('many incomplete policies are one warning for the file: a count and the first three', () => {
    const s = demoSnapshot();
    const policies = s.files['okta/authServerPolicies.json'] as Record<string, Json[]>;
    const rules = s.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>;
    const model = policies.aus1a2b3c4d5e6f7g8h9[0];
    for (let i = 0; i < 10; i++) {
      const id = `00pNOSTATUS${String(i).padStart(9, '0')}`;
      const p: Json = { ...structuredClone(model), id, priority: 10 + i };
      delete p.status;
      policies.aus1a2b3c4d5e6f7g8h9.push(p);
      rules[id] = [];
    }
    const r = scan(s);
    const w = r.report.warnings.filter((x) => x.startsWith('okta/authServerPolicies.json'));
    expect(w).toEqual([
      `okta/authServerPolicies.json: 10 access policies with fields not read (the access policy "00pNOSTATUS000000000" of the authorization server "aus1a2b3c4d5e6f7g8h9": $["aus1a2b3c4d5e6f7g8h9"][1].status (missing); the access policy "00pNOSTATUS000000001" of the authorization server "aus1a2b3c4d5e6f7g8h9": $["aus1a2b3c4d5e6f7g8h9"][2].status (missing); the access policy "00pNOSTATUS000000002" of the authorization server "aus1a2b3c4d5e6f7g8h9": $["aus1a2b3c4d5e6f7g8h9"][3].status (missing); and 7 more); a service app's link through them is conditional`,
    ]);
    // Each policy is still read as not read, not dropped.
    const aws = r.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers![1];
    expect(aws.policies!.filter((p) => p.active === undefined)).toHaveLength(10);
  });

  it('issuerMode is read; an issuer missing or a mode Okta does not document is warned of', () => {
    const s = demoSnapshot();
    const servers = s.files['okta/authorizationServers.json'] as Json[];
    delete servers[0].issuer;
    servers[1].issuerMode = 'SOMETHING_NEW';
    const r = scan(s);
    const [def, aws] = r.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers!;
    expect([def.issuer, def.issuerMode, aws.issuer, aws.issuerMode]).toEqual([undefined, 'ORG_URL', `${ORG}/oauth2/aus1a2b3c4d5e6f7g8h9`, 'SOMETHING_NEW']);
    const w = r.report.warnings.join('\n');
    expect(w).toContain('$[0].issuer (missing)');
    expect(w).toContain('$[1].issuerMode ("SOMETHING_NEW", neither ORG_URL, CUSTOM_URL nor DYNAMIC)');
  });

  it("a rule's people condition is read as whom it admits; one listing no one is warned of", () => {
    const s = demoSnapshot();
    const rules = s.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>;
    const r0 = rules['00p1a2b3c4e8Hk5Tq0Zw'][0];
    rules['00p1a2b3c4e8Hk5Tq0Zw'].push({ ...structuredClone(r0), id: '0prNAMED', conditions: { ...structuredClone(r0.conditions), people: { groups: { include: ['00gFINANCE'] } } } });
    rules['00p1a2b3c4e8Hk5Tq0Zw'].push({ ...structuredClone(r0), id: '0prNOONE', conditions: { ...structuredClone(r0.conditions), people: { users: { include: [] } } } });
    rules['00p1a2b3c4e8Hk5Tq0Zw'].push({ ...structuredClone(r0), id: '0prNOCOND', conditions: { grantTypes: r0.conditions.grantTypes, scopes: r0.conditions.scopes } });
    const r = scan(s);
    const aws = r.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers![1];
    expect(aws.policies![0].rules!.map((x) => [x.id, x.people])).toEqual([
      ['0pr1a2b3c4f2Lm7Vs4Zw', 'everyone'],
      ['0prNAMED', 'named'],
      ['0prNOONE', undefined],
      ['0prNOCOND', 'everyone'],
    ]);
    expect(r.report.warnings.join('\n')).toContain(`okta/authServerPolicyRules.json: the rule "0prNOONE" of the policy "00p1a2b3c4e8Hk5Tq0Zw": $["00p1a2b3c4e8Hk5Tq0Zw"][2].conditions.people (lists neither users nor groups) not read`);
  });

  // A missing field is not read, not a "no": a missing status read as inactive, a missing
  // clients/grant types list as empty, and a server or policy with no entry in the policies or
  // rules file as having none, each turned a link dormant or dead with nothing said.
  it('a missing status, clients or grant types, or a missing policies/rules entry, is not read (undefined) and warned of by file and id', () => {
    const s = demoSnapshot();
    const servers = s.files['okta/authorizationServers.json'] as Json[];
    const policies = s.files['okta/authServerPolicies.json'] as Record<string, Json[]>;
    const rules = s.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>;
    delete servers[1].status;
    delete policies.aus1a2b3c4d5e6f7g8h9[0].conditions.clients.include;
    delete rules['00p1a2b3c4e8Hk5Tq0Zw'][0].conditions.grantTypes;
    rules['00p1a2b3c4e8Hk5Tq0Zw'][0].status = 'DELETED';
    delete policies.ausb1f5x0nJ3aT2Q9d7y;
    delete rules['00pb1f5x0oVd3Kq2R8d7'];
    const r = scan(s);
    const [def, aws] = r.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers!;
    expect([aws.active, aws.audiences]).toEqual([undefined, ['api://aws']]);
    expect(def.policies).toBeUndefined();
    expect([aws.policies![0].active, aws.policies![0].clients]).toEqual([true, undefined]);
    expect([aws.policies![0].rules![0].active, aws.policies![0].rules![0].grantTypes]).toEqual([undefined, undefined]);
    const w = r.report.warnings.join('\n');
    // Two servers with fields not read: one warning for the file, naming each.
    expect(w).toMatch(/okta\/authorizationServers\.json: 2 authorization servers with fields not read \(the authorization server "ausb1f5x0nJ3aT2Q9d7y": its access policies \(okta\/authServerPolicies\.json has no entry for it\); the authorization server "aus1a2b3c4d5e6f7g8h9": \$\[1\]\.status \(missing\)\); a service app's link through them is conditional/);
    expect(w).toMatch(/okta\/authServerPolicies\.json: the access policy "00p1a2b3c4e8Hk5Tq0Zw" of the authorization server "aus1a2b3c4d5e6f7g8h9": .*conditions\.clients\.include \(missing\)/);
    expect(w).toMatch(/okta\/authServerPolicyRules\.json: the rule "0pr[^"]*" of the policy "00p1a2b3c4e8Hk5Tq0Zw": .*\.status \("DELETED", neither ACTIVE nor INACTIVE\), .*conditions\.grantTypes\.include \(missing\)/);
    // Near miss: a policy with no rules listed ([]) has none, and is not warned of.
    const t = demoSnapshot();
    (t.files['okta/authServerPolicyRules.json'] as Record<string, Json[]>)['00p1a2b3c4e8Hk5Tq0Zw'] = [];
    const rt = scan(t);
    expect(rt.graph.scopes.find((x) => x.provider === 'okta')!.authorizationServers![1].policies![0].rules).toEqual([]);
    expect(rt.report.warnings.join('\n')).not.toMatch(/authServer|authorizationServers/);
  });
});
