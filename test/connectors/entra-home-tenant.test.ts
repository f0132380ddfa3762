import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../src/graph/graph.js';
import { ids } from '../../src/graph/ids.js';
import { transformEntra } from '../../src/connectors/entra/transform.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { loadEntraSnapshot } from '../helpers/entra-builders.js';
import { runRule } from '../helpers/rule-tester.js';
import thirdPartyPrivileged from '../../rules/entra/entra-third-party-app-privileged.js';
import appNoOwner from '../../rules/entra/entra-app-no-owner.js';

/*
 * Without /organization (Organization.Read.All is not granted), the collector names the tenant as
 * AZURE_TENANT_ID gave it: a domain name (docs/entra-permissions.md allows one) or a GUID in any
 * case. Service principals carry the tenant's GUID as written by Graph (lower case) in
 * appOwnerOrganizationId: a string comparison with the configured name made every app of the
 * tenant a third-party app.
 */
const DIR = new URL('../fixtures/entra/contoso', import.meta.url).pathname;
const GUID = 'c0ffee00-1111-4222-8333-444455556666';
const NOW = new Date('2026-11-20T09:00:00Z');
const spId = (n: number) => `a1000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The Contoso fixture as collected without /organization, the tenant named `tenant`. */
function withoutOrganization(tenant: string, drop: string[] = []): Snapshot {
  const s = loadEntraSnapshot(DIR);
  delete s.files['entra/organization.json'];
  for (const f of drop) delete s.files[`entra/${f}`];
  s.manifest.providers.entra = { tenantId: tenant };
  s.manifest.coverage = [
    ...s.manifest.coverage.map((c) => ({ ...c, scope: tenant })),
    { provider: 'entra', scope: tenant, capability: 'entra.organization', status: 'missing-permission', reason: '403 Authorization_RequestDenied on GET /v1.0/organization' },
  ];
  return s;
}

function run(s: Snapshot): { g: Graph; warnings: string[] } {
  const b = new GraphBuilder();
  transformEntra(s, b, DEFAULT_CONFIG);
  const g = b.build();
  return { g, warnings: [...g.warnings] };
}

describe('Entra: the tenant named by a domain or an upper-case GUID', () => {
  for (const tenant of ['contoso.onmicrosoft.com', GUID.toUpperCase()]) {
    it(`${tenant}: the tenant's own apps are its own, a vendor's app stays third-party`, () => {
      const { g } = run(withoutOrganization(tenant));
      const deployBot = g.node(ids.entraSp(tenant, spId(2)))!;
      expect(deployBot.name).toBe('deploy-bot');
      expect(deployBot.thirdParty).toBeUndefined();
      expect(deployBot.attrs.tenantOwned).toBe(true);
      // An agent identity of the tenant, with no app registration of its own.
      const agent = g.node(ids.entraSp(tenant, spId(7)))!;
      expect([agent.thirdParty, agent.attrs.tenantOwned]).toEqual([undefined, true]);
      const acme = g.node(ids.entraSp(tenant, spId(5)))!;
      expect(acme.thirdParty).toEqual({ ownerScope: '9f8e7d6c-5b4a-4321-8fed-cba987654321', verifiedPublisher: false });
      expect(acme.attrs.tenantOwned).toBe(false);
    });

    it(`${tenant}: verdicts match those of the tenant named by its id`, () => {
      const byId = run(loadEntraSnapshot(DIR)).g;
      const byName = run(withoutOrganization(tenant)).g;
      for (const rule of [thirdPartyPrivileged, appNoOwner]) {
        const a = runRule(rule, byId, { now: NOW });
        const b = runRule(rule, byName, { now: NOW });
        const key = (m: Map<string, string>, t: string) => [...m].map(([id, v]) => `${id.split(':').pop()}=${v}`).sort();
        expect(key(b.verdicts, tenant), rule.meta.id).toEqual(key(a.verdicts, GUID));
      }
    });
  }

  it('a domain name with no app registration read: the tenant is not learned, and a warning says so', () => {
    const { g, warnings } = run(withoutOrganization('contoso.onmicrosoft.com', ['applications.json']));
    expect(warnings.some((w) => /contoso\.onmicrosoft\.com/.test(w) && /third-party/.test(w))).toBe(true);
    // Nothing is invented: the SPs keep what their owner organization says.
    expect(g.node(ids.entraSp('contoso.onmicrosoft.com', spId(2)))!.thirdParty).toBeDefined();
  });
});

describe('Entra tenant named by a domain: cross-provider trusts of its id still reach it', async () => {
  const { demoSnapshot, scan } = await import('../e2e/demo.js');
  const TENANT = '691d0d64-52fb-4de1-ae87-2e52cdd26449';
  const DOMAIN = 'northwind.example';
  const ACCT = '111122223333';
  const role = ids.awsPrincipal(ACCT, `arn:aws:iam::${ACCT}:role/ops-agent-role`);
  /** The demo as collected without /organization, AZURE_TENANT_ID a domain name. */
  const byDomain = (): Snapshot => {
    const s = demoSnapshot();
    delete s.files['entra/organization.json'];
    s.manifest.providers.entra = { tenantId: DOMAIN, displayName: 'Northwind Robotics' };
    s.manifest.coverage = [
      ...s.manifest.coverage.map((c) => (c.provider === 'entra' ? { ...c, scope: DOMAIN } : c)),
    ].map((c) => (c.provider === 'entra' && c.capability === 'entra.organization' ? { ...c, status: 'missing-permission' as const, reason: '403 Authorization_RequestDenied' } : c));
    return s;
  };

  it("an AWS role trusting the tenant's id (sts.windows.net/<id>/) is linked to the tenant's service principals, and judged by the rule, as when the tenant is named by its id", () => {
    const byId = scan(demoSnapshot());
    const named = scan(byDomain());
    const callers = (r: ReturnType<typeof scan>, t: string) =>
      r.graph.in(role, 'CAN_ASSUME').filter((e) => e.from.startsWith('entra:')).map((e) => `${e.from.replace(t, 'T')} ${e.conditional}`).sort();
    expect(callers(byId, TENANT).length).toBeGreaterThan(0);
    expect(callers(named, DOMAIN)).toEqual(callers(byId, TENANT));
    const judged = (r: ReturnType<typeof scan>) =>
      r.report.findings.filter((f) => f.ruleId === 'nhi-entra-token-any-app-assumes-aws-role').map((f) => `${f.severity} ${f.evidence.role}`).sort();
    expect(judged(byId).length).toBeGreaterThan(0);
    expect(judged(named)).toEqual(judged(byId));
    // The scope says which id the domain stands for.
    expect(named.graph.scopes.find((s) => s.provider === 'entra')).toMatchObject({ id: DOMAIN, tenantId: TENANT });
  });

  it('the JSON report lists the id on the scope and validates against docs/report.schema.json', async () => {
    const { Ajv } = await import('ajv');
    const addFormats = (await import('ajv-formats')).default as unknown as (a: InstanceType<typeof Ajv>) => unknown;
    const { renderJson } = await import('../../src/reporters/json.js');
    const { readFileSync } = await import('node:fs');
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')));
    const doc = JSON.parse(renderJson(scan(byDomain()).report));
    expect(doc.scopes.find((s: { provider: string }) => s.provider === 'entra')).toEqual({ provider: 'entra', id: DOMAIN, name: 'Northwind Robotics', tenantId: TENANT });
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
});
