import fc from 'fast-check';

/**
 * Every test file starts from the same random state, so `npm test` (and CI) is reproducible: a
 * failure on one machine fails the same way everywhere.
 *
 * - fast-check properties run from a fixed seed (a test's own `{ seed }` still wins).
 * - `Math.random` is a seeded generator: tfjs draws its unseeded initialisers, `randomUniform`
 *   and `fit`'s shuffling from it, so a test that forgets a seed is still repeatable.
 *
 * `npm run test:fuzz` explores instead: ANL_TEST_SEED=random draws fresh seeds (fast-check prints
 * its seed with any counterexample), ANL_TEST_SEED=<n> picks one, FC_NUM_RUNS raises the number of
 * cases per property.
 */
const DEFAULT_SEED = 20261123;

const seedSetting = process.env.ANL_TEST_SEED;
const numRunsSetting = process.env.FC_NUM_RUNS;
const seed =
  seedSetting === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : seedSetting
      ? Number(seedSetting)
      : DEFAULT_SEED;
if (!Number.isInteger(seed))
  throw new Error(`ANL_TEST_SEED: expected an integer or 'random', got ${seedSetting}`);
if (seedSetting === 'random') console.log(`ANL_TEST_SEED=${seed}`);

fc.configureGlobal({ seed, ...(numRunsSetting ? { numRuns: Number(numRunsSetting) } : {}) });
Math.random = mulberry32(seed);

/** A small, well-mixed 32-bit generator (mulberry32); Math.random only needs [0, 1) uniforms. */
function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
