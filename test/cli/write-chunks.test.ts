import { describe, it, expect, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRITE_BUFFER_BYTES, writeChunks } from '../../src/cli/scan-command.js';

const dir = mkdtempSync(join(tmpdir(), 'nhiscan-write-'));

/** Pieces around the buffer's edges (sized for a buffer of 1 MiB): short ones, one that just fits, ones longer than a third of it, multi-byte text. */
function pieces(): string[] {
  const third = Math.floor(WRITE_BUFFER_BYTES / 3);
  return [
    'start\n',
    // Fills the buffer to within 8,570 bytes; then 5,000 characters that are 10,000 bytes.
    ...Array.from({ length: 1040 }, () => 'x'.repeat(1000)),
    'é'.repeat(5000),
    'é'.repeat(1000),
    'x'.repeat(third - 7),
    '€',
    'y'.repeat(third + 1),
    '',
    'z'.repeat(WRITE_BUFFER_BYTES * 2 + 5),
    // A lone surrogate: written as U+FFFD, as Buffer.from writes it.
    'a\ud800b',
    ...Array.from({ length: 3000 }, (_, i) => `line ${i} 𝄞 ${'w'.repeat(i % 500)}\n`),
    'end',
  ];
}

describe('writeChunks', () => {
  it('is tested with the buffer size it has', () => {
    expect(WRITE_BUFFER_BYTES).toBe(1 << 20);
  });

  it('writes a file byte for byte as the pieces joined and encoded, across buffer fills and oversized pieces', async () => {
    const file = join(dir, 'out', 'report.txt');
    const all = pieces();
    await writeChunks(all, file);
    const expected = Buffer.from(all.join(''), 'utf8');
    const got = readFileSync(file);
    expect(got.length).toBe(expected.length);
    expect(got.equals(expected)).toBe(true);
  });

  it('writes nothing for no pieces, and an empty file', async () => {
    const file = join(dir, 'empty.txt');
    await writeChunks([], file);
    expect(readFileSync(file).length).toBe(0);
    await writeChunks([''], file);
    expect(readFileSync(file).length).toBe(0);
  });

  it('hands stdout a new buffer for every write, so that a pipe still holding one never sees it overwritten', async () => {
    const held: Buffer[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((b: string | Uint8Array) => {
      held.push(b as Buffer);
      return true;
    }) as typeof process.stdout.write);
    try {
      await writeChunks(pieces(), undefined);
    } finally {
      spy.mockRestore();
    }
    // Compared only now, after every write: a reused buffer would have changed the earlier ones.
    expect(held.length).toBeGreaterThan(2);
    expect(Buffer.concat(held).equals(Buffer.from(pieces().join(''), 'utf8'))).toBe(true);
  });
});
