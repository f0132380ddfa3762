import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { renderSarif } from '../../src/reporters/sarif.js';
import { renderOpenGraph } from '../../src/reporters/opengraph.js';
import { GraphBuilder } from '../../src/graph/graph.js';
import { finding, report } from '../ci/helpers.js';

// SARIF and the OpenGraph export cut a pathological provider value as the human-readable outputs
// do: with a note that says what was cut, how much, and where the whole value is, never with a
// bare "…" that reads as the end of the value.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

describe('SARIF: a cut says so', () => {
  const raw = JSON.parse(readFileSync(resolve(repoRoot, '../shared/data/sarif-schema-2.1.0.json'), 'utf8'));
  const { $schema: _s, id, ...rest } = raw;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ $id: id, ...rest });

  const long = (c: string, n: number) => c.repeat(n);
  const f = finding({ name: long('n', 300), message: `${long('m', 5000)} has a secret` });
  const waived = finding({
    status: 'waived',
    waiver: { fingerprint: 'x', reason: long('r', 1500), owner: 'alice', expires: '2030-01-01', source: { file: 'w.yaml', line: 1 } },
  } as never);
  const r = report([f, waived], {
    coverage: [{ provider: 'okta', scope: 'https://x.okta.com', capability: 'okta.users', status: 'error', reason: long('e', 1500) }],
    warnings: [long('w', 1500)],
  });
  const text = renderSarif(r);
  const sarif = JSON.parse(text);
  const run = sarif.runs[0];
  const result = run.results.find((x: any) => x.partialFingerprints['nhiscanFingerprint/v1'] === f.fingerprint);
  const whole = `nhiscan scan --format json and in nhiscan explain ${f.fingerprint} --format json`;

  it('a message cut at 4,000 characters carries a note with its length and where it is whole', () => {
    expect(result.message.text).toBe(`${long('m', 3999)}… \\[message cut at 4000 of 5013 characters; the whole message is in ${whole}\\]`);
  });

  it('a name cut at 200 characters carries a note', () => {
    expect(result.locations[0].logicalLocations[0].name).toBe(`${long('n', 199)}… [name cut at 200 of 300 characters; the whole name is in ${whole}]`);
  });

  it('a waiver reason cut at 1,000 characters carries a note, and the owner and expiry stay in sight', () => {
    const w = run.results.find((x: any) => x.suppressions);
    expect(w.suppressions[0].justification).toBe(
      `${long('r', 999)}… [reason cut at 1000 of 1500 characters; the whole reason is in nhiscan scan --format json and in nhiscan explain ${waived.fingerprint} --format json] (owner alice, until 2030-01-01)`,
    );
  });

  it('coverage and warning notifications cut at 1,000 characters carry a note', () => {
    const texts: string[] = run.invocations[0].toolExecutionNotifications.map((n: any) => n.message.text);
    expect(texts).toContain(
      `okta https://x.okta.com okta.users: error (${long('e', 999)}… \\[error cut at 1000 of 1500 characters; the whole error is in nhiscan scan --format json\\]); rules that need it report unknown`,
    );
    expect(texts).toContain(`${long('w', 999)}… \\[warning cut at 1000 of 1500 characters; the whole warning is in nhiscan scan --format json\\]`);
  });

  it('still validates against the SARIF 2.1.0 schema, and the same report gives the same bytes', () => {
    expect(validate(sarif)).toBe(true);
    expect(renderSarif(r)).toBe(text);
  });

  it('a value within its limit has no note', () => {
    const short = JSON.parse(renderSarif(report([finding({ name: 'App', message: 'App has a secret' })])));
    expect(JSON.stringify(short)).not.toContain(' cut at ');
  });
});

describe('OpenGraph export: a cut says so', () => {
  const build = () => {
    const b = new GraphBuilder();
    b.addNode({ id: 'x:1', kind: 'identity', provider: 'aws', type: 'aws-iam-role', name: 'n'.repeat(2500), nativeId: '1', scope: '1', attrs: { description: 'd'.repeat(3000), short: 'ok' } });
    b.addNode({ id: 'x:2', kind: 'identity', provider: 'aws', type: 'aws-iam-role', name: 'r', nativeId: '2', scope: '1', attrs: {} });
    b.addEdge({ from: 'x:1', to: 'x:2', type: 'CAN_ASSUME', reason: 'q'.repeat(2100) });
    return b.build();
  };
  const text = renderOpenGraph(build());
  const doc = JSON.parse(text);
  const WHERE = 'the snapshot this export was made from';

  it('a node property cut at 2,000 characters carries a note with its length and where it is whole', () => {
    const p = doc.graph.nodes.find((n: any) => n.properties.nativeid === '1').properties;
    expect(p.name).toBe(`${'n'.repeat(1999)}… [name cut at 2000 of 2500 characters; the whole name is in ${WHERE}]`);
    expect(p.attr_description).toBe(`${'d'.repeat(1999)}… [attr_description cut at 2000 of 3000 characters; the whole attr_description is in ${WHERE}]`);
    expect(p.attr_short).toBe('ok');
  });

  it('an edge reason cut at 2,000 characters carries the note too, in reason and in reasons', () => {
    const e = doc.graph.edges[0].properties;
    const cut = `${'q'.repeat(1999)}… [reason cut at 2000 of 2100 characters; the whole reason is in ${WHERE}]`;
    expect(e.reason).toBe(cut);
    expect(e.reasons).toEqual([cut]);
  });

  it('the same graph gives the same bytes', () => {
    expect(renderOpenGraph(build())).toBe(text);
  });
});
