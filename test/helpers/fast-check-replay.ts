/**
 * Replays a property-based test that failed. fast-check's failure message names the run that
 * failed, `{ seed: -772202891, path: "12:3" }`: set NHISCAN_FC_SEED and NHISCAN_FC_PATH to those
 * values and run the one test (`npx vitest run FILE -t 'NAME'`) to get the same counterexample,
 * with no edit to the test. A path belongs to one property, hence `-t`. Without the variables
 * nothing is loaded, so the suite pays nothing for this.
 */
const seed = process.env.NHISCAN_FC_SEED;
if (seed !== undefined && seed !== '') {
  if (!/^-?\d+$/.test(seed)) throw new Error(`NHISCAN_FC_SEED must be an integer, as fast-check prints it, not ${JSON.stringify(seed)}`);
  const { default: fc } = await import('fast-check');
  const path = process.env.NHISCAN_FC_PATH;
  fc.configureGlobal({ seed: Number(seed), ...(path ? { path } : {}) });
}
