/**
 * Dates relative to the snapshot's fixed `collectedAt`, in each provider's own spelling, so the
 * estate never depends on when it was generated.
 */
export class Clock {
  readonly collectedAt: string;
  private readonly t0: number;

  constructor(collectedAt: string) {
    this.collectedAt = collectedAt;
    this.t0 = Date.parse(collectedAt);
    if (Number.isNaN(this.t0)) throw new Error(`collectedAt ${collectedAt} is not a date`);
  }

  /** Milliseconds since the epoch, `days` before collection (negative: after). */
  ms(daysAgo: number): number {
    return this.t0 - Math.round(daysAgo * 86_400_000);
  }

  /** Graph style: `2026-11-20T09:00:00Z`. */
  graph(daysAgo: number): string {
    return new Date(this.ms(daysAgo)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Okta style: `2026-11-20T09:00:00.000Z`. */
  okta(daysAgo: number): string {
    return new Date(this.ms(daysAgo)).toISOString();
  }

  /** AWS CLI style: `2026-11-20T09:00:00+00:00`. */
  aws(daysAgo: number): string {
    return new Date(this.ms(daysAgo)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  }
}
