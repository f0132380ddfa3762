/** One row of `bench/results.json`. */
export interface BenchResult {
  identities: number;
  /** Identities the scan reported (first-party Microsoft apps excluded, service-account users included). */
  scannedIdentities: number;
  nodes: number;
  edges: number;
  findings: number;
  runs: number;
  /** read + every stage + every render. */
  totalSeconds: number;
  /** read + scan: the full offline scan with all rules and paths, without rendering (median). */
  scanSeconds: number;
  /** read + scan of every run, in run order: the spread on a shared machine. */
  scanRunsSeconds: number[];
  /** CPU seconds (all threads, GC included) of read + scan, median over the runs. */
  scanCpuSeconds: number;
  /** Minor page faults of read + scan (first touches of memory, the whole process), median over the runs. */
  scanPageFaults: number;
  /**
   * Main-thread garbage-collection pauses of read + scan, medians over the runs: scavenges of the
   * young generation and full collections (with their incremental marking), count and seconds.
   */
  scanGc: { scavenges: number; scavengeSeconds: number; fulls: number; fullSeconds: number };
  peakRssMb: number;
  stages: Record<string, number>;
  snapshotMb: number;
  /** The generator's seed: with the policy source, what makes the estate the same bytes again. */
  seed: string;
  /** Where the AWS managed policies came from: the shared corpus, or the generator's built-in set of 12 when the corpus file is absent. */
  managedPolicies: 'corpus' | 'built-in';
}
