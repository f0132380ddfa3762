import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateSnapshot } from '../../scripts/gen/generate.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { scanSnapshot } from '../../src/scan.js';
import { renderChunks } from '../../src/reporters/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { allRules } from '../../rules/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

/**
 * The lists of a snapshot file in the other order: the file's own list (a plain array, a Graph
 * `value` envelope, the lists of an AWS file), each relationship file's lists, and the lists held
 * directly by an item of a plain array (an OIDC provider's ClientIDList), and an Entra object's
 * credentials. Providers promise no
 * order for any of them, so two collections of one estate may differ only so.
 */
function reversed(value: J, depth = 0): J {
  if (Array.isArray(value)) return value.map((v) => reversed(v, depth + 1)).reverse();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, depth < 2 || INNER.has(k) ? reversed(v, depth + 1) : v]));
  }
  return value;
}

/** Lists inside an item that are sets too: an Entra object's credentials. */
const INNER = new Set(['passwordCredentials', 'keyCredentials']);

function scanJson(dir: string): string {
  const result = scanSnapshot(readSnapshotDir(dir), { now: new Date('2026-11-20T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
  return [...renderChunks('json', result, { color: false })].join('');
}

describe('the order a snapshot lists things in', () => {
  let root: string;
  const dirs = { listed: '', reversed: '' };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nhiscan-order-'));
    dirs.listed = join(root, 'listed');
    dirs.reversed = join(root, 'reversed');
    generateSnapshot({ identities: 1000, seed: 'input-order' }, (rel, content) => {
      for (const [dir, text] of [
        [dirs.listed, content],
        [dirs.reversed, rel.endsWith('.json') && !rel.endsWith('manifest.json') ? JSON.stringify(reversed(JSON.parse(content)), null, 1) : content],
      ]) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  // Which of two equally near privileges names an identity's tier, which route a path takes
  // among equally short ones, which role a reason gives as its example, and the first client ids
  // of an OIDC provider a reason lists all came from the file's order.
  it('does not change the report', () => {
    const a = scanJson(dirs.listed).replaceAll(dirs.listed, '<snapshot>');
    const b = scanJson(dirs.reversed).replaceAll(dirs.reversed, '<snapshot>');
    expect(a.length).toBeGreaterThan(100_000);
    const al = a.split('\n');
    const bl = b.split('\n');
    const differing = al.flatMap((line, i) => (line === bl[i] ? [] : [`${i + 1}: ${line.trim().slice(0, 200)}\n   ${bl[i]?.trim().slice(0, 200)}`]));
    expect(differing.slice(0, 10)).toEqual([]);
    expect(b).toBe(a);
  }, 120_000);
});
