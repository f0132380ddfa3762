import { it } from 'vitest';
import { GraphBuilder } from '../../src/graph/graph.js';
import { transformEntra } from '../../src/connectors/entra/transform.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { loadEntraSnapshot } from '../../test/helpers/entra-snapshot.js';
it('smoke', () => {
  const b = new GraphBuilder();
  transformEntra(loadEntraSnapshot('test/fixtures/entra/contoso'), b, DEFAULT_CONFIG);
  const g = b.build();
  for (const n of g.nodes.values()) console.log(n.kind, n.type, n.id, n.name, n.tier ?? '', n.lastUsedAt, JSON.stringify(n.agent ?? n.machineReasons ?? ''));
  for (const e of g.edges()) console.log(e.type, e.from.split(':').pop(), '->', e.to.split(':').pop(), '|', e.reason);
  console.log(g.warnings);
  console.log(g.coverage.map(c=>c.capability+':'+c.status).join(' '));
});
