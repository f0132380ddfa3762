/**
 * Virtual time shared by the fake Okta org (its rate-limit windows) and the collector (its
 * pauses): `sleep` moves time forward instead of waiting.
 */
export class VirtualClock {
  /** Total virtual milliseconds slept, across all callers. */
  slept = 0;

  constructor(private t: number = Date.UTC(2026, 10, 20, 9, 0, 0)) {}

  now = (): number => this.t;

  sleep = async (ms: number): Promise<void> => {
    const step = Math.max(0, Math.ceil(ms));
    this.t += step;
    this.slept += step;
    await Promise.resolve();
  };
}
