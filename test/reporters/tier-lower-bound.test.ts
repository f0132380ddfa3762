import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';
import { renderTable } from '../../src/reporters/table.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { renderJson } from '../../src/reporters/json.js';
import { buildSarif } from '../../src/reporters/sarif.js';
import { REPORT_SCHEMA_VERSION } from '../../src/report/types.js';
import { oktaIds as I, oktaOrg, NOW, ORG } from '../helpers/okta-builders.js';
import { explain } from '../../src/explain.js';
import { renderExplain } from '../../src/reporters/explain.js';
import { toOpenGraph } from '../../src/reporters/opengraph.js';

// A service account that is a user admin (T3 from the roles that were read) whose groups were not
// read, and an API token acting as it: both tiers are lower bounds. Then the same org with the
// account's roles forbidden outright (the token reads T0), and everything read (T4).
const GAP = `the admin roles or groups of user svc.zapier@acme.com of org ${ORG} were not read (error: 1 of 1 users read per user (API token owners, service accounts, AWS app users) is not in userGroups.json: their group memberships were not read (first: sa))`;
/** The same for the roles forbidden outright: the org's record, denied (the builder gives no reason). */
const FORBIDDEN = `the admin role assignments of org ${ORG} were not read (denied)`;
const note = (tier: number, gap: string) => `T${tier} or higher (${gap}; so whether it reaches a tier above T${tier} cannot be judged)`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const groupsUnread = () =>
  oktaOrg()
    .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles: ['USER_ADMIN'], groups: null })
    .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' });
const rolesForbidden = () =>
  oktaOrg()
    .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles: ['SUPER_ADMIN'] })
    .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' })
    .without('userRoles')
    .without('groupRoles')
    .withCoverage('okta.adminRoles', 'missing-permission');
const allRead = () =>
  oktaOrg()
    .user({ id: 'sa', login: 'svc.zapier@acme.com', factors: [], roles: ['SUPER_ADMIN'] })
    .token({ id: 'tok', name: 'zapier-prod', userId: 'sa', created: '2025-01-01T00:00:00.000Z', connection: 'ANYWHERE' });

