import { describe, it, expect } from 'vitest';
import { fromOpenGraphId, openGraphId, openGraphKind, renderOpenGraph, renderOpenGraphChunks, SOURCE_KIND, toOpenGraph } from '../../src/reporters/opengraph.js';
import { safeJsonText } from '../../src/reporters/sanitize.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { GraphBuilder } from '../../src/graph/graph.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyDemo, editJson, finding, report, scanDir } from '../ci/helpers.js';
import { JSON_BATCH } from '../../src/reporters/json-chunks.js';

const isPrimitive = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);

describe('nhiscan export --format opengraph', () => {
  const { graph, analysis } = scanDir();
  const doc = JSON.parse(renderOpenGraph(graph, analysis));

  it('has the documented envelope', () => {
    expect(Object.keys(doc).sort()).toEqual(['graph', 'metadata']);
    expect(doc.metadata).toEqual({ source_kind: SOURCE_KIND });
    expect(doc.graph.nodes).toHaveLength(graph.nodes.size);
    // One OpenGraph edge per (start, end, kind); `count` says how many nhiscan edges it carries.
    const ends = new Set([...graph.edges()].map((e) => `${e.from}\u0000${e.to}\u0000${e.type}`));
    expect(doc.graph.edges).toHaveLength(ends.size);
    expect(doc.graph.edges.reduce((sum: number, e: any) => sum + e.properties.count, 0)).toBe(graph.edgeCount);
  });

  it('node ids have no colons, are unique, and every edge end names a node', () => {
    const ids = new Set<string>(doc.graph.nodes.map((n: any) => n.id));
    expect(ids.size).toBe(doc.graph.nodes.length);
    for (const id of ids) expect(id).not.toContain(':');
    for (const e of doc.graph.edges) {
      expect(ids.has(e.start.value)).toBe(true);
      expect(ids.has(e.end.value)).toBe(true);
      expect(e.start.match_by).toBe('id');
    }
  });

  it('kinds are prefixed, 1 to 3 per node, and edge kinds are prefixed too', () => {
    for (const n of doc.graph.nodes) {
      expect(n.kinds.length).toBeGreaterThanOrEqual(1);
      expect(n.kinds.length).toBeLessThanOrEqual(3);
      for (const k of n.kinds) expect(k).toMatch(/^NHI_[A-Za-z0-9]+$/);
    }
    for (const e of doc.graph.edges) expect(e.kind).toMatch(/^NHI_[A-Za-z0-9]+$/);
    expect(doc.graph.edges.some((e: any) => e.kind === 'NHI_CanAssume')).toBe(true);
    expect(doc.graph.nodes.some((n: any) => n.kinds.includes('NHI_Identity'))).toBe(true);
  });

  it('properties are flat: primitives or homogeneous arrays of primitives, never null', () => {
    for (const item of [...doc.graph.nodes, ...doc.graph.edges]) {
      for (const [k, v] of Object.entries(item.properties)) {
        if (Array.isArray(v)) {
          expect(v.every(isPrimitive), k).toBe(true);
          expect(new Set(v.map((x) => typeof x)).size, k).toBeLessThanOrEqual(1);
        } else {
          expect(isPrimitive(v), `${k}=${JSON.stringify(v)}`).toBe(true);
        }
      }
    }
  });

  it('no objectid property that BloodHound would reject the node for', () => {
    // BloodHound CE (graphify ConvertGenericNode) skips a node whose properties.objectid is not
    // the top-level id, compared case-insensitively: such a node would never be ingested.
    for (const n of doc.graph.nodes) {
      if ('objectid' in n.properties) expect(String(n.properties.objectid).toUpperCase(), n.id).toBe(n.id.toUpperCase());
    }
  });

  it('keeps the original id and the analysis facts as properties', () => {
    const [anyIdentity] = graph.ofKind('identity');
    const node = doc.graph.nodes.find((n: any) => n.id === openGraphId(anyIdentity.id));
    expect(node.properties.nhi_id).toBe(anyIdentity.id);
    expect(node.properties.capabilitytier).toBe(analysis.tier(anyIdentity.id));
  });

  it('streams: chunks of at most JSON_BATCH nodes or edges, joined the same bytes as the whole document', () => {
    // One string for the whole upload exceeds V8's longest string (~512 MB) near 100,000 identities.
    const chunks = [...renderOpenGraphChunks(graph, analysis)];
    const og = toOpenGraph(graph, analysis);
    expect(chunks.join('')).toBe(safeJsonText(JSON.stringify(og, null, 2)) + '\n');
    expect(renderOpenGraph(graph, analysis)).toBe(chunks.join(''));
    const items = [...og.graph.nodes, ...og.graph.edges];
    const biggest = Math.max(...items.map((x) => JSON.stringify(x, null, 2).length));
    // Each list is written in batches: at least one chunk per JSON_BATCH items of each.
    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(og.graph.nodes.length / JSON_BATCH) + Math.ceil(og.graph.edges.length / JSON_BATCH));
    // Indented by three levels, each item takes at most 6 more characters a line.
    const lines = (x: unknown) => JSON.stringify(x, null, 2).split('\n').length;
    const bound = JSON_BATCH * (biggest + 6 * Math.max(...items.map(lines)) + 2);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(bound);
  });

  it('maps ids one-to-one even when they look alike', () => {
    const tricky = ['a:b', 'a%3Ab', 'a%b', 'a%253Ab', 'a::b'];
    const mapped = tricky.map(openGraphId);
    expect(new Set(mapped).size).toBe(tricky.length);
    for (const m of mapped) expect(m).not.toContain(':');
    expect(fromOpenGraphId(openGraphId('aws:1:role:arn:aws:iam::1:role/x%y'))).toBe('aws:1:role:arn:aws:iam::1:role/x%y');
  });

  it('keeps ids that differ only in letter case apart after BloodHound upper-cases them', () => {
    // BloodHound CE stores object ids upper-cased: `role/Deploy` and `role/deploy` must not merge.
    const b = new GraphBuilder();
    for (const name of ['Deploy', 'deploy']) {
      b.addNode({ id: `aws:1:role:arn:aws:iam::1:role/${name}`, kind: 'identity', provider: 'aws', type: 'aws-iam-role', name, nativeId: name, scope: '1', attrs: {} });
    }
    b.addEdge({ from: 'aws:1:role:arn:aws:iam::1:role/Deploy', to: 'aws:1:role:arn:aws:iam::1:role/deploy', type: 'CAN_ASSUME', reason: 'trust' });
    const og = JSON.parse(renderOpenGraph(b.build())).graph;
    const upper = og.nodes.map((n: any) => n.id.toUpperCase());
    expect(new Set(upper).size).toBe(2);
    for (const n of og.nodes) expect(fromOpenGraphId(n.id)).toBe(n.properties.nhi_id);
    // Edge ends use the same encoding, so they still name the two nodes after upper-casing.
    expect(og.edges[0].start.value.toUpperCase()).toBe(openGraphId('aws:1:role:arn:aws:iam::1:role/Deploy').toUpperCase());
    expect(og.edges[0].end.value.toUpperCase()).toBe(openGraphId('aws:1:role:arn:aws:iam::1:role/deploy').toUpperCase());
    expect(og.edges[0].start.value.toUpperCase()).not.toBe(og.edges[0].end.value.toUpperCase());
  });

  it('encodes ids one-to-one and reversibly even after upper-casing, for tricky inputs', () => {
    const tricky = [
      'a', 'A', 'aB', 'Ab', 'AB', 'ab', '^a', '^A', '%5Ea', '%5EA', '^', '%5E', '%5e', '%', '%25', ':', '%3A', '%3a',
      'a:B', 'A:b', 'x%y', 'X%Y', '0oA1bC', '0OA1BC', '0oa1bc', 'é', 'É', 'straße', 'STRASSE', 'strasse', 'ﬁ', 'FI', 'fi',
      'ı', 'I', 'i', 'İ', '\u0000', '\u0001a', '\u007f', 'a b', '\ud800', '\udc00x', '😀', 'Ω', 'ω', '%u', '%uD800', '',
    ];
    const mapped = tricky.map(openGraphId);
    expect(new Set(mapped.map((m) => m.toUpperCase())).size).toBe(tricky.length);
    for (const [i, m] of mapped.entries()) {
      expect(m, tricky[i]).not.toContain(':');
      // Printable ASCII only: nothing for Unicode case folding, control stripping or bidi escaping to change.
      expect(m, tricky[i]).toMatch(/^[\x20-\x7e]*$/);
      expect(fromOpenGraphId(m), tricky[i]).toBe(tricky[i]);
      expect(fromOpenGraphId(m.toUpperCase()), tricky[i]).toBe(tricky[i]);
    }
    // Readable where it can be: lower-case ASCII ids (most provider ids) pass through unchanged.
    expect(openGraphId('okta:org:0oa1b2c3d4')).toBe('okta%3Aorg%3A0oa1b2c3d4');
    expect(openGraphId('role/Deploy')).toBe('role/^deploy');
  });

  it('carries parallel edges of one kind as one edge, since BloodHound merges same start, end and kind', () => {
    const b = new GraphBuilder();
    const node = (id: string, kind: 'identity' | 'privilege') => b.addNode({ id, kind, provider: 'aws', type: kind === 'identity' ? 'aws-iam-role' : 'aws-policy', name: id, nativeId: id, scope: '1', attrs: {} });
    node('r', 'identity');
    node('p', 'privilege');
    b.addEdge({ from: 'r', to: 'p', type: 'GRANTED', reason: 'b: inline policy', hidden: false, conditional: true, evidence: { source: 'inline', actions: ['s3:*'] } });
    b.addEdge({ from: 'r', to: 'p', type: 'GRANTED', reason: 'a: managed policy', hidden: true, conditional: false, evidence: { source: 'managed' } });
    b.addEdge({ from: 'r', to: 'p', type: 'GRANTED', reason: 'c: permission set', conditional: true });
    b.addEdge({ from: 'r', to: 'p', type: 'HAS_ROLE', reason: 'another kind stays its own edge' });
    const graph = b.build();
    const edges = toOpenGraph(graph).graph.edges;
    expect(edges.map((e) => e.kind)).toEqual(['NHI_Granted', 'NHI_HasRole']);
    const granted = edges[0].properties;
    expect(granted.reason).toBe('a: managed policy');
    expect(granted.reasons).toEqual(['a: managed policy', 'b: inline policy', 'c: permission set']);
    expect(granted.count).toBe(3);
    // Hidden if any is hidden; conditional only if every one is (one unconditional grant suffices).
    expect(granted.hidden).toBe(true);
    expect(granted.conditional).toBe(false);
    expect(granted.hiddens).toEqual([true, false, false]);
    expect(granted.conditionals).toEqual([false, true, true]);
    expect(granted.evidences).toEqual(['{"source":"managed"}', '{"source":"inline","actions":["s3:*"]}', '{}']);
    expect(granted.evidence_source).toBe('managed');
    expect(edges[1].properties).toMatchObject({ reason: 'another kind stays its own edge', reasons: ['another kind stays its own edge'], count: 1, hidden: false, conditional: false });
    expect('evidences' in edges[1].properties).toBe(false);

    const allConditional = new GraphBuilder();
    for (const id of ['r', 'p']) allConditional.addNode({ id, kind: 'identity', provider: 'aws', type: 'aws-iam-role', name: id, nativeId: id, scope: '1', attrs: {} });
    for (const reason of ['x', 'y']) allConditional.addEdge({ from: 'r', to: 'p', type: 'CAN_ASSUME', reason, conditional: true });
    expect(toOpenGraph(allConditional.build()).graph.edges.map((e) => [e.properties.conditional, e.properties.hidden])).toEqual([[true, false]]);

    // Same graph, edges added in another order: the same bytes.
    const shuffled = new GraphBuilder();
    for (const n of graph.nodes.values()) shuffled.addNode(n);
    for (const e of [...graph.edges()].reverse()) shuffled.addEdge(e);
    expect(renderOpenGraph(shuffled.build())).toBe(renderOpenGraph(graph));
  });

  // Providers list policies, tags, names and factors in whatever order they like: the export
  // must not change when they do (the same estate gives the same upload).
  it('does not depend on the order the provider listed a node\'s values in', () => {
    const build = (reverse: boolean) => {
      const r = <T,>(xs: T[]): T[] => (reverse ? [...xs].reverse() : xs);
      const b = new GraphBuilder();
      b.addNode({
        id: 'x:1',
        kind: 'identity',
        provider: 'aws',
        type: 'aws-iam-role',
        name: 'r',
        nativeId: '1',
        scope: '1',
        tags: r(['ci', 'terraform', 'WindowsAzureActiveDirectoryIntegratedApp']),
        federation: { issuer: 'i', subject: 's', subjectMatch: 'exact', audiences: r(['b', 'a']) },
        attrs: {
          policies: r(['AmazonS3ReadOnlyAccess', 'AWSSupportAccess']),
          counts: r([10, 9, 100]),
          clientIds: Object.fromEntries(r([['arn:b', r(['x', 'y'])], ['arn:a', r(['z', 'w'])]])),
          principals: r([{ type: 'aws', value: 'b' }, { value: 'a', type: 'aws' }]),
        },
      });
      return JSON.parse(renderOpenGraph(b.build())).graph.nodes[0].properties;
    };
    const forward = build(false);
    expect(build(true)).toEqual(forward);
    expect(JSON.stringify(build(true))).toBe(JSON.stringify(forward));
    expect(forward.attr_policies).toEqual(['AWSSupportAccess', 'AmazonS3ReadOnlyAccess']);
    expect(forward.attr_counts).toEqual([9, 10, 100]);
    expect(forward.tags).toEqual(['WindowsAzureActiveDirectoryIntegratedApp', 'ci', 'terraform']);
    expect(forward.federation_audiences).toEqual(['a', 'b']);
    expect(forward.attr_clientids).toBe('{"arn:a":["w","z"],"arn:b":["x","y"]}');
  });

  it('exports the same document when the demo\'s inputs list things in another order', () => {
    const snap = copyDemo();
    // Every array of every file, at every depth, except a policy's statements: their order is
    // part of the policy, and shows in each statement's index.
    const reverseAll = (x: any, key = ''): any =>
      Array.isArray(x)
        ? (key === 'Statement' ? x : [...x].reverse()).map((v) => reverseAll(v))
        : x && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, reverseAll(v, k)]))
          : x;
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const f of files(snap)) if (f.endsWith('.json') && !f.endsWith('manifest.json')) editJson(f, (d) => Object.assign(d, reverseAll(d)));
    const other = scanDir(snap);
    const reversed = JSON.parse(renderOpenGraph(other.graph, other.analysis));
    expect(reversed.graph.nodes).toEqual(doc.graph.nodes);
    expect(reversed.graph.edges).toEqual(doc.graph.edges);
  });

  it('flattens nested attributes and drops nulls', () => {
    const b = new GraphBuilder();
    b.addNode({ id: 'x:1', kind: 'identity', provider: 'aws', type: 'aws-iam-role', name: 'r', nativeId: '1', scope: '1', lastUsedAt: null, attrs: { nested: { a: 1 }, mixed: [1, 'a'], empty: null, list: ['p', 'q'] } });
    const n = JSON.parse(renderOpenGraph(b.build())).graph.nodes[0];
    expect(n.kinds).toEqual([openGraphKind('aws-iam-role'), 'NHI_Identity']);
    expect(n.kinds[0]).toBe('NHI_AwsIamRole');
    expect(n.properties.attr_nested).toBe('{"a":1}');
    expect(n.properties.attr_mixed).toEqual(['1', 'a']);
    expect(n.properties.attr_list).toEqual(['p', 'q']);
    expect('attr_empty' in n.properties).toBe(false);
    expect('lastusedat' in n.properties).toBe(false);
    expect(n.properties.neverused).toBe(true);
  });
});

