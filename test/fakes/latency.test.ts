import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleOrg } from './okta-dataset.js';
import { startOktaFake, type OktaFake } from './okta-server.js';

const TOKEN = 'LATENCY-TEST-TOKEN';
const LATENCY_MS = 200;

/** Taken before the timers are faked: the bounded waits below run on real time. */
const realSetTimeout = globalThis.setTimeout;

/** Resolves with the status once the whole answer has arrived. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `SSWS ${TOKEN}`, accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits (real time, at most `ms`) for `cond`; false if it never held. */
async function eventually(cond: () => boolean, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 5) {
    if (cond()) return true;
    await new Promise((r) => realSetTimeout(r, 5));
  }
  return cond();
}

/** A few turns of the event loop, so that an answer already written could arrive. */
async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

let fake: OktaFake | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await fake?.close();
  fake = undefined;
});

describe('the Okta fake with latencyMs (the benchmark setting)', () => {
  it('builds the answer when the request arrives and holds it until the latency has passed: the latency is a floor', async () => {
    fake = await startOktaFake({ dataset: sampleOrg(), apiToken: TOKEN, latencyMs: LATENCY_MS });
    // Only the fake's timers (and performance.now, which holdUntil measures with) are virtual:
    // the hold ends exactly when the test moves time on, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let status: number | undefined;
    const answer = get(`${fake.url}/api/v1/users?limit=200`).then((s) => (status = s));
    // Awaited below; a failed assertion before that must not leave it unhandled.
    answer.catch(() => undefined);

    // The fake has handled the request (recorded it, counted it against its rate limit) while no
    // virtual time has passed: it works within the latency, not after it.
    expect(await eventually(() => fake!.state.requests.length === 1)).toBe(true);
    expect(fake.state.requests[0]).toMatchObject({ method: 'GET', template: '/api/v1/users' });
    await turns();
    expect(status).toBeUndefined();

    // One millisecond short of the latency the answer is still held.
    vi.advanceTimersByTime(LATENCY_MS - 1);
    await turns();
    expect(status).toBeUndefined();

    vi.advanceTimersByTime(1);
    await answer;
    expect(status).toBe(200);
  });

  it('holds an endless body too, and streams it only once the hold has ended', async () => {
    fake = await startOktaFake({ dataset: sampleOrg(), apiToken: TOKEN, latencyMs: LATENCY_MS, oversizedOn: [{ template: '/api/v1/users', bytes: 64 * 1024 * 1024 }] });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let gotHead = false;
    const req = request(`${fake.url}/api/v1/users`, { headers: { authorization: `SSWS ${TOKEN}` } }, (res) => {
      gotHead = true;
      res.destroy();
    });
    req.on('error', () => undefined);
    req.end();
    expect(await eventually(() => fake!.state.requests.length === 1)).toBe(true);
    vi.advanceTimersByTime(LATENCY_MS - 1);
    await turns();
    expect(gotHead).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await eventually(() => gotHead)).toBe(true);
    // The client went away after the first bytes: the fake did not write (or queue) the rest.
    expect(await eventually(() => fake!.state.inFlight === 0)).toBe(true);
    expect(fake.state.oversizedFinished).toBe(0);
  });
});
