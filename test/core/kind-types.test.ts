import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSnapshot } from '../../scripts/gen/generate.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { listingCapabilities, typesOfKind } from '../../src/engine/missing-capability.js';
import type { Graph } from '../../src/graph/graph.js';
import { buildGraph } from '../../src/scan.js';
import { demoSnapshot } from '../e2e/demo.js';

// The engine counts the unread subject lists of a rule on kinds, and the waivers judge which gaps
// may hide its findings, from the node types each kind is said to hold (typesOfKind) and the
// capability that lists each type (listingCapabilities). A type of a kind missing from that table
// has its list's gap silently left out of both. Every type a real graph holds under a kind the
// table knows must be there, with a listing capability (without one hidingCapabilities gives up
// on the rule). The generated estate has the types the demo lacks (managed and agent identities,
// app-only registrations); 1,000 identities give the same types per kind as the 10k estate.
const dir = mkdtempSync(join(tmpdir(), 'nhiscan-kind-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Per kind, the node types of the graph's nodes of that kind. */
function typesByKind(graph: Graph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const n of graph.nodes.values()) {
    let types = out.get(n.kind);
    if (types === undefined) out.set(n.kind, (types = new Set()));
    types.add(n.type);
  }
  return out;
}

const graphs: [string, () => Graph][] = [
  ['the demo', () => buildGraph(demoSnapshot(), DEFAULT_CONFIG)],
  [
    'a generated estate of 1,000 identities',
    () => {
      writeSnapshot(dir, { identities: 1000, seed: 'bench' });
      return buildGraph(readSnapshotDir(dir), DEFAULT_CONFIG);
    },
  ],
];

describe('the kind table names every node type of its kinds', () => {
  for (const [name, build] of graphs) {
    it(name, () => {
      const byKind = typesByKind(build());
      const known = [...byKind.keys()].filter((kind) => typesOfKind(kind).length > 0).sort();
      // The kinds rules select with a list of their own: identities and the people that own them.
      expect(known).toEqual(['human', 'identity']);
      const unlisted: string[] = [];
      const unread: string[] = [];
      for (const kind of known) {
        for (const type of byKind.get(kind)!) {
          if (!typesOfKind(kind).includes(type)) unlisted.push(`${kind}: ${type}`);
          if (listingCapabilities(type) === undefined) unread.push(type);
        }
      }
      expect(unlisted).toEqual([]);
      expect(unread).toEqual([]);
    });
  }
});
