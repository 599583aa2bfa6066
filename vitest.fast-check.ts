import fc from 'fast-check';

/**
 * Property tests run from a fixed seed by default, so `npm test` (and CI) is reproducible: a
 * failure on one machine fails the same way everywhere. `npm run test:fuzz` explores instead:
 * FC_SEED=random draws a fresh seed (fast-check prints it with any counterexample) and
 * FC_NUM_RUNS raises the number of cases per property. A test's own `{ seed }` still wins.
 */
const DEFAULT_SEED = 20261123;

const seedSetting = process.env.FC_SEED;
const numRunsSetting = process.env.FC_NUM_RUNS;

fc.configureGlobal({
  ...(seedSetting === 'random' ? {} : { seed: seedSetting ? Number(seedSetting) : DEFAULT_SEED }),
  ...(numRunsSetting ? { numRuns: Number(numRunsSetting) } : {}),
});
