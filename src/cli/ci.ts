import type { ScanReport } from '../report/types.js';

export interface CiOptions {
  baseline?: string;
  writeBaseline?: string;
  waivers?: string;
}

export interface CiOutcome {
  messages: string[];
  /** An expired waiver makes the run fail again. */
  staleOrExpiredFail: boolean;
}

/** Baselines and waivers: marks findings new/unchanged/waived before rendering. */
export function applyCiLayer(_report: ScanReport, _opts: CiOptions, _now: string): CiOutcome {
  return { messages: [], staleOrExpiredFail: false };
}
