import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

/** Reads a snapshot folder with only an `entra/` provider folder (test fixtures). */
export function loadEntraSnapshot(dir: string): Snapshot {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const files: Record<string, unknown> = {};
  for (const f of readdirSync(join(dir, 'entra'))) {
    files[`entra/${f}`] = JSON.parse(readFileSync(join(dir, 'entra', f), 'utf8'));
  }
  return { manifest, files, source: dir };
}
