import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource } from '../../src/connectors/entra/auth.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '99999999-8888-4777-8666-555555555555';

type Answer = 'token' | 'refused' | 'not-json' | 'reset' | 'redirect' | 'hang';

/** A token endpoint on 127.0.0.1 that answers each request as `next()` says. */
async function tokenEndpoint(next: () => Answer) {
  const held: ServerResponse[] = [];
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const answer = next();
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (answer === 'token') json(200, { token_type: 'Bearer', expires_in: 3599, access_token: `at-${requests}` });
      else if (answer === 'refused') json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
      else if (answer === 'not-json') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>proxy login</html>');
      } else if (answer === 'reset') req.socket.destroy();
      else if (answer === 'redirect') {
        res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' });
        res.end();
      } else held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let guard: ReturnType<typeof installNetGuard>;
const savedEnv: Record<string, string | undefined> = {};
beforeAll(() => {
  // MSAL reads these to change authority handling; proxies would reroute fetch.
  for (const k of ['MSAL_FORCE_REGION', 'REGION_NAME', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
  guard = installNetGuard();
});
afterAll(() => {
  guard.uninstall();
  for (const [k, v] of Object.entries(savedEnv)) if (v !== undefined) process.env[k] = v;
  expect(guard.attempts).toEqual([]);
});

/** Records the signal of every fetch the token path makes (it calls the global fetch). */
function recordSignals() {
  const original = globalThis.fetch;
  const signals: AbortSignal[] = [];
  globalThis.fetch = (input, init) => {
    if (init?.signal) signals.push(init.signal);
    return original(input, init);
  };
  return { signals, restore: () => void (globalThis.fetch = original) };
}

describe('Entra token requests and the run\'s stop signal', () => {
  it('hold the stop signal only while a request runs, and release it once each of 1,000 requests is done, whatever the answer', async () => {
    const rotation: Answer[] = ['token', 'refused', 'not-json', 'reset', 'redirect'];
    let n = 0;
    // Two requests, the first one among them, get no answer: the client's timeout ends them.
    const endpoint = await tokenEndpoint(() => (n === 0 || n === 500 ? (n++, 'hang') : rotation[n++ % rotation.length]));
    const fetches = recordSignals();
    const stop = new AbortController();
    try {
      const tokens = await createTokenSource(
        {
          tenantId: TENANT,
          clientId: CLIENT_ID,
          credential: { kind: 'secret', clientSecret: 'not-a-real-secret' },
          tokenEndpoint: endpoint.url,
          requestTimeoutMs: 500,
          signal: stop.signal,
        },
        'https://graph.microsoft.com',
      );
      const outcomes = new Map<string, number>();
      const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      // While a request is in flight (the first one is never answered) it is registered on the
      // stop signal, so that a stop reaches it.
      const first = tokens.getToken(true);
      for (let i = 0; i < 200 && endpoint.requests() === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
      await first.then(
        () => count('token'),
        (e: Error) => count(/timed out/.test(e.message) ? 'timeout' : 'error'),
      );
      while (endpoint.requests() < 1000) {
        await tokens.getToken(true).then(
          () => count('token'),
          (e: Error) => count(/timed out/.test(e.message) ? 'timeout' : 'error'),
        );
      }
      expect(fetches.signals.length).toBeGreaterThanOrEqual(1000);
      expect(outcomes.get('token')).toBeGreaterThan(100);
      expect(outcomes.get('error')).toBeGreaterThan(100);
      expect(outcomes.get('timeout')).toBe(2);
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
      // Detached: a stop after the requests ended reaches none of them.
      stop.abort(new Error('stopped'));
      expect(fetches.signals.filter((s) => s.aborted && (s.reason as Error).message === 'stopped')).toHaveLength(0);
    } finally {
      fetches.restore();
      await endpoint.close();
    }
  }, 60_000);
});
