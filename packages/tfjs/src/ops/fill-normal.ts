/**
 * Fills `out` with N(mean, std^2) draws from a seeded xoshiro128** stream, by Marsaglia & Tsang's
 * ziggurat (128 layers): about 99 % of draws cost one 32-bit random number, a table look-up and a
 * multiply. Done on the host because tfjs' `randomNormal` draws one value at a time through a
 * seedrandom object (about 30 ms for the 800k values of one LeNet-5 step); this takes a few ms.
 * The same seed always gives the same values.
 */
export function fillNormal(out: Float32Array, mean: number, std: number, seed: number): Float32Array {
  const state = seedState(seed);
  const { kn, wn, fn } = tables();
  const n = out.length;
  // The generator's state lives in locals on the fast path (typed-array traffic costs ~2x here).
  let s0 = state[0];
  let s1 = state[1];
  let s2 = state[2];
  let s3 = state[3];
  for (let i = 0; i < n; i++) {
    // xoshiro128** (as nextInt32), inlined.
    const hz = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) {
      // The fast path (about 99 %): inside layer iz's rectangle.
      out[i] = mean + std * (hz * wn[iz]);
    } else {
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      out[i] = mean + std * slowPath(state, hz, iz, kn, wn, fn);
      s0 = state[0];
      s1 = state[1];
      s2 = state[2];
      s3 = state[3];
    }
  }
  return out;
}

/** The wedge between layers, or the tail beyond R (Marsaglia & Tsang's `nfix`). */
function slowPath(
  state: Int32Array,
  hz0: number,
  iz0: number,
  kn: Float64Array,
  wn: Float64Array,
  fn: Float64Array,
): number {
  let hz = hz0;
  let iz = iz0;
  for (;;) {
    const v = hz * wn[iz];
    if (iz === 0) {
      let a: number;
      let b: number;
      do {
        a = -Math.log(uniform(state)) / ZIGGURAT_R;
        b = -Math.log(uniform(state));
      } while (b + b < a * a);
      return hz > 0 ? ZIGGURAT_R + a : -ZIGGURAT_R - a;
    }
    if (fn[iz] + uniform(state) * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * v * v)) return v;
    hz = nextInt32(state);
    iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

/** xoshiro128** state from a seed, spread by SplitMix32 (as @anl/core's createRng does). */
function seedState(seed: number): Int32Array {
  const state = new Int32Array(4);
  let x = seed | 0;
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[k] = z ^ (z >>> 16);
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return state;
}

/** The next xoshiro128** output as a signed 32-bit integer. */
function nextInt32(s: Int32Array): number {
  const s0 = s[0];
  const s1 = s[1];
  const s2 = s[2] ^ s0;
  const s3 = s[3] ^ s1;
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ (s1 << 9);
  s[3] = rotl(s3, 11);
  return r;
}

/** A uniform in (0, 1]: never 0, so its log is finite. */
function uniform(state: Int32Array): number {
  return ((nextInt32(state) >>> 0) + 1) * 2 ** -32;
}

/** Where the ziggurat's tail starts, for 128 layers (Marsaglia & Tsang 2000). */
const ZIGGURAT_R = 3.442619855899;

let cached: { kn: Float64Array; wn: Float64Array; fn: Float64Array } | null = null;

/** The 128-layer ziggurat tables for int32 draws (Marsaglia & Tsang's `zigset`), built once. */
function tables(): { kn: Float64Array; wn: Float64Array; fn: Float64Array } {
  if (cached !== null) return cached;
  const m1 = 2 ** 31;
  const vn = 9.91256303526217e-3; // the area of each layer
  const kn = new Float64Array(128);
  const wn = new Float64Array(128);
  const fn = new Float64Array(128);
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * m1;
  kn[1] = 0;
  wn[0] = q / m1;
  wn[127] = dn / m1;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * m1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
  cached = { kn, wn, fn };
  return cached;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
