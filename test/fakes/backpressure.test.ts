import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { writableAgain } from './backpressure.js';

/** A writable that is always full until drained by hand. */
function slowSink(): Writable {
  return new Writable({ highWaterMark: 1, write: (_chunk, _enc, cb) => setImmediate(cb) });
}

describe('writableAgain', () => {
  it('leaves no listener behind after each drain, however many times a writer waits', async () => {
    const w = slowSink();
    const closeBefore = w.listenerCount('close');
    for (let i = 0; i < 20; i++) {
      if (!w.write('xx')) await writableAgain(w);
    }
    // Before: each wait left a 'close' listener, and the 11th made Node warn of a leak.
    expect(w.listenerCount('close')).toBe(closeBefore);
    expect(w.listenerCount('drain')).toBe(0);
  });

  it('settles when the stream closes instead of draining, and leaves no drain listener', async () => {
    const w = slowSink();
    w.write('xx');
    const waiting = writableAgain(w);
    w.destroy();
    await waiting;
    expect(w.listenerCount('drain')).toBe(0);
  });
});
