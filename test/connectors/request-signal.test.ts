import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { requestSignal, requestSignals } from '../../src/connectors/abort.js';

describe('requestSignal', () => {
  it('leaves nothing registered on the long-lived stop signal once each request is done', () => {
    const stop = new AbortController();
    // Eight in flight at a time, as a collector has (1,000 at once made Node warn of a listener
    // leak on the stop signal, which this test is not about).
    const finished: ReturnType<typeof requestSignal>[] = [];
    for (let i = 0; i < 1000; i += 8) {
      const batch = Array.from({ length: 8 }, () => requestSignal(60_000, stop.signal));
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(8);
      for (const r of batch) r.done();
      finished.push(...batch);
    }
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

describe('requestSignals', () => {
  it('holds one listener on the stop signal for any number of requests and waits, none once closed', async () => {
    const stop = new AbortController();
    const signals = requestSignals(stop.signal);
    const open = Array.from({ length: 50 }, () => signals.request());
    const waits = Array.from({ length: 50 }, () => signals.sleep(3_600_000).catch((e: unknown) => e));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    const reason = new Error('another provider refused its credential');
    stop.abort(reason);
    expect(open.every((r) => r.signal.reason === reason)).toBe(true);
    expect(await Promise.all(waits)).toEqual(waits.map(() => reason));
    for (const r of open) r.done();
    signals.close();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('removes its listener when closed before any stop', () => {
    const stop = new AbortController();
    const signals = requestSignals(stop.signal);
    for (let i = 0; i < 20; i++) signals.request().done();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    signals.close();
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('lets go of a request once it is done: a later stop no longer reaches it', async () => {
    const stop = new AbortController();
    const signals = requestSignals(stop.signal);
    const finished = Array.from({ length: 1000 }, () => signals.request());
    for (const r of finished) r.done();
    await signals.sleep(1);
    const running = signals.request();
    stop.abort(new Error('stopped'));
    expect(finished.some((r) => r.signal.aborted)).toBe(false);
    expect(running.signal.aborted).toBe(true);
    signals.close();
  });

  it('hands out aborted signals, and waits that reject at once, when the stop signal already is', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    const signals = requestSignals(stop.signal);
    expect((signals.request().signal.reason as Error).message).toBe('stopped');
    await expect(signals.sleep(3_600_000)).rejects.toThrow('stopped');
    signals.close();
  });
});
