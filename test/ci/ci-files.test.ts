import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot } from '../helpers/cli.js';

// `scan --baseline F --write-baseline F` compares, then updates F. Findings this run could not
// judge (their data was not read) are counted unknown, not resolved: the rewritten baseline keeps
// them, or the next complete scan would call accepted findings new and fail the gate.
describe('a baseline rewritten by a partial run', () => {
  it('keeps the entries the run could not judge, so the next complete scan finds nothing new', () => {
    const work = mkdtempSync(join(tmpdir(), 'nhiscan-carry-'));
    try {
      const full = join(work, 'full');
      const part = join(work, 'part');
      cpSync(join(repoRoot, 'fixtures', 'demo'), full, { recursive: true });
      cpSync(full, part, { recursive: true });
      // The Okta API tokens and app credentials were not readable this time (a 403).
      for (const f of ['apiTokens', 'appSecrets', 'appJwks']) rmSync(join(part, 'okta', `${f}.json`));
      const manifest = JSON.parse(readFileSync(join(part, 'manifest.json'), 'utf8'));
      for (const c of manifest.coverage) if (c.provider === 'okta' && (c.capability === 'okta.apiTokens' || c.capability === 'okta.appCredentials')) Object.assign(c, { status: 'missing-permission', reason: '403' });
      writeFileSync(join(part, 'manifest.json'), JSON.stringify(manifest));
      const baseline = join(work, 'baseline.json');
      expect(cli(['baseline', 'write', baseline, '--snapshot', full]).code).toBe(0);
      const accepted = JSON.parse(readFileSync(baseline, 'utf8')).findings.length;

      const partial = cli(['scan', '--snapshot', part, '--baseline', baseline, '--write-baseline', baseline, '--fail-on', 'high', '--allow-partial', '--format', 'json', '-o', join(work, 'p.json')]);
      expect(partial.code).toBe(0);
      const counts = JSON.parse(readFileSync(join(work, 'p.json'), 'utf8')).summary.baseline;
      expect(counts.new).toBe(0);
      expect(counts.unknown).toBeGreaterThan(0);
      // Every accepted entry is still there: those found, and those not judged.
      expect(JSON.parse(readFileSync(baseline, 'utf8')).findings).toHaveLength(accepted);

      const next = cli(['scan', '--snapshot', full, '--baseline', baseline, '--fail-on', 'high', '--allow-partial', '--format', 'json', '-o', join(work, 'f.json')]);
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(work, 'f.json'), 'utf8')).summary.baseline).toMatchObject({ new: 0, resolved: 0, unknown: 0 });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('a baseline naming one fingerprint twice', () => {
  // Which entry (and which accepted severity) was meant cannot be known, and the gate's answer
  // turned on their order: refused, naming the second place, exit 2.
  it('is refused with one line naming the file and both places', () => {
    const work = mkdtempSync(join(tmpdir(), 'nhiscan-dup-'));
    try {
      const baseline = join(work, 'b.json');
      expect(cli(['baseline', 'write', baseline, '--demo']).code).toBe(0);
      const b = JSON.parse(readFileSync(baseline, 'utf8'));
      const again = { ...b.findings[0], severity: 'low' };
      for (const [name, list] of [['last', [...b.findings, again]], ['first', [again, ...b.findings]]] as const) {
        writeFileSync(baseline, JSON.stringify({ ...b, findings: list }));
        const r = cli(['scan', '--demo', '--baseline', baseline, '--fail-on', 'low', '--allow-partial', '--format', 'json']);
        expect(r.code, name).toBe(2);
        const at = name === 'last' ? `$.findings[${b.findings.length}].fingerprint` : '$.findings[1].fingerprint';
        expect(r.stderr).toBe(`nhiscan: ${baseline}: ${at}: fingerprint "${b.findings[0].fingerprint}" is also at $.findings[0]; keep one entry per finding\n`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('a default waivers or config file that is a dangling symbolic link', () => {
  // Passed over as absent, a waivers file that went missing would count every waived finding again
  // without a word; read, it fails with one line naming it.
  for (const name of ['waivers.yaml', 'config.yaml']) {
    it(`.nhiscan/${name} pointing nowhere is an input error naming it`, () => {
      const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-dangling-'));
      try {
        mkdirSync(join(cwd, '.nhiscan'));
        symlinkSync(join(cwd, 'gone.yaml'), join(cwd, '.nhiscan', name));
        const r = cli(['scan', '--demo', '--format', 'json', '--allow-partial'], { cwd });
        expect([r.code, r.stdout]).toEqual([2, '']);
        expect(r.stderr).toBe(`nhiscan: .nhiscan/${name}: no such file or folder\n`);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
