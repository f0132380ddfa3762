import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { requestSignal } from '../../src/connectors/abort.js';

describe('requestSignal', () => {
  it('leaves nothing registered on the long-lived stop signal once each request is done', () => {
    const stop = new AbortController();
    const finished = Array.from({ length: 1000 }, () => requestSignal(60_000, stop.signal));
    for (const r of finished) r.done();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    // Detached: a stop after a request ended no longer reaches it (a signal combined with
    // AbortSignal.any stays linked, and registered, for as long as the stop signal lives).
    stop.abort(new Error('stopped'));
    expect(finished.some((r) => r.signal.aborted)).toBe(false);
  });

  it('aborts with the stop reason when stopped, and with a TimeoutError when the time is up', async () => {
    const stop = new AbortController();
    const a = requestSignal(60_000, stop.signal);
    const reason = new Error('another provider refused its credential');
    stop.abort(reason);
    expect(a.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe(reason);
    a.done();

    const b = requestSignal(5, undefined);
    await new Promise((resolve) => b.signal.addEventListener('abort', resolve, { once: true }));
    expect((b.signal.reason as Error).name).toBe('TimeoutError');
    b.done();
  });

  it('starts aborted when the stop signal already is', () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    const r = requestSignal(60_000, stop.signal);
    expect(r.signal.aborted).toBe(true);
    expect((r.signal.reason as Error).message).toBe('stopped');
    r.done();
  });
});