describe('--format markdown', () => {
  const evil = 'Evil | <img src=x onerror=alert(1)> [click](http://evil.example) `code`\n# heading';

  it('keeps table rows intact and markup inert for hostile names', () => {
    const md = renderMarkdown(report([finding({ name: evil }), finding({ severity: 'critical' })]));
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Rule'));
    expect(rows).toHaveLength(2);
    // Six columns: rule, subject, provider, status, why, fingerprint.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(8);
    // The name is a code span (fenced by two backticks: it holds one), where HTML and links are text.
    const outside = md.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(outside).not.toContain('<img');
    expect(outside).not.toContain('](http');
    expect(md).toContain('| ``Evil \\| <img src=x onerror=alert(1)> [click](http://evil.example) `code`\ufffd# he');
    expect(md).not.toMatch(/^# heading/m);
  });

  it('shows headline counts, baseline, waived findings, paths and coverage gaps', () => {
    const hop = { from: 'a', fromName: 'repo', to: 'b', toName: 'deploy', type: 'FEDERATES_TO' as const, reason: 'trust allows repo:*', hidden: true, conditional: false, provider: 'aws' };
    const r = report(
      [
        finding({ severity: 'critical', status: 'new', path: [hop, { ...hop, from: 'b', to: 'c', fromName: 'deploy', toName: 'Admin', type: 'GRANTED', hidden: false }] }),
        finding({ status: 'waived', waiver: { reason: 'vendor', owner: 'marco', ticket: 'SEC-9', expires: '2027-01-31' } }),
      ],
      {
        coverage: [{ provider: 'okta', scope: 'https://x.okta.example', capability: 'okta.apiTokens', status: 'missing-permission', reason: 'okta.apiTokens.read not granted' }],
      },
    );
    r.summary.baseline = { new: 1, unchanged: 0, resolved: 3, unknown: 0 };
    const md = renderMarkdown(r);
    expect(md).toMatch(/^## nhiscan: 1 finding \(\+1 waived\)/);
    expect(md).toContain('critical 1 · high 0');
    expect(md).toContain('**1 new** · 0 unchanged · 3 resolved');
    expect(md).toContain('### Waived (1)');
    expect(md).toMatch(/\| marco \| 2027-01-31 \| vendor \(SEC-9\) \|/);
    expect(md).toContain('  - FEDERATES\\_TO → **`deploy`** _(hidden from access reviews)_: `trust allows repo:*`');
    expect(md).toContain('    - GRANTED → **`Admin`**');
    expect(md).toMatch(/Coverage gaps \(1\)[\s\S]*`okta\.apiTokens`: missing-permission/);
  });

  it('shows each finding\'s stable id and fingerprint, to copy into a waiver, waived ones included', () => {
    const counted = finding({ subject: { id: 'aws:111122223333:role:arn:aws:iam::111122223333:role/ci_deploy', name: 'ci_deploy', type: 'aws-iam-role', scope: '111122223333', nativeId: 'arn:aws:iam::111122223333:role/ci_deploy' } });
    const waived = finding({ status: 'waived', waiver: { reason: 'vendor', owner: 'marco', expires: '2027-01-31' } });
    const md = renderMarkdown(report([counted, waived]));
    const row = md.split('\n').find((l) => l.startsWith('| entra-secret-long-lived | `ci'))!;
    // Code spans: the id renders as itself, ready to copy.
    expect(row).toContain('`ci_deploy` (`aws:111122223333:role:arn:aws:iam::111122223333:role/ci_deploy`)');
    expect(row).toMatch(new RegExp(`\\| ${counted.fingerprint} \\|$`));
    expect(md).toContain('| Rule | Subject | Provider | Status | Why | Fingerprint |');
    const waivedRow = md.split('\n').find((l) => l.includes('| marco |'))!;
    expect(waivedRow).toContain(`(\`${waived.subject.id}\`)`);
    expect(waivedRow).toMatch(new RegExp(`\\| ${waived.fingerprint} \\|$`));
  });

  it('caps long tables', () => {
    const md = renderMarkdown(report(Array.from({ length: 7 }, () => finding())), { limitPerSeverity: 5 });
    expect(md).toContain('… and 2 more');
  });
});
