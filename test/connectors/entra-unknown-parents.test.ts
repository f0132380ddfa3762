import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot } from '../helpers/cli.js';

/** The demo copied, changed by `edit`, and scanned: the report's warnings. */
function warnings(edit: (dir: string) => void): string[] {
  const dir = join(mkdtempSync(join(tmpdir(), 'nhiscan-entra-parents-')), 'snap');
  cpSync(join(repoRoot, 'fixtures', 'demo'), dir, { recursive: true });
  edit(dir);
  const r = cli(['scan', '--snapshot', dir, '--format', 'json']);
  return (JSON.parse(r.stdout) as { warnings: string[] }).warnings;
}

const FILES = /entra\/(applicationOwners|servicePrincipalOwners|federatedIdentityCredentials)\.json/;

describe('Entra relationship keys that name no object', () => {
  it('say nothing when the list they key into was not read: its own warning says so, once', () => {
    const w = warnings((dir) => {
      rmSync(join(dir, 'entra', 'applications.json'));
      rmSync(join(dir, 'entra', 'servicePrincipals.json'));
    });
    expect(w.some((x) => x.includes('entra/applications.json is not in the snapshot'))).toBe(true);
    expect(w.filter((x) => FILES.test(x))).toEqual([]);
  });

  it('with the list read, one warning per file with a count and a few ids, not one per key', () => {
    const w = warnings((dir) => {
      const file = join(dir, 'entra', 'applicationOwners.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const id of ['gone-1', 'gone-2', 'gone-3', 'gone-4']) doc[id] = [];
      writeFileSync(file, JSON.stringify(doc));
    });
    expect(w.filter((x) => FILES.test(x))).toEqual(['entra/applicationOwners.json: 4 key(s) name an application registration not in entra/applications.json ("gone-1", "gone-2", "gone-3" and 1 more); their entries were ignored']);
  });
});
