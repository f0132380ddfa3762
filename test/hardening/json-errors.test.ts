import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson, readJson, readSnapshotDir, readText, ReadBuffer } from '../../src/cli/io.js';
import { InputError } from '../../src/errors.js';

function lineOf(text: string): string {
  try {
    parseJson(text, 'f.json');
  } catch (e) {
    if (e instanceof InputError) return e.oneLine();
    throw e;
  }
  throw new Error('parsed');
}

describe('JSON syntax errors in a file that starts with a byte order mark', () => {
  it('name the same place and quote the same text as without the mark', () => {
    expect(lineOf('\ufeff{"a": oops}')).toBe(lineOf('{"a": oops}'));
    expect(lineOf('\ufeff{"a": oops}')).toBe('f.json: line 1 column 7: invalid JSON: unexpected "o"');
    expect(lineOf('\ufeff{"a":\n 1,, }')).toBe(lineOf('{"a":\n 1,, }'));
    expect(lineOf('\ufeff{"a": 1')).toBe(lineOf('{"a": 1'));
  });
});

describe('JSON syntax errors inside a value', () => {
  it('quote one character, never the text around it (it may be a secret)', () => {
    const secret = 'Zx9~AbCdEfGhIjKlMnOp';
    for (const text of [`{"clientSecret": ${secret}}`, `{"clientSecret": "${secret.slice(0, 8)}\\q${secret.slice(8)}"}`, `{"clientSecret": "${secret.slice(0, 8)}\t${secret.slice(8)}"}`]) {
      const line = lineOf(text);
      expect(line).toMatch(/^f\.json: line 1 column \d+: invalid JSON/);
      for (let i = 0; i + 3 <= secret.length; i++) expect(line, line).not.toContain(secret.slice(i, i + 3));
    }
  });
});

describe('readJson decodes files as UTF-8 whatever their bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nhiscan-read-'));
  const write = (name: string, bytes: Buffer): string => {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };

  it('reads plain ASCII, multi-byte UTF-8 and a byte order mark to the same values', () => {
    expect(readJson(write('ascii.json', Buffer.from('{"name":"Deploy bot","n":1}', 'utf8')))).toEqual({ name: 'Deploy bot', n: 1 });
    // Non-ASCII names must not be read byte by byte (Zoë would become ZoÃ«).
    expect(readJson(write('utf8.json', Buffer.from('{"name":"Zoë Ünal 部署 🤖"}', 'utf8')))).toEqual({ name: 'Zoë Ünal 部署 🤖' });
    expect(readJson(write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}', 'utf8')])))).toEqual({ a: 'é' });
  });

  it('gives a CSV with a non-ASCII character last the same text as UTF-8 decoding', () => {
    const bytes = Buffer.from('user,arn\nsvc-ä,arn:aws:iam::123456789012:user/svc-ä\n', 'utf8');
    expect(readText(write('r.csv', bytes))).toBe(bytes.toString('utf8'));
  });

  it('reads files one after the other into one shared buffer with the same text as each alone', () => {
    // Sizes that grow past the buffer and shrink again; a short file after a long one must not
    // carry the long one's tail, and an ASCII file after a UTF-8 one must not be read as UTF-8.
    const files = [
      write('s1.json', Buffer.from('{"a":1}', 'utf8')),
      write('big.json', Buffer.from(JSON.stringify({ list: Array.from({ length: 20_000 }, (_, i) => `item-${i}`) }), 'utf8')),
      write('s2.json', Buffer.from('{"b":"Zoë"}', 'utf8')),
      write('bigger.json', Buffer.from(JSON.stringify({ list: Array.from({ length: 60_000 }, (_, i) => `ünïcode-${i}`) }), 'utf8')),
      write('s3.csv', Buffer.from('x,y\n1,2\n', 'utf8')),
      write('empty.csv', Buffer.alloc(0)),
    ];
    const scratch = new ReadBuffer();
    for (const f of files) expect(readText(f, scratch)).toBe(readText(f));
    expect(scratch.bytes.length).toBeGreaterThanOrEqual(Buffer.byteLength(readText(files[3]), 'utf8'));
  });

  it('reads a snapshot folder through the shared buffer to the values of each file read alone', () => {
    const snap = join(dir, 'snap');
    mkdirSync(join(snap, 'okta'), { recursive: true });
    writeFileSync(join(snap, 'manifest.json'), JSON.stringify({ schemaVersion: 1, collectedAt: '2026-11-20T09:00:00Z', providers: {} }));
    const big = { apps: Array.from({ length: 5_000 }, (_, i) => ({ id: `0oa${i}`, label: i % 7 === 0 ? `Zoë ${i}` : `app ${i}` })) };
    writeFileSync(join(snap, 'okta', 'apps.json'), JSON.stringify(big));
    writeFileSync(join(snap, 'okta', 'users.json'), JSON.stringify([{ id: '00u1', profile: { login: 'a@b.example' } }]));
    const read = readSnapshotDir(snap);
    expect(read.files['okta/apps.json']).toEqual(big);
    expect(read.files['okta/users.json']).toEqual([{ id: '00u1', profile: { login: 'a@b.example' } }]);
  });
});
