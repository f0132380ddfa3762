import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One function's share of a profile, self and inclusive (recursion counted once). */
export interface Hotspot {
  fn: string;
  selfMs: number;
  totalMs: number;
}

/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and ranks functions by self and inclusive time,
 * using the per-sample time deltas so idle gaps are not spread evenly.
 */
export function hotspots(profile: CpuProfile, top = 25): { self: Hotspot[]; total: Hotspot[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfMs.set(samples[i], (selfMs.get(samples[i]) ?? 0) + dt);
  }
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ms);
    }
  }
  const rank = (m: Map<string, number>, other: Map<string, number>, selfFirst: boolean): Hotspot[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => (selfFirst ? { fn, selfMs: Math.round(ms), totalMs: Math.round(other.get(fn) ?? 0) } : { fn, selfMs: Math.round(other.get(fn) ?? 0), totalMs: Math.round(ms) }));
  return { self: rank(self, total, true), total: rank(total, self, false) };
}

if (process.argv[1]?.endsWith('hotspots.js')) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const { self, total } = hotspots(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  process.stdout.write('self ms  total ms  function\n');
  for (const h of self) process.stdout.write(`${String(h.selfMs).padStart(7)}  ${String(h.totalMs).padStart(8)}  ${h.fn}\n`);
  process.stdout.write('\nby inclusive time\n');
  for (const h of total) process.stdout.write(`${String(h.selfMs).padStart(7)}  ${String(h.totalMs).padStart(8)}  ${h.fn}\n`);
}
