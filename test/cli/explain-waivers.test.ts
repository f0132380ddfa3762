import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

/** The demo's findings on HR Sync Service, which has ten: three of them paths (one per kind of jewel). */
function hrSyncPaths(): { fingerprint: string; message: string }[] {
  const r = cli(['scan', '--demo', '--format', 'json']);
  const report = JSON.parse(r.stdout) as { findings: { fingerprint: string; ruleId: string; message: string; subject: { name: string } }[] };
  return report.findings.filter((f) => f.subject.name === 'HR Sync Service' && f.ruleId === 'nhi-path-to-crown-jewel');
}

/** The finding lines (from the Findings heading on), each wrapped one joined back to the line it continues (five spaces deep). */
const unwrapped = (text: string) => text.slice(text.indexOf('Findings (')).replace(/\n {5}(?! )/g, ' ');

describe('explain by fingerprint, with waivers', () => {
  const paths = hrSyncPaths();
  const [waivedOne, asked] = [paths[1], paths[2]];

  it('marks the finding asked for among the identity\'s others, in text and JSON', () => {
    const r = cli(['explain', asked.fingerprint, '--demo']);
    expect(r.code).toBe(0);
    const lines = unwrapped(r.stdout).split('\n');
    expect(lines).toContain('Findings (10; > marks the one asked for)');
    const marked = lines.filter((l) => l.startsWith(' > '));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain(asked.message);
    const json = JSON.parse(cli(['explain', asked.fingerprint, '--demo', '--format', 'json']).stdout) as { askedFor?: string };
    expect(json.askedFor).toBe(asked.fingerprint);
    // Asked by name, nothing is marked.
    const byName = cli(['explain', 'HR Sync Service', '--demo']);
    expect(byName.stdout).not.toMatch(/^ > /m);
    expect(byName.stdout).toContain('Findings (10)\n');
  });

  it('reads the waivers file as scan does and shows a waived finding with its expiry, owner and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-explain-'));
    const file = join(dir, 'waivers.yaml');
    writeFileSync(file, `waivers:\n  - fingerprint: ${waivedOne.fingerprint}\n    reason: accepted until the HR migration\n    owner: alice@northwind.example\n    ticket: SEC-12\n    expires: 2027-06-30\n`);
    const r = cli(['explain', asked.fingerprint, '--demo', '--waivers', file]);
    expect(r.code).toBe(0);
    const text = unwrapped(r.stdout);
    expect(text).toContain('Findings (10; 1 waived; > marks the one asked for)');
    expect(text).toContain(`${waivedOne.message} waived until 2027-06-30 (alice@northwind.example, SEC-12: accepted until the HR migration)`);
    const json = JSON.parse(cli(['explain', asked.fingerprint, '--demo', '--format', 'json', '--waivers', file]).stdout) as { findings: { fingerprint: string; status?: string; waiver?: { owner: string } }[] };
    const f = json.findings.find((x) => x.fingerprint === waivedOne.fingerprint);
    expect(f?.status).toBe('waived');
    expect(f?.waiver?.owner).toBe('alice@northwind.example');
  });

  it('reads the default waivers file of the working directory, and refuses a malformed one before scanning', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nhiscan-explain-cwd-'));
    mkdirSync(join(cwd, '.nhiscan'));
    writeFileSync(join(cwd, '.nhiscan', 'waivers.yaml'), `waivers:\n  - fingerprint: ${waivedOne.fingerprint}\n    reason: r\n    owner: o\n    expires: 2027-06-30\n`);
    expect(cli(['explain', waivedOne.fingerprint, '--demo'], { cwd }).stdout).toContain('waived until 2027-06-30 (o: r)');
    writeFileSync(join(cwd, '.nhiscan', 'waivers.yaml'), 'waivers:\n  - reason: no match\n');
    const bad = cli(['explain', waivedOne.fingerprint, '--demo'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(bad.stderr).toContain('.nhiscan/waivers.yaml');
  });
});