const scan = (o: ReturnType<typeof oktaOrg>) => scanSnapshot(o.snapshot(), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' }).report;
const ofToken = (r: ReturnType<typeof scan>) => r.findings.filter((f) => f.subject.id === I.token('tok'));

describe('a capability tier that is only a lower bound, shown to a human', () => {
  it('the terminal table gives the identity\'s tier as "T0 or higher (<what was not read>; …)", the complete one plainly', () => {
    const partial = renderTable(scan(rolesForbidden()), { color: false });
    const heads = partial.split('\n').filter((l) => l.startsWith('  zapier-prod '));
    expect(heads.length).toBeGreaterThan(0);
    for (const l of heads) expect(l).toContain(` · ${note(0, FORBIDDEN)} · `);
    const full = renderTable(scan(allRead()), { color: false });
    const fullHeads = full.split('\n').filter((l) => l.startsWith('  zapier-prod '));
    expect(fullHeads.length).toBeGreaterThan(0);
    for (const l of fullHeads) {
      expect(l).toContain(' · T4 · ');
      expect(l).not.toContain('or higher');
    }
  });

  it('the table\'s tier counts say how many of them are lower bounds', () => {
    const line = (r: ReturnType<typeof scan>) => renderTable(r, { color: false }).split('\n').find((l) => l.startsWith('  capability tiers: '));
    expect(line(scan(rolesForbidden()))).toBe('  capability tiers: T0 2 · T1 0 · T2 0 · T3 0 · T4 0 (2 of them lower bounds: data feeding the tier was not read)');
    expect(line(scan(allRead()))).toBe('  capability tiers: T0 0 · T1 0 · T2 0 · T3 0 · T4 2');
  });

  it('the table\'s tiered-severity note says the tier it was raised by is a lower bound', () => {
    const r = scan(groupsUnread());
    const raised = r.findings.find((f) => f.severity !== f.baseSeverity && f.tier === 3);
    expect(raised).toBeDefined();
    const table = renderTable(r, { color: false });
    expect(table).toContain(`(base ${raised!.baseSeverity}, tier ${note(3, GAP)})`);
    expect(table).not.toMatch(/tier T\d\)/);
  });

  it('findings carry tierIncomplete beside tier, only when the tier is a lower bound; fingerprints do not change', () => {
    const partial = ofToken(scan(rolesForbidden()));
    const full = ofToken(scan(allRead()));
    expect(partial.length).toBeGreaterThan(0);
    for (const f of partial) expect(f.tierIncomplete).toBe(FORBIDDEN);
    for (const f of full) expect(f.tierIncomplete).toBeUndefined();
    // Same finding (rule, subject, key) in both: the tier's state is not part of its identity.
    const fp = (fs: typeof full) => new Map(fs.map((f) => [`${f.ruleId}|${String(f.evidence.keyId ?? '')}`, f.fingerprint]));
    const both = [...fp(partial)].filter(([k]) => fp(full).has(k));
    expect(both.length).toBeGreaterThan(0);
    for (const [k, v] of both) expect(fp(full).get(k)).toBe(v);
  });

  it('the JSON report with it validates against docs/report.schema.json (the field since 1.2.0)', () => {
    expect(REPORT_SCHEMA_VERSION).toBe('1.9.0');
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/report.schema.json', import.meta.url)), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsImport as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(schema);
    const doc = JSON.parse(renderJson(scan(rolesForbidden())));
    expect(doc.findings.some((f: { tierIncomplete?: string }) => f.tierIncomplete !== undefined)).toBe(true);
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    // Not an arbitrary type: a consumer may print it.
    doc.findings.find((f: { tierIncomplete?: string }) => f.tierIncomplete !== undefined).tierIncomplete = 3;
    expect(validate(doc)).toBe(false);
  });

  it('SARIF results carry it in their properties beside the tier', () => {
    const sarif = buildSarif(scan(rolesForbidden())) as { runs: { results: { properties: Record<string, unknown>; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] };
    const results = sarif.runs[0].results.filter((x) => x.locations[0].logicalLocations[0].fullyQualifiedName === I.token('tok'));
    expect(results.length).toBeGreaterThan(0);
    for (const x of results) expect(x.properties).toMatchObject({ tier: 0, tierIncomplete: FORBIDDEN });
  });

  it('a finding message that states the tier says it is a lower bound, in the table and in markdown', () => {
    const r = scan(groupsUnread());
    const policy = r.findings.find((f) => f.ruleId === 'nhi-tier-policy-violation' && f.subject.id === I.token('tok'));
    expect(policy).toBeDefined();
    expect(policy!.message).toMatch(new RegExp(`^zapier-prod is ${escape(note(3, GAP))} and violates its tier policy: `));
    // The number stays a number for consumers of args and evidence.
    expect(policy!.args.tier).toBe(3);
    expect(policy!.evidence.tier).toBe(3);
    expect(policy!.tierIncomplete).toBe(GAP);
    // The table wraps the message; joined back, it reads as the one line it is.
    expect(renderTable(r, { color: false }).replace(/\n {6}(?=\S)/g, ' ')).toContain(`why: zapier-prod is ${note(3, GAP)} and violates`);
    // Markdown shows the message as a code span, as it is.
    expect(renderMarkdown(r)).toContain(`| \`zapier-prod is ${note(3, GAP)} and violates`);
    const full = scan(allRead()).findings.find((f) => f.ruleId === 'nhi-tier-policy-violation' && f.subject.id === I.token('tok'));
    expect(full!.message).toMatch(/^zapier-prod is T4 and violates its tier policy: /);
    expect(full!.tierIncomplete).toBeUndefined();
  });
});

describe('a lower-bound tier in explain and the OpenGraph export', () => {
  const full = (o: ReturnType<typeof oktaOrg>) => scanSnapshot(o.snapshot(), { now: new Date(NOW), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });

  it('explain heads the card with the same label as the table', () => {
    const card = (o: ReturnType<typeof oktaOrg>) => {
      const m = explain(full(o), 'zapier-prod');
      if (m.kind !== 'card') throw new Error(m.kind);
      // Wide enough that the card's tier line, with the whole sentence of what was not read, is one line.
      return renderExplain(m.card, false, 1000).split('\n').find((l) => l.startsWith('  capability '));
    };
    expect(card(rolesForbidden())).toMatch(new RegExp(`^ {2}capability ${escape(note(0, FORBIDDEN))} \\(`));
    expect(card(allRead())).toMatch(/^ {2}capability T4 \(/);
  });

  it('explain says what was not read once, in the tier label, not again among the tier reasons', () => {
    const m = explain(full(rolesForbidden()), 'zapier-prod');
    if (m.kind !== 'card') throw new Error(m.kind);
    const text = renderExplain(m.card, false, 1000);
    const sentence = `${FORBIDDEN}; so whether it reaches a tier above T0 cannot be judged`;
    expect(text.split(sentence)).toHaveLength(2);
    expect(text).not.toContain('may reach more');
    // The JSON card keeps the reason, for readers of tierReasons alone.
    expect(m.card.identity.tierReasons.some((r) => r.startsWith('may reach more: '))).toBe(true);
  });

  it('the export says when an identity\'s capability tier is a lower bound, and only then', () => {
    const props = (o: ReturnType<typeof oktaOrg>) => {
      const r = full(o);
      return toOpenGraph(r.graph, r.analysis).graph.nodes.find((n) => n.properties.name === 'zapier-prod')!.properties;
    };
    expect(props(rolesForbidden())).toMatchObject({ capabilitytier: 0, capabilitytierincomplete: FORBIDDEN });
    expect(props(allRead()).capabilitytier).toBe(4);
    expect(props(allRead())).not.toHaveProperty('capabilitytierincomplete');
  });
});
