import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import type { TokenSource } from '../../src/connectors/entra/auth.js';
import { GraphHttp } from '../../src/connectors/entra/graph-http.js';

/** Narrow cases that are awkward to stage on the fake server; fetch is the process boundary. */
function tokens(): TokenSource & { calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    networkRequests: 0,
    async getToken(force) {
      calls.push(force);
      return `t${calls.length}`;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('GraphHttp', () => {
  it('re-acquires the token once on 401 and reports a second 401 instead of looping', async () => {
    const tk = tokens();
    const seen: string[] = [];
    const http = new GraphHttp({
      origin: 'https://graph.example',
      tokens: tk,
      fetch: async (_url, init) => {
        seen.push((init?.headers as Record<string, string>).authorization);
        return json(401, { error: { code: 'InvalidAuthenticationToken' } });
      },
      sleep: async () => {},
    });
    const res = await http.getJson('https://graph.example/v1.0/users');
    expect(res).toEqual({ ok: false, failure: { kind: 'error', status: 401, reason: '401 InvalidAuthenticationToken on GET /v1.0/users' } });
    expect(tk.calls).toEqual([false, true]);
    expect(seen).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('turns an HTTP-date Retry-After into a delay from the injected clock', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const http = new GraphHttp({
      origin: 'https://graph.example',
      tokens: tokens(),
      now: () => Date.parse('2026-11-28T10:00:00Z'),
      fetch: async () => (n++ === 0 ? json(503, {}, { 'Retry-After': 'Sat, 28 Nov 2026 10:00:12 GMT' }) : json(200, { value: [{ id: '1' }] })),
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(await http.list('https://graph.example/v1.0/x')).toEqual({ ok: true, value: [{ id: '1' }] });
    expect(sleeps).toEqual([12_000]);
  });

  it('gives a batch item that stays throttled its own error while its neighbours succeed', async () => {
    const sleeps: number[] = [];
    const http = new GraphHttp({
      origin: 'https://graph.example',
      tokens: tokens(),
      maxRetries: 2,
      fetch: async (_url, init) => {
        const { requests } = JSON.parse(String(init?.body)) as { requests: { id: string }[] };
        return json(200, {
          responses: requests.map((r) =>
            r.id === 'b'
              ? { id: r.id, status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 'TooManyRequests' } } }
              : { id: r.id, status: 200, body: { value: [r.id] } },
          ),
        });
      },
      sleep: async (ms) => void sleeps.push(ms),
    });
    const out = await http.batch('v1.0', [{ id: 'a', url: '/a' }, { id: 'b', url: '/b' }]);
    expect(out.get('a')).toEqual({ ok: true, value: { value: ['a'] } });
    expect(out.get('b')).toMatchObject({ ok: false, failure: { kind: 'error', reason: '429 TooManyRequests on GET /v1.0/b (in $batch)' } });
    expect(sleeps).toEqual([2000, 2000]);
    expect(http.stats.batches).toBe(3);
  });

  it('reports a page without a value array as malformed rather than empty', async () => {
    const http = new GraphHttp({ origin: 'https://graph.example', tokens: tokens(), fetch: async () => json(200, { error: 'nope' }) });
    expect(await http.list('https://graph.example/v1.0/groups')).toEqual({
      ok: false,
      failure: { kind: 'error', reason: 'malformed page (no value array) from /v1.0/groups' },
    });
  });

  it('releases each request\'s hold on the run\'s stop signal, whether it answered, failed or was retried', async () => {
    const stop = new AbortController();
    const signals: AbortSignal[] = [];
    let n = 0;
    const http = new GraphHttp({
      origin: 'https://graph.example',
      tokens: tokens(),
      signal: stop.signal,
      maxRetries: 1,
      fetch: async (_url, init) => {
        signals.push(init!.signal!);
        const k = n++ % 3;
        if (k === 1) throw new TypeError('fetch failed');
        return k === 2 ? json(503, {}) : json(200, { id: 'x' });
      },
      sleep: async () => {},
    });
    for (let i = 0; i < 30; i++) await http.getJson('https://graph.example/v1.0/me');
    expect(signals.length).toBeGreaterThan(30);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    stop.abort(new Error('stopped'));
    expect(signals.some((s) => s.aborted)).toBe(false);
  });
});
